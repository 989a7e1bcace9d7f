/**
 * Round-robin proof-of-authority, Aura-style.
 *
 * Rules (after OpenEthereum's Aura and Substrate's sc-consensus-aura; see notes/consensus.md §3.5):
 * 1. Time is divided into slots of `blockPeriodMs`; slot s = floor(time / blockPeriodMs).
 * 2. The primary of slot s is authorities[s mod n]. At the start of slot s the primary, and only
 *    it, builds one block on its best chain, with timestamp s × blockPeriodMs, seals it with its
 *    ed25519 signature over the block hash, and sends it to every peer. A crashed authority
 *    simply misses its slots; the chain goes on with a gap.
 * 3. A block is valid only if its slot is later than its parent's, its proposer is the primary
 *    of its slot, the seal verifies against that authority's key, its timestamp is
 *    slot × blockPeriodMs, and its slot is at most one slot ahead of the receiver's clock.
 *    Everything the ledger checks (hash links, roots, every transaction) comes first.
 * 4. Fork choice: the chain with more blocks wins; at equal height the one with the lower slot
 *    (Aura's score U128_max × height − slot, i.e. fewer skipped slots); at equal score the first
 *    one seen stays. Finalized blocks are never reverted.
 * 5. Finality (Aura): a block is final once, counting forward from it on the canonical chain,
 *    a majority (floor(n/2)+1) of distinct authorities have sealed blocks, and then a majority
 *    have sealed blocks again on top of those. With fewer than a majority alive, the chain still
 *    grows but nothing new becomes final.
 */
import { invariant } from '../core/assert.ts';
import type { HeadChange, StoredBlock } from '../ledger/chain.ts';
import type { BlockProblem } from '../ledger/block.ts';
import type { Block } from '../ledger/types.ts';
import type { NodeContext } from '../sim/simulator.ts';
import { LedgerNode } from './base.ts';
import type { Authority, NetMessage, NodeSetup, ProtocolDefinition } from './protocol.ts';

export class PoaNode extends LedgerNode {
  private readonly index: number;

  constructor(ctx: NodeContext<NetMessage>, setup: NodeSetup) {
    super(ctx, setup);
    this.index = setup.authorities.findIndex((a) => a.address === setup.key.address);
  }

  role(): string {
    return this.index >= 0 ? 'authority' : 'observer';
  }

  override epoch(): number {
    return this.currentSlot();
  }

  protected onStart(): void {
    this.ctx.trace({ type: 'node.role', node: this.ctx.id, role: this.role() });
    if (this.index >= 0) this.scheduleNextSlot();
  }

  private currentSlot(): number {
    return Math.floor(this.ctx.now() / this.setup.blockPeriodMs);
  }

  private primaryOf(slot: number): Authority {
    return this.setup.authorities[slot % this.setup.authorities.length]!;
  }

  private scheduleNextSlot(): void {
    const next = this.currentSlot() + 1;
    this.ctx.setTimer('slot', next * this.setup.blockPeriodMs - this.ctx.now(), next);
  }

  protected onProtocolTimer(name: string, data: unknown): void {
    if (name !== 'slot') return;
    const slot = data as number;
    if (this.primaryOf(slot).address === this.setup.key.address) this.propose(slot);
    this.scheduleNextSlot();
  }

  protected onProtocolMessage(): void {
    // Aura needs no messages beyond blocks and sync.
  }

  private propose(slot: number): void {
    const head = this.ledger.chain.head();
    if (slotOf(head.block) >= slot) return; // already have a block for this slot or later
    if (this.behaviour === 'silent') return;
    const block = this.buildSealedBlock(head, slot * this.setup.blockPeriodMs, { slot }, 'poa-seal');
    if (this.behaviour === 'invalid-blocks') {
      this.ctx.broadcast({ type: 'block', block: this.forgeStateRoot(block, 'poa-seal') });
      return;
    }
    this.receiveBlock(block, this.ctx.id, false);
    if (this.behaviour === 'equivocate') {
      // Two different blocks for one slot, one to each half of the honest authorities: a fork.
      const other = this.buildSealedBlock(head, slot * this.setup.blockPeriodMs, { slot, fork: 1 }, 'poa-seal');
      const [first, second] = this.honestHalves();
      for (const peer of first) this.ctx.send(peer, { type: 'block', block });
      for (const peer of second) this.ctx.send(peer, { type: 'block', block: other });
      for (const peer of this.coalition) if (peer !== this.ctx.id) this.ctx.send(peer, { type: 'block', block });
      return;
    }
    this.ctx.broadcast({ type: 'block', block });
  }

