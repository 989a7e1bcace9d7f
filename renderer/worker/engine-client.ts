/**
 * The page's handle on the engine worker. Calls go through Comlink; a worker that dies (failed
 * to load, uncaught error) rejects the pending call instead of leaving it hanging, and the next
 * call starts a fresh worker.
 */
import { releaseProxy, wrap, type Remote } from 'comlink';
import type { RunOptions, RunReport } from '../../engine/api/types.ts';
import type { EngineWorkerApi } from './engine.worker.ts';

interface LiveWorker {
  readonly worker: Worker;
  readonly remote: Remote<EngineWorkerApi>;
  /** Rejects when the worker reports a fatal error. */
  readonly crashed: Promise<never>;
}

export class EngineClient {
  #live: LiveWorker | null = null;

  async runNetwork(options: RunOptions): Promise<RunReport> {
    return this.call('runNetwork', options);
  }

  /** Call any engine worker function by name, typed by the worker's API. */
  async call<K extends keyof EngineWorkerApi>(name: K, ...args: Parameters<EngineWorkerApi[K]>): Promise<Awaited<ReturnType<EngineWorkerApi[K]>>> {
    const live = this.#ensureWorker();
    const fn = live.remote[name] as unknown as (...a: unknown[]) => Promise<Awaited<ReturnType<EngineWorkerApi[K]>>>;
    try {
      return await Promise.race([fn(...args), live.crashed]);
    } catch (error) {
      // An error thrown by the engine leaves the worker usable; a crash does not.
      if (error instanceof EngineWorkerCrash) this.#discard(live);
      throw error;
    }
  }

  /** Stops the worker; a later call starts a new one. */
  dispose(): void {
    if (this.#live) this.#discard(this.#live);
  }

  #ensureWorker(): LiveWorker {
    if (this.#live) return this.#live;
    const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'ledgerlab-engine' });
    const crashed = new Promise<never>((_resolve, reject) => {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        reject(new EngineWorkerCrash(event.message || 'the engine worker failed to start'));
      });
      worker.addEventListener('messageerror', () => reject(new EngineWorkerCrash('a message from the engine could not be read')));
    });
    crashed.catch(() => undefined); // observed through Promise.race; avoid an unhandled rejection
    this.#live = { worker, remote: wrap<EngineWorkerApi>(worker), crashed };
    return this.#live;
  }

  #discard(live: LiveWorker): void {
    live.remote[releaseProxy]();
    live.worker.terminate();
    if (this.#live === live) this.#live = null;
  }
}

export class EngineWorkerCrash extends Error {
  constructor(detail: string) {
    super(`The engine stopped unexpectedly (${detail}). Try again; if it keeps failing, reload the page.`);
    this.name = 'EngineWorkerCrash';
  }
}
