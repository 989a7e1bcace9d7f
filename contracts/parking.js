// The council's parking meter, with a local resident discount.
//
// A driver pays for a stay up front by sending value with park(); the fee goes straight to the
// council and any change straight back. Residents pay less: at the moment of paying, the meter
// checks that the driver holds a "resident" credential issued by the council and not revoked
// (or, if the meter was given a registry, one from any issuer that registry trusts: see
// registry.js). Nobody has to show an ID card, and the discount needs no one's discretion.
// A warden can check any plate with isPaid().
//
// Revoking a credential ends the discount from the next payment on. Stays already paid are not
// reopened: the record shows what was true when the driver paid, and why they paid what they did.
//
// Storage: council, ratePerHour, residentDiscountPercent, maxStayMinutes, registry,
//   stay:<plate> = { driver, from, until, paid, resident }
import { storage, ctx, emit, assert, transfer, call, identity } from "ledger";

const MINUTE_MS = 60 * 1000;

export function init(args) {
  const { ratePerHour, residentDiscountPercent = 50, maxStayMinutes = 240, registry = null } = args ?? {};
  assert(Number.isSafeInteger(ratePerHour) && ratePerHour > 0, "ratePerHour must be a positive whole number (e.g. pence)");
  assert(Number.isSafeInteger(residentDiscountPercent) && residentDiscountPercent >= 0 && residentDiscountPercent <= 100, "residentDiscountPercent must be 0 to 100");
  assert(Number.isSafeInteger(maxStayMinutes) && maxStayMinutes > 0, "maxStayMinutes must be a positive whole number");
  storage.set("council", ctx.sender);
  storage.set("ratePerHour", ratePerHour);
  storage.set("residentDiscountPercent", residentDiscountPercent);
  storage.set("maxStayMinutes", maxStayMinutes);
  storage.set("registry", registry);
}

/** What `driver` would pay for `minutes`, and whether as a resident. */
export function quote({ driver, minutes }) {
  checkMinutes(minutes);
  return price(driver, minutes);
}

/**
 * Pay for `minutes` of parking for `plate`, sending at least the fee as value (the change comes
 * back). If the plate's stay is still running, the new time is added after it.
 */
export function park({ plate, minutes }) {
  checkMinutes(minutes);
  const registration = normalisePlate(plate);
  const { fee, resident } = price(ctx.sender, minutes);
  assert(ctx.value >= fee, `this stay costs ${fee}${resident ? " (resident rate)" : ""}; you sent ${ctx.value}`);
  const current = storage.get("stay:" + registration);
  const from = current !== undefined && current.until > ctx.blockTime ? current.until : ctx.blockTime;
  const stay = { driver: ctx.sender, from, until: from + minutes * MINUTE_MS, paid: fee, resident };
  storage.set("stay:" + registration, stay); // the record first, then the money
  if (fee > 0) transfer(storage.get("council"), fee);
  if (ctx.value > fee) transfer(ctx.sender, ctx.value - fee);
  emit("Parked", { plate: registration, ...stay });
  return stay.until;
}

/** For the warden: is this plate's stay paid for right now? */
export function isPaid({ plate }) {
  const stay = storage.get("stay:" + normalisePlate(plate));
  return stay !== undefined && ctx.blockTime < stay.until;
}

/** The plate's latest stay: who paid, for when, how much, and whether at the resident rate. */
export function stay({ plate }) {
  return storage.get("stay:" + normalisePlate(plate)) ?? null;
}

export function tariff() {
  return {
    council: storage.get("council"),
    ratePerHour: storage.get("ratePerHour"),
    residentDiscountPercent: storage.get("residentDiscountPercent"),
    maxStayMinutes: storage.get("maxStayMinutes"),
    registry: storage.get("registry"),
  };
}

// ---------------------------------------------------------------- internal (not exported)

function price(driver, minutes) {
  // Round up to the penny: the meter never undercharges by rounding.
  const fullFee = Math.ceil((storage.get("ratePerHour") * minutes) / 60);
  const resident = isResident(driver);
  const discount = resident ? Math.floor((fullFee * storage.get("residentDiscountPercent")) / 100) : 0;
  return { fee: fullFee - discount, fullFee, resident };
}

function isResident(driver) {
  const registry = storage.get("registry");
  if (registry) return call(registry, "verify", { subject: driver, type: "resident" }).valid === true;
  return identity.hasCredential(driver, "resident", storage.get("council"));
}

function checkMinutes(minutes) {
  const max = storage.get("maxStayMinutes");
  assert(Number.isSafeInteger(minutes) && minutes > 0 && minutes <= max, `minutes must be a whole number from 1 to ${max}`);
}

function normalisePlate(plate) {
  assert(typeof plate === "string" && /^[A-Za-z0-9 ]{2,10}$/.test(plate), 'plate must be a registration like "LD26 ABC"');
  return plate.replace(/ /g, "").toUpperCase();
}
