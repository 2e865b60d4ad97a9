import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../src/tools/names.js";
import { BUILT_SERVER } from "../helpers/spawn.js";

// The official MCP Inspector's CLI needs Node 22.19 or later; .ci/run also runs the suite on 22 and 24.
const INSPECTOR = "@modelcontextprotocol/inspector@2.12.0";
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const supported = major > 22 || (major === 22 && minor >= 19);

/** Runs the Inspector's CLI on the built sandbox server: its JSON output, and its stderr. */
function inspectorRun(...args: string[]): { output: unknown; stderr: string } {
  const run = spawnSync(
    "npm",
    [
      "exec",
      "--yes",
      `--package=${INSPECTOR}`,
      "--",
      "mcp-inspector",
      "--cli",
      // A test never opens the developer's own browser.
      "-e",
      "WOODPECKER_APPROVAL=off",
      process.execPath,
      BUILT_SERVER,
      "--sandbox",
      ...args,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 },
  );
  if (run.status !== 0) throw new Error(`the Inspector exited ${run.status}: ${run.stderr}`);
  return { output: JSON.parse(run.stdout.slice(run.stdout.indexOf("{"))), stderr: run.stderr };
}

const inspector = (...args: string[]): unknown => inspectorRun(...args).output;

describe.skipIf(!supported)(
  `MCP Inspector CLI (${INSPECTOR}, Node ${supported ? process.versions.node : "22.19+ only"})`,
  () => {
    it(
      "lists the tools of the built server, with no --strict finding",
      { timeout: 300_000 },
      () => {
        const run = inspectorRun("--method", "tools/list", "--strict");
        const listing = run.output as { tools: { name: string; annotations?: object }[] };
        expect(run.stderr).not.toMatch(/^(Warning|Error): tool/m);
        expect(listing.tools.map((tool) => tool.name)).toEqual(TOOL_NAMES);
        expect(listing.tools[2]?.annotations).toMatchObject({ destructiveHint: true });
      },
    );

    it(
      "takes confirmation_required as an answer: it prints it and exits 0",
      { timeout: 300_000 },
      () => {
        const result = inspector(
          "--method",
          "tools/call",
          "--tool-name",
          "delete_domain",
          "--tool-arg",
          "domain_name=piedpiper.com",
        ) as { isError?: boolean; structuredContent: object };
        expect(result.isError).toBe(false);
        expect(result.structuredContent).toMatchObject({
          ok: false,
          status: "confirmation_required",
          preview: { mailboxes_count: 3 },
        });
      },
    );

    it(
      "confirms in a new process with the token of another, as this CLI runs one per call",
      { timeout: 300_000 },
      () => {
        const asked = inspector(
          "--method",
          "tools/call",
          "--tool-name",
          "delete_microsoft_credential",
          "--tool-arg",
          "credential_id=22334466",
        ) as { structuredContent: { confirmation: { preview_token: string } } };
        const token = asked.structuredContent.confirmation.preview_token;
        const result = inspector(
          "--method",
          "tools/call",
          "--tool-name",
          "delete_microsoft_credential",
          "--tool-arg",
          "credential_id=22334466",
          "--tool-arg",
          "confirm=22334466",
          "--tool-arg",
          `preview_token=${token}`,
        ) as {
          structuredContent: object;
        };
        expect(result.structuredContent).toMatchObject({
          ok: true,
          status: "deleted",
          confirmed_by: "agent",
          sandbox: true,
        });
      },
    );
  },
);
