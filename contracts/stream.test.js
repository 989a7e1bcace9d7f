/// <reference path="./testing.d.ts" />
// In-car entertainment, paid by the minute (stream.js).

const MINUTE = 60 * 1000;
const RATE = 20; // 20p a minute
const START = 1_000_000;

const setup = async () => {
  const net = await lab({ actors: ["passenger", { name: "car-42-screen", kind: "device" }, "stranger"] });
  const meter = await net.deploy("stream.js", { ratePerMinute: RATE }, { from: "car-42-screen" });
  return { net, meter, passenger: net.address("passenger") };
};

describe("pay-per-minute entertainment", () => {
  it("the passenger pays for each complete minute watched and gets the rest of the deposit back", async () => {
    const { net, meter, passenger } = await setup();
    const opened = net.call(meter, "open", null, { from: "passenger", value: 1_000 });
    expect(opened).toEmit("StreamOpened", { payer: passenger, deposit: 1_000, ratePerMinute: RATE, runsOutAt: opened.blockTimeMs + 50 * MINUTE });
    net.advance(5 * MINUTE);
    expect(net.query(meter, "status", { payer: passenger })).toMatchObject({ open: true, playing: true, minutes: 5, earned: 100, remaining: 900 });
    const stopped = net.call(meter, "stop", null, { from: "passenger" });
    expect(stopped).toEmit("StreamStopped", { payer: passenger, minutes: 5, paid: 100, refunded: 900 });
    expect(net.balanceOf("passenger")).toBe(START - 100);
    expect(net.balanceOf("car-42-screen")).toBe(START + 100);
    expect(net.balanceOf(meter)).toBe(0);
  });

  it("a minute that has not finished costs nothing", async () => {
    const { net, meter } = await setup();
    net.call(meter, "open", null, { from: "passenger", value: 1_000 });
    expect(net.call(meter, "stop", null, { from: "passenger" }).returnValue).toEqual({ paid: 0, refunded: 1_000 });
  });

  it("the system withdraws what it has earned during the ride, and never twice", async () => {
    const { net, meter, passenger } = await setup();
    net.call(meter, "open", null, { from: "passenger", value: 1_000 });
    net.advance(10 * MINUTE);
    expect(net.call(meter, "withdraw", { payer: passenger }, { from: "car-42-screen" }).returnValue).toBe(200);
    expect(net.call(meter, "withdraw", { payer: passenger }, { from: "car-42-screen" }).returnValue).toBe(0);
    net.advance(3 * MINUTE);
    expect(net.call(meter, "stop", null, { from: "passenger" })).toEmit("StreamStopped", { minutes: 13, paid: 260, refunded: 740 });
    expect(net.balanceOf("car-42-screen")).toBe(START + 260);
  });

  it("a stream ends when the deposit runs out: nobody is charged beyond it", async () => {
    const { net, meter, passenger } = await setup();
    net.call(meter, "open", null, { from: "passenger", value: 110 }); // five minutes and a half
    net.advance(30 * MINUTE);
    expect(net.query(meter, "status", { payer: passenger })).toMatchObject({ playing: false, minutes: 5, earned: 100 });
    expect(net.call(meter, "topUp", null, { from: "passenger", value: 100 })).toRevert("this stream has run out");
    // The half minute the deposit could not pay for is refunded.
    expect(net.call(meter, "stop", null, { from: "passenger" })).toEmit("StreamStopped", { minutes: 5, paid: 100, refunded: 10 });
  });

  it("topping up keeps the film playing for longer", async () => {
    const { net, meter } = await setup();
    const opened = net.call(meter, "open", null, { from: "passenger", value: 100 });
    net.advance(2 * MINUTE);
    expect(net.call(meter, "topUp", null, { from: "passenger", value: 100 }).returnValue).toBe(opened.blockTimeMs + 10 * MINUTE);
  });

  it("only the passenger or the system can stop a stream, and only the system withdraws", async () => {
    const { net, meter, passenger } = await setup();
    net.call(meter, "open", null, { from: "passenger", value: 1_000 });
    net.advance(4 * MINUTE);
    expect(net.call(meter, "withdraw", { payer: passenger }, { from: "stranger" })).toRevert("only the entertainment system");
    expect(net.call(meter, "stop", { payer: passenger }, { from: "stranger" })).toRevert("no open stream for " + net.address("stranger"));
    // The system may end the session itself, for example when the car arrives.
    expect(net.call(meter, "stop", { payer: passenger }, { from: "car-42-screen" })).toEmit("StreamStopped", { payer: passenger, paid: 80, refunded: 920 });
  });

  it("the meter belongs to a device identity, and one stream per passenger at a time", async () => {
    const { net, meter } = await setup();
    await expect(net.deploy("stream.js", { ratePerMinute: RATE }, { from: "stranger" })).rejects.toThrow("device identity");
    net.call(meter, "open", null, { from: "passenger", value: 100 });
    expect(net.call(meter, "open", null, { from: "passenger", value: 100 })).toRevert("already have a stream open");
    expect(net.call(meter, "open", null, { from: "stranger", value: 5 })).toRevert("deposit at least one minute");
  });
});
