/**
 * Wall-clock time for reports and benches only: never read by simulation logic (determinism).
 * `performance` exists in Node, browsers, workers and Electron; it is not in the ES lib types.
 */
declare const performance: { now(): number };

export function wallClockMs(): number {
  return performance.now();
}
