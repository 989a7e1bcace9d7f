/// <reference path="./testing.d.ts" />
// Hotel booking with escrow (escrow.js): the deposit is held by the contract and released by
// the rules both sides agreed to, on the ledger's clock.

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const DEPOSIT = 12_000; // £120.00, in pence

const setup = async () => {
  const net = await lab({
    actors: [
      { name: "seaview-hotel", kind: "organisation" },
      "guest",
      { name: "ombudsman", kind: "organisation" },
      "mallory",
    ],
  });
  const escrow = await net.deploy("escrow.js", { arbiter: net.address("ombudsman") }, { from: "seaview-hotel" });
  const checkInAt = net.time() + 10 * DAY;
  const stay = { bookingId: "room-12/night-1", checkInAt, checkOutAt: checkInAt + DAY };
  return { net, escrow, stay };
};

const book = (net, escrow, stay) => net.call(escrow, "book", stay, { from: "guest", value: DEPOSIT });

describe("hotel booking escrow", () => {
  it("the deposit is held by the contract, not by the hotel", async () => {
    const { net, escrow, stay } = await setup();
    const hotelBefore = net.balanceOf("seaview-hotel");
    const receipt = book(net, escrow, stay);
    expect(receipt).toEmit("Booked", { bookingId: stay.bookingId, guest: net.address("guest"), deposit: DEPOSIT, cancelBy: stay.checkInAt - 48 * HOUR });
    expect(net.balanceOf(escrow)).toBe(DEPOSIT);
    expect(net.balanceOf("seaview-hotel")).toBe(hotelBefore);
    expect(net.balanceOf("guest")).toBe(1_000_000 - DEPOSIT);
  });

  it("cancelling within the window refunds the guest in full", async () => {
    const { net, escrow, stay } = await setup();
    book(net, escrow, stay);
    net.advance(7 * DAY); // three days before check-in: inside the window
    const receipt = net.call(escrow, "cancel", { bookingId: stay.bookingId }, { from: "guest" });
    expect(receipt).toEmit("Settled", { status: "cancelled", toGuest: DEPOSIT, toHotel: 0 });
    expect(net.balanceOf("guest")).toBe(1_000_000);
    expect(net.balanceOf(escrow)).toBe(0);
  });

  it("cancelling less than 48 hours before check-in leaves the deposit with the hotel", async () => {
    const { net, escrow, stay } = await setup();
    const hotelBefore = net.balanceOf("seaview-hotel");
    book(net, escrow, stay);
    net.advance(9 * DAY); // one day before check-in
    expect(net.call(escrow, "cancel", { bookingId: stay.bookingId }, { from: "guest" })).toEmit("Settled", { status: "cancelled-late", toGuest: 0, toHotel: DEPOSIT });
    expect(net.balanceOf("seaview-hotel")).toBe(hotelBefore + DEPOSIT);
  });

  it("checking in and then out releases the deposit to the hotel", async () => {
    const { net, escrow, stay } = await setup();
    const hotelBefore = net.balanceOf("seaview-hotel");
    book(net, escrow, stay);
    net.advance(10 * DAY);
    expect(net.call(escrow, "checkIn", { bookingId: stay.bookingId }, { from: "seaview-hotel" })).toSucceed();
    expect(net.call(escrow, "cancel", { bookingId: stay.bookingId }, { from: "guest" })).toRevert("can no longer be cancelled");
    net.advance(DAY);
    expect(net.call(escrow, "checkOut", { bookingId: stay.bookingId }, { from: "guest" })).toEmit("Settled", { status: "completed", toHotel: DEPOSIT });
    expect(net.balanceOf("seaview-hotel")).toBe(hotelBefore + DEPOSIT);
    expect(net.call(escrow, "checkOut", { bookingId: stay.bookingId }, { from: "guest" })).toRevert("is completed");
  });

  it("a guest who never arrives: the hotel keeps the deposit, but only once the grace period is over", async () => {
    const { net, escrow, stay } = await setup();
    book(net, escrow, stay);
    net.advance(10 * DAY + HOUR);
    expect(net.call(escrow, "reportNoShow", { bookingId: stay.bookingId }, { from: "seaview-hotel" })).toRevert("too early to report a no-show");
    net.advance(DAY);
    expect(net.call(escrow, "reportNoShow", { bookingId: stay.bookingId }, { from: "seaview-hotel" })).toEmit("Settled", { status: "no-show", toHotel: DEPOSIT });
  });

  it("only the guest can cancel, only the hotel can check in or report a no-show", async () => {
    const { net, escrow, stay } = await setup();
    book(net, escrow, stay);
    expect(net.call(escrow, "cancel", { bookingId: stay.bookingId }, { from: "mallory" })).toRevert("only the guest can cancel");
    expect(net.call(escrow, "cancel", { bookingId: stay.bookingId }, { from: "seaview-hotel" })).toRevert("only the guest can cancel");
    expect(net.call(escrow, "checkIn", { bookingId: stay.bookingId }, { from: "guest" })).toRevert("only the hotel");
    net.advance(12 * DAY);
    expect(net.call(escrow, "reportNoShow", { bookingId: stay.bookingId }, { from: "mallory" })).toRevert("only the hotel");
  });

  it("a dispute freezes the deposit until the arbiter splits it, reading the record", async () => {
    const { net, escrow, stay } = await setup();
    book(net, escrow, stay);
    net.advance(10 * DAY);
    net.call(escrow, "checkIn", { bookingId: stay.bookingId }, { from: "seaview-hotel" });
    const checkedInAt = net.time();
    expect(net.call(escrow, "dispute", { bookingId: stay.bookingId, reason: "no hot water all night" }, { from: "guest" })).toEmit("Disputed", { by: net.address("guest") });
    // Frozen: neither side can take the money while the dispute is open.
    expect(net.call(escrow, "checkOut", { bookingId: stay.bookingId }, { from: "seaview-hotel" })).toRevert("is disputed");
    expect(net.call(escrow, "resolve", { bookingId: stay.bookingId, refundToGuest: DEPOSIT }, { from: "guest" })).toRevert("only the arbiter");

    // The record the arbiter reads: every step, when, and by whom.
    const record = net.query(escrow, "record", { bookingId: stay.bookingId });
    expect(record.history.map((step) => step.step)).toEqual(["booked", "checked-in", "disputed"]);
    expect(record.history[1]).toEqual({ step: "checked-in", at: checkedInAt, by: net.address("seaview-hotel") });
    expect(record.history[2]).toMatchObject({ by: net.address("guest"), reason: "no hot water all night" });

    const ruling = net.call(escrow, "resolve", { bookingId: stay.bookingId, refundToGuest: 4_000, note: "partial refund" }, { from: "ombudsman" });
    expect(ruling).toEmit("Settled", { status: "resolved", toGuest: 4_000, toHotel: 8_000 });
    expect(net.balanceOf(escrow)).toBe(0);
  });

  it("a contract cannot drain the escrow: a second refund of the same booking is refused", async () => {
    const { net, escrow, stay } = await setup();
    // An honest guest's deposit is also in the escrow: the prize the attacker is after.
    book(net, escrow, stay);
    const attacker = net.deploySource(
      `import { call, ctx } from "ledger";
       export function attack({ escrow, stay, swallowErrors }) {
         call(escrow, "book", stay, ctx.value);
         call(escrow, "cancel", { bookingId: stay.bookingId });
         try { call(escrow, "cancel", { bookingId: stay.bookingId }); }   // refund it again?
         catch (error) { if (!swallowErrors) throw error; }
       }`,
      null,
      { from: "mallory", name: "attacker" },
    );
    const theirStay = { ...stay, bookingId: "room-13/night-1" };
    const blunt = net.call(attacker, "attack", { escrow: escrow.address, stay: theirStay, swallowErrors: false }, { from: "mallory", value: DEPOSIT });
    expect(blunt).toRevert("can no longer be cancelled");
    // Catching the refusal only gets the attacker's own deposit back, once.
    const careful = net.call(attacker, "attack", { escrow: escrow.address, stay: theirStay, swallowErrors: true }, { from: "mallory", value: DEPOSIT });
    expect(careful).toSucceed();
    expect(careful.events.filter((e) => e.name === "Settled")).toHaveLength(1);
    expect(net.balanceOf(attacker)).toBe(DEPOSIT);
    expect(net.balanceOf(escrow)).toBe(DEPOSIT); // the honest guest's deposit is untouched
  });

  it("refuses a booking without a deposit, in the past, or under a taken id", async () => {
    const { net, escrow, stay } = await setup();
    expect(net.call(escrow, "book", stay, { from: "guest" })).toRevert("send the deposit");
    expect(net.call(escrow, "book", { ...stay, checkInAt: net.time() - DAY }, { from: "guest", value: 1 })).toRevert("in the future");
    book(net, escrow, stay);
    expect(net.call(escrow, "book", stay, { from: "mallory", value: 1 })).toRevert("already exists");
    expect(net.balanceOf("mallory")).toBe(1_000_000); // a failed call sends nothing
  });

  it("the arbiter cannot be the hotel", async () => {
    const net = await lab({ actors: [{ name: "seaview-hotel", kind: "organisation" }] });
    await expect(net.deploy("escrow.js", { arbiter: net.address("seaview-hotel") }, { from: "seaview-hotel" })).rejects.toThrow("the arbiter must not be the hotel");
  });
});
