/**
 * Main-process IPC handlers as plain functions over injected dependencies (dialogs, files,
 * versions), so they are tested in Node with fakes. main.ts registers them with ipcMain.handle.
 */
import path from 'node:path';
import {
  CHANNELS,
  PROJECT_FILE_BYTES_MAX,
  PROJECT_FILE_EXTENSION,
  isJsonText,
  isSaveProjectRequest,
  type AppVersions,
  type BridgeResult,
  type Channel,
  type OpenedProject,
  type SavedProject,
} from './bridge.ts';
import { isTrustedSender, type SenderFrameLike } from './security.ts';

/** User-facing errors of the desktop shell: a code and a sentence the user can act on. */
export const IPC_ERRORS = {
  untrustedSender: 'Only the Ledgerlab window itself may use desktop functions.',
  invalidPayload: 'The request to the desktop shell was malformed and was ignored.',
  notAProjectFile: `Ledgerlab projects are ${PROJECT_FILE_EXTENSION} files; choose a ${PROJECT_FILE_EXTENSION} file.`,
  projectTooLarge: `The project file is larger than ${PROJECT_FILE_BYTES_MAX / (1024 * 1024)} MiB; Ledgerlab will not open it.`,
  projectNotJson: 'The file is not valid JSON, so it cannot be a Ledgerlab project.',
  fileSystem: 'The file could not be read or written; check that it exists and that you may access it.',
} as const;

export type IpcErrorCode = keyof typeof IPC_ERRORS;

export class BridgeError extends Error {
  constructor(readonly code: IpcErrorCode) {
    super(IPC_ERRORS[code]);
    this.name = 'BridgeError';
  }
}

/** What the handlers need from Electron and the file system. */
export interface IpcDependencies {
  readonly versions: AppVersions;
  /** Shows an open dialog for project files; resolves to the chosen path or null if cancelled. */
  showOpenProjectDialog(): Promise<string | null>;
  /** Shows a save dialog proposing `suggestedName`; resolves to the chosen path or null. */
  showSaveProjectDialog(suggestedName: string): Promise<string | null>;
  fileSize(filePath: string): Promise<number>;
  readTextFile(filePath: string): Promise<string>;
  writeTextFile(filePath: string, content: string): Promise<void>;
}

/** The part of IpcMainInvokeEvent the handlers read. */
export interface InvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
}

export type IpcHandler = (event: InvokeEventLike, ...args: unknown[]) => Promise<BridgeResult<unknown>>;

function hasProjectExtension(filePath: string): boolean {
  return path.extname(filePath).toLowerCase() === PROJECT_FILE_EXTENSION;
}

function withProjectExtension(filePath: string): string {
  return hasProjectExtension(filePath) ? filePath : `${filePath}${PROJECT_FILE_EXTENSION}`;
}

/** Checks the sender, runs the body, and turns every failure into a coded result. */
function guarded<T>(
  expectedArgs: number,
  body: (args: unknown[]) => Promise<T>,
): IpcHandler {
  return async (event, ...args) => {
    if (!isTrustedSender(event.senderFrame)) return failure('untrustedSender');
    if (args.length !== expectedArgs) return failure('invalidPayload');
    try {
      return { ok: true, value: await body(args) };
    } catch (error) {
      // Raw errors carry paths and stack traces; the renderer only learns the code.
      return failure(error instanceof BridgeError ? error.code : 'fileSystem');
    }
  };
}

function failure(code: IpcErrorCode): BridgeResult<never> {
  return { ok: false, code, message: IPC_ERRORS[code] };
}

export function createIpcHandlers(deps: IpcDependencies): Record<Channel, IpcHandler> {
  return {
    [CHANNELS.version]: guarded(0, async (): Promise<AppVersions> => ({ ...deps.versions })),

    [CHANNELS.openProject]: guarded(0, async (): Promise<OpenedProject | null> => {
      const filePath = await deps.showOpenProjectDialog();
      if (filePath === null) return null;
      if (!hasProjectExtension(filePath)) throw new BridgeError('notAProjectFile');
      if ((await deps.fileSize(filePath)) > PROJECT_FILE_BYTES_MAX) throw new BridgeError('projectTooLarge');
      const content = await deps.readTextFile(filePath);
      if (!isJsonText(content)) throw new BridgeError('projectNotJson');
      return { name: path.basename(filePath), content };
    }),

    [CHANNELS.saveProject]: guarded(1, async ([request]): Promise<SavedProject | null> => {
      if (!isSaveProjectRequest(request)) throw new BridgeError('invalidPayload');
      if (Buffer.byteLength(request.content, 'utf8') > PROJECT_FILE_BYTES_MAX) throw new BridgeError('projectTooLarge');
      const chosen = await deps.showSaveProjectDialog(withProjectExtension(request.suggestedName));
      if (chosen === null) return null;
      const filePath = withProjectExtension(chosen);
      await deps.writeTextFile(filePath, request.content);
      return { name: path.basename(filePath) };
    }),
  };
}
