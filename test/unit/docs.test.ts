import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TOOLS } from "../../src/tools/index.js";
import { OUTPUT_SCHEMAS, type ToolName } from "../helpers/results.js";
import { README, readmeWithReference } from "../helpers/tool-reference.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DOCS = [README, ...readdirSync(join(ROOT, "docs")).map((name) => join(ROOT, "docs", name))];
const read = (path: string) => readFileSync(path, "utf8");

describe("the README's tool reference", () => {
  it("says what the tool definitions say (npm run readme rewrites it)", async () => {
    const expected = await readmeWithReference(TOOLS);
    if (process.env.UPDATE_README === "1") writeFileSync(README, expected);
    expect(
      read(README) === expected,
      "README.md's tool reference is out of date: run npm run readme",
    ).toBe(true);
  });
});

describe("the docs", () => {
  it.each(DOCS.map((path) => [path.slice(ROOT.length)]))(
    "%s: every example result fits its tool's output schema",
    (path) => {
      const examples = [
        ...read(join(ROOT, path)).matchAll(/<!-- result: (\w+) -->\s*```json\n([\s\S]*?)```/g),
      ];
      for (const [, tool, json] of examples) {
        expect(tool && tool in OUTPUT_SCHEMAS, `unknown tool ${tool}`).toBe(true);
        OUTPUT_SCHEMAS[tool as ToolName].parse(JSON.parse(json ?? ""));
      }
    },
  );

  it.each(DOCS.map((path) => [path.slice(ROOT.length)]))(
    "%s: every relative link points at a file in the repository, and nothing outside it",
    (path) => {
      const text = read(join(ROOT, path));
      expect(text).not.toMatch(/DESIGN\.md|\.\.\/shared\//);
      for (const [, target] of text.matchAll(/\]\(((?!https?:|#)[^)#]+)(#[^)]*)?\)/g)) {
        const file = resolve(dirname(join(ROOT, path)), target ?? "");
        expect(file.startsWith(ROOT), `${target} leaves the repository`).toBe(true);
        expect(() => readFileSync(file), `${target} does not exist`).not.toThrow();
      }
    },
  );

  it("every example result in docs/confirmation.md and docs/results.md is counted", () => {
    const count = (name: string) => read(join(ROOT, "docs", name)).match(/<!-- result: /g)?.length;
    expect([count("confirmation.md"), count("results.md")]).toEqual([3, 1]);
  });
});
