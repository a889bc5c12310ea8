import path from "node:path";

import type { NextConfig } from "next";

// The client package is linked from ../typescript (`file:` in package.json), and Turbopack
// resolves files only under its root: the root is clients/, which holds both.
const clients = path.join(import.meta.dirname, "..");

const config: NextConfig = {
  turbopack: { root: clients },
  outputFileTracingRoot: clients,
  async redirects() {
    return [{ source: "/", destination: "/en", permanent: false }];
  },
};

export default config;
