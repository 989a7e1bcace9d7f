/** Block hashing, assembly and the state-independent checks every node runs on every block. */
import { hashCanonical, merkleRoot, type Hash } from '../core/hash.ts';
import { checkTx, deepFreeze } from './tx.ts';
import { LEDGER_LIMITS, type Block, type BlockHeader, type Certificate, type SignedTx } from './types.ts';

export function blockHash(header: BlockHeader): Hash {
  return hashCanonical('block', header);
}

export function txRootOf(txs: readonly SignedTx[]): Hash {
  return merkleRoot(txs.map((tx) => tx.hash));
}

/** A frozen block whose hash is computed from its header. */
export function makeBlock(header: BlockHeader, txs: readonly SignedTx[], certificate: Certificate): Block {
  return deepFreeze({ header, hash: blockHash(header), txs: [...txs], certificate });
}

export interface BlockProblem {
  reason: string;
  detail: string;
}

/** Checks that need no state: the hash links and roots that make tampering evident. */
export function checkBlockShape(block: Block, chainId: string): BlockProblem | undefined {
  const header = block?.header;
  if (!header || typeof header !== 'object' || !Array.isArray(block.txs) || !block.certificate) {
    return { reason: 'malformed', detail: 'block needs a header, a transaction list and a certificate' };
  }
  if (header.chainId !== chainId) return { reason: 'wrong-chain', detail: `block is for chain "${header.chainId}", this ledger is "${chainId}"` };
  if (!Number.isSafeInteger(header.height) || header.height < 1) return { reason: 'malformed', detail: 'height must be a positive integer' };
  let hash: Hash;
  try {
    hash = blockHash(header);
  } catch (error) {
    return { reason: 'malformed', detail: `header cannot be encoded canonically: ${(error as Error).message}` };
  }
  if (hash !== block.hash) {
    return { reason: 'bad-hash', detail: `header hashes to ${hash.slice(0, 10)}, block claims ${String(block.hash).slice(0, 10)}: the header was altered` };
  }
  if (block.txs.length > LEDGER_LIMITS.maxTxsPerBlock) return { reason: 'too-many-txs', detail: `${block.txs.length} transactions, limit ${LEDGER_LIMITS.maxTxsPerBlock}` };
  const txRoot = txRootOf(block.txs);
  if (txRoot !== header.txRoot) {
    return { reason: 'tx-root-mismatch', detail: `transactions hash to root ${txRoot.slice(0, 10)}, header says ${header.txRoot.slice(0, 10)}: a transaction was altered, added or removed` };
  }
  const seen = new Set<Hash>();
  for (const [index, tx] of block.txs.entries()) {
    if (seen.has(tx.hash)) return { reason: 'duplicate-tx', detail: `transaction ${tx.hash.slice(0, 10)} appears twice` };
    seen.add(tx.hash);
    // Each transaction's content must still match its hash and signature (memoised per content).
    const problem = checkTx(tx, chainId);
    if (problem) return { reason: 'invalid-tx', detail: `transaction ${index} (${String(tx.hash).slice(0, 10)}) is invalid: ${problem.reason}: ${problem.detail}` };
  }
  return undefined;
}
