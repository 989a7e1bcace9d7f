/**
 * A node's recent messages for the inspector: what it sent (and what the network refused to
 * carry) and what reached it (and what was lost on the way), newest first, from the studio's
 * bounded event buffer.
 */
import type { TraceEvent } from '../../../engine/api/inspect.ts';

export interface RecentMessage {
  /** Trace index, unique: a stable key for lists. */
  i: number;
  t: number;
  direction: 'in' | 'out';
  /** The other end. */
  peer: number;
  msg: string;
  /** sent (out), received (in), or dropped with the reason. */
  outcome: 'sent' | 'received' | `dropped: ${string}`;
}

/** The newest `limit` messages in and `limit` out of `node`, newest first. Stops scanning early. */
export function recentMessages(events: readonly TraceEvent[], node: number, limit: number): { incoming: RecentMessage[]; outgoing: RecentMessage[] } {
  const incoming: RecentMessage[] = [];
  const outgoing: RecentMessage[] = [];
  for (let k = events.length - 1; k >= 0 && (incoming.length < limit || outgoing.length < limit); k--) {
    const e = events[k]!;
    if (e.type === 'msg.send' && e.from === node && outgoing.length < limit) {
      outgoing.push({ i: e.i, t: e.t, direction: 'out', peer: e.to, msg: e.msg, outcome: 'sent' });
    } else if (e.type === 'msg.deliver' && e.to === node && incoming.length < limit) {
      incoming.push({ i: e.i, t: e.t, direction: 'in', peer: e.from, msg: e.msg, outcome: 'received' });
    } else if (e.type === 'msg.drop') {
      // Refused at the sender (partition, loss, byzantine) or lost on the way to this node.
      if (e.from === node && outgoing.length < limit) outgoing.push({ i: e.i, t: e.t, direction: 'out', peer: e.to, msg: e.msg, outcome: `dropped: ${e.reason}` });
      else if (e.to === node && incoming.length < limit) incoming.push({ i: e.i, t: e.t, direction: 'in', peer: e.from, msg: e.msg, outcome: `dropped: ${e.reason}` });
    }
  }
  return { incoming, outgoing };
}
