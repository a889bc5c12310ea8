// src/schema.d.ts from openapi.json, with openapi-typescript: `node scripts/generate.mjs`
// writes it; `--check` generates into a temporary file and fails if the committed one differs.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const document = join(packageRoot, "openapi.json");
const committed = join(packageRoot, "src", "schema.d.ts");
const cli = join(
  dirname(createRequire(import.meta.url).resolve("openapi-typescript/package.json")),
  "bin",
  "cli.js",
);

function generate(output) {
  const run = spawnSync(process.execPath, [cli, document, "--output", output], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

if (!process.argv.includes("--check")) {
  generate(committed);
  console.log(`Wrote ${committed}`);
} else {
  const scratch = mkdtempSync(join(tmpdir(), "cms-schema-"));
  try {
    const fresh = join(scratch, "schema.d.ts");
    generate(fresh);
    if (readFileSync(fresh, "utf8") !== readFileSync(committed, "utf8")) {
      console.error(
        "src/schema.d.ts is out of date with openapi.json: run `npm run generate` and commit it.",
      );
      process.exit(1);
    }
    console.log("src/schema.d.ts matches openapi.json.");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
