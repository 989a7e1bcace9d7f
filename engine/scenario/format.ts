/**
 * The scenario file format: a service story as actors, contracts and steps, in YAML, checked
 * against this schema (zod). Every rule has a message a scenario author can act on; the loader
 * (load.ts) adds the file, line and column.
 */
import { z } from 'zod';

const id = z
  .string({ error: 'expected a name such as "council" (letters, digits, dashes)' })
  .regex(/^[a-z][a-z0-9-]*$/, { error: 'use lower-case letters, digits and dashes, starting with a letter (e.g. "taxi-42")' });

const amount = z.number({ error: 'expected a whole number' }).int({ error: 'amounts are whole numbers (the smallest unit), e.g. 250' }).nonnegative({ error: 'amounts cannot be negative' });

const json: z.ZodType<unknown> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]));

export const CredentialSpec = z.strictObject({
  type: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'credential types are lower-case words with dashes, e.g. "resident"' }),
  issuer: id,
  claims: z.record(z.string(), json).optional(),
  /** A name for the issuing transaction, so a later step can revoke it. */
  as: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
});

export const ActorSpec = z.strictObject({
  id,
  name: z.string().min(1, { error: 'give the actor a display name' }).max(80),
  kind: z.enum(['person', 'organisation', 'device'], { error: 'kind is person, organisation or device' }),
  balance: amount.optional(),
  credentials: z.array(CredentialSpec).optional(),
  about: z.string().optional(),
  /** The ledger node this actor runs; on proof-of-work with mining, its block rewards are paid to the actor. */
  node: z.number({ error: 'node is the number of the ledger node this actor runs, e.g. 0' }).int().nonnegative().optional(),
});

export const ContractSpec = z.strictObject({
  id,
  path: z.string().min(1, { error: 'the path of the contract file, relative to the scenario (e.g. ../token.js)' }),
  deployer: id,
  init: json.optional(),
  about: z.string().optional(),
  /** Deployed by a `deploy:` action in a step instead of before step 1. */
  later: z.boolean({ error: 'later: true deploys the contract in a step with a deploy action' }).optional(),
});

const txRef = z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'refer to a transaction by the name given with "as:"' });

/** Who may read a private transfer or call: the actor ids of its parties, signer included. */
const parties = z.array(id, { error: 'private: the list of parties who may read it, e.g. [jo, bank]' }).min(1, { error: 'name at least the signer as a party' });

export const ActionSpec = z.union(
  [
    // `private: [parties]` seals a transfer or call on a ledger with visibility: private (see scenario/privacy.ts).
    z.strictObject({ transfer: z.strictObject({ from: id, to: id, amount: amount.positive({ error: 'a transfer moves at least 1' }), as: txRef.optional(), private: parties.optional() }) }),
    z.strictObject({ call: z.strictObject({ by: id, contract: id, method: z.string().regex(/^[A-Za-z_$][\w$]*$/, { error: 'a method is a function name' }), args: json.optional(), value: amount.optional(), as: txRef.optional(), private: parties.optional() }) }),
    z.strictObject({ issue: z.strictObject({ by: id, to: id, type: z.string().regex(/^[a-z0-9][a-z0-9-]*$/), claims: z.record(z.string(), json).optional(), as: txRef.optional() }) }),
    z.strictObject({ revoke: z.strictObject({ by: id, credential: txRef, as: txRef.optional() }) }),
    z.strictObject({ deploy: z.strictObject({ contract: id, as: txRef.optional() }) }),
    z.strictObject({ fault: z.string().min(1, { error: 'a fault such as "crash 1", "partition 0,1|2,3" or "heal"' }) }),
    z.strictObject({ tamper: z.strictObject({ node: z.number().int().nonnegative(), height: z.number().int().positive({ error: 'the height of a past block (1 or more)' }) }) }),
    z.strictObject({
      wait: z.union(
        [
          z.strictObject({ ms: z.number().int().positive() }),
          z.strictObject({ blocks: z.number().int().positive() }),
          z.strictObject({ height: z.number().int().positive({ error: 'the chain height to wait for (1 or more)' }) }),
          z.strictObject({ confirmations: z.number().int().positive({ error: 'confirmations: how many blocks deep the transaction must be (1 = in a block)' }), tx: txRef }),
          z.strictObject({ forks: z.number().int().positive({ error: 'forks: how many competing blocks must be orphaned (1 or more)' }) }),
        ],
        { error: 'wait: { ms: 3000 }, { blocks: 2 }, { height: 20 }, { confirmations: 6, tx: payment } or { forks: 1 }' },
      ),
    }),
    z.strictObject({
      doubleSpend: z.strictObject({
        by: id,
        miner: z.number({ error: 'miner: the number of the mining node the attacker controls' }).int().nonnegative(),
        to: id,
        amount: amount.positive({ error: 'a payment moves at least 1' }),
        confirmations: z.number({ error: 'confirmations: how many the merchant waits for before handing over the goods (0 = on sight)' }).int().nonnegative().max(100, { error: 'merchants wait at most 100 confirmations here' }),
        instead: id.optional(),
        as: txRef.optional(),
        conflictAs: txRef.optional(),
      }),
    }),
  ],
  { error: 'each action is one of transfer, call, deploy, issue, revoke, fault, tamper, wait or doubleSpend, with its fields' },
);

