/// <reference path="./testing.d.ts" />
// Newspaper subscription (subscription.js): pay per period, cancel at will, no middleman.

const DAY = 24 * 60 * 60 * 1000;
const MONTH = 30 * DAY;
const PRICE = 999; // £9.99 a month, in pence
const START = 1_000_000;

const setup = async () => {
  const net = await lab({ actors: ["nadia", { name: "daily-ledger", kind: "organisation" }, "stranger"] });
  const paper = await net.deploy("subscription.js", { title: "The Daily Ledger", pricePerPeriod: PRICE, periodMs: MONTH }, { from: "daily-ledger" });
  const nadia = net.address("nadia");
  return { net, paper, nadia };
};

describe("newspaper subscription", () => {
  it("a reader pays for a month and can read at once; the publisher gets the whole price", async () => {
    const { net, paper, nadia } = await setup();
    expect(net.query(paper, "hasAccess", { reader: nadia })).toBe(false);
    const receipt = net.call(paper, "subscribe", null, { from: "nadia", value: PRICE });
    expect(receipt).toEmit("Subscribed", { reader: nadia, periods: 1, paidUntil: receipt.blockTimeMs + MONTH });
    expect(receipt).toEmit("Paid", { periods: 1, amount: PRICE });
    expect(net.query(paper, "hasAccess", { reader: nadia })).toBe(true);
    expect(net.balanceOf("daily-ledger")).toBe(START + PRICE); // no platform fee taken out
    expect(net.balanceOf(paper)).toBe(0);
  });

  it("prepaid months reach the publisher one at a time, as each begins", async () => {
    const { net, paper, nadia } = await setup();
    net.call(paper, "subscribe", null, { from: "nadia", value: 3 * PRICE });
    expect(net.balanceOf(paper)).toBe(2 * PRICE); // held for the months that have not started
    net.advance(MONTH);
    expect(net.query(paper, "subscription", { reader: nadia })).toMatchObject({ periodsStarted: 2, owedToPublisher: PRICE });
    // Anyone may trigger the payment; the money can only go to the publisher.
    expect(net.call(paper, "collect", { reader: nadia }, { from: "stranger" })).toEmit("Paid", { amount: PRICE });
    expect(net.balanceOf("daily-ledger")).toBe(START + 2 * PRICE);
    expect(net.balanceOf("stranger")).toBe(START);
  });

  it("access ends when the paid months run out", async () => {
    const { net, paper, nadia } = await setup();
    net.call(paper, "subscribe", null, { from: "nadia", value: PRICE });
    net.advance(MONTH - DAY);
    expect(net.query(paper, "hasAccess", { reader: nadia })).toBe(true);
    net.advance(2 * DAY);
    expect(net.query(paper, "hasAccess", { reader: nadia })).toBe(false);
  });

  it("cancelling refunds every month not yet started and keeps access to the end of this one", async () => {
    const { net, paper, nadia } = await setup();
    net.call(paper, "subscribe", null, { from: "nadia", value: 3 * PRICE });
    net.advance(10 * DAY);
    const receipt = net.call(paper, "cancel", null, { from: "nadia" });
    expect(receipt).toEmit("Cancelled", { reader: nadia, refund: 2 * PRICE });
    expect(net.balanceOf("nadia")).toBe(START - PRICE);
    expect(net.query(paper, "hasAccess", { reader: nadia })).toBe(true);
    net.advance(21 * DAY);
    expect(net.query(paper, "hasAccess", { reader: nadia })).toBe(false);
    expect(net.balanceOf("daily-ledger")).toBe(START + PRICE);
    expect(net.balanceOf(paper)).toBe(0);
  });

  it("renewing before the end adds the new month after the current one, without a gap", async () => {
    const { net, paper } = await setup();
    const first = net.call(paper, "subscribe", null, { from: "nadia", value: PRICE });
    net.advance(20 * DAY);
    const renewal = net.call(paper, "subscribe", null, { from: "nadia", value: PRICE });
    expect(renewal.returnValue).toBe(first.blockTimeMs + 2 * MONTH);
    expect(renewal).not.toEmit("Paid"); // the second month has not started yet
  });

  it("subscribing again after a lapse starts afresh from today", async () => {
    const { net, paper, nadia } = await setup();
    net.call(paper, "subscribe", null, { from: "nadia", value: PRICE });
    net.advance(2 * MONTH);
    const again = net.call(paper, "subscribe", null, { from: "nadia", value: PRICE });
    expect(again.returnValue).toBe(again.blockTimeMs + MONTH);
    expect(net.query(paper, "subscription", { reader: nadia })).toMatchObject({ start: again.blockTimeMs, periodsPaid: 1, periodsCollected: 1 });
  });

  it("payments must be whole months, and only a subscriber can cancel", async () => {
    const { net, paper } = await setup();
    expect(net.call(paper, "subscribe", null, { from: "nadia", value: 500 })).toRevert("whole number of periods");
    expect(net.call(paper, "subscribe", null, { from: "nadia" })).toRevert("whole number of periods");
    net.call(paper, "subscribe", null, { from: "nadia", value: PRICE });
    expect(net.call(paper, "cancel", null, { from: "stranger" })).toRevert("no running subscription");
  });
});
