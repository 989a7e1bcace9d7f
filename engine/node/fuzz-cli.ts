/** `ledgerlab fuzz`: many seeds, each with its own fault mix, checked by the independent checkers. */
import { fuzz, fuzzOne, type FuzzCase } from '../api/fuzz.ts';
import { PROTOCOLS } from '../consensus/index.ts';
import type { ProtocolName } from '../consensus/protocol.ts';
import { integerFlag, parse, UsageError, type Io } from './cli-support.ts';

export const FUZZ_USAGE = `Usage: ledgerlab fuzz --protocol P [--seeds N] [--first-seed S] [--seed S] [--beyond-tolerance] [--json]

  --protocol P         ${Object.keys(PROTOCOLS).join(', ')}
  --seeds N            how many seeds to run (default 100)
  --first-seed S       the first seed (default 1); seeds S, S+1, ... S+N-1 run
  --seed S             run only seed S, printing its fault mix (the replay command of a failure)
  --beyond-tolerance   fail more nodes than the protocol tolerates (f+1): the checkers must catch it
  --json               one JSON object: seeds, failing seeds with their violations, counts by checker

Within tolerance the run succeeds (exit 0) when no seed shows a violation or a loss of progress.
With --beyond-tolerance it succeeds when the checkers catch at least one, proving they can fail.
Example: npx ledgerlab fuzz --protocol raft --seeds 300`;

export async function fuzzCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      protocol: { type: 'string' },
      seeds: { type: 'string' },
      'first-seed': { type: 'string' },
      seed: { type: 'string' },
      'beyond-tolerance': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    FUZZ_USAGE,
  );
  if (values.help) {
    io.out(FUZZ_USAGE);
    return 0;
  }
  const protocol = values.protocol;
  if (protocol === undefined || !(protocol in PROTOCOLS)) throw new UsageError(`--protocol must be one of ${Object.keys(PROTOCOLS).join(', ')}${protocol === undefined ? '' : `, got "${protocol}"`}.\n\n${FUZZ_USAGE}`);
  const beyondTolerance = values['beyond-tolerance'] ?? false;
  const options = { protocol: protocol as ProtocolName, beyondTolerance };
  if (values.seed !== undefined) {
    const result = fuzzOne(integerFlag(values.seed, 'seed', 1, 0, Number.MAX_SAFE_INTEGER, FUZZ_USAGE), options);
    io.out(values.json ? JSON.stringify(result) : describeCase(result, true));
    return beyondTolerance === result.violations.length > 0 ? 0 : 1;
  }
  const seeds = integerFlag(values.seeds, 'seeds', 100, 1, 1_000_000, FUZZ_USAGE);
  const first = integerFlag(values['first-seed'], 'first-seed', 1, 0, Number.MAX_SAFE_INTEGER, FUZZ_USAGE);
  const summary = fuzz(first, seeds, options, (c) => {
    if (!values.json && c.violations.length > 0 && !beyondTolerance) io.out(describeCase(c, false));
  });
  const caught = summary.failing.length;
  if (values.json) {
    io.out(JSON.stringify({ ...summary, failing: summary.failing.map((c) => ({ seed: c.seed, nodes: c.nodes, faults: c.faults, violations: c.violations, replay: c.replay })) }));
  } else {
    const counts = Object.entries(summary.byChecker).map(([checker, n]) => `${checker} ${n}`).join(', ') || 'none';
    io.out(
      beyondTolerance
        ? `${protocol} beyond tolerance: the checkers caught a violation or a loss of progress in ${caught} of ${seeds} seeds (${counts}).`
        : `${protocol}: ${seeds} seeds within tolerance, ${caught} with violations (${counts}).`,
    );
  }
  return beyondTolerance ? (caught > 0 ? 0 : 1) : caught === 0 ? 0 : 1;
}

function describeCase(c: FuzzCase, full: boolean): string {
  const lines = [`seed ${c.seed}: ${c.protocol}, ${c.nodes} nodes (tolerates ${c.tolerance}), faulty ${c.faulty.length ? c.faulty.join(',') : 'none'}`];
  if (full) lines.push(`  faults: ${c.faults}`, `  finalized: ${c.finalizedAtHeal} at the heal, ${c.finalizedAtEnd} at the end; ${c.events} events`);
  for (const v of c.violations) lines.push(`  VIOLATION [${v.checker}] at ${v.atMs} ms: ${v.detail}`);
  if (c.violations.length === 0) lines.push('  no violations');
  lines.push(`  replay: ${c.replay}`);
  return lines.join('\n');
}
