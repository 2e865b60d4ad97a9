// Builds dist/index.js (the bin) and the chunks it loads from dist/chunks/: ES modules holding
// every dependency, split so that a start loads only what it uses (the HTTP transport, the
// sandbox, the approval page and the HTTP client are loaded when first needed). What tools/list
// answers is made here once, rather than at every start.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const shared = { bundle: true, platform: "node", target: "node20", logLevel: "warning" };

/** The SDK's Ajv validator, which this server never uses (src/mcp/ajv-left-out.ts says why). */
const leaveOutAjv = {
  name: "leave-out-ajv",
  setup(esbuild) {
    esbuild.onResolve({ filter: /[/\\]validation[/\\]ajv-provider\.js$/ }, () => ({
      path: fileURLToPath(new URL("../src/mcp/ajv-left-out.ts", import.meta.url)),
    }));
  },
};

/** The tool list of src/mcp/tool-list.ts, made by running that module from source. */
async function toolList() {
  const folder = mkdtempSync(join(tmpdir(), "woodpecker-build-"));
  try {
    const { outputFiles } = await build({
      ...shared,
      entryPoints: ["src/mcp/tool-list.ts"],
      format: "esm",
      write: false,
    });
    const module = join(folder, "tool-list.mjs");
    writeFileSync(module, outputFiles[0].text);
    return (await import(module)).TOOL_LIST;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const tools = await toolList();
rmSync("dist", { recursive: true, force: true });
await build({
  ...shared,
  entryPoints: { index: "src/bin.ts" },
  splitting: true,
  format: "esm",
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  define: { WOODPECKER_TOOL_LIST: JSON.stringify(JSON.stringify(tools)) },
  // The CommonJS dependencies bundled in (pino among them) require Node's own modules.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
  plugins: [leaveOutAjv],
  legalComments: "none",
});
