// Civic credits: a token the council issues to residents (for volunteering, recycling, ...)
// that they can pass on or spend at local services.
//
// Only the issuer (whoever deployed the contract) can create credits, with mint(). Everyone
// else can only move credits they hold, or credits an owner has allowed them to move
// (approve + transferFrom, so that a leisure centre's till contract can take payment without
// holding the resident's key). Every change is an event, so anyone can audit who got what.
//
// Storage (the public record):
//   issuer, name, symbol, supply
//   balance:<owner>              credits held by <owner>
//   allowance:<owner>:<spender>  credits <spender> may still move out of <owner>'s balance
import { storage, ctx, emit, assert } from "ledger";

export function init(args) {
  const { name = "Civic credits", symbol = "CC", initialSupply = 0 } = args ?? {};
  storage.set("issuer", ctx.sender);
  storage.set("name", name);
  storage.set("symbol", symbol);
  storage.set("supply", 0);
  if (initialSupply > 0) mintTo(ctx.sender, initialSupply);
}

/** The issuer creates `amount` new credits for `to`. */
export function mint({ to, amount }) {
  assert(ctx.sender === storage.get("issuer"), "only the issuer can mint credits");
  mintTo(to, amount);
}

/** Send `amount` of your credits to `to`. Returns your new balance. */
export function transfer({ to, amount }) {
  move(ctx.sender, to, amount);
  return balanceOf({ owner: ctx.sender });
}

/**
 * Allow `spender` to move up to `amount` of your credits. Setting a new amount replaces the
 * old one (0 withdraws the permission).
 */
export function approve({ spender, amount }) {
  checkAddress(spender, "spender");
  assert(Number.isSafeInteger(amount) && amount >= 0, "amount must be a whole number, 0 or more");
  storage.set(allowanceKey(ctx.sender, spender), amount);
  emit("Approval", { owner: ctx.sender, spender, amount });
}

/** Move `amount` from `from` to `to`, using an allowance `from` gave you. */
export function transferFrom({ from, to, amount }) {
  const allowed = allowance({ owner: from, spender: ctx.sender });
  assert(allowed >= amount, `allowance too low: ${from} allowed you ${allowed}`);
  // Use up the allowance before moving anything, so it can never be spent twice.
  storage.set(allowanceKey(from, ctx.sender), allowed - amount);
  move(from, to, amount);
}

export function balanceOf({ owner }) {
  return storage.get("balance:" + owner) ?? 0;
}

export function allowance({ owner, spender }) {
  return storage.get(allowanceKey(owner, spender)) ?? 0;
}

export function totalSupply() {
  return storage.get("supply");
}

export function info() {
  return { name: storage.get("name"), symbol: storage.get("symbol"), issuer: storage.get("issuer"), supply: storage.get("supply") };
}

// ---------------------------------------------------------------- internal (not exported)

function mintTo(to, amount) {
  checkAddress(to, "to");
  checkAmount(amount);
  storage.set("balance:" + to, balanceOf({ owner: to }) + amount);
  storage.set("supply", storage.get("supply") + amount);
  emit("Minted", { to, amount });
}

function move(from, to, amount) {
  checkAddress(to, "to");
  checkAmount(amount);
  const held = balanceOf({ owner: from });
  assert(held >= amount, `balance too low: ${from} holds ${held}, needs ${amount}`);
  storage.set("balance:" + from, held - amount);
  // Read the receiver after writing the sender, so sending to yourself changes nothing.
  storage.set("balance:" + to, balanceOf({ owner: to }) + amount);
  emit("Transfer", { from, to, amount });
}

function allowanceKey(owner, spender) {
  return "allowance:" + owner + ":" + spender;
}

function checkAmount(amount) {
  assert(Number.isSafeInteger(amount) && amount > 0, "amount must be a positive whole number of credits");
}

function checkAddress(address, field) {
  assert(typeof address === "string" && /^0x[0-9a-f]{40}$/.test(address), `${field} must be an address (0x + 40 lower-case hex digits)`);
}
