/**
 * The fault script: what goes wrong, and when, as one line of text usable from the CLI
 * (`--faults`), tests, the fuzzer's replay commands and later the UI.
 *
 * Grammar: steps separated by ";", each `@TIME ACTION ARGS`, TIME in ms or s (`1500ms`, `2s`,
 * `2.5s`). Actions:
 *   crash N | restart N                 a node loses its memory / boots from its disk
 *   partition 0,1|2,3                   groups that cannot reach each other (unlisted nodes form one more group)
 *   cut A>B | cut A-B                   one link, one way or both
 *   heal                                all links restored
 *   latency MS[+JITTER] [A-B]           base one-way latency and jitter, for all links or one
 *   drop RATE [A-B]                     probability in [0, 1] that a message is lost
 *   dup RATE [A-B]                      probability in [0, 1] that a message is delivered twice
 *   byzantine N BEHAVIOUR | honest N    a node misbehaves (see the protocol's behaviours) / stops
 * Example: "@2s crash 1; @6s restart 1; @3s partition 0,1|2,3; @8s heal; @0s drop 0.05"
 */
import { LedgerlabError } from '../core/assert.ts';
import type { NodeId } from '../sim/events.ts';
import type { Network } from './network.ts';

export type FaultAction =
  | { kind: 'crash' | 'restart'; node: NodeId }
  | { kind: 'partition'; groups: NodeId[][] }
  | { kind: 'cut'; from: NodeId; to: NodeId; oneWay: boolean }
  | { kind: 'heal' }
  | { kind: 'latency'; latencyMs: number; jitterMs: number; link?: [NodeId, NodeId] }
  | { kind: 'drop' | 'dup'; rate: number; link?: [NodeId, NodeId] }
  | { kind: 'byzantine'; node: NodeId; behaviour: string }
  | { kind: 'honest'; node: NodeId };

export interface FaultStep {
  atMs: number;
  action: FaultAction;
}

const HELP = 'Write steps like "@2s crash 1; @6s restart 1; @3s partition 0,1|2,3; @8s heal" (see `ledgerlab run --help`).';

export function parseFaults(spec: string, nodeCount: number): FaultStep[] {
  const steps: FaultStep[] = [];
  const parts = spec.split(';').map((p) => p.trim()).filter((p) => p.length > 0);
  parts.forEach((part, index) => {
    const where = `fault step ${index + 1} ("${part}")`;
    const fail = (problem: string): never => {
      throw new LedgerlabError('bad-fault', `${where}: ${problem}.`, HELP);
    };
    const words = part.split(/\s+/);
    const time = /^@(\d+(?:\.\d+)?)(ms|s)$/.exec(words[0] ?? '');
    if (!time) fail('it must start with a time such as @2s or @1500ms');
    const atMs = Math.round(Number(time![1]) * (time![2] === 's' ? 1000 : 1));
    const [verb, ...args] = words.slice(1);
    const node = (text: string | undefined): NodeId => {
      if (text === undefined || !/^\d+$/.test(text)) fail(`expected a node number, got "${text ?? ''}"`);
      const n = Number(text);
      if (n >= nodeCount) fail(`there is no node ${n}: nodes are numbered 0 to ${nodeCount - 1}`);
      return n;
    };
    const link = (text: string | undefined): [NodeId, NodeId] | undefined => {
      if (text === undefined) return undefined;
      const m = /^(\d+)-(\d+)$/.exec(text);
      if (!m) fail(`expected a link such as 0-1, got "${text}"`);
      return [node(m![1]), node(m![2])];
    };
    const rate = (text: string | undefined): number => {
      const r = Number(text);
      if (text === undefined || !Number.isFinite(r) || r < 0 || r > 1) fail(`expected a probability between 0 and 1, got "${text ?? ''}"`);
      return r;
    };
    const expectArgs = (min: number, max: number) => {
      if (args.length < min || args.length > max) fail(`"${verb}" takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}`);
    };
    let action: FaultAction;
    switch (verb) {
      case 'crash':
      case 'restart':
        expectArgs(1, 1);
        action = { kind: verb, node: node(args[0]) };
        break;
      case 'partition': {
        expectArgs(1, 1);
        const groups = args[0]!.split('|').map((g) => g.split(',').map((n) => node(n)));
        const seen = new Set<number>();
        for (const n of groups.flat()) {
          if (seen.has(n)) fail(`node ${n} is in two groups`);
          seen.add(n);
        }
        action = { kind: 'partition', groups };
        break;
      }
      case 'cut': {
        expectArgs(1, 1);
        const m = /^(\d+)([>-])(\d+)$/.exec(args[0]!);
        if (!m) fail('expected a link such as 0>1 (one way) or 0-1 (both ways)');
        action = { kind: 'cut', from: node(m![1]), to: node(m![3]), oneWay: m![2] === '>' };
        break;
      }
      case 'heal':
        expectArgs(0, 0);
        action = { kind: 'heal' };
        break;
      case 'latency': {
        expectArgs(1, 2);
        const m = /^(\d+)(?:\+(\d+))?$/.exec(args[0]!);
        if (!m) fail('expected latency in ms, optionally with jitter, such as 50 or 50+20');
        const l = link(args[1]);
        action = { kind: 'latency', latencyMs: Number(m![1]), jitterMs: Number(m![2] ?? 0), ...(l ? { link: l } : {}) };
        break;
      }
      case 'drop':
      case 'dup': {
        expectArgs(1, 2);
        const l = link(args[1]);
        action = { kind: verb, rate: rate(args[0]), ...(l ? { link: l } : {}) };
        break;
      }
      case 'byzantine':
        expectArgs(2, 2);
        action = { kind: 'byzantine', node: node(args[0]), behaviour: args[1]! };
        break;
      case 'honest':
        expectArgs(1, 1);
        action = { kind: 'honest', node: node(args[0]) };
        break;
      default:
        return fail(`unknown action "${verb ?? ''}"; use crash, restart, partition, cut, heal, latency, drop, dup, byzantine or honest`);
    }
    steps.push({ atMs, action });
  });
  return steps.sort((a, b) => a.atMs - b.atMs);
}

