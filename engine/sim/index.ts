export * from './events.ts';
export * from './network.ts';
export * from './queue.ts';
export * from './simulator.ts';
export * from './trace.ts';
export * from './topology.ts';
