// Hotel room booking with escrow.
//
// A guest books a room and pays a deposit. The deposit is held by this contract, not by the
// hotel or a booking platform, and the rules that release it are written here, where both
// sides can read them before they agree:
//   - cancelled at least `cancellationNoticeMs` before check-in: refunded in full;
//   - cancelled later than that: kept by the hotel (it can no longer re-let the room);
//   - the guest checks in, then checks out: released to the hotel;
//   - no check-in recorded `noShowGraceMs` after the check-in time: kept by the hotel;
//   - either side disputes before it is settled: frozen until the arbiter named at deployment
//     splits it. The arbiter decides from the record: every step is stored with its time and
//     who took it, and nobody can change it afterwards.
// Deadlines are checked against the block time, which every node agrees on.
//
// Safety: every payout marks the booking settled *before* moving any value
// (checks-effects-interactions), so a booking can never be paid out twice, even by a contract
// that calls cancel() twice in one transaction. transfer() runs no code at the receiver, and
// the ledger rejects re-entrant calls anyway (contracts/hostile/reentrancy.js shows the attack
// on an escrow that pays first and updates its books afterwards).
//
// Storage: hotel, arbiter, cancellationNoticeMs, noShowGraceMs, booking:<id> (the record).
import { storage, ctx, emit, assert, transfer } from "ledger";

const HOUR_MS = 60 * 60 * 1000;

export function init(args) {
  const { hotel = ctx.sender, arbiter, cancellationNoticeMs = 48 * HOUR_MS, noShowGraceMs = 24 * HOUR_MS } = args ?? {};
  checkAddress(hotel, "hotel");
  checkAddress(arbiter, "arbiter");
  // Someone who gains from the outcome cannot be the judge of it.
  assert(arbiter !== hotel, "the arbiter must not be the hotel");
  assert(Number.isSafeInteger(cancellationNoticeMs) && cancellationNoticeMs >= 0, "cancellationNoticeMs must be a whole number of ms");
  assert(Number.isSafeInteger(noShowGraceMs) && noShowGraceMs >= 0, "noShowGraceMs must be a whole number of ms");
  storage.set("hotel", hotel);
  storage.set("arbiter", arbiter);
  storage.set("cancellationNoticeMs", cancellationNoticeMs);
  storage.set("noShowGraceMs", noShowGraceMs);
}

/** The guest books a stay and sends the deposit as the value of this call. */
export function book({ bookingId, checkInAt, checkOutAt }) {
  assert(typeof bookingId === "string" && bookingId.length > 0 && bookingId.length <= 64, 'bookingId must be a short text, e.g. "room-12/2026-12-01"');
  assert(!storage.has("booking:" + bookingId), `booking ${bookingId} already exists`);
  assert(ctx.value > 0, "send the deposit as the value of this call");
  assert(Number.isSafeInteger(checkInAt) && checkInAt > ctx.blockTime, "checkInAt must be a time in the future (ms since 1970)");
  assert(Number.isSafeInteger(checkOutAt) && checkOutAt > checkInAt, "checkOutAt must be after checkInAt");
  const booking = {
    guest: ctx.sender,
    deposit: ctx.value,
    checkInAt,
    checkOutAt,
    // Fixed at booking time: later changes to the terms could not move it.
    cancelBy: checkInAt - storage.get("cancellationNoticeMs"),
    status: "booked",
    history: [],
  };
  save(bookingId, booking, "booked");
  emit("Booked", { bookingId, guest: booking.guest, deposit: booking.deposit, checkInAt, checkOutAt, cancelBy: booking.cancelBy });
}

/** The guest cancels: a full refund until `cancelBy`, nothing after it. */
export function cancel({ bookingId }) {
  const booking = load(bookingId);
  assert(ctx.sender === booking.guest, "only the guest can cancel this booking");
  assert(booking.status === "booked", `booking ${bookingId} is ${booking.status}: it can no longer be cancelled`);
  if (ctx.blockTime <= booking.cancelBy) settle(bookingId, booking, "cancelled", booking.deposit, 0);
  else settle(bookingId, booking, "cancelled-late", 0, booking.deposit);
}

/** The hotel records that the guest has arrived. */
export function checkIn({ bookingId }) {
  const booking = load(bookingId);
  onlyHotel();
  assert(booking.status === "booked", `booking ${bookingId} is ${booking.status}: the guest cannot check in`);
  assert(ctx.blockTime < booking.checkOutAt, "the stay is already over");
  save(bookingId, booking, "checked-in");
  emit("CheckedIn", { bookingId, at: ctx.blockTime });
}