  protected checkConsensus(block: Block, parent: StoredBlock): BlockProblem | undefined {
    const slot = block.header.consensus.slot;
    if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0) return { reason: 'bad-slot', detail: 'header.consensus.slot must be a non-negative integer' };
    if (slot <= slotOf(parent.block)) return { reason: 'bad-slot', detail: `slot ${slot} is not after the parent's slot ${slotOf(parent.block)}` };
    if (slot > this.currentSlot() + 1) return { reason: 'future-slot', detail: `slot ${slot} is more than one slot ahead of now (slot ${this.currentSlot()})` };
    if (block.header.timestampMs !== slot * this.setup.blockPeriodMs) return { reason: 'bad-timestamp', detail: `slot ${slot} must have timestamp ${slot * this.setup.blockPeriodMs}` };
    const primary = this.primaryOf(slot);
    if (block.header.proposer !== primary.address) return { reason: 'wrong-proposer', detail: `slot ${slot} belongs to ${primary.address}, block was proposed by ${block.header.proposer}` };
    if (block.certificate.signatures.length !== 1) return { reason: 'bad-certificate', detail: 'a PoA block carries exactly one seal, by the primary of its slot' };
    return this.checkSeal(block, 'poa-seal', primary);
  }

  protected prefer(candidate: StoredBlock, current: StoredBlock): boolean {
    if (candidate.height !== current.height) return candidate.height > current.height;
    return slotOf(candidate.block) < slotOf(current.block);
  }

  protected onHeadChanged(_change: HeadChange): void {
    const chain = this.ledger.chain;
    const majority = Math.floor(this.setup.authorities.length / 2) + 1;
    let finalized = chain.finalizedHeight;
    while (finalized < chain.headHeight && isFinal(finalized + 1, chain.headHeight, majority, (h) => chain.canonicalAt(h)!.block.header.proposer)) finalized++;
    if (finalized > chain.finalizedHeight) {
      chain.setFinalized(finalized);
      this.ctx.trace({ type: 'block.finalize', node: this.ctx.id, height: finalized, hash: chain.canonicalAt(finalized)!.block.hash });
    }
  }
}

function slotOf(block: Block): number {
  const slot = block.header.consensus.slot;
  return typeof slot === 'number' ? slot : -1;
}

/** Aura's two rounds of majority sealing after (and including) `height`. */
function isFinal(height: number, headHeight: number, majority: number, proposerAt: (h: number) => string): boolean {
  let h = height;
  for (let round = 0; round < 2; round++) {
    const signers = new Set<string>();
    while (signers.size < majority) {
      if (h > headHeight) return false;
      signers.add(proposerAt(h));
      h++;
    }
  }
  return true;
}

export const poa: ProtocolDefinition = {
  name: 'poa',
  byzantineBehaviours: {
    silent: 'never proposes in its slots, as if crashed but still connected',
    equivocate: 'proposes two different blocks in its slot, one to each half of the honest authorities',
    'invalid-blocks': 'proposes blocks whose state root is false',
  },
  // Aura stays safe and final with a majority of honest, connected authorities.
  tolerance: (n) => Math.floor((n - 1) / 2),
  genesisConsensus(authorities, blockPeriodMs) {
    invariant(authorities.length > 0, 'proof-of-authority needs at least one authority');
    return { protocol: 'poa', slot: 0, blockPeriodMs, authorities: authorities.map((a) => a.address).join(',') };
  },
  create: (ctx, setup) => new PoaNode(ctx, setup),
};

