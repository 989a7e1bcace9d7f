/**
 * The studio's shared state: the live network's latest frame, the play loop that advances it in
 * the engine worker, and the recent trace events the views animate. Views read from here and call
 * its actions; nothing here touches the DOM.
 *
 * Frames cross from the worker as plain snapshots and are stored with $state.raw (replaced, never
 * mutated). Trace events go into a bounded buffer that views read on `eventsVersion` changes.
 */
import type { Advance, NodeId, SessionFrame, SessionInfo, SessionOptions, TraceEvent } from '../../engine/api/session.ts';
import { EngineClient } from '../worker/engine-client.ts';

/** Simulated milliseconds per real second, offered by the speed control. */
export const SPEEDS = [100, 250, 500, 1_000, 2_000, 5_000, 10_000] as const;
const EVENT_BUFFER = 20_000;
/** Never ask the worker for more than this much virtual time in one slice. */
const MAX_SLICE_MS = 2_000;

export type StudioView = 'network' | 'chain' | 'scenario' | 'metrics' | 'run';

export type EventListener = (events: readonly TraceEvent[], frame: SessionFrame) => void;

export class Studio {
  readonly engine = new EngineClient();

  info = $state.raw<SessionInfo | null>(null);
  frame = $state.raw<SessionFrame | null>(null);
  playing = $state(false);
  busy = $state(false);
  /** Simulated ms per real second while playing. */
  speed = $state<number>(1_000);
  selectedNode = $state<NodeId | null>(null);
  error = $state<string | null>(null);
  view = $state<StudioView>('network');
  presenting = $state(false);
  helpOpen = $state(false);
  /** Bumped whenever new trace events arrive. */
  eventsVersion = $state(0);

  /** Recent trace events, oldest first (bounded). Read after `eventsVersion` changes. */
  readonly events: TraceEvent[] = [];
  /** Real time (performance.now) when the latest frame arrived, and the virtual time before it. */
  frameArrivedAt = 0;
  previousNow = 0;

  /**
   * Keys a view answers itself while it is shown (the scenario player steps the story with the
   * arrows). A handler returns true when it used the key.
   */
  // Not reactive on purpose: handlers are looked up on each key press, never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly viewKeys = new Map<StudioView, (event: KeyboardEvent) => boolean>();

  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- callbacks, never rendered
  private readonly listeners = new Set<EventListener>();
  private loopHandle = 0;
  private lastTick = 0;

  /** Subscribe to every new batch of trace events; returns the unsubscribe function. */
  onEvents(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The virtual time to draw at, interpolated between frames so animation is smooth. */
  displayTime(now = performance.now()): number {
    const frame = this.frame;
    if (!frame) return 0;
    if (!this.playing) return frame.now;
    const span = frame.now - this.previousNow;
    const elapsed = ((now - this.frameArrivedAt) * this.speed) / 1000;
    return this.previousNow + Math.min(span, Math.max(0, elapsed));
  }

  async start(options: SessionOptions): Promise<void> {
    this.pause();
    this.events.length = 0;
    this.selectedNode = null;
    await this.run(async () => {
      const { info, frame } = await this.engine.call('start', options);
      this.info = info;
      this.accept(frame);
    });
  }

  play(): void {
    if (!this.info || this.playing) return;
    this.playing = true;
    this.lastTick = performance.now();
    const tick = (now: number): void => {
      if (!this.playing) return;
      this.loopHandle = requestAnimationFrame(tick);
      if (this.busy) return;
      const dt = now - this.lastTick;
      if (dt < 50) return;
      this.lastTick = now;
      const ms = Math.min(MAX_SLICE_MS, Math.max(1, Math.round((dt * this.speed) / 1000)));
      void this.advance({ by: 'time', ms });
    };
    this.loopHandle = requestAnimationFrame(tick);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.loopHandle);
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  async advance(step: Advance): Promise<void> {
    if (!this.info) return;
    await this.run(async () => this.accept(await this.engine.call('advance', step)));
  }

  stepEvent(): Promise<void> {
    this.pause();
    return this.advance({ by: 'events', count: 1 });
  }

  stepBlock(): Promise<void> {
    this.pause();
    return this.advance({ by: 'blocks', count: 1 });
  }

  crash(node: NodeId): Promise<void> {
    return this.run(async () => this.accept(await this.engine.call('crash', node)));
  }

  restart(node: NodeId): Promise<void> {
    return this.run(async () => this.accept(await this.engine.call('restart', node)));
  }

  partition(groups: NodeId[][]): Promise<void> {
    return this.run(async () => this.accept(await this.engine.call('partition', groups)));
  }

  heal(): Promise<void> {
    return this.run(async () => this.accept(await this.engine.call('heal')));
  }

  makeByzantine(node: NodeId, behaviour: string | undefined): Promise<void> {
    return this.run(async () => this.accept(await this.engine.call('makeByzantine', node, behaviour)));
  }

  /** Travel to a virtual time on this timeline; an intervention made there forks a new one. */
  seek(timeMs: number): Promise<void> {
    this.pause();
    return this.run(async () => this.accept(await this.engine.call('seek', timeMs)));
  }

  switchTimeline(id: number): Promise<void> {
    this.pause();
    return this.run(async () => this.accept(await this.engine.call('switchTimeline', id)));
  }

  setLink(spec: Partial<{ latencyMs: number; jitterMs: number; dropRate: number }>): Promise<void> {
    return this.run(async () => this.accept(await this.engine.call('setLink', spec)));
  }

  /** Take a frame from the worker: remember its events and tell the listeners. */
  accept(frame: SessionFrame): void {
    this.previousNow = frame.rewound || !this.frame ? frame.now : this.frame.now;
    this.frameArrivedAt = performance.now();
    this.frame = frame;
    if (frame.rewound) {
      // A jump in time: drop what the page holds from the first resent event on (or all of it
      // past the restored trace's end), then take the resent history.
      const from = frame.events[0]?.i ?? frame.eventCount;
      const keep = this.events.findIndex((e) => e.i >= from);
      if (keep >= 0) this.events.length = keep;
      this.eventsVersion++;
    }
    if (frame.events.length > 0) {
      this.events.push(...frame.events);
      if (this.events.length > EVENT_BUFFER) this.events.splice(0, this.events.length - EVENT_BUFFER);
      this.eventsVersion++;
      for (const listener of this.listeners) listener(frame.events, frame);
    }
  }

  /** Run one engine call at a time, turning a thrown error into a message the page shows. */
  private async run(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await work();
      this.error = null;
    } catch (error) {
      this.pause();
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }
}

/** The one studio of this page. */
export const studio = new Studio();
