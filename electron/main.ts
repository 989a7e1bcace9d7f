/**
 * Electron main process: the composition root. All decisions live in security.ts, protocol.ts,
 * ipc.ts and menu.ts (tested in Node); this file only wires them into Electron.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, session, shell } from 'electron';
import { PROJECT_FILE_EXTENSION } from './bridge.ts';
import { createIpcHandlers } from './ipc.ts';
import { menuTemplate } from './menu.ts';
import { appResponseHeaders, resolveAppRequest } from './protocol.ts';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  WEB_PREFERENCES,
  isAllowedExternal,
  isAllowedNavigation,
  isPermissionGranted,
} from './security.ts';

// Must run before `ready`: a standard, secure scheme gets an origin, fetch and module workers.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const rendererRoot = path.join(app.getAppPath(), 'out', 'renderer');
const preloadPath = path.join(app.getAppPath(), 'out', 'electron', 'preload.cjs');
const projectFilters = [{ name: 'Ledgerlab project', extensions: [PROJECT_FILE_EXTENSION.slice(1)] }];

let mainWindow: BrowserWindow | null = null;

function serveBundle(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const resolved = resolveAppRequest({ url: request.url, method: request.method }, rendererRoot);
    if (!resolved.ok) return new Response(resolved.reason, { status: resolved.status });
    try {
      const body = await readFile(resolved.filePath);
      return new Response(request.method === 'HEAD' ? null : body, { headers: appResponseHeaders(resolved.filePath) });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

function registerIpc(): void {
  const handlers = createIpcHandlers({
    versions: { app: app.getVersion(), electron: process.versions.electron, chrome: process.versions.chrome },
    async showOpenProjectDialog() {
      const options = { properties: ['openFile' as const], filters: projectFilters };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async showSaveProjectDialog(suggestedName) {
      const options = { defaultPath: suggestedName, filters: projectFilters };
      const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return result.canceled ? null : (result.filePath ?? null);
    },
    fileSize: async (filePath) => (await stat(filePath)).size,
    readTextFile: (filePath) => readFile(filePath, 'utf8'),
    writeTextFile: (filePath, content) => writeFile(filePath, content, 'utf8'),
  });
  for (const [channel, handler] of Object.entries(handlers)) ipcMain.handle(channel, handler);
}

function lockDownSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(isPermissionGranted(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
}

app.on('web-contents-created', (_event, contents) => {
  const stayInBundle = (details: { readonly url: string; preventDefault(): void }) => {
    if (!isAllowedNavigation(details.url)) details.preventDefault();
  };
  // will-frame-navigate also covers subframes; will-redirect covers server-side redirects.
  contents.on('will-navigate', stayInBundle);
  contents.on('will-frame-navigate', stayInBundle);
  contents.on('will-redirect', stayInBundle);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) setImmediate(() => void shell.openExternal(url));
    return { action: 'deny' };
  });
});

function createMainWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Ledgerlab',
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: preloadPath },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  void mainWindow.loadURL(APP_ENTRY_URL);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
  void app.whenReady().then(() => {
    lockDownSessions();
    serveBundle();
    registerIpc();
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ isMac: process.platform === 'darwin', isPackaged: app.isPackaged })));
    createMainWindow();
  });
}