export const ExpectSpec = z.union(
  [
    z.strictObject({ balance: z.strictObject({ actor: id, equals: amount.optional(), atLeast: amount.optional(), atMost: amount.optional() }) }),
    z.strictObject({ status: z.strictObject({ tx: txRef, is: z.enum(['ok', 'reverted', 'out_of_gas', 'out_of_memory', 'invalid', 'rejected']) }) }),
    z.strictObject({ query: z.strictObject({ contract: id, method: z.string(), args: json.optional(), equals: json.optional(), matches: z.record(z.string(), json).optional() }) }),
    z.strictObject({ event: z.strictObject({ tx: txRef, name: z.string(), data: json.optional() }) }),
    z.strictObject({ credential: z.strictObject({ actor: id, type: z.string(), valid: z.boolean() }) }),
    // Can the actor read the transaction (or one field of it: amount, item, signer, commitment...)?
    z.strictObject({ sees: z.strictObject({ actor: id, tx: txRef, can: z.boolean(), field: z.string().min(1).optional() }) }),
    // A private record, as revealed by its parties (altered by `claim`), checked against its commitment.
    z.strictObject({ commitment: z.strictObject({ tx: txRef, verifies: z.boolean({ error: 'verifies: true or false' }), claim: z.record(z.string(), json).optional() }) }),
    z.strictObject({ intact: z.strictObject({ node: z.number().int().nonnegative(), is: z.boolean() }) }),
    z.strictObject({ supply: z.strictObject({ equals: amount.optional(), atLeast: amount.optional(), atMost: amount.optional(), byRule: z.literal(true, { error: 'byRule: true checks that every coin came from the issuance rule' }).optional() }) }),
    z.strictObject({ reward: z.strictObject({ equals: amount }) }),
    z.strictObject({ forks: z.strictObject({ equals: z.number().int().nonnegative().optional(), atLeast: z.number().int().nonnegative().optional(), atMost: z.number().int().nonnegative().optional() }) }),
    z.strictObject({ confirmations: z.strictObject({ tx: txRef, atLeast: z.number().int().nonnegative() }) }),
    z.strictObject({ doubleSpend: z.strictObject({ tx: txRef, succeeded: z.boolean({ error: 'succeeded: true or false' }) }) }),
  ],
  { error: 'each check is one of balance, status, query, event, credential, sees, commitment, intact, supply, reward, forks, confirmations or doubleSpend, with its fields' },
);

export const StepSpec = z.strictObject({
  title: z.string().min(1, { error: 'give the step a short title' }),
  narration: z.string().min(1, { error: 'tell the audience what happens in this step' }),
  actions: z.array(ActionSpec).optional(),
  expect: z.array(ExpectSpec).optional(),
});

export const ScenarioSpec = z.strictObject({
  title: z.string().min(1),
  summary: z.string().min(1, { error: 'one or two sentences saying what the story shows' }),
  audience: z.string().optional(),
  network: z.strictObject({
    protocol: z.enum(['poa', 'raft', 'bft', 'pow'], { error: 'protocol is poa, raft, bft or pow' }),
    protocols: z.array(z.enum(['poa', 'raft', 'bft', 'pow'])).optional(),
    nodes: z.number().int().min(1).max(64, { error: 'scenarios run up to 64 nodes' }),
    seed: z.number().int().nonnegative().optional(),
    latencyMs: z.number().int().nonnegative().optional(),
    jitterMs: z.number().int().nonnegative().optional(),
    /**
     * public (default): every node and actor reads every transaction; `private:` lists are ignored.
     * private: transfers and calls marked `private: [parties]` put only a commitment on the
     * ledger, and only their parties can read them (ledger/private-data.ts).
     */
    visibility: z.enum(['public', 'private'], { error: 'visibility is public or private' }).optional(),
    /** Proof-of-work only: new coins by rule, and who mines how much (engine/consensus/pow.ts, rule 7). */
    mining: z
      .strictObject({
        reward: amount.positive({ error: 'reward: the new coins each block creates, e.g. 50' }).max(2 ** 40, { error: 'reward: at most 2^40 (1099511627776) a block, so balances stay countable' }),
        halvingEvery: z.number({ error: 'halvingEvery: the number of blocks after which the reward halves, e.g. 210000' }).int().min(2, { error: 'halvingEvery is at least 2 blocks' }).optional(),
        hashShares: z.array(z.number({ error: 'a hash share is a number, e.g. 0.45' }).nonnegative({ error: 'hash shares cannot be negative' })).optional(),
      })
      .optional(),
  }),
  actors: z.array(ActorSpec).min(1, { error: 'a story needs at least one actor' }),
  contracts: z.array(ContractSpec).optional(),
  steps: z.array(StepSpec).min(1, { error: 'a story needs at least one step' }),
});

export type Scenario = z.infer<typeof ScenarioSpec>;
export type ScenarioAction = z.infer<typeof ActionSpec>;
export type ScenarioExpect = z.infer<typeof ExpectSpec>;
export type ScenarioStep = z.infer<typeof StepSpec>;
