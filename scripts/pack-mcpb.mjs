// npm run pack:mcpb: stages the built server with packaging/mcpb/manifest.json, validates the
// manifest and packs dist/woodpecker-mcp-destructive.mcpb for Claude Desktop's one-click install.
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, rmSync } from "node:fs";

const stage = "dist/mcpb";
rmSync(stage, { recursive: true, force: true });
mkdirSync(`${stage}/server`, { recursive: true });
copyFileSync("packaging/mcpb/manifest.json", `${stage}/manifest.json`);
copyFileSync("dist/index.js", `${stage}/server/index.js`);
cpSync("dist/chunks", `${stage}/server/chunks`, { recursive: true });
const mcpb = (...args) =>
  execFileSync("npx", ["--no-install", "mcpb", ...args], { stdio: "inherit" });
mcpb("validate", `${stage}/manifest.json`);
mcpb("pack", stage, "dist/woodpecker-mcp-destructive.mcpb");
