/**
 * Loading a scenario: YAML text → a checked {@link Scenario}, or errors that name the file,
 * line and column, say what is wrong and how to fix it. Never a stack trace.
 *
 * Three passes: YAML syntax (the `yaml` library), shape (the zod schema in format.ts), and
 * meaning (every actor, contract and transaction a step refers to exists, ids are unique,
 * a transaction is named before it is checked).
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { parseFaults } from '../api/faults.ts';
import { ScenarioSpec, type Scenario } from './format.ts';

export interface ScenarioProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(readonly problems: ScenarioProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(p: ScenarioProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

type Path = ReadonlyArray<string | number>;

/** Parse and check a scenario; throws {@link ScenarioError} listing every problem found. */
export function loadScenario(text: string, file = 'scenario.yaml'): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (path: Path, message: string): ScenarioProblem => {
    const offset = offsetOf(doc, path);
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, message };
  };
  if (doc.errors.length > 0) {
    // The first syntax error is the one to fix; the rest usually follow from it.
    const first = doc.errors[0]!;
    const pos = lineCounter.linePos(first.pos[0]);
    throw new ScenarioError([{ file, line: pos.line, column: pos.col, message: `YAML syntax: ${first.message.split('\n')[0]}. Check the indentation, colons and quotes on this line.` }]);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError([{ file, line: 1, column: 1, message: 'a scenario is a YAML mapping with title, summary, network, actors and steps' }]);
  }
  const parsed = ScenarioSpec.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((issue) => specificIssues(issue, raw));
    throw new ScenarioError(dedupe(issues.map((issue) => at(issue.path as Path, describeIssue(issue, raw)))));
  }
  const problems = checkMeaning(parsed.data, at);
  if (problems.length > 0) throw new ScenarioError(problems);
  return parsed.data;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/**
 * For "one of these forms" (an action or a check), report the problems of the form the author
 * meant — the one named by the entry's key — rather than a list of every form.
 */
function specificIssues(issue: z.core.$ZodIssue, raw: unknown): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const value = valueAt(raw, issue.path);
  const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  for (const branch of issue.errors) {
    if (keys.length > 0 && branch.length > 0 && branch.every((b) => b.path.length > 0 && keys.includes(String(b.path[0])))) {
      return branch.flatMap((b) => specificIssues({ ...b, path: [...issue.path, ...b.path] } as z.core.$ZodIssue, raw));
    }
  }
  return [issue];
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys') return `${where}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
  if (valueAt(raw, issue.path) === undefined) return `${where}missing: add it (${issue.message})`;
  return `${where}${issue.message}`;
}

function dedupe(problems: ScenarioProblem[]): ScenarioProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Offset of the node at `path`, or of its closest existing ancestor. */
function offsetOf(doc: Document, path: Path): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      // A missing key inside a mapping: point at the mapping's first entry, not its end.
      return node.range[0];
    }
  }
  return 0;
}

