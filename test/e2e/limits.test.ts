import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { deepToolCall } from "../helpers/deep-call.js";
import { BUILT_SERVER, spawnRaw, useWoodpecker } from "../helpers/spawn.js";

// What is far too large for this server is refused early, in its own words, through the bin.

const e2e = useWoodpecker();

interface CallAnswer {
  result?: { isError?: boolean; structuredContent?: { error?: { kind?: string } } };
}

describe("arguments far beyond what a tool takes, on stdio", () => {
  it("nested 20,000 levels deep: a structured invalid_input and an audit line", async () => {
    const server = spawnRaw(e2e.env());
    server.initialize();
    server.send(deepToolCall(1, "delete_domain", 20_000));
    const { result } = (await server.answer(1)) as CallAnswer;
    expect(result?.isError).toBe(true);
    expect(result?.structuredContent?.error?.kind).toBe("invalid_input");
    expect(server.logEntries()).toContainEqual(
      expect.objectContaining({
        audit: "outcome",
        tool: "delete_domain",
        outcome: "invalid_input",
      }),
    );
    expect(e2e.woodpecker.requests).toEqual([]);
    server.child.kill();
  });

  it("99,000 unknown argument names in 1 MiB: a short answer", async () => {
    const server = spawnRaw(e2e.env());
    server.initialize();
    const args = Object.fromEntries(Array.from({ length: 99_000 }, (_, i) => [`n${i}`, 1]));
    server.callTool(1, "list_domains", args);
    const answer = await server.answer(1);
    expect(JSON.stringify(answer).length).toBeLessThan(2_000);
    expect((answer as CallAnswer).result?.structuredContent?.error?.kind).toBe("invalid_input");
    server.child.kill();
  });
});

describe("a WOODPECKER_API_KEY far longer than a key", () => {
  it("stops the server at start in one line that does not echo it", () => {
    const key = `wp-${"q".repeat(15_000)}`;
    const run = spawnSync(process.execPath, [BUILT_SERVER], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, WOODPECKER_API_KEY: key },
      input: "",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^woodpecker-mcp-destructive: WOODPECKER_API_KEY is longer than 512/,
    );
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).not.toContain("qqqqqqqq");
  });
});
