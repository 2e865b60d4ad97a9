// Builds dist/index.js (the bin: a small ESM launcher), dist/server.cjs (the server, one bundle
// run through V8's code cache) and dist/demo.js.
import { build } from "esbuild";

const shared = {
  bundle: true,
  platform: "node",
  target: "node20",
  legalComments: "none",
  logLevel: "warning",
};

await Promise.all([
  build({ ...shared, entryPoints: ["src/launcher.ts"], format: "esm", outfile: "dist/index.js" }),
  build({ ...shared, entryPoints: ["src/main.ts"], format: "cjs", outfile: "dist/server.cjs" }),
  build({
    ...shared,
    entryPoints: ["src/demo.ts"],
    format: "esm",
    outfile: "dist/demo.js",
    // Some of the SDK's CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);",
    },
  }),
]);
