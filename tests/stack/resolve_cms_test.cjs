// Node's counterpart of curl's --resolve, for the Next.js site in the stack tests: the CMS's
// name (cms.test, on its certificate) resolves to loopback, where nginx serves it. Everything
// else resolves as usual.
const dns = require("node:dns");

const resolveAsUsual = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (hostname !== "cms.test") return resolveAsUsual.apply(this, arguments);
  if (typeof options === "function") [callback, options] = [options, {}];
  const loopback = { address: "127.0.0.1", family: 4 };
  if (options && options.all) return process.nextTick(callback, null, [loopback]);
  process.nextTick(callback, null, loopback.address, loopback.family);
};