export function formatFaults(steps: readonly FaultStep[]): string {
  return steps.map(({ atMs, action: a }) => {
    const at = atMs % 1000 === 0 ? `@${atMs / 1000}s` : `@${atMs}ms`;
    const link = 'link' in a && a.link ? ` ${a.link[0]}-${a.link[1]}` : '';
    switch (a.kind) {
      case 'crash':
      case 'restart':
      case 'honest':
        return `${at} ${a.kind} ${a.node}`;
      case 'partition':
        return `${at} partition ${a.groups.map((g) => g.join(',')).join('|')}`;
      case 'cut':
        return `${at} cut ${a.from}${a.oneWay ? '>' : '-'}${a.to}`;
      case 'heal':
        return `${at} heal`;
      case 'latency':
        return `${at} latency ${a.latencyMs}+${a.jitterMs}${link}`;
      case 'drop':
      case 'dup':
        return `${at} ${a.kind} ${a.rate}${link}`;
      case 'byzantine':
        return `${at} byzantine ${a.node} ${a.behaviour}`;
    }
  }).join('; ');
}

/** Apply one fault to the network now. */
export function applyFault(network: Network, action: FaultAction): void {
  switch (action.kind) {
    case 'crash':
      return network.crash(action.node);
    case 'restart':
      return network.restart(action.node);
    case 'partition':
      return network.partition(action.groups);
    case 'cut':
      network.sim.network.cut(action.from, action.to, action.oneWay);
      network.sim.record({ type: 'fault', fault: 'cut', detail: `${action.from}${action.oneWay ? '>' : '-'}${action.to}` });
      return;
    case 'heal':
      return network.heal();
    case 'latency':
      return network.setLink({ latencyMs: action.latencyMs, jitterMs: action.jitterMs }, action.link?.[0], action.link?.[1]);
    case 'drop':
      return network.setLink({ dropRate: action.rate }, action.link?.[0], action.link?.[1]);
    case 'dup':
      return network.setLink({ duplicateRate: action.rate }, action.link?.[0], action.link?.[1]);
    case 'byzantine':
      return network.makeByzantine(action.node, action.behaviour);
    case 'honest':
      return network.makeByzantine(action.node, undefined);
  }
}

/** Schedule every step at its time (steps in the past run at once). */
export function scheduleFaults(network: Network, steps: readonly FaultStep[]): void {
  for (const step of steps) {
    // Check Byzantine behaviours up front, so a typo fails before the run, not in the middle.
    if (step.action.kind === 'byzantine') network.checkBehaviour(step.action.behaviour);
    network.faultAt(step.atMs, step.action);
  }
}
