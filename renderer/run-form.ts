/**
 * The run form as pure data: field limits, defaults and parsing into the engine's RunOptions.
 * No DOM here, so it is unit-tested in Node (test/renderer/run-form.test.ts).
 */
import type { ProtocolName, RunOptions, RunReport } from '../engine/api/types.ts';

export const PROTOCOLS: readonly { readonly id: ProtocolName; readonly label: string }[] = [
  { id: 'poa', label: 'Proof of authority (PoA)' },
  { id: 'raft', label: 'Raft (crash-tolerant leader)' },
  { id: 'bft', label: 'Tendermint BFT (Byzantine-tolerant)' },
  { id: 'pow', label: 'Proof of work (Nakamoto)' },
];

export interface FieldLimits {
  readonly min: number;
  readonly max: number;
}

/** Bounds the form accepts; the engine puts its own limits on top. */
export const RUN_LIMITS = {
  nodes: { min: 1, max: 64 },
  seed: { min: 0, max: 2 ** 32 - 1 },
  blocks: { min: 1, max: 10_000 },
  txs: { min: 0, max: 100_000 },
} as const satisfies Record<'nodes' | 'seed' | 'blocks' | 'txs', FieldLimits>;

export type NumericField = keyof typeof RUN_LIMITS;

/** What the inputs hold: text as typed, so a half-typed value is not silently coerced. */
export interface RunFormValues {
  protocol: string;
  nodes: string;
  seed: string;
  blocks: string;
  txs: string;
}

export const DEFAULT_FORM: Readonly<RunFormValues> = {
  protocol: 'poa',
  nodes: '4',
  seed: '1',
  blocks: '10',
  txs: '20',
};

export const FIELD_LABELS: Readonly<Record<keyof RunFormValues, string>> = {
  protocol: 'Protocol',
  nodes: 'Nodes',
  seed: 'Seed',
  blocks: 'Blocks',
  txs: 'Transactions',
};

export type RunFormResult =
  | { readonly ok: true; readonly options: RunOptions }
  | { readonly ok: false; readonly errors: Partial<Record<keyof RunFormValues, string>> };

function isProtocolName(value: string): value is ProtocolName {
  return PROTOCOLS.some((protocol) => protocol.id === value);
}

function parseWholeNumber(text: string, { min, max }: FieldLimits): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : null;
}

/** Turns the typed values into RunOptions, or says per field what to fix. */
export function parseRunForm(values: RunFormValues): RunFormResult {
  const errors: Partial<Record<keyof RunFormValues, string>> = {};
  if (!isProtocolName(values.protocol)) errors.protocol = `Choose one of: ${PROTOCOLS.map((p) => p.id).join(', ')}.`;
  const numbers: Partial<Record<NumericField, number>> = {};
  for (const field of Object.keys(RUN_LIMITS) as NumericField[]) {
    const limits = RUN_LIMITS[field];
    const value = parseWholeNumber(values[field], limits);
    if (value === null) errors[field] = `${FIELD_LABELS[field]} must be a whole number from ${limits.min} to ${limits.max}.`;
    else numbers[field] = value;
  }
  const { nodes, seed, blocks, txs } = numbers;
  if (Object.keys(errors).length > 0 || nodes === undefined || seed === undefined || blocks === undefined || txs === undefined) {
    return { ok: false, errors };
  }
  return { ok: true, options: { protocol: values.protocol as ProtocolName, nodes, seed, blocks, txs } };
}

export interface ReportSummary {
  /** True when every node reports the same state root (and there is at least one node). */
  readonly allNodesAgree: boolean;
  /** Distinct state roots, in order of first appearance. */
  readonly distinctRoots: readonly string[];
  /** For each node, the index of its root in distinctRoots, so the UI can group disagreeing nodes. */
  readonly rootGroupByNode: readonly number[];
}

export function summarizeReport(report: Pick<RunReport, 'stateRoots'>): ReportSummary {
  const distinctRoots: string[] = [];
  const rootGroupByNode = report.stateRoots.map((root) => {
    const known = distinctRoots.indexOf(root);
    if (known >= 0) return known;
    distinctRoots.push(root);
    return distinctRoots.length - 1;
  });
  return { allNodesAgree: distinctRoots.length === 1, distinctRoots, rootGroupByNode };
}

/** "1,234 ms" below ten seconds, "12.3 s" above: wall times in the report. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 10_000) return `${Math.round(ms).toLocaleString('en')} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
