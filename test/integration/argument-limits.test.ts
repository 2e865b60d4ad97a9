import { describe, expect, it } from "vitest";
import { MAX_LISTED_ISSUES } from "../../src/mcp/input-issues.js";
import { useHarness } from "../helpers/harness.js";

const start = useHarness();

/** `{"a": {"a": … 1}}`, `depth` levels deep, made without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 1 };
  for (let level = 1; level < depth; level += 1) value = { a: value };
  return value;
}

describe("arguments far beyond what a tool takes", () => {
  it("nested 20,000 levels deep: a structured invalid_input, audited, nothing sent", async () => {
    const harness = await start();
    const { result } = await harness.call("delete_domain", {
      domain_name: "hooli.com",
      extra: nested(20_000),
    });
    expect(result.error?.kind).toBe("invalid_input");
    expect(result.message).toContain("nest deeper than");
    expect(harness.audit()).toContainEqual(
      expect.objectContaining({
        audit: "outcome",
        tool: "delete_domain",
        outcome: "invalid_input",
      }),
    );
    expect(harness.woodpecker.requests).toEqual([]);
  });

  it("99,000 unknown names: refused whole, in an answer of a few hundred bytes", async () => {
    const harness = await start();
    const args = Object.fromEntries(Array.from({ length: 99_000 }, (_, index) => [`n${index}`, 1]));
    const raw = await harness.client.callTool({ name: "list_domains", arguments: args });
    expect(JSON.stringify(raw).length).toBeLessThan(2_000);
    expect(raw.structuredContent).toMatchObject({ error: { kind: "invalid_input" } });
  });

  it("lists the first issues of many, and says how many more", async () => {
    const harness = await start();
    const args = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`n${index}`, 1]));
    const { result } = await harness.call("list_domains", args);
    expect(result.error?.fields).toHaveLength(MAX_LISTED_ISSUES);
    expect(result.message).toContain(`; and ${30 - MAX_LISTED_ISSUES} more.`);
  });
});
