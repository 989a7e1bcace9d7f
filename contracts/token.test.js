/// <reference path="./testing.d.ts" />
// Civic credits (token.js): the council mints, residents transfer, a till spends with permission.

const setup = async () => {
  const net = await lab({ actors: ["council", "amira", "ben", { name: "leisure-centre", kind: "organisation" }] });
  const credits = await net.deploy("token.js", { name: "Civic credits", symbol: "CC" }, { from: "council" });
  return { net, credits, amira: net.address("amira"), ben: net.address("ben"), till: net.address("leisure-centre") };
};

describe("civic credits", () => {
  it("the council mints credits to a resident, and the supply grows by as much", async () => {
    const { net, credits, amira } = await setup();
    const receipt = net.call(credits, "mint", { to: amira, amount: 50 }, { from: "council" });
    expect(receipt).toSucceed();
    expect(receipt).toEmit("Minted", { to: amira, amount: 50 });
    expect(net.query(credits, "balanceOf", { owner: amira })).toBe(50);
    expect(net.query(credits, "info")).toEqual({ name: "Civic credits", symbol: "CC", issuer: net.address("council"), supply: 50 });
  });

  it("nobody but the issuer can mint", async () => {
    const { net, credits, amira } = await setup();
    expect(net.call(credits, "mint", { to: amira, amount: 1000 }, { from: "amira" })).toRevert("only the issuer can mint credits");
    expect(net.query(credits, "totalSupply")).toBe(0);
  });

  it("a resident passes credits on; the record shows who sent what to whom", async () => {
    const { net, credits, amira, ben } = await setup();
    net.call(credits, "mint", { to: amira, amount: 50 }, { from: "council" });
    const receipt = net.call(credits, "transfer", { to: ben, amount: 20 }, { from: "amira" });
    expect(receipt).toEmit("Transfer", { from: amira, to: ben, amount: 20 });
    expect(receipt.returnValue).toBe(30);
    expect(net.query(credits, "balanceOf", { owner: ben })).toBe(20);
    expect(net.query(credits, "totalSupply")).toBe(50); // moved, not created
  });

  it("nobody can spend more than they hold, and a failed transfer changes nothing", async () => {
    const { net, credits, amira, ben } = await setup();
    net.call(credits, "mint", { to: amira, amount: 5 }, { from: "council" });
    const receipt = net.call(credits, "transfer", { to: ben, amount: 6 }, { from: "amira" });
    expect(receipt).toRevert("balance too low");
    expect(receipt).not.toEmit("Transfer");
    expect(net.query(credits, "balanceOf", { owner: amira })).toBe(5);
    expect(net.query(credits, "balanceOf", { owner: ben })).toBe(0);
  });

  it("refuses nonsense amounts and addresses", async () => {
    const { net, credits, amira } = await setup();
    net.call(credits, "mint", { to: amira, amount: 5 }, { from: "council" });
    expect(net.call(credits, "transfer", { to: amira, amount: 0 }, { from: "amira" })).toRevert("positive whole number");
    expect(net.call(credits, "transfer", { to: amira, amount: -3 }, { from: "amira" })).toRevert("positive whole number");
    expect(net.call(credits, "transfer", { to: "the bank", amount: 1 }, { from: "amira" })).toRevert("to must be an address");
  });

  it("sending credits to yourself leaves the balance as it was", async () => {
    const { net, credits, amira } = await setup();
    net.call(credits, "mint", { to: amira, amount: 5 }, { from: "council" });
    expect(net.call(credits, "transfer", { to: amira, amount: 5 }, { from: "amira" })).toSucceed();
    expect(net.query(credits, "balanceOf", { owner: amira })).toBe(5);
  });

  it("the leisure centre's till spends credits a resident allowed it to, and no more", async () => {
    const { net, credits, amira, till } = await setup();
    const council = net.address("council");
    net.call(credits, "mint", { to: amira, amount: 50 }, { from: "council" });
    expect(net.call(credits, "approve", { spender: till, amount: 15 }, { from: "amira" })).toEmit("Approval", { owner: amira, spender: till, amount: 15 });
    expect(net.query(credits, "allowance", { owner: amira, spender: till })).toBe(15);

    const swim = net.call(credits, "transferFrom", { from: amira, to: council, amount: 10 }, { from: "leisure-centre" });
    expect(swim).toEmit("Transfer", { from: amira, to: council, amount: 10 });
    expect(net.query(credits, "allowance", { owner: amira, spender: till })).toBe(5);
    expect(net.call(credits, "transferFrom", { from: amira, to: council, amount: 10 }, { from: "leisure-centre" })).toRevert("allowance too low");
    // Someone else cannot use the till's permission.
    expect(net.call(credits, "transferFrom", { from: amira, to: council, amount: 1 }, { from: "ben" })).toRevert("allowance too low");
    expect(net.query(credits, "balanceOf", { owner: amira })).toBe(40);
  });

  it("an initial supply at deploy goes to the issuer", async () => {
    const net = await lab({ actors: ["council"] });
    const credits = await net.deploy("token.js", { initialSupply: 1000 }, { from: "council" });
    expect(credits.receipt).toEmit("Minted", { to: net.address("council"), amount: 1000 });
    expect(net.query(credits, "balanceOf", { owner: net.address("council") })).toBe(1000);
  });
});
