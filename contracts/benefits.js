// Benefit payments and spending advice.
//
// Modelled on a 2016 UK pilot in which a government department, a bank, an energy supplier and
// a university tracked benefit claimants' receipts and spending through a phone app, to offer
// financial advice. The department pays each claimant's benefit through this contract, so the
// total paid to each claimant is on the record: public money, accounted for in public.
//
// The claimant's app records receipts here (`receipt`). On a public ledger that means every
// receipt (shop, amount, category, what was bought) can be read by everyone who holds a copy of
// the ledger, for ever: there is no method to delete one, because a shared ledger has none.
// With privacy controls (a ledger with private data, see engine/ledger/private-data.ts) the app
// keeps receipts as private records between the claimant, the shop and the bank, and the
// claimant publishes only the weekly totals of the categories they consented to share
// (`consent`, then `shareTotals`); the contract refuses any other category. Withdrawing consent
// (`withdrawConsent`) stops future sharing; it cannot take back what is already on the record.
//
// Amounts are whole pounds, to keep the story readable.
//
// Storage: department, categories,
//   paid:<claimant>             total benefit paid to the claimant
//   consent:<claimant>          categories the claimant agrees to share, e.g. ["food", "energy"]
//   receipts:<claimant>         how many receipts the app has recorded publicly
//   receipt:<claimant>:<n>      { shop, amount, category, item, at } (n = 0, 1, ...)
//   spent:<claimant>            { category: total } over the public receipts
//   shared:<claimant>:<week>    { category: total } the claimant chose to share for that week
import { storage, ctx, emit, assert, transfer } from "ledger";

const ITEM_LENGTH_MAX = 80;
const CATEGORIES_MAX = 16;
/** Receipts one `receipts` query returns, so that its gas stays bounded. */
const RECEIPTS_PAGE_MAX = 100;

export function init(args) {
  const { categories } = args ?? {};
  assert(Array.isArray(categories) && categories.length > 0 && categories.length <= CATEGORIES_MAX, `categories: a list of 1 to ${CATEGORIES_MAX} spending categories, e.g. ["food", "energy"]`);
  for (const category of categories) assert(typeof category === "string" && /^[a-z][a-z-]*$/.test(category), "each category is a lower-case word, e.g. \"food\"");
  storage.set("department", ctx.sender);
  storage.set("categories", categories);
}

/** The department pays a claimant's benefit for a week: the value of this call goes straight to them. */
export function pay({ claimant, week }) {
  assert(ctx.sender === storage.get("department"), "only the department pays benefits");
  assertAddress(claimant, "claimant");
  assert(Number.isSafeInteger(week) && week > 0, "week: the benefit week, 1 or more");
  assert(ctx.value > 0, "send the benefit as the value of this call");
  storage.set("paid:" + claimant, (storage.get("paid:" + claimant) ?? 0) + ctx.value);
  emit("BenefitPaid", { claimant, week, amount: ctx.value });
  transfer(claimant, ctx.value);
}

/** The claimant says which categories of their spending they agree to share for advice. */
export function consent({ categories }) {
  assert(Array.isArray(categories), "categories: the list of categories you agree to share, e.g. [\"food\"]");
  const known = storage.get("categories");
  for (const category of categories) assert(known.includes(category), `"${category}" is not a category here: use one of ${known.join(", ")}`);
  storage.set("consent:" + ctx.sender, categories);
  emit("ConsentGiven", { claimant: ctx.sender, categories });
}

/** The claimant withdraws consent: nothing more will be shared. What is on the record stays there. */
export function withdrawConsent() {
  assert(storage.has("consent:" + ctx.sender), "there is no consent to withdraw");
  storage.delete("consent:" + ctx.sender);
  emit("ConsentWithdrawn", { claimant: ctx.sender, receiptsOnRecord: storage.get("receipts:" + ctx.sender) ?? 0 });
}

/** The claimant's app records a receipt on the ledger, where everyone can read it. */
export function receipt({ shop, amount, category, item }) {
  assertAddress(shop, "shop");
  assert(Number.isSafeInteger(amount) && amount > 0, "amount: what was paid, a whole number above 0");
  assert(storage.get("categories").includes(category), `"${category}" is not a category here: use one of ${storage.get("categories").join(", ")}`);
  assert(typeof item === "string" && item.length > 0 && item.length <= ITEM_LENGTH_MAX, `item: what was bought, 1 to ${ITEM_LENGTH_MAX} characters`);
  const n = storage.get("receipts:" + ctx.sender) ?? 0;
  storage.set(`receipt:${ctx.sender}:${n}`, { shop, amount, category, item, at: ctx.blockTime });
  storage.set("receipts:" + ctx.sender, n + 1);
  const spent = storage.get("spent:" + ctx.sender) ?? {};
  spent[category] = (spent[category] ?? 0) + amount;
  storage.set("spent:" + ctx.sender, spent);
  emit("ReceiptRecorded", { claimant: ctx.sender, shop, amount, category, item });
}

/**
 * The claimant shares a week's totals for the categories they consented to, and only those.
 * `claimant` must be the caller: nobody shares someone else's spending.
 */
export function shareTotals({ claimant, week, totals }) {
  assert(ctx.sender === claimant, "only the claimant can share their own spending");
  assert(Number.isSafeInteger(week) && week > 0, "week: the benefit week, 1 or more");
  assert(totals !== null && typeof totals === "object" && !Array.isArray(totals), "totals: { category: amount }, e.g. { \"food\": 40 }");
  const consented = storage.get("consent:" + claimant);
  assert(consented, "the claimant has not consented to share anything");
  for (const [category, amount] of Object.entries(totals)) {
    assert(consented.includes(category), `the claimant has not consented to share "${category}"`);
    assert(Number.isSafeInteger(amount) && amount >= 0, `the total for ${category} must be a whole number, 0 or more`);
  }
  assert(!storage.has(`shared:${claimant}:${week}`), `the totals for week ${week} are already shared: the record cannot be changed`);
  storage.set(`shared:${claimant}:${week}`, totals);
  emit("TotalsShared", { claimant, week, totals });
}

/** What the ledger says publicly about a claimant. */
export function summary({ claimant }) {
  assertAddress(claimant, "claimant");
  return {
    paid: storage.get("paid:" + claimant) ?? 0,
    receipts: storage.get("receipts:" + claimant) ?? 0,
    spent: storage.get("spent:" + claimant) ?? {},
    consent: storage.get("consent:" + claimant) ?? [],
  };
}

/** The public receipts of a claimant, oldest first, from receipt number `from`. */
export function receipts({ claimant, from = 0 }) {
  assertAddress(claimant, "claimant");
  const count = storage.get("receipts:" + claimant) ?? 0;
  const page = [];
  for (let n = from; n < count && page.length < RECEIPTS_PAGE_MAX; n++) page.push(storage.get(`receipt:${claimant}:${n}`));
  return page;
}

/** The totals a claimant shared for a week, or null. */
export function sharedTotals({ claimant, week }) {
  return storage.get(`shared:${claimant}:${week}`) ?? null;
}

function assertAddress(value, name) {
  assert(typeof value === "string" && /^0x[0-9a-f]{40}$/.test(value), `${name} must be an address`);
}
