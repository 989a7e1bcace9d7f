/**
 * Small pure helpers of the chain explorer: a refresh throttle (live data at a bounded rate),
 * and the words and labels the panels show. No DOM; unit-tested in Node.
 */
import type { TamperNodeVerdict, TreeBlock, TxSummary } from '../../../engine/api/explorer.ts';

/**
 * Runs `work` at most once per `intervalMs`, never twice at once, and always once more after
 * the last request (trailing), so the view settles on the newest data. The clock and timer are
 * injected, so tests drive time by hand.
 */
export class Throttle {
  #last = Number.NEGATIVE_INFINITY;
  #running = false;
  #pending = false;
  #timer: unknown = null;
  #disposed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly clock: () => number = () => performance.now(),
    private readonly timers: { set(run: () => void, ms: number): unknown; clear(handle: unknown): void } = {
      set: (run, ms) => setTimeout(run, ms),
      clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
  ) {}

  /** Ask for a run: now if the interval has passed, else once it has. */
  request(): void {
    if (this.#disposed) return;
    if (this.#running) {
      this.#pending = true;
      return;
    }
    if (this.#timer !== null) return;
    const wait = this.#last + this.intervalMs - this.clock();
    if (wait <= 0) void this.#run();
    else this.#timer = this.timers.set(() => {
      this.#timer = null;
      void this.#run();
    }, wait);
  }

  /** Run now, whatever the interval (a user asked for it). */
  now(): Promise<void> {
    if (this.#timer !== null) {
      this.timers.clear(this.#timer);
      this.#timer = null;
    }
    return this.#run();
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== null) this.timers.clear(this.#timer);
    this.#timer = null;
  }

  async #run(): Promise<void> {
    if (this.#disposed) return;
    if (this.#running) {
      this.#pending = true;
      return;
    }
    this.#running = true;
    this.#last = this.clock();
    try {
      await this.work();
    } finally {
      this.#running = false;
      if (this.#pending) {
        this.#pending = false;
        this.request();
      }
    }
  }
}

export function shortHash(hash: string, length = 8): string {
  return hash.length > length ? hash.slice(0, length) : hash;
}

/** Virtual time as the studio shows it: "12.345 s". */
export function formatTime(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** What a block is, in the words its tile and its accessible name use. */
export function blockStatusWords(block: Pick<TreeBlock, 'canonical' | 'finalized' | 'orphaned' | 'problem' | 'linkBroken'>): string[] {
  const words: string[] = [];
  if (block.problem) words.push('altered');
  if (block.linkBroken) words.push('link broken');
  if (block.orphaned) words.push('orphan');
  else if (block.finalized) words.push('final');
  else words.push('not final yet');
  return words;
}

/** The accessible name of a block tile: everything the tile shows, in a sentence. */
export function blockLabel(block: TreeBlock, head: boolean): string {
  const parts = [`Block ${block.height}`, block.height === 0 ? 'genesis' : `by ${block.proposer}`, `${block.txCount} transaction${block.txCount === 1 ? '' : 's'}`, ...blockStatusWords(block)];
  if (head) parts.push('head');
  return `${parts.join(', ')}. Hash ${shortHash(block.hash)}.`;
}

export const TX_STATUS_WORDS: Record<TxSummary['status'], string> = {
  ok: 'ok',
  reverted: 'reverted',
  out_of_gas: 'out of gas',
  out_of_memory: 'out of memory',
  invalid: 'invalid',
  unknown: 'no receipt',
};

/** A node's answer in the tamper demo, as a short label and a kind for styling. */
export function tamperResponseLabel(verdict: Pick<TamperNodeVerdict, 'response'>): { label: string; tone: 'bad' | 'good' | 'muted' } {
  switch (verdict.response) {
    case 'tampered':
      return { label: 'tampered copy', tone: 'bad' };
    case 'rejected':
      return { label: 'rejects it', tone: 'good' };
    case 'ignored':
      return { label: 'keeps its own copy', tone: 'good' };
    case 'accepted':
      return { label: 'stored it aside', tone: 'muted' };
    case 'kept-aside':
      return { label: 'cannot place it', tone: 'muted' };
    case 'down':
      return { label: 'down', tone: 'muted' };
  }
}

/** What a node's answer rests on, without repeating the label. */
export function tamperDetail(verdict: Pick<TamperNodeVerdict, 'response' | 'reason' | 'detail' | 'intactDetail' | 'says'>): string {
  if (verdict.response === 'rejected' && verdict.reason) return `${verdict.reason}: ${verdict.detail ?? ''}`;
  if (verdict.response === 'tampered') return verdict.intactDetail ? `its own chain no longer verifies: ${verdict.intactDetail}` : 'nothing after the edit contradicts it yet';
  return verdict.says;
}

/** Whether a scroll box is (nearly) scrolled to its right end, so new blocks should keep it there. */
export function atRightEnd(scrollLeft: number, clientWidth: number, scrollWidth: number, slack = 48): boolean {
  return scrollLeft + clientWidth >= scrollWidth - slack;
}
