// Builds dist/index.js (the bin: a small ESM launcher) and dist/server.cjs (the server, one
// CommonJS bundle with every dependency, which the launcher loads).
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });

const shared = {
  bundle: true,
  platform: "node",
  target: "node20",
  legalComments: "none",
  logLevel: "warning",
};

await Promise.all([
  build({ ...shared, entryPoints: ["src/bin.ts"], format: "esm", outfile: "dist/index.js" }),
  build({ ...shared, entryPoints: ["src/main.ts"], format: "cjs", outfile: "dist/server.cjs" }),
]);
