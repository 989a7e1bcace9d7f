/// <reference path="./testing.d.ts" />
// Bin collection, paid and proven (sla.js): the lorry records lifts; a missed collection
// credits the resident.

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const CREDIT = 500; // £5.00 per missed collection, in pence
const START = 1_000_000;

const setup = async () => {
  const net = await lab({
    actors: [{ name: "council", kind: "organisation" }, { name: "bin-lorry-7", kind: "device" }, "amira", "ben", "impostor"],
  });
  const sla = await net.deploy("sla.js", { vehicle: net.address("bin-lorry-7"), intervalMs: WEEK, graceMs: 12 * HOUR, creditPerMiss: CREDIT }, { from: "council" });
  net.call(sla, "fund", null, { from: "council", value: 10 * CREDIT });
  const amira = net.address("amira");
  const firstDueAt = net.time() + DAY;
  net.call(sla, "enrol", { resident: amira, firstDueAt }, { from: "council" });
  return { net, sla, amira, firstDueAt };
};

describe("bin collection service agreement", () => {
  it("the lorry records each lift, and the household sees it on the record", async () => {
    const { net, sla, amira, firstDueAt } = await setup();
    net.advance(DAY);
    const lift = net.call(sla, "recordLift", { resident: amira }, { from: "bin-lorry-7" });
    expect(lift).toEmit("BinLifted", { resident: amira, collection: 0, dueAt: firstDueAt, vehicle: net.address("bin-lorry-7") });
    expect(net.query(sla, "status", { resident: amira })).toMatchObject({ lifted: 1, missed: 0, nextDueAt: firstDueAt });
    expect(net.storage(sla, `lift:${amira}:0`)).toBe(lift.blockTimeMs);
  });

  it("a missed collection credits the resident, whoever triggers the settlement", async () => {
    const { net, sla, amira, firstDueAt } = await setup();
    net.advance(DAY + 13 * HOUR); // the window of the first collection has closed, with no lift
    expect(net.query(sla, "status", { resident: amira })).toMatchObject({ unsettledMisses: [0], owed: CREDIT });
    const receipt = net.call(sla, "settle", { resident: amira }, { from: "ben" });
    expect(receipt).toEmit("CollectionMissed", { resident: amira, collection: 0, dueAt: firstDueAt });
    expect(receipt).toEmit("Credited", { resident: amira, amount: CREDIT });
    expect(net.balanceOf("amira")).toBe(START + CREDIT);
    expect(net.balanceOf("ben")).toBe(START);
    // Settling again pays nothing more.
    expect(net.call(sla, "settle", { resident: amira }, { from: "ben" }).returnValue).toBe(0);
  });

  it("counts collection by collection over several weeks", async () => {
    const { net, sla, amira } = await setup();
    net.advance(DAY);
    net.call(sla, "recordLift", { resident: amira }, { from: "bin-lorry-7" }); // week 0: collected
    net.advance(2 * WEEK); // week 1: missed; week 2: collected
    net.call(sla, "recordLift", { resident: amira }, { from: "bin-lorry-7" });
    net.advance(WEEK + DAY); // week 3: missed
    expect(net.call(sla, "settle", { resident: amira }, { from: "amira" })).toEmit("Credited", { amount: 2 * CREDIT, collections: [1, 3] });
    expect(net.query(sla, "status", { resident: amira })).toMatchObject({ lifted: 2, missed: 2, credited: 2 * CREDIT, settled: 4, unsettledMisses: [] });
  });

  it("a lift outside the collection window does not count", async () => {
    const { net, sla, amira } = await setup();
    net.advance(HOUR); // due in about a day: too early
    expect(net.call(sla, "recordLift", { resident: amira }, { from: "bin-lorry-7" })).toRevert("a lift outside the window does not count");
  });

  it("only the registered collection vehicle can record lifts: not the council, not an impostor", async () => {
    const { net, sla, amira } = await setup();
    net.advance(DAY);
    expect(net.call(sla, "recordLift", { resident: amira }, { from: "impostor" })).toRevert("only the registered collection vehicle");
    expect(net.call(sla, "recordLift", { resident: amira }, { from: "council" })).toRevert("only the registered collection vehicle");
    expect(net.call(sla, "recordLift", { resident: amira }, { from: "bin-lorry-7" })).toSucceed();
    expect(net.call(sla, "recordLift", { resident: amira }, { from: "bin-lorry-7" })).toRevert("already recorded");
  });

  it("the vehicle must be a device identity", async () => {
    const net = await lab({ actors: [{ name: "council", kind: "organisation" }, "driver"] });
    await expect(net.deploy("sla.js", { vehicle: net.address("driver"), creditPerMiss: CREDIT }, { from: "council" })).rejects.toThrow("the vehicle must be a registered device identity");
  });

  it("an empty fund is visible on the record: the credit waits until the council tops it up", async () => {
    const net = await lab({ actors: [{ name: "council", kind: "organisation" }, { name: "bin-lorry-7", kind: "device" }, "amira"] });
    const sla = await net.deploy("sla.js", { vehicle: net.address("bin-lorry-7"), creditPerMiss: CREDIT }, { from: "council" });
    const amira = net.address("amira");
    net.call(sla, "enrol", { resident: amira, firstDueAt: net.time() + DAY }, { from: "council" });
    net.advance(2 * DAY);
    expect(net.call(sla, "settle", { resident: amira })).toRevert(`the credit fund holds 0 but ${CREDIT} is owed`);
    expect(net.query(sla, "status", { resident: amira })).toMatchObject({ owed: CREDIT });
    net.call(sla, "fund", null, { from: "council", value: CREDIT });
    expect(net.call(sla, "settle", { resident: amira })).toEmit("Credited", { amount: CREDIT });
  });

  it("only the council enrols households", async () => {
    const { net, sla } = await setup();
    expect(net.call(sla, "enrol", { resident: net.address("ben"), firstDueAt: net.time() + DAY }, { from: "ben" })).toRevert("only the council");
  });
});
