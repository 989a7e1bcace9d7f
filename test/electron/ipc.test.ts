import { describe, expect, it } from 'vitest';
import { CHANNELS, PROJECT_FILE_BYTES_MAX, isSafeFileName, isSaveProjectRequest } from '../../electron/bridge.ts';
import { IPC_ERRORS, createIpcHandlers, type InvokeEventLike, type IpcDependencies } from '../../electron/ipc.ts';
import { APP_ENTRY_URL } from '../../electron/security.ts';

const fromApp: InvokeEventLike = { senderFrame: { url: APP_ENTRY_URL, parent: null } };
const fromIframe: InvokeEventLike = { senderFrame: { url: APP_ENTRY_URL, parent: {} } };
const fromElsewhere: InvokeEventLike = { senderFrame: { url: 'https://evil.example/', parent: null } };
const fromGone: InvokeEventLike = { senderFrame: null };

interface FakeDisk {
  files: Map<string, string>;
  dialogs: { open: string | null; save: string | null };
  saveSuggestions: string[];
}

function fakeDependencies(disk: FakeDisk): IpcDependencies {
  return {
    versions: { app: '0.1.0', electron: '45.4.1', chrome: '142.0.0.0' },
    showOpenProjectDialog: async () => disk.dialogs.open,
    showSaveProjectDialog: async (suggestedName) => {
      disk.saveSuggestions.push(suggestedName);
      return disk.dialogs.save;
    },
    fileSize: async (filePath) => {
      const content = disk.files.get(filePath);
      if (content === undefined) throw new Error(`ENOENT: ${filePath}`);
      return Buffer.byteLength(content);
    },
    readTextFile: async (filePath) => {
      const content = disk.files.get(filePath);
      if (content === undefined) throw new Error(`ENOENT: ${filePath}`);
      return content;
    },
    writeTextFile: async (filePath, content) => {
      disk.files.set(filePath, content);
    },
  };
}

function setup(files: Record<string, string> = {}) {
  const disk: FakeDisk = { files: new Map(Object.entries(files)), dialogs: { open: null, save: null }, saveSuggestions: [] };
  return { disk, handlers: createIpcHandlers(fakeDependencies(disk)) };
}

describe('every IPC channel', () => {
  it.each(Object.values(CHANNELS))('%s answers only the top frame of the bundle', async (channel) => {
    const { handlers } = setup();
    for (const event of [fromIframe, fromElsewhere, fromGone]) {
      await expect(handlers[channel](event)).resolves.toEqual({
        ok: false,
        code: 'untrustedSender',
        message: IPC_ERRORS.untrustedSender,
      });
    }
  });

  it.each(Object.values(CHANNELS))('%s refuses extra arguments', async (channel) => {
    const { handlers } = setup();
    await expect(handlers[channel](fromApp, 1, 2)).resolves.toMatchObject({ ok: false, code: 'invalidPayload' });
  });
});

describe('version', () => {
  it('reports the app, Electron and Chrome versions', async () => {
    const { handlers } = setup();
    await expect(handlers[CHANNELS.version](fromApp)).resolves.toEqual({
      ok: true,
      value: { app: '0.1.0', electron: '45.4.1', chrome: '142.0.0.0' },
    });
  });
});

describe('open project', () => {
  it('returns the chosen file’s name and JSON content, never its path', async () => {
    const { disk, handlers } = setup({ '/home/ada/labs/poa.json': '{"nodes":4}' });
    disk.dialogs.open = '/home/ada/labs/poa.json';
    await expect(handlers[CHANNELS.openProject](fromApp)).resolves.toEqual({
      ok: true,
      value: { name: 'poa.json', content: '{"nodes":4}' },
    });
  });

  it('resolves to null when the user cancels', async () => {
    const { handlers } = setup();
    await expect(handlers[CHANNELS.openProject](fromApp)).resolves.toEqual({ ok: true, value: null });
  });

  it('refuses files that are not JSON projects, too large, or unreadable, with a coded message', async () => {
    const huge = 'x'.repeat(PROJECT_FILE_BYTES_MAX + 1);
    const { disk, handlers } = setup({ '/p/notes.txt': '{}', '/p/bad.json': '{nope', '/p/huge.json': huge });
    const cases: [string, string][] = [
      ['/p/notes.txt', 'notAProjectFile'],
      ['/p/bad.json', 'projectNotJson'],
      ['/p/huge.json', 'projectTooLarge'],
      ['/p/missing.json', 'fileSystem'],
    ];
    for (const [chosen, code] of cases) {
      disk.dialogs.open = chosen;
      const result = await handlers[CHANNELS.openProject](fromApp);
      expect(result).toEqual({ ok: false, code, message: IPC_ERRORS[code as keyof typeof IPC_ERRORS] });
      expect(JSON.stringify(result)).not.toContain('/p/'); // no paths leak to the renderer
    }
  });
});

describe('save project', () => {
  it('writes the JSON where the user chose, adding .json, and returns only the name', async () => {
    const { disk, handlers } = setup();
    disk.dialogs.save = '/home/ada/labs/run-7';
    const result = await handlers[CHANNELS.saveProject](fromApp, { suggestedName: 'poa-4', content: '{"seed":7}' });
    expect(result).toEqual({ ok: true, value: { name: 'run-7.json' } });
    expect(disk.saveSuggestions).toEqual(['poa-4.json']);
    expect(disk.files.get('/home/ada/labs/run-7.json')).toBe('{"seed":7}');
  });

  it('writes nothing when the user cancels', async () => {
    const { disk, handlers } = setup();
    await expect(handlers[CHANNELS.saveProject](fromApp, { suggestedName: 'a.json', content: '{}' })).resolves.toEqual({
      ok: true,
      value: null,
    });
    expect(disk.files.size).toBe(0);
  });

  it.each([
    ['no payload', undefined],
    ['a string', '{"suggestedName":"a","content":"{}"}'],
    ['an array', ['a.json', '{}']],
    ['a missing field', { suggestedName: 'a.json' }],
    ['an extra field', { suggestedName: 'a.json', content: '{}', path: '/etc/passwd' }],
    ['a path as the name', { suggestedName: '../../etc/passwd', content: '{}' }],
    ['a Windows path as the name', { suggestedName: 'C:\\Users\\x.json', content: '{}' }],
    ['a non-string content', { suggestedName: 'a.json', content: 42 }],
    ['content that is not JSON', { suggestedName: 'a.json', content: 'rm -rf /' }],
  ])('rejects %s without showing a dialog', async (_label, payload) => {
    const { disk, handlers } = setup();
    disk.dialogs.save = '/tmp/x.json';
    await expect(handlers[CHANNELS.saveProject](fromApp, payload)).resolves.toMatchObject({ ok: false, code: 'invalidPayload' });
    expect(disk.saveSuggestions).toEqual([]);
    expect(disk.files.size).toBe(0);
  });
});

describe('payload guards', () => {
  it('accept plain file names only', () => {
    expect(isSafeFileName('poa-4 nodes.json')).toBe(true);
    for (const name of ['', '.', '..', 'a/b', 'a\\b', 'a:b', 'nul\u0000', 'x'.repeat(200)]) expect(isSafeFileName(name)).toBe(false);
  });

  it('accept a save request with exactly a safe name and JSON content', () => {
    expect(isSaveProjectRequest({ suggestedName: 'a.json', content: '[]' })).toBe(true);
    expect(isSaveProjectRequest(Object.assign(Object.create({ inherited: 1 }), { suggestedName: 'a', content: '1' }))).toBe(true);
    expect(isSaveProjectRequest(null)).toBe(false);
  });
});
