// Bin collection as a service-level agreement between the council and its residents.
//
// The council promises each enrolled household a collection every `intervalMs` (weekly by
// default) from its first collection date, within `graceMs` either side of the due time. The
// collection vehicle, a device with its own identity on the ledger, records each lift as it
// happens: the record is written by the lorry, not by either party, so both sides can rely on it.
//
// When a collection's window closes without a lift, the household is owed `creditPerMiss`,
// paid from a fund the council keeps in this contract. That is automatic in the sense that
// matters: the rule is written here and nobody can refuse it. A contract cannot wake itself
// up, though, so the payment moves when someone calls settle() (the resident's phone, the
// council's nightly job, anyone); until then status() already shows the miss.
//
// Storage: council, vehicle, intervalMs, graceMs, creditPerMiss,
//   household:<resident> = { firstDueAt, settled, lifted, missed, credited }
//     (`settled`: how many collections, from the first, have been checked for a miss)
//   lift:<resident>:<n>  = time the vehicle lifted the bin for collection n (0, 1, 2, ...)
import { storage, ctx, emit, assert, transfer, balanceOf, identity } from "ledger";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Collections one settle() looks at, so that its gas stays bounded; call again for more. */
const COLLECTIONS_PER_SETTLE_MAX = 104;

export function init(args) {
  const { vehicle, intervalMs = 7 * DAY_MS, graceMs = 12 * HOUR_MS, creditPerMiss } = args ?? {};
  assert(Number.isSafeInteger(intervalMs) && intervalMs > 0, "intervalMs must be a positive whole number of ms");
  // The windows of two collections must not overlap, or one lift could count for either.
  assert(Number.isSafeInteger(graceMs) && graceMs >= 0 && 2 * graceMs < intervalMs, "graceMs must be less than half of intervalMs");
  assert(Number.isSafeInteger(creditPerMiss) && creditPerMiss > 0, "creditPerMiss must be a positive whole number (e.g. pence)");
  storage.set("council", ctx.sender);
  storage.set("intervalMs", intervalMs);
  storage.set("graceMs", graceMs);
  storage.set("creditPerMiss", creditPerMiss);
  setVehicleTo(vehicle);
}

/** Add to the credit fund (value of the call). Anyone may; usually the council. */
export function fund() {
  assert(ctx.value > 0, "send the amount to add to the credit fund as the value of this call");
  emit("Funded", { by: ctx.sender, amount: ctx.value, fund: balanceOf(ctx.self) });
}

/** The council replaces the collection vehicle (another registered device). */
export function setVehicle({ vehicle }) {
  onlyCouncil();
  setVehicleTo(vehicle);
}

/** The council enrols a household; its first collection is due at `firstDueAt`. */
export function enrol({ resident, firstDueAt }) {
  onlyCouncil();
  assert(typeof resident === "string" && /^0x[0-9a-f]{40}$/.test(resident), "resident must be an address");
  assert(!storage.has("household:" + resident), "this household is already enrolled");
  assert(Number.isSafeInteger(firstDueAt) && firstDueAt > ctx.blockTime, "firstDueAt must be in the future (ms since 1970)");
  storage.set("household:" + resident, { firstDueAt, settled: 0, lifted: 0, missed: 0, credited: 0 });
  emit("Enrolled", { resident, firstDueAt, intervalMs: storage.get("intervalMs") });
}

/** The vehicle records that it has just emptied `resident`'s bin. */
export function recordLift({ resident }) {
  // Only the lorry writes lifts: not the council (it would be marking its own homework), not the resident.
  assert(ctx.sender === storage.get("vehicle"), "only the registered collection vehicle can record a lift");
  const household = load(resident);
  const interval = storage.get("intervalMs");
  const collection = Math.round((ctx.blockTime - household.firstDueAt) / interval);
  const dueAt = household.firstDueAt + collection * interval;
  assert(collection >= 0 && Math.abs(ctx.blockTime - dueAt) <= storage.get("graceMs"), "no collection is due for this household now: a lift outside the window does not count");
  assert(!storage.has(liftKey(resident, collection)), `collection ${collection} was already recorded`);
  storage.set(liftKey(resident, collection), ctx.blockTime);
  household.lifted++;
  storage.set("household:" + resident, household);
  emit("BinLifted", { resident, collection, dueAt, at: ctx.blockTime, vehicle: ctx.sender });
}

/**
 * Check every collection whose window has closed since the last settle(), and credit the
 * household for each one that was missed. Anyone may call it; credits go only to the household.
 */
export function settle({ resident }) {
  const household = load(resident);
  const { closed, missedCollections } = unsettled(resident, household);
  const credit = missedCollections.length * storage.get("creditPerMiss");
  const fundHeld = balanceOf(ctx.self);
  assert(fundHeld >= credit, `the credit fund holds ${fundHeld} but ${credit} is owed: the council must top it up with fund()`);
  household.settled = closed;
  household.missed += missedCollections.length;
  household.credited += credit;
  storage.set("household:" + resident, household); // the record first, then the money
  for (const collection of missedCollections) emit("CollectionMissed", { resident, collection, dueAt: dueAtOf(household, collection) });
  if (credit > 0) {
    transfer(resident, credit);
    emit("Credited", { resident, amount: credit, collections: missedCollections });
  }
  return credit;
}

/** The household's record, with misses not yet settled and the next due collection. */
export function status({ resident }) {
  const household = load(resident);
  const { closed, missedCollections } = unsettled(resident, household);
  return {
    ...household,
    unsettledMisses: missedCollections,
    owed: missedCollections.length * storage.get("creditPerMiss"),
    nextDueAt: dueAtOf(household, closed),
  };
}

export function terms() {
  return {
    council: storage.get("council"),
    vehicle: storage.get("vehicle"),
    intervalMs: storage.get("intervalMs"),
    graceMs: storage.get("graceMs"),
    creditPerMiss: storage.get("creditPerMiss"),
    fund: balanceOf(ctx.self),
  };
}

// ---------------------------------------------------------------- internal (not exported)

/** Collections whose window has closed but that settle() has not checked yet, and which of them were missed. */
function unsettled(resident, household) {
  const grace = storage.get("graceMs");
  let closed = household.settled;
  const missedCollections = [];
  while (closed - household.settled < COLLECTIONS_PER_SETTLE_MAX && dueAtOf(household, closed) + grace < ctx.blockTime) {
    if (!storage.has(liftKey(resident, closed))) missedCollections.push(closed);
    closed++;
  }
  return { closed, missedCollections };
}

function dueAtOf(household, collection) {
  return household.firstDueAt + collection * storage.get("intervalMs");
}

function setVehicleTo(vehicle) {
  const device = identity.get(vehicle);
  // A lift record is only as good as the identity that signs it: it must be a registered device.
  assert(device !== null && device.kind === "device", "the vehicle must be a registered device identity");
  storage.set("vehicle", vehicle);
  emit("VehicleSet", { vehicle, name: device.name });
}

function load(resident) {
  const household = storage.get("household:" + resident);
  assert(household !== undefined, `${resident} is not enrolled`);
  return household;
}

function liftKey(resident, collection) {
  return "lift:" + resident + ":" + collection;
}

function onlyCouncil() {
  assert(ctx.sender === storage.get("council"), "only the council can do this");
}
