/**
 * Who can see what, in a played story.
 *
 * On a **public** ledger every node, and so every actor, reads every transaction in full. On a
 * ledger with **private data** (`network.visibility: private`), a transfer or call marked
 * `private: [parties]` is sealed: the ledger gets only its commitment (a `private.record`
 * transaction), and the record itself goes to the parties' private stores. The rules of that
 * model, and its limits, are at the top of ledger/private-data.ts.
 *
 * This file keeps the parties' stores for the player ({@link PrivateStores}), answers "what can
 * actor X see at step k" ({@link actorView}), and evaluates the `sees` and `commitment` checks.
 * It reads the story only through {@link ViewSource}, so the player stays in charge of playing.
 */
import { invariant, LedgerlabError } from '../core/assert.ts';
import type { Hash } from '../core/hash.ts';
import type { Address } from '../core/keys.ts';
import type { Network } from '../api/network.ts';
import { privateCommitment, privateSalt, verifyReveal, type PrivatePayload, type Reveal } from '../ledger/private-data.ts';
import type { LedgerState } from '../ledger/state.ts';
import type { SignedTx, TxPayload } from '../ledger/types.ts';
import type { Scenario } from './format.ts';
import type { CheckResult, StepRecord, TxRecord } from './player.ts';

export type Visibility = 'public' | 'private';

/** A sealed record as its parties hold it. */
export interface PrivateEnvelope {
  commitment: Hash;
  reveal: Reveal;
  /** Actor id of the author (the signer of the `private.record` transaction). */
  author: string;
  /** Actor ids of the parties, as the author listed them. */
  parties: string[];
}

/**
 * The parties' private stores (Fabric's side databases), kept as one table by transaction hash.
 * A party holds a record once its commitment is in a block (status ok). Entries depend only on
 * the transaction's content, which its hash commits to, so the table never needs resetting when
 * the player goes back or branches: a replay finds the same entries under the same hashes.
 */
export class PrivateStores {
  private readonly byTx = new Map<Hash, PrivateEnvelope>();

  /**
   * Seal a private action and hand its commitment to `submit`, which signs it as the author (with
   * the author's next nonce, the one the salt is derived from) and sends it to the network.
   */
  seal<T extends { tx: SignedTx }>(network: Network, author: string, parties: readonly string[], payload: PrivatePayload, submit: (payload: TxPayload) => T): T {
    const actor = network.actor(author);
    const nonce = actor.nextNonce;
    const reveal: Reveal = { record: { payload, parties: parties.map((p) => network.addressOf(p)) }, salt: privateSalt(actor.key.secretKey, network.chainId, nonce) };
    const commitment = privateCommitment(reveal);
    const submitted = submit({ type: 'private.record', commitment });
    invariant(submitted.tx.body.nonce === nonce && submitted.tx.body.from === payload.from, 'a private record must be signed by its author with the nonce its salt was derived from');
    this.byTx.set(submitted.tx.hash, { commitment, reveal, author, parties: [...parties] });
    return submitted;
  }

  envelopeOf(txHash: Hash): PrivateEnvelope | undefined {
    return this.byTx.get(txHash);
  }

  /** Does `actor` hold the content of this transaction's private record? */
  holds(actor: string, record: TxRecord): boolean {
    const envelope = this.byTx.get(record.hash);
    if (!envelope) return false;
    // The author always knows what they wrote; the others receive it once it is on the ledger.
    return actor === envelope.author || (record.status === 'ok' && envelope.parties.includes(actor));
  }
}

/** What the player lends this file to answer questions about the story. */
export interface ViewSource {
  scenario: Scenario;
  visibility: Visibility;
  network: Network;
  stores: PrivateStores;
  records: readonly StepRecord[];
  /** The named transaction, if any. */
  txNamed(name: string): TxRecord | undefined;
  /** State after step k (1..position); the head for k = position. */
  stateAfter(step: number): LedgerState;
  /** Actor or contract id of an address, if it is one. */
  idOf(address: Address): string | undefined;
  /** "@jo" → Jo's address, recursively. */
  resolveRefs(value: unknown): unknown;
}

