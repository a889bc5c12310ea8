// tsc emits no .d.ts for a .d.ts input: the generated types join the built ones by hand, so
// that dist/types.d.ts's `import … from "./schema.js"` resolves for the package's users.
import { copyFileSync } from "node:fs";

copyFileSync(new URL("../src/schema.d.ts", import.meta.url), new URL("../dist/schema.d.ts", import.meta.url));
