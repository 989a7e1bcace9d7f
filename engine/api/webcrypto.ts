/**
 * The platform's native ed25519 where it is asynchronous (WebCrypto in Chromium, Electron and
 * Web Workers): about ten times faster than @noble/curves, but the simulator is synchronous. So
 * before a run, the transactions it will carry are verified natively in parallel and the
 * verdicts seeded into the per-content memo (`verifyOnce`), which the nodes then hit.
 * Transactions not pre-verified (or where WebCrypto lacks Ed25519) fall back to @noble/curves.
 */
import { hexToBytes } from '../core/encoding.ts';
import { isVerificationKnown, rememberVerification } from '../core/keys.ts';
import type { SignedTx } from '../ledger/types.ts';

interface SubtleEd25519 {
  importKey(format: 'raw', keyData: Uint8Array, algorithm: { name: 'Ed25519' }, extractable: boolean, usages: string[]): Promise<unknown>;
  verify(algorithm: { name: 'Ed25519' }, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

function subtle(): SubtleEd25519 | undefined {
  return (globalThis as { crypto?: { subtle?: SubtleEd25519 } }).crypto?.subtle;
}

let support: Promise<boolean> | undefined;

/** Whether this platform's WebCrypto does Ed25519 (probed once). */
export function webCryptoEd25519(): Promise<boolean> {
  support ??= (async () => {
    const api = subtle();
    if (!api) return false;
    try {
      // RFC 8032 test 1 public key
      const key = await api.importKey('raw', hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'), { name: 'Ed25519' }, false, ['verify']);
      await api.verify({ name: 'Ed25519' }, key, new Uint8Array(64), new Uint8Array(0));
      return true;
    } catch {
      return false;
    }
  })();
  return support;
}

/**
 * Verify the signatures of these transactions natively and remember the verdicts.
 * Returns how many were verified natively (0 where WebCrypto has no Ed25519).
 */
export async function preverifyTransactions(txs: readonly SignedTx[], batchSize = 256): Promise<number> {
  if (!(await webCryptoEd25519())) return 0;
  const api = subtle()!;
  const keys = new Map<string, Promise<unknown>>();
  const keyFor = (publicKey: string) => {
    let key = keys.get(publicKey);
    if (!key) {
      key = api.importKey('raw', hexToBytes(publicKey), { name: 'Ed25519' }, false, ['verify']);
      keys.set(publicKey, key);
    }
    return key;
  };
  const pending = txs.filter((tx) => /^[0-9a-f]{128}$/.test(tx.signature) && /^[0-9a-f]{64}$/.test(tx.body.publicKey) && !isVerificationKnown(tx.signature, tx.hash, tx.body.publicKey));
  let done = 0;
  for (let i = 0; i < pending.length; i += batchSize) {
    const batch = pending.slice(i, i + batchSize);
    const verdicts = await Promise.all(
      batch.map(async (tx) => {
        try {
          return await api.verify({ name: 'Ed25519' }, await keyFor(tx.body.publicKey), hexToBytes(tx.signature), hexToBytes(tx.hash));
        } catch {
          return false;
        }
      }),
    );
    batch.forEach((tx, j) => rememberVerification(tx.signature, tx.hash, tx.body.publicKey, verdicts[j]!));
    done += batch.length;
  }
  return done;
}
