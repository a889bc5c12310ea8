import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { packageRoot } from "./support/recordings.js";

function json(file: string): { version?: string; info?: { version: string } } {
  return JSON.parse(readFileSync(join(packageRoot, file), "utf8"));
}

test("the package's version is the API's (openapi.json info.version)", () => {
  assert.equal(json("package.json").version, json("openapi.json").info?.version);
});
