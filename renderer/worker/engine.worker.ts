/**
 * The engine's home in the browser: a module Web Worker, so a long simulation never blocks the
 * page. It exposes exactly the engine API (engine/api) over Comlink; nothing else crosses.
 */
import { expose } from 'comlink';
import { runNetworkAsync } from '../../engine/api/index.ts';
import type { RunOptions, RunReport } from '../../engine/api/types.ts';

const engineWorkerApi = {
  /** runNetwork for async hosts: verifies the workload's signatures with native WebCrypto first; same report. */
  runNetwork(options: RunOptions): Promise<RunReport> {
    return runNetworkAsync(options);
  },
};

/** What the page may call in the worker; engine-client.ts wraps it with Comlink. */
export type EngineWorkerApi = typeof engineWorkerApi;

expose(engineWorkerApi);
