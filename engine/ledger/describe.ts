/**
 * State changes in words a policy audience can read ("Sam's balance went from 1000 to 970"),
 * shared by the scenario player's step records and the chain explorer's transaction detail.
 */
import type { LedgerState } from './state.ts';
import { Trie } from './trie.ts';

/** How an address is named in a sentence: an actor's name, "node-2", a contract id... */
export type NameOf = (address: string) => string;

/** The state diff between two versions, one sentence per change, in key order. */
export function describeStateChanges(before: LedgerState, after: LedgerState, name: NameOf): string[] {
  return Trie.diff(before.trie, after.trie).flatMap(({ key, before: was, after: now }) => {
    if (key.startsWith('acct:')) {
      const a = was ? (JSON.parse(was) as { balance: number }).balance : 0;
      const b = now ? (JSON.parse(now) as { balance: number }).balance : 0;
      return a === b ? [] : [`${possessive(name(key.slice(5)))} balance went from ${a} to ${b}`];
    }
    if (key.startsWith('id:')) return [`${name(key.slice(3))} registered an identity`];
    if (key.startsWith('cred:')) {
      const c = JSON.parse(now ?? was!) as { issuer: string; subject: string; type: string; revoked: boolean };
      return [c.revoked ? `${name(c.issuer)} revoked ${possessive(name(c.subject))} "${c.type}" credential` : `${name(c.issuer)} issued ${name(c.subject)} a "${c.type}" credential`];
    }
    if (key.startsWith('code:')) return [`contract ${name(key.slice(5))} was deployed`];
    if (key.startsWith('priv:')) {
      const by = name((JSON.parse(now ?? was!) as { by: string }).by);
      return [now === undefined ? `${possessive(by)} sealed private record ${key.slice(key.lastIndexOf(':') + 1).slice(0, 12)}… left the chain (a fork was replaced)` : `${by} put a sealed private record on the ledger: commitment ${key.slice(key.lastIndexOf(':') + 1).slice(0, 12)}…, content held by its parties only`];
    }
    if (key.startsWith('store:')) {
      const [, contract, ...rest] = key.split(':');
      const readable = (text: string) => text.replace(/0x[0-9a-f]{40}/g, (address) => name(address));
      return [`${name(contract!)} recorded ${readable(rest.join(':'))} = ${now === undefined ? '(deleted)' : readable(now)}${was === undefined ? '' : ` (was ${readable(was)})`}`];
    }
    return [];
  });
}

/** "Sam's", "Harbour Motors'": the possessive of a name, as written in English. */
export function possessive(name: string): string {
  return /s$/i.test(name) ? `${name}'` : `${name}'s`;
}
