/// <reference path="./testing.d.ts" />
// Identity and credential registry (registry.js): trusted issuers, verification, revocation.

const setup = async () => {
  const net = await lab({
    actors: [
      { name: "scheme", kind: "organisation" },
      { name: "council", kind: "organisation" },
      { name: "neighbour-council", kind: "organisation" },
      "amira",
      "ben",
      "forger",
      { name: "bin-lorry-7", kind: "device" },
    ],
  });
  const registry = await net.deploy("registry.js", null, { from: "scheme" });
  net.call(registry, "trustIssuer", { type: "resident", issuer: net.address("council"), note: "electoral roll" }, { from: "scheme" });
  return { net, registry, amira: net.address("amira"), ben: net.address("ben") };
};

describe("identity and credential registry", () => {
  it("a resident credential from a trusted council is valid, with its issuer and claims", async () => {
    const { net, registry, amira } = await setup();
    const id = net.issueCredential("council", "amira", "resident", { ward: "North" });
    expect(net.query(registry, "verify", { subject: amira, type: "resident" })).toEqual({
      valid: true,
      credentialId: id,
      issuer: net.address("council"),
      claims: { ward: "North" },
      issuedAtHeight: net.height(),
    });
  });

  it("a credential from an issuer the scheme does not trust does not count", async () => {
    const { net, registry, ben } = await setup();
    net.issueCredential("forger", "ben", "resident", { ward: "North" }); // the ledger accepts it: anyone may issue
    expect(net.query(registry, "verify", { subject: ben, type: "resident" })).toEqual({ valid: false, reason: "issuer not trusted" });
    expect(net.query(registry, "verify", { subject: ben, type: "blue-badge" })).toEqual({ valid: false, reason: "no such credential" });
  });

  it("revoking a credential makes it invalid at once, for everyone who asks", async () => {
    const { net, registry, amira } = await setup();
    const id = net.issueCredential("council", "amira", "resident");
    expect(net.query(registry, "verify", { subject: amira, type: "resident" })).toMatchObject({ valid: true });
    expect(net.revokeCredential("forger", id)).toRevert("only the issuer can revoke");
    expect(net.revokeCredential("council", id)).toSucceed();
    expect(net.query(registry, "verify", { subject: amira, type: "resident" })).toEqual({ valid: false, reason: "revoked" });
    expect(net.query(registry, "whois", { subject: amira }).credentials).toEqual([
      { id, type: "resident", issuer: net.address("council"), claims: {}, revoked: true, accepted: false },
    ]);
  });

  it("taking an issuer off the list invalidates every credential it issued", async () => {
    const { net, registry, amira, ben } = await setup();
    const neighbour = net.address("neighbour-council");
    expect(net.call(registry, "trustIssuer", { type: "resident", issuer: neighbour }, { from: "scheme" })).toEmit("IssuerTrusted", { name: "neighbour-council" });
    net.issueCredential("neighbour-council", "amira", "resident");
    net.issueCredential("neighbour-council", "ben", "resident");
    expect(net.query(registry, "trustedIssuers", { type: "resident" }).sort()).toEqual([net.address("council"), neighbour].sort());
    net.call(registry, "removeIssuer", { type: "resident", issuer: neighbour }, { from: "scheme" });
    expect(net.query(registry, "verify", { subject: amira, type: "resident" })).toMatchObject({ valid: false });
    expect(net.query(registry, "verify", { subject: ben, type: "resident" })).toMatchObject({ valid: false });
  });

  it("only the governor changes the list, and only organisations can be trusted issuers", async () => {
    const { net, registry } = await setup();
    expect(net.call(registry, "trustIssuer", { type: "resident", issuer: net.address("forger") }, { from: "forger" })).toRevert("only the registry's governor");
    expect(net.call(registry, "trustIssuer", { type: "resident", issuer: net.address("forger") }, { from: "scheme" })).toRevert("forger is a person");
    expect(net.call(registry, "removeIssuer", { type: "resident", issuer: net.address("council") }, { from: "council" })).toRevert("only the registry's governor");
  });

  it("shows who a subject is: people, organisations and devices have their own identities", async () => {
    const { net, registry } = await setup();
    expect(net.query(registry, "whois", { subject: net.address("bin-lorry-7") })).toMatchObject({ identity: { name: "bin-lorry-7", kind: "device" }, credentials: [] });
    expect(net.query(registry, "whois", { subject: net.address("council") }).identity.kind).toBe("organisation");
    expect(net.query(registry, "whois", { subject: `0x${"9".repeat(40)}` })).toEqual({ identity: null, credentials: [] });
  });
});
