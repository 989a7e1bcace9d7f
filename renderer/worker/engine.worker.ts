/**
 * The engine's home in the browser: a module Web Worker, so a long simulation never blocks the
 * page. It exposes the engine API (engine/api) over Comlink, one module per view; only plain
 * data crosses.
 */
import { expose } from 'comlink';
import { runNetworkAsync } from '../../engine/api/index.ts';
import type { RunOptions, RunReport } from '../../engine/api/types.ts';
import { explorerApi } from './explorer-api.ts';
import { liveApi } from './live-api.ts';
import { metricsApi } from './metrics-api.ts';
import { networkApi } from './network-api.ts';
import { scenarioApi } from './scenario-api.ts';

const engineWorkerApi = {
  /** runNetwork for async hosts: verifies the workload's signatures with native WebCrypto first; same report. */
  runNetwork(options: RunOptions): Promise<RunReport> {
    return runNetworkAsync(options);
  },
  ...liveApi,
  ...networkApi,
  ...explorerApi,
  ...metricsApi,
  ...scenarioApi,
};

/** What the page may call in the worker; engine-client.ts wraps it with Comlink. */
export type EngineWorkerApi = typeof engineWorkerApi;

expose(engineWorkerApi);
