// Looks for anything of the host: Node/browser globals, the Function constructor through
// every constructor chain, dynamic import, the wasm instance. Returns what it found.
// expect: ok
export async function attack() {
  const seen = {};
  for (const name of ["process", "require", "module", "Buffer", "fetch", "window", "document", "self",
    "navigator", "WebAssembly", "std", "os", "print", "scriptArgs", "setTimeout", "queueMicrotask",
    "WeakRef", "FinalizationRegistry", "SharedArrayBuffer", "Atomics", "gc", "performance", "Intl"]) {
    seen[name] = typeof globalThis[name];
  }
  const attempts = {
    functionCtor: () => Function("return this")(),
    arrowCtor: () => (() => {}).constructor("return this")(),
    asyncCtor: () => Object.getPrototypeOf(async function () {}).constructor("return this"),
    generatorCtor: () => Object.getPrototypeOf(function* () {}).constructor("return this"),
    evalIndirect: () => (0, eval)("this"),
    constructorChain: () => ({}).constructor.constructor("return globalThis")(),
  };
  const results = {};
  for (const [name, attempt] of Object.entries(attempts)) {
    try {
      const r = attempt();
      results[name] = typeof r;
    } catch (e) {
      results[name] = e.name;
    }
  }
  try {
    await import("fs");
    results.dynamicImport = "loaded";
  } catch (e) {
    results.dynamicImport = e.name;
  }
  return { seen, results, globals: Object.getOwnPropertyNames(globalThis).sort() };
}