/** One transaction as one actor sees it. */
export interface TxView {
  /** The step it was made in, from 1. */
  step: number;
  name?: string;
  hash: Hash;
  kind: TxRecord['kind'];
  /** Actor id of the signer: on the ledger for everyone, private records included. */
  signer: string;
  status: TxRecord['status'];
  height?: number;
  private: boolean;
  /** Can this actor read what the transaction says? */
  readable: boolean;
  /** What it says, with addresses shown as actor and contract ids; only when readable. */
  payload?: Record<string, unknown>;
  /** A private record's commitment: everyone can see it. */
  commitment?: Hash;
  /** A private record's parties, if this actor is one of them. */
  parties?: string[] | 'hidden';
  /** The fields this actor can read, for `sees: { field }` ("signer", "block", "amount", ...). */
  fields: string[];
  /** What the actor sees, in words. */
  summary: string;
}

/** What one actor can see at one point of the story. */
export interface ActorView {
  actor: string;
  name: string;
  /** Steps played (0 = before the story). */
  step: number;
  visibility: Visibility;
  /** The actor's public balance on the ledger. */
  balance: number;
  credentials: Array<{ type: string; issuer: string; revoked: boolean }>;
  /** Private payments the actor made or received: promises that move no public balance until settled. */
  privatePayments: { sent: number; received: number };
  transactions: TxView[];
  /** How many of `transactions` the actor can read in full, and how many only as a commitment. */
  readable: number;
  sealed: number;
}

/** What `actor` can see after `step` steps (default: now). */
export function actorView(source: ViewSource, actor: string, step = source.records.length): ActorView {
  const spec = source.scenario.actors.find((a) => a.id === actor);
  if (!spec) throw new LedgerlabError('unknown-actor', `there is no actor "${actor}" in this story.`, `Known actors: ${source.scenario.actors.map((a) => a.id).join(', ')}.`);
  if (!Number.isInteger(step) || step < 0 || step > source.records.length) {
    throw new LedgerlabError('scenario-bad-step', `there is no step ${step} to look at: ${source.records.length} steps have been played.`, 'Ask for a step from 0 (before the story) to the current position, or play further first.');
  }
  const transactions = source.records.slice(0, step).flatMap((r) => r.transactions.map((t) => txView(source, actor, t, r.index + 1)));
  const privatePayments = { sent: 0, received: 0 };
  const address = source.network.addressOf(actor);
  for (const t of transactions) {
    const envelope = t.private && t.readable ? source.stores.envelopeOf(t.hash) : undefined;
    const payload = envelope?.reveal.record.payload;
    if (payload?.kind !== 'transfer' || t.status !== 'ok') continue;
    if (payload.from === address) privatePayments.sent += payload.amount;
    if (payload.to === address) privatePayments.received += payload.amount;
  }
  let balance: number;
  let credentials: ActorView['credentials'];
  if (step === 0) {
    // Before the story: the cast list, as the file gives it.
    balance = spec.balance ?? 0;
    credentials = (spec.credentials ?? []).map((c) => ({ type: c.type, issuer: c.issuer, revoked: false }));
  } else {
    const state = source.stateAfter(step);
    balance = state.balanceOf(address);
    credentials = state.credentialsOf(address).map((c) => ({ type: c.type, issuer: source.idOf(c.issuer) ?? c.issuer, revoked: c.revoked }));
  }
  const readable = transactions.filter((t) => t.readable).length;
  return { actor, name: spec.name, step, visibility: source.visibility, balance, credentials, privatePayments, transactions, readable, sealed: transactions.length - readable };
}

