/**
 * The contract between preload.ts (renderer side) and ipc.ts (main side): channel names,
 * payload shapes and their guards. Bundled into both; imports nothing at runtime.
 */

/** Name of the object the preload puts on window: `window.ledgerlab`. */
export const BRIDGE_GLOBAL = 'ledgerlab';

export const CHANNELS = {
  version: 'ledgerlab:version',
  openProject: 'ledgerlab:open-project',
  saveProject: 'ledgerlab:save-project',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** Project files are JSON text; the cap keeps a stray huge file from freezing the window. */
export const PROJECT_FILE_BYTES_MAX = 16 * 1024 * 1024;
export const PROJECT_FILE_EXTENSION = '.json';
export const SUGGESTED_NAME_CHARS_MAX = 128;

export interface AppVersions {
  readonly app: string;
  readonly electron: string;
  readonly chrome: string;
}

export interface OpenedProject {
  /** File name only; the renderer never sees or sends file system paths. */
  readonly name: string;
  readonly content: string;
}

export interface SaveProjectRequest {
  /** Default file name offered by the save dialog, e.g. "poa-4-nodes.json". */
  readonly suggestedName: string;
  /** JSON text to write. */
  readonly content: string;
}

export interface SavedProject {
  readonly name: string;
}

/** What every invoke handler answers: data or a coded error, never a raw exception. */
export type BridgeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** The functions `window.ledgerlab` offers. Cancelled dialogs resolve to null. */
export interface LedgerlabBridge {
  version(): Promise<AppVersions>;
  openProject(): Promise<OpenedProject | null>;
  saveProject(request: SaveProjectRequest): Promise<SavedProject | null>;
}

/** A file name a user could have typed: no separators, no control characters, no "..". */
export function isSafeFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= SUGGESTED_NAME_CHARS_MAX &&
    name !== '.' &&
    name !== '..' &&
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    !/[/\\:*?"<>|\u0000-\u001f\u007f]/.test(name)
  );
}

/** Guard for the save payload: exactly the two string fields, within limits, content is JSON. */
export function isSaveProjectRequest(value: unknown): value is SaveProjectRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value).sort();
  if (keys.length !== 2 || keys[0] !== 'content' || keys[1] !== 'suggestedName') return false;
  const { suggestedName, content } = value as Record<string, unknown>;
  if (typeof suggestedName !== 'string' || !isSafeFileName(suggestedName)) return false;
  if (typeof content !== 'string' || content.length > PROJECT_FILE_BYTES_MAX) return false;
  return isJsonText(content);
}

export function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