function checkMeaning(s: Scenario, at: (path: Path, message: string) => ScenarioProblem): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const actors = new Map<string, number>();
  s.actors.forEach((a, i) => {
    if (actors.has(a.id)) problems.push(at(['actors', i, 'id'], `actor "${a.id}" is defined twice: give each actor its own id`));
    actors.set(a.id, i);
  });
  const actorList = [...actors.keys()].join(', ');
  const needActor = (name: string, path: Path) => {
    if (!actors.has(name)) problems.push(at(path, `unknown actor "${name}": define it under actors (known: ${actorList})`));
  };
  s.actors.forEach((a, i) => a.credentials?.forEach((c, j) => needActor(c.issuer, ['actors', i, 'credentials', j, 'issuer'])));
  const contracts = new Set<string>();
  (s.contracts ?? []).forEach((c, i) => {
    if (contracts.has(c.id)) problems.push(at(['contracts', i, 'id'], `contract "${c.id}" is defined twice`));
    contracts.add(c.id);
    needActor(c.deployer, ['contracts', i, 'deployer']);
  });
  const needContract = (name: string, path: Path) => {
    if (!contracts.has(name)) problems.push(at(path, `unknown contract "${name}": define it under contracts (known: ${[...contracts].join(', ') || 'none'})`));
  };
  const txs = new Map<string, 'call' | 'issue' | 'double-spend' | 'other'>();
  const nameTx = (name: string | undefined, kind: 'call' | 'issue' | 'double-spend' | 'other', path: Path) => {
    if (name === undefined) return;
    if (txs.has(name)) problems.push(at(path, `transaction name "${name}" is used twice: names given with "as:" must be unique`));
    txs.set(name, kind);
  };
  const needTx = (name: string, path: Path, kind?: 'issue' | 'double-spend') => {
    const known = txs.get(name);
    if (!known) problems.push(at(path, `no earlier transaction is named "${name}": add "as: ${name}" to the action that makes it, in this step or before`));
    else if (kind && known !== kind) problems.push(at(path, kind === 'issue' ? `"${name}" is not a credential issued with "issue:"` : `"${name}" is not a payment made with "doubleSpend:" (name it there with "as: ${name}")`));
  };
  // Proof-of-work stories (story 8): mining rewards, who runs which node, double spends.
  const protocols = new Set([s.network.protocol, ...(s.network.protocols ?? [])]);
  const powOnly = (what: string, path: Path) => {
    if ([...protocols].some((p) => p !== 'pow')) problems.push(at(path, `${what} needs proof-of-work: set protocol: pow and protocols: [pow]`));
  };
  const mining = s.network.mining;
  if (mining) {
    powOnly('mining', ['network', 'mining']);
    const shares = mining.hashShares;
    if (shares && shares.length !== s.network.nodes) problems.push(at(['network', 'mining', 'hashShares'], `list one hash share per node: this network has ${s.network.nodes} nodes, the list has ${shares.length}`));
    if (shares && !shares.some((share) => share > 0)) problems.push(at(['network', 'mining', 'hashShares'], 'at least one node must mine: give it a share above 0'));
  }
  const nodeOwner = new Map<number, string>();
  s.actors.forEach((a, i) => {
    if (a.node === undefined) return;
    if (a.node >= s.network.nodes) problems.push(at(['actors', i, 'node'], `there is no node ${a.node}: this network has nodes 0 to ${s.network.nodes - 1}`));
    if (nodeOwner.has(a.node)) problems.push(at(['actors', i, 'node'], `node ${a.node} is already run by "${nodeOwner.get(a.node)}": one actor per node`));
    nodeOwner.set(a.node, a.id);
  });
  s.actors.forEach((a, i) => a.credentials?.forEach((c, j) => nameTx(c.as, 'issue', ['actors', i, 'credentials', j, 'as'])));
  // Private transfers and calls: who may read them, and which named transactions are sealed.
  const privateTxs = new Set<string>();
  const needParties = (parties: string[] | undefined, insiders: string[], name: string | undefined, path: Path) => {
    if (!parties) return;
    parties.forEach((p, k) => {
      needActor(p, [...path, k]);
      if (parties.indexOf(p) !== k) problems.push(at([...path, k], `"${p}" is listed twice: name each party once`));
    });
    for (const insider of insiders) {
      if (!parties.includes(insider)) problems.push(at(path, `"${insider}" takes part, so must be one of the parties: add ${insider} to private`));
    }
    if (name !== undefined && s.network.visibility === 'private') privateTxs.add(name);
  };
  const deployedLater = new Set<string>();
  s.steps.forEach((step, i) => {
    (step.actions ?? []).forEach((action, j) => {
      const base: Path = ['steps', i, 'actions', j];
      if ('transfer' in action) {
        needActor(action.transfer.from, [...base, 'transfer', 'from']);
        needActor(action.transfer.to, [...base, 'transfer', 'to']);
        needParties(action.transfer.private, [action.transfer.from, action.transfer.to], action.transfer.as, [...base, 'transfer', 'private']);
        nameTx(action.transfer.as, 'other', [...base, 'transfer', 'as']);
      } else if ('call' in action) {
        needActor(action.call.by, [...base, 'call', 'by']);
        needContract(action.call.contract, [...base, 'call', 'contract']);
        if ((s.contracts ?? []).some((c) => c.id === action.call.contract && c.later) && !deployedLater.has(action.call.contract)) {
          problems.push(at([...base, 'call', 'contract'], `contract "${action.call.contract}" is not deployed yet: add "deploy: { contract: ${action.call.contract} }" before this call`));
        }
        needParties(action.call.private, [action.call.by], action.call.as, [...base, 'call', 'private']);
        if (action.call.private && s.network.visibility === 'private' && (action.call.value ?? 0) > 0) {
          problems.push(at([...base, 'call', 'value'], 'a private call cannot send value: moving it would show the amount to everyone. Leave value out and settle with a public transfer later'));
        }
        nameTx(action.call.as, 'call', [...base, 'call', 'as']);
      } else if ('deploy' in action) {
        const name = action.deploy.contract;
        const spec = (s.contracts ?? []).find((c) => c.id === name);
        needContract(name, [...base, 'deploy', 'contract']);
        if (spec && !spec.later) problems.push(at([...base, 'deploy', 'contract'], `contract "${name}" is already deployed before step 1: add "later: true" to it under contracts to deploy it here`));
        if (spec?.later && deployedLater.has(name)) problems.push(at([...base, 'deploy', 'contract'], `contract "${name}" is deployed twice: deploy it once`));
        deployedLater.add(name);
        nameTx(action.deploy.as, 'other', [...base, 'deploy', 'as']);
      } else if ('issue' in action) {
        needActor(action.issue.by, [...base, 'issue', 'by']);
        needActor(action.issue.to, [...base, 'issue', 'to']);
        nameTx(action.issue.as, 'issue', [...base, 'issue', 'as']);
      } else if ('tamper' in action) {
        if (action.tamper.node >= s.network.nodes) problems.push(at([...base, 'tamper', 'node'], `there is no node ${action.tamper.node}: this network has nodes 0 to ${s.network.nodes - 1}`));
      } else if ('fault' in action) {
        try {
          parseFaults(`@0s ${action.fault}`, s.network.nodes);
        } catch (error) {
          problems.push(at([...base, 'fault'], (error as Error).message.replace(/^fault step 1 \("@0s /, 'fault ("')));
        }
      } else if ('revoke' in action) {
        needActor(action.revoke.by, [...base, 'revoke', 'by']);
        needTx(action.revoke.credential, [...base, 'revoke', 'credential'], 'issue');
        nameTx(action.revoke.as, 'other', [...base, 'revoke', 'as']);
      } else if ('doubleSpend' in action) {
        const attack = action.doubleSpend;
        const here: Path = [...base, 'doubleSpend'];
        powOnly('a double spend', here);
        needActor(attack.by, [...here, 'by']);
        needActor(attack.to, [...here, 'to']);
        if (attack.instead !== undefined) needActor(attack.instead, [...here, 'instead']);
        if (attack.to === attack.by) problems.push(at([...here, 'to'], 'the merchant must be someone other than the attacker'));
        if ((attack.instead ?? attack.by) === attack.to) problems.push(at([...here, 'instead'], 'the conflicting spend must pay someone other than the merchant: the attacker or an accomplice'));
        if (attack.miner >= s.network.nodes) problems.push(at([...here, 'miner'], `there is no node ${attack.miner}: this network has nodes 0 to ${s.network.nodes - 1}`));
        else if (mining?.hashShares && !(mining.hashShares[attack.miner]! > 0)) problems.push(at([...here, 'miner'], `node ${attack.miner} does not mine (hash share 0): the attacker needs mining power to build a secret branch`));
        nameTx(attack.as, 'double-spend', [...here, 'as']);
        nameTx(attack.conflictAs, 'other', [...here, 'conflictAs']);
      } else if ('wait' in action && 'confirmations' in action.wait) needTx(action.wait.tx, [...base, 'wait', 'tx']);
    });
    (step.expect ?? []).forEach((check, j) => {
      const base: Path = ['steps', i, 'expect', j];
      if ('balance' in check) {
        needActor(check.balance.actor, [...base, 'balance', 'actor']);
        if (check.balance.equals === undefined && check.balance.atLeast === undefined && check.balance.atMost === undefined) {
          problems.push(at([...base, 'balance'], 'a balance check needs equals, atLeast or atMost'));
        }
      } else if ('status' in check) needTx(check.status.tx, [...base, 'status', 'tx']);
      else if ('query' in check) {
        needContract(check.query.contract, [...base, 'query', 'contract']);
        if (check.query.equals === undefined && check.query.matches === undefined) problems.push(at([...base, 'query'], 'a query check needs equals (the whole result) or matches (some of its fields)'));
      }
      else if ('event' in check) needTx(check.event.tx, [...base, 'event', 'tx']);
      else if ('credential' in check) needActor(check.credential.actor, [...base, 'credential', 'actor']);
      else if ('intact' in check) {
        if (check.intact.node >= s.network.nodes) problems.push(at([...base, 'intact', 'node'], `there is no node ${check.intact.node}: this network has nodes 0 to ${s.network.nodes - 1}`));
      }
      else if ('sees' in check) {
        needActor(check.sees.actor, [...base, 'sees', 'actor']);
        needTx(check.sees.tx, [...base, 'sees', 'tx']);
      }
      else if ('supply' in check) {
        const { equals, atLeast, atMost, byRule } = check.supply;
        if (equals === undefined && atLeast === undefined && atMost === undefined && byRule === undefined) problems.push(at([...base, 'supply'], 'a supply check needs equals, atLeast, atMost or byRule: true'));
      }
      else if ('reward' in check) {
        if (!mining) problems.push(at([...base, 'reward'], 'a reward check needs mining: add network.mining with the reward per block'));
      }
      else if ('forks' in check) {
        if (check.forks.equals === undefined && check.forks.atLeast === undefined && check.forks.atMost === undefined) problems.push(at([...base, 'forks'], 'a forks check needs equals, atLeast or atMost'));
      }
      else if ('confirmations' in check) needTx(check.confirmations.tx, [...base, 'confirmations', 'tx']);
      else if ('doubleSpend' in check) needTx(check.doubleSpend.tx, [...base, 'doubleSpend', 'tx'], 'double-spend');
      else if ('commitment' in check) {
        needTx(check.commitment.tx, [...base, 'commitment', 'tx']);
        if (s.network.visibility !== 'private') problems.push(at([...base, 'commitment'], 'commitment checks need private data: set network.visibility: private'));
        else if (txs.has(check.commitment.tx) && !privateTxs.has(check.commitment.tx)) problems.push(at([...base, 'commitment', 'tx'], `"${check.commitment.tx}" is not a private transfer or call, so it has no commitment: add private: [parties] to it`));
      }
    });
  });
  return problems;
}

