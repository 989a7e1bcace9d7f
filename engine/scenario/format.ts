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
});

export const ContractSpec = z.strictObject({
  id,
  path: z.string().min(1, { error: 'the path of the contract file, relative to the scenario (e.g. ../token.js)' }),
  deployer: id,
  init: json.optional(),
  about: z.string().optional(),
});

const txRef = z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'refer to a transaction by the name given with "as:"' });

export const ActionSpec = z.union(
  [
    z.strictObject({ transfer: z.strictObject({ from: id, to: id, amount: amount.positive({ error: 'a transfer moves at least 1' }), as: txRef.optional() }) }),
    z.strictObject({ call: z.strictObject({ by: id, contract: id, method: z.string().regex(/^[A-Za-z_$][\w$]*$/, { error: 'a method is a function name' }), args: json.optional(), value: amount.optional(), as: txRef.optional(), private: z.array(id).optional() }) }),
    z.strictObject({ issue: z.strictObject({ by: id, to: id, type: z.string().regex(/^[a-z0-9][a-z0-9-]*$/), claims: z.record(z.string(), json).optional(), as: txRef.optional() }) }),
    z.strictObject({ revoke: z.strictObject({ by: id, credential: txRef, as: txRef.optional() }) }),
    z.strictObject({ fault: z.string().min(1, { error: 'a fault such as "crash 1", "partition 0,1|2,3" or "heal"' }) }),
    z.strictObject({ tamper: z.strictObject({ node: z.number().int().nonnegative(), height: z.number().int().positive({ error: 'the height of a past block (1 or more)' }) }) }),
    z.strictObject({ wait: z.union([z.strictObject({ ms: z.number().int().positive() }), z.strictObject({ blocks: z.number().int().positive() })], { error: 'wait: { ms: 3000 } or wait: { blocks: 2 }' }) }),
  ],
  { error: 'each action is one of transfer, call, issue, revoke, fault, tamper or wait, with its fields' },
);

export const ExpectSpec = z.union(
  [
    z.strictObject({ balance: z.strictObject({ actor: id, equals: amount.optional(), atLeast: amount.optional(), atMost: amount.optional() }) }),
    z.strictObject({ status: z.strictObject({ tx: txRef, is: z.enum(['ok', 'reverted', 'out_of_gas', 'out_of_memory', 'invalid', 'rejected']) }) }),
    z.strictObject({ query: z.strictObject({ contract: id, method: z.string(), args: json.optional(), equals: json.optional(), matches: z.record(z.string(), json).optional() }) }),
    z.strictObject({ event: z.strictObject({ tx: txRef, name: z.string(), data: json.optional() }) }),
    z.strictObject({ credential: z.strictObject({ actor: id, type: z.string(), valid: z.boolean() }) }),
    z.strictObject({ sees: z.strictObject({ actor: id, tx: txRef, can: z.boolean() }) }),
    z.strictObject({ intact: z.strictObject({ node: z.number().int().nonnegative(), is: z.boolean() }) }),
  ],
  { error: 'each check is one of balance, status, query, event, credential, sees or intact, with its fields' },
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
    visibility: z.enum(['public', 'private'], { error: 'visibility is public or private' }).optional(),
  }),
  actors: z.array(ActorSpec).min(1, { error: 'a story needs at least one actor' }),
  contracts: z.array(ContractSpec).optional(),
  steps: z.array(StepSpec).min(1, { error: 'a story needs at least one step' }),
});

export type Scenario = z.infer<typeof ScenarioSpec>;
export type ScenarioAction = z.infer<typeof ActionSpec>;
export type ScenarioExpect = z.infer<typeof ExpectSpec>;
export type ScenarioStep = z.infer<typeof StepSpec>;
