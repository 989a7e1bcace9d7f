/// <reference path="./testing.d.ts" />
// The council's parking meter (parking.js): pay per stay, with a resident discount checked
// against a credential the council issued.

const MINUTE = 60 * 1000;
const RATE = 240; // £2.40 an hour, in pence
const START = 1_000_000;

const setup = async () => {
  const net = await lab({ actors: [{ name: "council", kind: "organisation" }, "amira", "visitor", "warden"] });
  const meter = await net.deploy("parking.js", { ratePerHour: RATE, residentDiscountPercent: 50 }, { from: "council" });
  return { net, meter, amira: net.address("amira") };
};

describe("parking meter with a resident discount", () => {
  it("a visitor pays the full fee, straight to the council, and gets the change back", async () => {
    const { net, meter } = await setup();
    const receipt = net.call(meter, "park", { plate: "LD26 ABC", minutes: 90 }, { from: "visitor", value: 400 });
    expect(receipt).toEmit("Parked", { plate: "LD26ABC", paid: 360, resident: false, until: receipt.blockTimeMs + 90 * MINUTE });
    expect(net.balanceOf("council")).toBe(START + 360);
    expect(net.balanceOf("visitor")).toBe(START - 360);
    expect(net.balanceOf(meter)).toBe(0); // the meter holds nothing
  });

  it("a resident holding the council's credential pays half", async () => {
    const { net, meter, amira } = await setup();
    net.issueCredential("council", "amira", "resident", { ward: "Harbour" });
    expect(net.query(meter, "quote", { driver: amira, minutes: 90 })).toEqual({ fee: 180, fullFee: 360, resident: true });
    expect(net.call(meter, "park", { plate: "AM1 RA", minutes: 90 }, { from: "amira", value: 180 })).toEmit("Parked", { paid: 180, resident: true });
    expect(net.balanceOf("council")).toBe(START + 180);
  });

  it("a resident credential issued by anyone but the council does not count", async () => {
    const { net, meter } = await setup();
    net.issueCredential("visitor", "visitor", "resident"); // issued to themselves
    expect(net.call(meter, "park", { plate: "V1 SIT", minutes: 60 }, { from: "visitor", value: 120 })).toRevert("this stay costs 240; you sent 120");
  });

  it("revoking the credential ends the discount from the next payment; the stay already paid stands", async () => {
    const { net, meter, amira } = await setup();
    const credential = net.issueCredential("council", "amira", "resident");
    net.call(meter, "park", { plate: "AM1 RA", minutes: 60 }, { from: "amira", value: 120 });
    net.revokeCredential("council", credential);
    expect(net.query(meter, "isPaid", { plate: "AM1 RA" })).toBe(true);
    expect(net.query(meter, "stay", { plate: "am1ra" })).toMatchObject({ driver: amira, paid: 120, resident: true });
    expect(net.query(meter, "quote", { driver: amira, minutes: 60 })).toMatchObject({ fee: 240, resident: false });
  });

  it("a warden can check any plate, and a stay expires on time", async () => {
    const { net, meter } = await setup();
    net.call(meter, "park", { plate: "LD26 ABC", minutes: 30 }, { from: "visitor", value: 120 });
    expect(net.query(meter, "isPaid", { plate: "LD26 ABC" }, { from: "warden" })).toBe(true);
    expect(net.query(meter, "isPaid", { plate: "XX11 XXX" }, { from: "warden" })).toBe(false);
    net.advance(31 * MINUTE);
    expect(net.query(meter, "isPaid", { plate: "LD26 ABC" }, { from: "warden" })).toBe(false);
  });

  it("paying more time while parked adds it after the current stay", async () => {
    const { net, meter } = await setup();
    const first = net.call(meter, "park", { plate: "LD26 ABC", minutes: 60 }, { from: "visitor", value: 240 });
    net.advance(45 * MINUTE);
    const more = net.call(meter, "park", { plate: "LD26 ABC", minutes: 30 }, { from: "visitor", value: 120 });
    expect(more.returnValue).toBe(first.blockTimeMs + 90 * MINUTE);
  });

  it("refuses too little money and impossible stays, and takes nothing when it refuses", async () => {
    const { net, meter } = await setup();
    expect(net.call(meter, "park", { plate: "LD26 ABC", minutes: 60 }, { from: "visitor", value: 100 })).toRevert("this stay costs 240");
    expect(net.call(meter, "park", { plate: "LD26 ABC", minutes: 600 }, { from: "visitor", value: 9_999 })).toRevert("from 1 to 240");
    expect(net.call(meter, "park", { plate: "<script>", minutes: 10 }, { from: "visitor", value: 9_999 })).toRevert("plate must be a registration");
    expect(net.balanceOf("visitor")).toBe(START);
  });

  it("with a registry, a neighbouring council's residents get the discount too", async () => {
    const net = await lab({ actors: [{ name: "council", kind: "organisation" }, { name: "neighbour-council", kind: "organisation" }, "ben"] });
    const registry = await net.deploy("registry.js", null, { from: "council" });
    for (const issuer of ["council", "neighbour-council"]) net.call(registry, "trustIssuer", { type: "resident", issuer: net.address(issuer) }, { from: "council" });
    const meter = await net.deploy("parking.js", { ratePerHour: RATE, registry: registry.address }, { from: "council" });
    net.issueCredential("neighbour-council", "ben", "resident");
    expect(net.call(meter, "park", { plate: "BEN 1", minutes: 60 }, { from: "ben", value: 120 })).toEmit("Parked", { resident: true, paid: 120 });
  });
});
