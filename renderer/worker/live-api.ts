/**
 * Worker API for the live network: start, advance in slices, inject faults. Every function takes
 * and returns plain data.
 */
import { StudioSession, type Advance, type NodeId, type SessionFrame, type SessionInfo, type SessionOptions } from '../../engine/api/session.ts';
import { session, setSession } from './current.ts';
import { watchMetrics } from './metrics-api.ts';

export const liveApi = {
  /** Build a fresh network (replacing any running one) and return its description and first frame. */
  start(options: SessionOptions): { info: SessionInfo; frame: SessionFrame } {
    const created = new StudioSession(options);
    setSession(created);
    watchMetrics(created);
    return { info: created.info, frame: created.frame() };
  },
  advance(step: Advance, maxEvents?: number): SessionFrame {
    return session().advance(step, maxEvents);
  },
  /** Travel to a virtual time on the current timeline (back restores a snapshot and replays). */
  seek(timeMs: number, maxEvents?: number): SessionFrame {
    return session().seek(timeMs, maxEvents);
  },
  switchTimeline(id: number, maxEvents?: number): SessionFrame {
    return session().switchTimeline(id, maxEvents);
  },
  crash(node: NodeId): SessionFrame {
    session().crash(node);
    return session().frame();
  },
  restart(node: NodeId): SessionFrame {
    session().restart(node);
    return session().frame();
  },
  partition(groups: NodeId[][]): SessionFrame {
    session().partition(groups);
    return session().frame();
  },
  heal(): SessionFrame {
    session().heal();
    return session().frame();
  },
  makeByzantine(node: NodeId, behaviour: string | undefined): SessionFrame {
    session().makeByzantine(node, behaviour);
    return session().frame();
  },
  setLink(spec: Partial<{ latencyMs: number; jitterMs: number; dropRate: number }>): SessionFrame {
    session().setLink(spec);
    return session().frame();
  },
};