/** The guest or the hotel ends the stay: the deposit goes to the hotel. */
export function checkOut({ bookingId }) {
  const booking = load(bookingId);
  assert(ctx.sender === booking.guest || ctx.sender === storage.get("hotel"), "only the guest or the hotel can check out");
  assert(booking.status === "checked-in", `booking ${bookingId} is ${booking.status}: only a checked-in guest can check out`);
  settle(bookingId, booking, "completed", 0, booking.deposit);
}

/** The hotel claims the deposit of a guest who never arrived, once the grace period is over. */
export function reportNoShow({ bookingId }) {
  const booking = load(bookingId);
  onlyHotel();
  assert(booking.status === "booked", `booking ${bookingId} is ${booking.status}: not a no-show`);
  const claimableAt = booking.checkInAt + storage.get("noShowGraceMs");
  assert(ctx.blockTime >= claimableAt, `too early to report a no-show: the guest has until ${new Date(claimableAt).toISOString()}`);
  settle(bookingId, booking, "no-show", 0, booking.deposit);
}

/** Either side contests the booking before it is settled: the deposit is frozen for the arbiter. */
export function dispute({ bookingId, reason }) {
  const booking = load(bookingId);
  assert(ctx.sender === booking.guest || ctx.sender === storage.get("hotel"), "only the guest or the hotel can dispute a booking");
  assert(booking.status === "booked" || booking.status === "checked-in", `booking ${bookingId} is ${booking.status}: it can no longer be disputed`);
  assert(typeof reason === "string" && reason.length > 0 && reason.length <= 280, "give a reason of at most 280 characters");
  save(bookingId, booking, "disputed", { reason });
  emit("Disputed", { bookingId, by: ctx.sender, reason });
}

/** The arbiter settles a dispute: `refundToGuest` to the guest, the rest to the hotel. */
export function resolve({ bookingId, refundToGuest, note = "" }) {
  const booking = load(bookingId);
  assert(ctx.sender === storage.get("arbiter"), "only the arbiter can resolve a dispute");
  assert(booking.status === "disputed", `booking ${bookingId} is ${booking.status}: there is no dispute to resolve`);
  assert(Number.isSafeInteger(refundToGuest) && refundToGuest >= 0 && refundToGuest <= booking.deposit, `refundToGuest must be between 0 and the deposit (${booking.deposit})`);
  settle(bookingId, booking, "resolved", refundToGuest, booking.deposit - refundToGuest, { note: String(note).slice(0, 280) });
}

/** The booking's record: terms, status, and every step with its time and who took it. */
export function record({ bookingId }) {
  return load(bookingId);
}

export function terms() {
  return {
    hotel: storage.get("hotel"),
    arbiter: storage.get("arbiter"),
    cancellationNoticeMs: storage.get("cancellationNoticeMs"),
    noShowGraceMs: storage.get("noShowGraceMs"),
  };
}

// ---------------------------------------------------------------- internal (not exported)

/** Close the booking and pay out. The record is written first, then value moves. */
function settle(bookingId, booking, status, toGuest, toHotel, details = {}) {
  booking.refunded = toGuest;
  booking.paidToHotel = toHotel;
  save(bookingId, booking, status, details);
  if (toGuest > 0) transfer(booking.guest, toGuest);
  if (toHotel > 0) transfer(storage.get("hotel"), toHotel);
  emit("Settled", { bookingId, status, toGuest, toHotel });
}

/** Store the booking with its new status, adding the step to its history. */
function save(bookingId, booking, status, details = {}) {
  booking.status = status;
  booking.history.push({ step: status, at: ctx.blockTime, by: ctx.sender, ...details });
  storage.set("booking:" + bookingId, booking);
}

function load(bookingId) {
  const booking = storage.get("booking:" + bookingId);
  assert(booking !== undefined, `no booking ${bookingId}`);
  return booking;
}

function onlyHotel() {
  assert(ctx.sender === storage.get("hotel"), "only the hotel can do this");
}

function checkAddress(address, field) {
  assert(typeof address === "string" && /^0x[0-9a-f]{40}$/.test(address), `${field} must be an address (0x + 40 lower-case hex digits)`);
}
