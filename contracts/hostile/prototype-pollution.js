// Pollutes every prototype it can reach and the objects the host hands over, then returns
// normally. The host must not be affected, and the next transaction must see clean built-ins.
// expect: ok
// args: [{"x":1}]
import { storage, emit } from "ledger";
export function attack(args) {
  Object.prototype.polluted = "yes";
  Object.prototype.toJSON = function () { return "hijacked"; };
  Array.prototype.push = function () { throw new Error("no push for you"); };
  JSON.stringify = () => '{"ok":1,"r":"forged"}';
  String.prototype.slice = () => "";
  if (args && typeof args === "object") Object.getPrototypeOf(args).isAdmin = true;
  storage.set("note", "written before the pollution took effect?");
  emit("Polluted", { by: "attacker" });
  return "done";
}
export function check() {
  return { polluted: ({}).polluted === undefined, push: [].push.name, json: JSON.stringify({ a: 1 }) };
}
