/**
 * Sandboxed preload: exposes `window.ledgerlab`, a few fixed functions over fixed channels.
 * Never ipcRenderer itself, never an IpcRendererEvent. Built as one CommonJS file
 * (scripts/build-electron.mjs) because a sandboxed preload can load nothing but `electron`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, CHANNELS, type BridgeResult, type Channel, type LedgerlabBridge } from './bridge.ts';

async function invoke<T>(channel: Channel, ...args: unknown[]): Promise<T> {
  const result = (await ipcRenderer.invoke(channel, ...args)) as BridgeResult<T>;
  if (result.ok) return result.value;
  throw new Error(`${result.code}: ${result.message}`);
}

const bridge: LedgerlabBridge = {
  version: () => invoke(CHANNELS.version),
  openProject: () => invoke(CHANNELS.openProject),
  // Copy the two fields so nothing else (getters, prototypes) crosses the bridge.
  saveProject: (request) =>
    invoke(CHANNELS.saveProject, { suggestedName: request.suggestedName, content: request.content }),
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
