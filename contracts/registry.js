// Identity and credential registry: which credentials a scheme accepts, and from whom.
//
// People, organisations and devices register identities on the ledger. An issuer (the council)
// issues credentials about them ("resident", "blue-badge") in transactions signed with its own
// key, and can revoke them; the ledger keeps those records and contracts read them through the
// host identity API (`identity` from "ledger").
//
// What the ledger cannot say is whom to believe: anyone with an identity can issue a "resident"
// credential about anyone. This registry keeps, for each credential type, the list of issuers
// the scheme trusts (maintained by its governor), and answers one question for people and
// contracts alike: does this subject hold a valid credential of this type from a trusted issuer?
// A credential stops counting the moment its issuer revokes it, or the issuer is taken off the
// list, for every contract that asks from then on. What those contracts did before stays on the
// record: revocation changes the future, not the past.
//
// Storage: governor, trusted:<type>:<issuer> = { since, note }
import { storage, ctx, emit, assert, identity } from "ledger";

export function init() {
  storage.set("governor", ctx.sender);
}

/** The governor accepts credentials of `type` issued by `issuer` (an organisation). */
export function trustIssuer({ type, issuer, note = "" }) {
  onlyGovernor();
  checkType(type);
  const who = identity.get(issuer);
  assert(who !== null, `${issuer} has no registered identity`);
  // Credentials that gate public services are issued by organisations, not by individuals.
  assert(who.kind === "organisation", `${who.name} is a ${who.kind}: only an organisation can be a trusted issuer`);
  storage.set(trustKey(type, issuer), { since: ctx.blockTime, note: String(note).slice(0, 200) });
  emit("IssuerTrusted", { type, issuer, name: who.name });
}

/** The governor stops accepting `issuer` for `type`: all its credentials of that type stop counting. */
export function removeIssuer({ type, issuer }) {
  onlyGovernor();
  assert(storage.has(trustKey(type, issuer)), `${issuer} is not a trusted issuer of "${type}"`);
  storage.delete(trustKey(type, issuer));
  emit("IssuerRemoved", { type, issuer });
}

export function isTrusted({ type, issuer }) {
  return storage.has(trustKey(type, issuer));
}

/** Issuers trusted for `type` (at most 100). */
export function trustedIssuers({ type }) {
  checkType(type);
  return storage.keys("trusted:" + type + ":").map((key) => key.slice(("trusted:" + type + ":").length));
}

/**
 * Does `subject` hold a valid `type` credential from a trusted issuer? Answers with the
 * credential's details, or with the reason it does not.
 */
export function verify({ subject, type }) {
  checkType(type);
  const held = identity.credentials(subject, { type, includeRevoked: true });
  const trusted = held.filter((c) => isTrusted({ type, issuer: c.issuer }));
  const valid = trusted.find((c) => !c.revoked);
  if (valid) {
    return { valid: true, credentialId: valid.id, issuer: valid.issuer, claims: valid.claims, issuedAtHeight: valid.issuedAtHeight };
  }
  const reason = trusted.length > 0 ? "revoked" : held.length > 0 ? "issuer not trusted" : "no such credential";
  return { valid: false, reason };
}

/** Who `subject` is, and every credential it holds with whether this registry accepts it. */
export function whois({ subject }) {
  return {
    identity: identity.get(subject),
    credentials: identity.credentials(subject, { includeRevoked: true }).map((c) => ({
      id: c.id,
      type: c.type,
      issuer: c.issuer,
      claims: c.claims,
      revoked: c.revoked,
      accepted: !c.revoked && isTrusted({ type: c.type, issuer: c.issuer }),
    })),
  };
}

// ---------------------------------------------------------------- internal (not exported)

function onlyGovernor() {
  assert(ctx.sender === storage.get("governor"), "only the registry's governor can change the list of trusted issuers");
}

function trustKey(type, issuer) {
  return "trusted:" + type + ":" + issuer;
}

function checkType(type) {
  assert(typeof type === "string" && /^[a-z0-9][a-z0-9-]{0,63}$/.test(type), 'type must be lower-case letters, digits and dashes, e.g. "resident"');
}
