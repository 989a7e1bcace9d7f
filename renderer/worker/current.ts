/**
 * The worker's one live session, shared by the API modules (live, explorer, metrics...). Only
 * the worker touches it; the page sees plain frames.
 */
import { LedgerlabError } from '../../engine/api/index.ts';
import type { StudioSession } from '../../engine/api/session.ts';

let current: StudioSession | null = null;

export function setSession(session: StudioSession | null): void {
  current = session;
}

export function session(): StudioSession {
  if (!current) throw new LedgerlabError('no-session', 'no network is running.', 'Start one with the Start button (or call start()).');
  return current;
}

export function hasSession(): boolean {
  return current !== null;
}
