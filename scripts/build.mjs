// Bundles the server into one ESM file (dist/index.js) and the demo beside it.
import { build } from "esbuild";

const shared = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: process.argv.includes("--minify"),
  legalComments: "none",
  logLevel: "warning",
  // pino and a few SDK dependencies are CommonJS and call require() for Node built-ins.
  banner: { js: "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);" },
};

await Promise.all([
  build({ ...shared, entryPoints: ["src/index.ts"], outfile: "dist/index.js" }),
  build({ ...shared, entryPoints: ["src/demo.ts"], outfile: "dist/demo.js" }),
]);
