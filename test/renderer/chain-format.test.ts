import { describe, expect, it } from 'vitest';
import { atRightEnd, blockLabel, blockStatusWords, formatTime, tamperResponseLabel, Throttle } from '../../renderer/views/chain/explorer-format.ts';

/** A hand-driven clock and timer queue. */
function fakeTime() {
  let now = 0;
  const timers: Array<{ at: number; run: () => void; id: number }> = [];
  let next = 1;
  return {
    clock: () => now,
    timers: {
      set(run: () => void, ms: number) {
        const id = next++;
        timers.push({ at: now + ms, run, id });
        return id;
      },
      clear(handle: unknown) {
        const i = timers.findIndex((t) => t.id === handle);
        if (i >= 0) timers.splice(i, 1);
      },
    },
    async advance(ms: number) {
      now += ms;
      for (const due of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(due), 1);
        due.run();
      }
      await Promise.resolve();
      await Promise.resolve();
    },
  };
}

describe('the refresh throttle', () => {
  it('runs at once, then at most once per interval, and once more after the last request', async () => {
    const time = fakeTime();
    let runs = 0;
    const throttle = new Throttle(500, async () => void runs++, time.clock, time.timers);
    throttle.request();
    expect(runs).toBe(1);
    await time.advance(100);
    throttle.request();
    throttle.request();
    throttle.request();
    expect(runs).toBe(1);
    await time.advance(399);
    expect(runs).toBe(1);
    await time.advance(1);
    expect(runs).toBe(2);
    await time.advance(10_000);
    expect(runs).toBe(2);
  });

  it('never runs twice at once: a request during a run is served after it', async () => {
    const time = fakeTime();
    let release: () => void = () => undefined;
    let runs = 0;
    const throttle = new Throttle(0, () => {
      runs++;
      return new Promise<void>((resolve) => (release = resolve));
    }, time.clock, time.timers);
    throttle.request();
    throttle.request();
    expect(runs).toBe(1);
    release();
    await time.advance(0);
    expect(runs).toBe(2);
  });

  it('stops for good when disposed', async () => {
    const time = fakeTime();
    let runs = 0;
    const throttle = new Throttle(500, async () => void runs++, time.clock, time.timers);
    throttle.request();
    throttle.request();
    throttle.dispose();
    await time.advance(1_000);
    throttle.request();
    expect(runs).toBe(1);
  });
});

describe('explorer words', () => {
  const base = { hash: 'abcdef0123456789', parentHash: 'p', height: 7, proposer: 'node-2', timeMs: 7000, txCount: 1, canonical: true, finalized: true, orphaned: false, linkBroken: false };

  it('names a block tile by everything it shows, never by colour alone', () => {
    expect(blockLabel(base, true)).toBe('Block 7, by node-2, 1 transaction, final, head. Hash abcdef01.');
    expect(blockStatusWords({ ...base, canonical: false, finalized: false, orphaned: true })).toEqual(['orphan']);
    expect(blockStatusWords({ ...base, problem: 'x', linkBroken: true, finalized: false })).toEqual(['altered', 'link broken', 'not final yet']);
  });

  it('formats time and the tamper answers', () => {
    expect(formatTime(12_345)).toBe('12.345 s');
    expect(tamperResponseLabel({ response: 'rejected' })).toEqual({ label: 'rejects it', tone: 'good' });
    expect(tamperResponseLabel({ response: 'tampered' }).tone).toBe('bad');
  });

  it('knows when the tree is scrolled to its newest end', () => {
    expect(atRightEnd(0, 800, 800)).toBe(true);
    expect(atRightEnd(1000, 800, 1820)).toBe(true);
    expect(atRightEnd(0, 800, 2000)).toBe(false);
  });
});
