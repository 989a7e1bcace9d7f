/**
 * engine/vm: the QuickJS contract sandbox. Start at vm.ts (ContractVM) and README.md.
 */
export { ContractVM, type ContractVMOptions, type VmMemoryStats } from './vm.ts';
export { MemoryState, Sandbox } from './sandbox.ts';
export { VmHostFaultError, VmWatchdogError, contractFilename } from './execution.ts';
export {
  DEFAULT_GAS_SCHEDULE,
  DEFAULT_LIMITS,
  DEFAULT_VM_CONFIG,
  type GasSchedule,
  type VmConfig,
  type VmLimits,
} from './limits.ts';
export { canonicalJson, canonicalizeJsonText } from './canonical-json.ts';
export { compileQuickJsGasWasm, quickJsGasWasmBytes, QUICKJS_GAS_META } from './wasm-module.ts';
export type { WasmModule } from './wasm-api.ts';
export type * from './host-interface.ts';
