/// <reference path="./testing.d.ts" />
// Benefit payments and spending advice (benefits.js): the department pays, the claimant's app
// records receipts, and the claimant shares only the totals they consented to.

const setup = async () => {
  const net = await lab({
    actors: [{ name: "department", kind: "organisation" }, "jo", { name: "corner-shop", kind: "organisation" }, { name: "university", kind: "organisation" }],
  });
  const benefits = await net.deploy("benefits.js", { categories: ["food", "energy", "alcohol"] }, { from: "department" });
  return { net, benefits, jo: net.address("jo"), shop: net.address("corner-shop") };
};

describe("benefit payments and spending advice", () => {
  it("the department pays the benefit straight to the claimant, and the total paid is on the record", async () => {
    const { net, benefits, jo } = await setup();
    const paid = net.call(benefits, "pay", { claimant: jo, week: 1 }, { from: "department", value: 120 });
    expect(paid).toEmit("BenefitPaid", { claimant: jo, week: 1, amount: 120 });
    expect(net.balanceOf("jo")).toBe(1_000_120);
    expect(net.balanceOf(benefits.address)).toBe(0);
    expect(net.query(benefits, "summary", { claimant: jo })).toMatchObject({ paid: 120, receipts: 0 });
  });

  it("only the department pays benefits", async () => {
    const { net, benefits, jo } = await setup();
    expect(net.call(benefits, "pay", { claimant: jo, week: 1 }, { from: "jo", value: 120 })).toRevert("only the department pays benefits");
  });

  it("a receipt on the ledger can be read by anyone: shop, amount, category and what was bought", async () => {
    const { net, benefits, jo, shop } = await setup();
    const wine = net.call(benefits, "receipt", { shop, amount: 8, category: "alcohol", item: "bottle of red wine" }, { from: "jo" });
    expect(wine).toEmit("ReceiptRecorded", { claimant: jo, shop, amount: 8, category: "alcohol", item: "bottle of red wine" });
    expect(net.query(benefits, "receipts", { claimant: jo }, { from: "university" })).toMatchObject([{ shop, amount: 8, category: "alcohol", item: "bottle of red wine" }]);
    expect(net.query(benefits, "summary", { claimant: jo })).toMatchObject({ receipts: 1, spent: { alcohol: 8 } });
  });

  it("the claimant shares only the categories they consented to", async () => {
    const { net, benefits, jo } = await setup();
    expect(net.call(benefits, "shareTotals", { claimant: jo, week: 1, totals: { food: 32 } }, { from: "jo" })).toRevert("has not consented to share anything");
    expect(net.call(benefits, "consent", { categories: ["food", "energy"] }, { from: "jo" })).toEmit("ConsentGiven", { claimant: jo, categories: ["food", "energy"] });
    expect(net.call(benefits, "shareTotals", { claimant: jo, week: 1, totals: { food: 32, alcohol: 8 } }, { from: "jo" })).toRevert('has not consented to share "alcohol"');
    expect(net.call(benefits, "shareTotals", { claimant: jo, week: 1, totals: { food: 32, energy: 45 } }, { from: "jo" })).toSucceed();
    expect(net.query(benefits, "sharedTotals", { claimant: jo, week: 1 })).toEqual({ food: 32, energy: 45 });
    expect(net.call(benefits, "shareTotals", { claimant: jo, week: 1, totals: { food: 10 } }, { from: "jo" })).toRevert("already shared");
  });

  it("nobody shares a claimant's spending for them, the department included", async () => {
    const { net, benefits, jo } = await setup();
    net.call(benefits, "consent", { categories: ["food"] }, { from: "jo" });
    expect(net.call(benefits, "shareTotals", { claimant: jo, week: 1, totals: { food: 32 } }, { from: "department" })).toRevert("only the claimant can share their own spending");
  });

  it("withdrawing consent stops sharing but does not erase the receipts already on the record", async () => {
    const { net, benefits, jo, shop } = await setup();
    net.call(benefits, "consent", { categories: ["food"] }, { from: "jo" });
    net.call(benefits, "receipt", { shop, amount: 32, category: "food", item: "weekly shop" }, { from: "jo" });
    expect(net.call(benefits, "withdrawConsent", null, { from: "jo" })).toEmit("ConsentWithdrawn", { claimant: jo, receiptsOnRecord: 1 });
    expect(net.query(benefits, "summary", { claimant: jo })).toMatchObject({ receipts: 1, consent: [] });
    expect(net.call(benefits, "shareTotals", { claimant: jo, week: 2, totals: { food: 20 } }, { from: "jo" })).toRevert("has not consented");
  });

  it("refuses categories it does not know", async () => {
    const { net, benefits, shop } = await setup();
    expect(net.call(benefits, "receipt", { shop, amount: 5, category: "gambling", item: "scratch card" }, { from: "jo" })).toRevert('"gambling" is not a category here');
    expect(net.call(benefits, "consent", { categories: ["gambling"] }, { from: "jo" })).toRevert('"gambling" is not a category here');
  });
});
