// Newspaper subscription, paid per period, with no middleman.
//
// A reader prepays one or more periods (30 days by default) by sending value with subscribe().
// The money waits in this contract and goes to the publisher one period at a time, as each
// period starts: the publisher is paid for what the reader has had, and the reader can stop
// at any time and get back every period that has not started. No platform takes a cut: the
// publisher receives the whole price, and both sides can see the terms and every payment.
//
// Contracts cannot wake themselves up, so a period's payment moves when someone touches the
// subscription: collect() (anyone may call it, the money can only go to the publisher),
// subscribe() or cancel(). Until then it is owed, visibly, in subscription().
//
// Storage: publisher, title, pricePerPeriod, periodMs,
//   sub:<reader> = { start, periodsPaid, periodsCollected, cancelledAt }
import { storage, ctx, emit, assert, transfer } from "ledger";

const DAY_MS = 24 * 60 * 60 * 1000;

export function init(args) {
  const { title = "The Daily Ledger", pricePerPeriod, periodMs = 30 * DAY_MS, publisher = ctx.sender } = args ?? {};
  assert(Number.isSafeInteger(pricePerPeriod) && pricePerPeriod > 0, "pricePerPeriod must be a positive whole number (e.g. pence)");
  assert(Number.isSafeInteger(periodMs) && periodMs > 0, "periodMs must be a positive whole number of ms");
  storage.set("title", title);
  storage.set("publisher", publisher);
  storage.set("pricePerPeriod", pricePerPeriod);
  storage.set("periodMs", periodMs);
}

/** Pay for `value / pricePerPeriod` periods: starts a subscription now, or extends the current one. */
export function subscribe() {
  const price = storage.get("pricePerPeriod");
  assert(ctx.value > 0 && ctx.value % price === 0, `send a whole number of periods as the value: ${price} per period`);
  const periods = ctx.value / price;
  const reader = ctx.sender;
  let sub = storage.get("sub:" + reader);
  if (sub !== undefined && ctx.blockTime < paidUntil(sub)) {
    sub.periodsPaid += periods; // renewing before the end: the new periods follow on
    sub.cancelledAt = null;
  } else {
    if (sub !== undefined) collectFor(reader, sub); // the old subscription is over: settle it first
    sub = { start: ctx.blockTime, periodsPaid: periods, periodsCollected: 0, cancelledAt: null };
  }
  storage.set("sub:" + reader, sub);
  emit("Subscribed", { reader, periods, paidUntil: paidUntil(sub) });
  collectFor(reader, sub); // the current period has started: the publisher is paid for it now
  return paidUntil(sub);
}

/** Does `reader` have access now? (The publisher's website asks this before showing an article.) */
export function hasAccess({ reader }) {
  const sub = storage.get("sub:" + reader);
  return sub !== undefined && ctx.blockTime < paidUntil(sub);
}

/** Pay the publisher for every period of `reader`'s subscription that has started. Anyone may call it. */
export function collect({ reader }) {
  const sub = storage.get("sub:" + reader);
  assert(sub !== undefined, `${reader} has no subscription`);
  return collectFor(reader, sub);
}

/**
 * Stop renewing: the reader gets back every period that has not started and keeps access until
 * the end of the current one, which the publisher is paid for.
 */
export function cancel() {
  const reader = ctx.sender;
  const sub = storage.get("sub:" + reader);
  assert(sub !== undefined && ctx.blockTime < paidUntil(sub), "you have no running subscription to cancel");
  const started = periodsStarted(sub);
  const refund = (sub.periodsPaid - started) * storage.get("pricePerPeriod");
  sub.periodsPaid = started;
  sub.cancelledAt = ctx.blockTime;
  collectFor(reader, sub); // pays the publisher and saves the subscription before the refund moves
  if (refund > 0) transfer(reader, refund);
  emit("Cancelled", { reader, refund, accessUntil: paidUntil(sub) });
  return refund;
}

/** The subscription as both sides see it. */
export function subscription({ reader }) {
  const sub = storage.get("sub:" + reader);
  if (sub === undefined) return null;
  const started = periodsStarted(sub);
  return {
    ...sub,
    paidUntil: paidUntil(sub),
    hasAccess: ctx.blockTime < paidUntil(sub),
    periodsStarted: started,
    owedToPublisher: (started - sub.periodsCollected) * storage.get("pricePerPeriod"),
  };
}

export function terms() {
  return { title: storage.get("title"), publisher: storage.get("publisher"), pricePerPeriod: storage.get("pricePerPeriod"), periodMs: storage.get("periodMs") };
}

// ---------------------------------------------------------------- internal (not exported)

function paidUntil(sub) {
  return sub.start + sub.periodsPaid * storage.get("periodMs");
}

/** Periods that have begun by now (the current one counts in full), at most those paid for. */
function periodsStarted(sub) {
  const begun = Math.floor((ctx.blockTime - sub.start) / storage.get("periodMs")) + 1;
  return Math.min(sub.periodsPaid, begun);
}

/** Record and pay what the publisher has earned from this subscription so far. */
function collectFor(reader, sub) {
  const due = periodsStarted(sub) - sub.periodsCollected;
  sub.periodsCollected += due;
  storage.set("sub:" + reader, sub); // the record first, then the money
  const amount = due * storage.get("pricePerPeriod");
  if (amount > 0) {
    transfer(storage.get("publisher"), amount);
    emit("Paid", { reader, publisher: storage.get("publisher"), periods: due, amount });
  }
  return amount;
}
