// Pay-per-minute streaming: the in-car entertainment system charges the passenger's phone by
// the minute, with no bill at the end of the journey and nobody pressing "pay".
//
// The entertainment system (a device with its own identity) deploys this meter with its price.
// A passenger opens a stream by depositing value: the most they are willing to spend, not a
// payment. From then on the system earns `ratePerMinute` for every *complete* minute, and may
// withdraw what it has earned at any time; the passenger (or the system) stops the stream
// whenever they like, and the passenger gets back the rest. When the deposit is used up the
// stream has simply ended. So nobody is charged more than they deposited or for a minute that
// has not finished, and the system never has to trust the passenger to pay afterwards.
//
// Storage: provider, ratePerMinute, stream:<payer> = { deposit, startedAt, withdrawn }
import { storage, ctx, emit, assert, transfer, identity } from "ledger";

const MINUTE_MS = 60 * 1000;

export function init(args) {
  const { ratePerMinute } = args ?? {};
  assert(Number.isSafeInteger(ratePerMinute) && ratePerMinute > 0, "ratePerMinute must be a positive whole number (e.g. pence)");
  const provider = identity.get(ctx.sender);
  // Passengers should be able to see what is charging them: a registered device, by name.
  assert(provider !== null && provider.kind === "device", "deploy the meter from the entertainment system's own device identity");
  storage.set("provider", ctx.sender);
  storage.set("ratePerMinute", ratePerMinute);
}

/** Start watching: the value sent is the deposit, the most this stream can cost. */
export function open() {
  const rate = storage.get("ratePerMinute");
  assert(!storage.has("stream:" + ctx.sender), "you already have a stream open: stop it first, or topUp() to extend it");
  assert(ctx.value >= rate, `deposit at least one minute (${rate}) as the value of this call`);
  const stream = { deposit: ctx.value, startedAt: ctx.blockTime, withdrawn: 0 };
  storage.set("stream:" + ctx.sender, stream);
  emit("StreamOpened", { payer: ctx.sender, deposit: ctx.value, ratePerMinute: rate, runsOutAt: runsOutAt(stream) });
  return runsOutAt(stream);
}

/** Add to the deposit of your open stream, to keep watching for longer. */
export function topUp() {
  const stream = load(ctx.sender);
  assert(ctx.value > 0, "send the amount to add as the value of this call");
  // Topping up a stream that ran out would charge for the minutes in between: start a new one.
  assert(minutesPaid(stream) < minutesAffordable(stream), "this stream has run out: stop it and open a new one");
  stream.deposit += ctx.value;
  storage.set("stream:" + ctx.sender, stream);
  emit("StreamToppedUp", { payer: ctx.sender, deposit: stream.deposit, runsOutAt: runsOutAt(stream) });
  return runsOutAt(stream);
}

/** The entertainment system collects what `payer`'s stream has earned so far. */
export function withdraw({ payer }) {
  assert(ctx.sender === storage.get("provider"), "only the entertainment system can withdraw its earnings");
  const stream = load(payer);
  const amount = earned(stream) - stream.withdrawn;
  stream.withdrawn += amount;
  storage.set("stream:" + payer, stream); // the record first, then the money
  if (amount > 0) transfer(ctx.sender, amount);
  emit("Withdrawn", { payer, amount });
  return amount;
}

/** End the stream (the passenger, or the system for that passenger): settle and refund the rest. */
export function stop(args) {
  const provider = storage.get("provider");
  const payer = ctx.sender === provider ? (args ?? {}).payer : ctx.sender;
  const stream = load(payer);
  const minutes = minutesPaid(stream);
  const paid = earned(stream);
  const refund = stream.deposit - paid;
  storage.delete("stream:" + payer); // closed before any value moves
  if (paid > stream.withdrawn) transfer(provider, paid - stream.withdrawn);
  if (refund > 0) transfer(payer, refund);
  emit("StreamStopped", { payer, minutes, paid, refunded: refund });
  return { paid, refunded: refund };
}

/** The stream as the passenger's phone shows it. */
export function status({ payer }) {
  const stream = storage.get("stream:" + payer);
  if (stream === undefined) return { open: false };
  const paid = earned(stream);
  return {
    open: true,
    playing: minutesPaid(stream) < minutesAffordable(stream),
    minutes: minutesPaid(stream),
    earned: paid,
    remaining: stream.deposit - paid,
    runsOutAt: runsOutAt(stream),
    ...stream,
  };
}

export function tariff() {
  return { provider: storage.get("provider"), ratePerMinute: storage.get("ratePerMinute") };
}

// ---------------------------------------------------------------- internal (not exported)

/** Complete minutes since the stream opened, up to as many as the deposit pays for. */
function minutesPaid(stream) {
  const elapsed = Math.floor((ctx.blockTime - stream.startedAt) / MINUTE_MS);
  return Math.min(elapsed, minutesAffordable(stream));
}

/** Whole minutes the deposit covers (a part of a minute is never charged, so it is refunded). */
function minutesAffordable(stream) {
  return Math.floor(stream.deposit / storage.get("ratePerMinute"));
}

function earned(stream) {
  return minutesPaid(stream) * storage.get("ratePerMinute");
}

/** When the deposit is used up: after the last whole minute it pays for. */
function runsOutAt(stream) {
  return stream.startedAt + minutesAffordable(stream) * MINUTE_MS;
}

function load(payer) {
  const stream = storage.get("stream:" + payer);
  assert(stream !== undefined, `no open stream for ${payer}`);
  return stream;
}
