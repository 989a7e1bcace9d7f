/**
 * `ledgerlab session` replays what the studio showed: the frame's replay line, run headless,
 * gives the same trace hash and state roots — changes made mid-instant, after time travel and
 * on a forked timeline included.
 */
import { describe, expect, it } from 'vitest';
import { StudioSession } from '../../engine/api/session.ts';
import { main } from '../../engine/node/cli.ts';

/** Split a replay line the way a shell would (single-quoted arguments). */
function argv(line: string): string[] {
  const words = line.match(/'[^']*'|\S+/g) ?? [];
  return words.map((w) => (w.startsWith("'") ? w.slice(1, -1) : w)).slice(2); // drop "npx ledgerlab"
}

async function replay(line: string): Promise<{ code: number; report: { traceHash: string; stateRoots: string[]; now: number; alive: boolean[] } }> {
  const out: string[] = [];
  const code = await main([...argv(line), '--json'], { out: (t) => out.push(t), err: (t) => out.push(t) });
  return { code, report: JSON.parse(out.join('\n')) };
}

describe('ledgerlab session', () => {
  it('replays a studio session with its changes to the same trace hash', async () => {
    const s = new StudioSession({ protocol: 'raft', nodes: 5, seed: 4, txPerSecond: 8 });
    s.advance({ by: 'time', ms: 3_000 });
    while (s.network.now < 3_400) s.advance({ by: 'events', count: 1 }); // mid-instant
    s.crash(2);
    s.advance({ by: 'blocks', count: 2 });
    s.partition([[0, 1]]);
    s.advance({ by: 'time', ms: 1_500 });
    s.setLink({ latencyMs: 40, jitterMs: 10, dropRate: 0.05 });
    s.heal();
    s.advance({ by: 'time', ms: 2_000 });
    const frame = s.frame();
    expect(frame.replay).toMatch(/^npx ledgerlab session --protocol raft --nodes 5 --seed 4 --tx-per-second 8 --until \d+ms --faults '.*crash 2.*partition 0,1\|2,3,4.*latency 40\+10.*drop 0\.05.*heal'$/);
    const { code, report } = await replay(frame.replay);
    expect(code).toBe(0);
    expect(report.now).toBe(frame.now);
    expect(report.traceHash, frame.replay).toBe(s.network.trace.hash());
    expect(report.stateRoots).toEqual(frame.nodes.map((n) => n.stateRoot));
  });

  it('replays a forked timeline: the changes of its past and its own, not the original future', async () => {
    const s = new StudioSession({ protocol: 'poa', nodes: 4, seed: 9 });
    s.advance({ by: 'time', ms: 6_000 });
    s.crash(3);
    s.advance({ by: 'time', ms: 4_000 });
    s.seek(3_000);
    s.makeByzantine(1, 'silent');
    s.advance({ by: 'time', ms: 3_000 });
    const frame = s.frame();
    expect(frame.timeline.id).toBe(1);
    expect(frame.replay).not.toMatch(/crash 3/);
    const { report } = await replay(frame.replay);
    expect(report.traceHash).toBe(s.network.trace.hash());
  });

  it('refuses changes the studio never makes, and bad times, with the fix', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => err.push(t) };
    expect(await main(['session', '--faults', '@1s cut 0>1'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/"cut" is not a change the studio makes/);
    expect(await main(['session', '--until', 'soon'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/--until must be a time such as 15s/);
  });
});
