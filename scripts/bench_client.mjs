// The TypeScript client's side of `make bench`: N sequential getWebsiteData() calls, each
// timed, beside N bare fetch() calls of the same URL by the same Node.js, interleaved one for
// one (these machines are noisy), each on its own kept-alive connection. Prints
// {"client": [ms, …], "fetch": [ms, …]}. scripts/bench_website_data.py runs it beside curl.
//
//   node scripts/bench_client.mjs <base URL> <locale> <requests> <200|304>
//
// 200: the client without conditional requests (every answer a 200 with the payload, parsed),
//      beside fetch() and response.json().
// 304: the client as frontends use it (it sends the remembered ETag and reuses the body on a
//      304), beside fetch() with If-None-Match.
import { performance } from "node:perf_hooks";

import { createCmsClient } from "../clients/typescript/dist/index.js";

const [baseUrl, locale, requests, path] = process.argv.slice(2);
const url = `${baseUrl}/api/website-data/?locale=${locale}`;
const client = createCmsClient({ baseUrl, conditionalRequests: path === "304" });
const first = await client.getWebsiteData(locale); // a connection, and the ETag to send
const headers = path === "304" ? { "If-None-Match": first.etag } : {};
await (await fetch(url, { headers })).arrayBuffer();

async function timed(call) {
  const began = performance.now();
  await call();
  return performance.now() - began;
}

const timings = { client: [], fetch: [] };
for (let n = 0; n < Number(requests); n++) {
  timings.client.push(
    await timed(async () => {
      const answer = await client.getWebsiteData(locale);
      if (answer.notModified !== (path === "304")) throw new Error(`request ${n}: not a ${path}`);
    }),
  );
  timings.fetch.push(
    await timed(async () => {
      const response = await fetch(url, { headers });
      if (String(response.status) !== path) throw new Error(`fetch ${n}: ${response.status}`);
      await (path === "200" ? response.json() : response.arrayBuffer());
    }),
  );
}
console.log(JSON.stringify(timings));
