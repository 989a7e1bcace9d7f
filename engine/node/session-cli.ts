/**
 * `ledgerlab session`: replay a studio session headless. The studio's Network tab prints this
 * command for its current timeline (settings, every change as a fault script, and the time), so
 * what a trainer saw can be rerun, checked and shared: same trace hash, same state roots.
 */
import { StudioSession, type SessionFrame } from '../api/session.ts';
import { parseFaults, type FaultAction, type FaultStep } from '../api/faults.ts';
import { PROTOCOLS, type ProtocolParam } from '../consensus/index.ts';
import { integerFlag, parse, UsageError, type Io } from './cli-support.ts';

export const SESSION_USAGE = `Usage: ledgerlab session [--protocol P] [--nodes N] [--seed S] [--tx-per-second R] [--until TIME] [--faults SPEC] [--params JSON] [--json]

  --protocol P         consensus protocol: ${Object.keys(PROTOCOLS).join(', ')} (default poa)
  --nodes N            number of nodes, 1-200 (default 4)
  --seed S             the session's seed (default 1)
  --tx-per-second R    the studio's steady load of transfers, 0-1000 (default 5)
  --until TIME         virtual time to run to, e.g. 15s or 15000ms (default 10s)
  --faults SPEC        the changes made in the studio, as "@TIME ACTION ARGS; ..." (crash N, restart N,
                       partition 0,1|2,3, heal, latency MS+JITTER, drop RATE, byzantine N B, honest N)
  --params JSON        protocol parameters
  --json               print one JSON object (now, height, finalized, stateRoots, violations, traceHash)

The studio prints this command for what it shows (the replay line under the network controls).
Example: npx ledgerlab session --protocol raft --nodes 5 --seed 1 --until 12s --faults '@4s crash 2; @8s restart 2'`;

function parseTime(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const match = /^(\d+)(ms|s)$/.exec(text.trim());
  if (!match) throw new UsageError(`--until must be a time such as 15s or 15000ms, got "${text}".\n\n${SESSION_USAGE}`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/** Carry out one fault-script step through the session, as the studio's buttons do. */
function apply(session: StudioSession, steps: readonly FaultStep[], index: number): number {
  const { action } = steps[index]!;
  const next = steps[index + 1];
  switch (action.kind) {
    case 'crash':
      session.crash(action.node);
      return 1;
    case 'restart':
      session.restart(action.node);
      return 1;
    case 'partition':
      session.partition(action.groups);
      return 1;
    case 'heal':
      session.heal();
      return 1;
    case 'byzantine':
      session.makeByzantine(action.node, action.behaviour);
      return 1;
    case 'honest':
      session.makeByzantine(action.node, undefined);
      return 1;
    case 'latency':
    case 'drop': {
      // The studio changes links in one go: latency and drop at the same instant are one change.
      const together = next && next.atMs === steps[index]!.atMs && (next.action.kind === 'latency' || next.action.kind === 'drop') && next.action.kind !== action.kind ? next.action : undefined;
      const spec: { latencyMs?: number; jitterMs?: number; dropRate?: number } = {};
      const parts: FaultAction[] = together ? [action, together] : [action];
      for (const a of parts) {
        if (a.kind === 'latency') Object.assign(spec, { latencyMs: a.latencyMs, jitterMs: a.jitterMs });
        if (a.kind === 'drop') spec.dropRate = a.rate;
      }
      if ('link' in action && action.link) throw new UsageError(`a studio session changes every link at once: leave out "${action.link.join('-')}" in --faults.`);
      session.setLink(spec);
      return together ? 2 : 1;
    }
    default:
      throw new UsageError(`"${action.kind}" is not a change the studio makes: use crash, restart, partition, heal, latency, drop, byzantine or honest in --faults.`);
  }
}

export async function sessionCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      protocol: { type: 'string' },
      nodes: { type: 'string' },
      seed: { type: 'string' },
      'tx-per-second': { type: 'string' },
      until: { type: 'string' },
      faults: { type: 'string' },
      params: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    SESSION_USAGE,
  );
  if (values.help) {
    io.out(SESSION_USAGE);
    return 0;
  }
  const protocol = values.protocol ?? 'poa';
  if (!(protocol in PROTOCOLS)) throw new UsageError(`--protocol must be one of ${Object.keys(PROTOCOLS).join(', ')}, got "${protocol}".\n\n${SESSION_USAGE}`);
  const nodes = integerFlag(values.nodes, 'nodes', 4, 1, 200, SESSION_USAGE);
  const seed = integerFlag(values.seed, 'seed', 1, 0, Number.MAX_SAFE_INTEGER, SESSION_USAGE);
  const txPerSecond = integerFlag(values['tx-per-second'], 'tx-per-second', 5, 0, 1_000, SESSION_USAGE);
  const untilMs = parseTime(values.until, 10_000);
  let params: Record<string, ProtocolParam> | undefined;
  if (values.params !== undefined) {
    try {
      params = JSON.parse(values.params) as Record<string, ProtocolParam>;
    } catch {
      throw new UsageError(`--params must be a JSON object, e.g. '{"confirmations":6}'.\n\n${SESSION_USAGE}`);
    }
  }
  const steps = values.faults ? parseFaults(values.faults, nodes) : [];
  const session = new StudioSession({ protocol: protocol as StudioSession['info']['protocol'], nodes, seed, txPerSecond, ...(params ? { params } : {}) });
  for (let i = 0; i < steps.length; ) {
    const step = steps[i]!;
    if (step.atMs > untilMs) break;
    session.advance({ by: 'time', ms: step.atMs - session.network.now });
    i += apply(session, steps, i);
  }
  session.advance({ by: 'time', ms: Math.max(0, untilMs - session.network.now) });
  const frame: SessionFrame = session.frame(0);
  const report = {
    protocol,
    nodes,
    seed,
    now: frame.now,
    height: frame.height,
    finalized: frame.finalized,
    stateRoots: frame.nodes.map((n) => n.stateRoot),
    alive: frame.nodes.map((n) => n.alive),
    violations: frame.violations,
    traceHash: session.network.trace.hash(),
    replay: frame.replay,
  };
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else {
    io.out(`ledgerlab session: ${protocol}, ${nodes} nodes, seed ${seed}, ${txPerSecond} tx/s, to ${untilMs} ms${steps.length ? `, ${steps.length} change(s)` : ''}`);
    io.out(`  height ${report.height}, finalized ${report.finalized}, nodes down: ${report.alive.flatMap((a, i) => (a ? [] : [i])).join(', ') || 'none'}`);
    io.out(`  violations: ${report.violations.length === 0 ? 'none' : report.violations.map((v) => `[${v.checker}] ${v.detail}`).join('; ')}`);
    io.out(`  traceHash ${report.traceHash}`);
  }
  return report.violations.length > 0 ? 1 : 0;
}