/** One transaction as `actor` sees it. */
export function txView(source: ViewSource, actor: string, record: TxRecord, step: number): TxView {
  const envelope = source.visibility === 'private' ? source.stores.envelopeOf(record.hash) : undefined;
  const base = { step, ...(record.name ? { name: record.name } : {}), hash: record.hash, kind: record.kind, signer: record.by, status: record.status, ...(record.height !== undefined ? { height: record.height } : {}) };
  const nameOf = (id: string) => source.scenario.actors.find((a) => a.id === id)?.name ?? id;
  if (envelope) {
    const short = `${envelope.commitment.slice(0, 12)}…`;
    if (!source.stores.holds(actor, record)) {
      return {
        ...base,
        private: true,
        readable: false,
        commitment: envelope.commitment,
        parties: 'hidden',
        fields: ['signer', 'block', 'commitment'],
        summary: `a private record signed by ${nameOf(record.by)}: only its commitment ${short} is on the ledger; what it says, and who shares it, are hidden from ${nameOf(actor)}`,
      };
    }
    const payload = labelled(source, envelope.reveal.record.payload);
    return {
      ...base,
      private: true,
      readable: true,
      payload,
      commitment: envelope.commitment,
      parties: envelope.parties,
      fields: ['signer', 'block', 'commitment', 'parties', ...fieldsOf(payload)],
      summary: `${describe(payload, nameOf)} — a private record shared by ${envelope.parties.map(nameOf).join(', ')}; the ledger holds only its commitment ${short}`,
    };
  }
  const tx = findTx(source, record);
  const payload = tx ? labelled(source, { ...tx.body.payload, from: tx.body.from }) : undefined;
  return {
    ...base,
    private: false,
    readable: true,
    ...(payload ? { payload } : {}),
    fields: ['signer', 'block', ...(payload ? fieldsOf(payload) : [])],
    summary: payload ? describe(payload, nameOf) : `${record.kind} by ${nameOf(record.by)}, which never reached the ledger (${record.status}${record.rejection ? `: ${record.rejection}` : ''})`,
  };
}

/** `sees: { actor, tx, can, field? }`: can the actor read the transaction (or that field of it)? */
export function seesCheck(source: ViewSource, spec: { actor: string; tx: string; can: boolean; field?: string | undefined }): CheckResult {
  const record = source.txNamed(spec.tx);
  const what = spec.field ? `the ${spec.field} of "${spec.tx}"` : `"${spec.tx}"`;
  const check = `${spec.actor} ${spec.can ? 'can' : 'cannot'} see ${what}`;
  if (!record) return { check, passed: false, detail: `no transaction named "${spec.tx}" has been made yet` };
  const step = source.records.findIndex((r) => r.transactions.includes(record)) + 1;
  const view = txView(source, spec.actor, record, step);
  if (spec.field !== undefined) {
    const all = allFieldsOf(source, record, step);
    if (!all.includes(spec.field)) return { check, passed: false, detail: `"${spec.tx}" has no field "${spec.field}": its fields are ${all.join(', ')}` };
    const canSee = view.fields.includes(spec.field);
    return { check, passed: canSee === spec.can, detail: canSee ? `${spec.actor} sees ${spec.field} = ${JSON.stringify(fieldValue(view, spec.field))}` : `${spec.actor} sees only ${view.fields.join(', ')}` };
  }
  return { check, passed: view.readable === spec.can, detail: source.visibility === 'public' ? 'on a public ledger every payload is visible to everyone' : view.summary };
}

/**
 * `commitment: { tx, verifies, claim? }`: one of the parties reveals the record (altered by
 * `claim`, as someone misremembering or cheating would), and anyone checks it against the ledger.
 */
export function commitmentCheck(source: ViewSource, spec: { tx: string; verifies: boolean; claim?: Record<string, unknown> | undefined }): CheckResult {
  const claimed = spec.claim ? ` claiming ${JSON.stringify(spec.claim)}` : '';
  const check = `the record of "${spec.tx}"${claimed} ${spec.verifies ? 'matches' : 'does not match'} its commitment on the ledger`;
  const record = source.txNamed(spec.tx);
  const envelope = record && source.stores.envelopeOf(record.hash);
  if (!record || !envelope) return { check, passed: false, detail: `"${spec.tx}" is not a private record, so there is no commitment to check: mark it private (on a ledger with visibility: private)` };
  const reveal: Reveal = spec.claim ? { ...envelope.reveal, record: { ...envelope.reveal.record, payload: withClaim(envelope.reveal.record.payload, source.resolveRefs(spec.claim) as Record<string, unknown>) } } : envelope.reveal;
  const result = verifyReveal(source.stateAfter(source.records.length), reveal, envelope.commitment);
  const by = (address: Address) => source.idOf(address) ?? address;
  const detail = result.ok ? `commitment ${result.commitment.slice(0, 12)}… was put on the ledger by ${by(result.entry.by)} in block ${result.entry.height}, and the record hashes to it` : result.reason;
  return { check, passed: result.ok === spec.verifies, detail };
}

