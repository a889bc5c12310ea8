// Holds the recorded responses to the document's types: writes build/recorded/recordings.ts,
// declaring each recording's body as a literal of the type the document gives it, and
// compiles it. A body the types do not describe (a required field missing, a field the
// document does not name, a value outside an enum) fails, as does a status the document does
// not list for its path.
//
// The type of each recording is read from the recording itself:
// - `<name>.json` (an HTTP exchange): its request's path, matched against the document's
//   paths, and its status, e.g. paths["/api/v2/heroes/{id}/"]["get"]["responses"][200];
// - `webhook.<type>.json`: the event of that type, webhooks["<type>"]'s request body.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const recordedDir = resolve(packageRoot, process.env.CMS_RECORDED ?? "test/recorded");
const outDir = join(packageRoot, "build", "recorded");
const outFile = join(outDir, "recordings.ts");
const document = JSON.parse(readFileSync(join(packageRoot, "openapi.json"), "utf8"));

/** The document's path template a concrete path is an instance of: /api/v2/heroes/4/ is
 * /api/v2/heroes/{id}/. */
function documentPath(path) {
  const pathname = new URL(path, "http://cms.invalid").pathname;
  const template = Object.keys(document.paths).find((candidate) => {
    const pattern = candidate.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
    return new RegExp(`^${pattern}$`).test(pathname);
  });
  if (!template) throw new Error(`${path}: no such path in openapi.json`);
  return template;
}

function variableName(file) {
  return file
    .replace(/\.json$/, "")
    .split(/[^A-Za-z0-9]+/)
    .map((word, index) => (index ? word[0].toUpperCase() + word.slice(1) : word))
    .join("");
}

function declaration(file) {
  const recording = JSON.parse(readFileSync(join(recordedDir, file), "utf8"));
  const name = variableName(file);
  const webhook = /^webhook\.(.+)\.json$/.exec(file);
  if (webhook) {
    const type = `NonNullable<webhooks[${JSON.stringify(webhook[1])}]["post"]["requestBody"]>["content"]["application/json"]`;
    return `export const ${name}: ${type} = ${JSON.stringify(JSON.parse(recording.body), null, 2)};`;
  }
  const { method, path } = recording.request;
  const responses = `paths[${JSON.stringify(documentPath(path))}][${JSON.stringify(method.toLowerCase())}]["responses"]`;
  if (recording.body === null) {
    // No body (a 304): its status must be one the document lists.
    return `export const ${name}: keyof ${responses} = ${recording.status};`;
  }
  const type = `${responses}[${recording.status}]["content"]["application/json"]`;
  return `export const ${name}: ${type} = ${JSON.stringify(recording.body, null, 2)};`;
}

const files = readdirSync(recordedDir)
  .filter((file) => file.endsWith(".json"))
  .sort();
if (!files.length) {
  console.error(`No recordings in ${recordedDir}.`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
const schema = relative(outDir, join(packageRoot, "src", "schema.js")).replaceAll("\\", "/");
writeFileSync(
  outFile,
  [
    `// Written by scripts/typecheck-recorded.mjs from ${relative(packageRoot, recordedDir) || "."}: do not edit.`,
    `import type { paths, webhooks } from "${schema}";`,
    "",
    ...files.map((file) => `// ${file}\n${declaration(file)}`),
    "",
  ].join("\n"),
);

const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
const check = spawnSync(
  process.execPath,
  [tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", outFile],
  { stdio: "inherit" },
);
if (check.status !== 0) {
  console.error(`The recordings in ${recordedDir} do not match openapi.json's types (see above).`);
  process.exit(check.status ?? 1);
}
console.log(`${files.length} recordings match openapi.json's types.`);
