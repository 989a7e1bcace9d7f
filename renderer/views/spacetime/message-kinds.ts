/**
 * How the space-time diagram names and colours message types: the network graph's own table
 * (network/graph-style.ts), so an arrow here and a token on the graph have the same colour.
 * Colour is never the only signal: the legend and tooltip name the type, and replies (a ring on
 * the graph) get an open arrowhead here.
 */
import { messageKind as graphKind } from '../network/graph-style.ts';

export interface MessageKind {
  /** A CSS custom property from styles.css, e.g. '--c-blue'. */
  colourVar: string;
  label: string;
  /** A reply (vote reply, append reply): drawn with an open arrowhead. */
  reply: boolean;
  /** Light on a light page (yellow): drawn with a dark casing so it stays visible. */
  light: boolean;
}

export function messageKind(msg: string): MessageKind {
  const kind = graphKind(msg);
  return { colourVar: kind.colour, label: kind.label, reply: msg.endsWith('-reply'), light: kind.colour === '--c-yellow' };
}

/** Legend order: the protocol's own messages first (alphabetical), then blocks and sync, transactions last. */
export function sortMessageTypes(types: Iterable<string>): string[] {
  const rank = (t: string) => (t === 'tx' ? 3 : t === 'block' ? 1 : t.startsWith('sync.') ? 2 : 0);
  return [...types].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