function withClaim(payload: PrivatePayload, claim: Record<string, unknown>): PrivatePayload {
  if (payload.kind === 'transfer') return { ...payload, ...claim } as PrivatePayload;
  const top = Object.fromEntries(Object.entries(claim).filter(([k]) => k in payload));
  const args = Object.fromEntries(Object.entries(claim).filter(([k]) => !(k in payload)));
  const base = payload.args !== null && typeof payload.args === 'object' && !Array.isArray(payload.args) ? (payload.args as Record<string, unknown>) : {};
  return { ...payload, ...top, ...(Object.keys(args).length > 0 ? { args: { ...base, ...args } } : {}) } as PrivatePayload;
}

/** Every field of the transaction, as a party (or anyone, if public) would see it. */
function allFieldsOf(source: ViewSource, record: TxRecord, step: number): string[] {
  const envelope = source.visibility === 'private' ? source.stores.envelopeOf(record.hash) : undefined;
  if (envelope) return txView(source, envelope.author, { ...record, status: 'ok' }, step).fields;
  return txView(source, record.by, record, step).fields;
}

function fieldsOf(payload: Record<string, unknown>): string[] {
  const args = payload.args;
  const inner = args !== null && typeof args === 'object' && !Array.isArray(args) ? Object.keys(args).filter((k) => !(k in payload)) : [];
  return [...Object.keys(payload).filter((k) => k !== 'kind'), ...inner];
}

function fieldValue(view: TxView, field: string): unknown {
  if (field === 'signer') return view.signer;
  if (field === 'block') return view.height ?? null;
  if (field === 'commitment') return view.commitment;
  if (field === 'parties') return view.parties;
  const payload = view.payload ?? {};
  if (field in payload) return payload[field];
  return (payload.args as Record<string, unknown> | undefined)?.[field];
}

function findTx(source: ViewSource, record: TxRecord): SignedTx | undefined {
  if (record.height === undefined) return undefined;
  const live = source.network.status().find((s) => s.alive)?.node ?? 0;
  return source.network.blockAt(live, record.height)?.block.txs.find((tx) => tx.hash === record.hash);
}

/** The payload with addresses shown as actor or contract ids, and without its type tag. */
function labelled(source: ViewSource, payload: Record<string, unknown> | PrivatePayload | (TxPayload & { from: Address })): Record<string, unknown> {
  const label = (value: unknown): unknown => {
    if (typeof value === 'string' && /^0x[0-9a-f]{40}$/.test(value)) return source.idOf(value) ?? value;
    if (Array.isArray(value)) return value.map(label);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, label(v)]));
    return value;
  };
  const { type, kind, source: code, ...rest } = payload as Record<string, unknown>;
  return { kind: kind ?? type, ...(label(rest) as Record<string, unknown>), ...(typeof code === 'string' ? { source: `${code.length} characters of contract code` } : {}) };
}

/** One line a policy audience can read. */
function describe(payload: Record<string, unknown>, nameOf: (id: string) => string): string {
  const who = nameOf(String(payload.from));
  switch (payload.kind) {
    case 'transfer':
      return `${who} pays ${nameOf(String(payload.to))} ${String(payload.amount)}`;
    case 'call':
    case 'contract.call':
      return `${who} calls ${String(payload.contract)}.${String(payload.method)}(${JSON.stringify(payload.args ?? null)})${typeof payload.value === 'number' && payload.value > 0 ? ` sending ${payload.value}` : ''}`;
    case 'credential.issue':
      return `${who} issues ${nameOf(String(payload.subject))} a "${String(payload.credentialType)}" credential`;
    case 'credential.revoke':
      return `${who} revokes credential ${String(payload.credentialId).slice(0, 12)}…`;
    case 'contract.deploy':
      return `${who} deploys a contract`;
    case 'private.record':
      return `${who} puts a private record's commitment ${String(payload.commitment).slice(0, 12)}… on the ledger`;
    default:
      return `${who}: ${String(payload.kind)}`;
  }
}
