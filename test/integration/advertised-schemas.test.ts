import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../src/tools/names.js";
import { type Harness, startHarness } from "../helpers/harness.js";
import { withServer } from "../helpers/spawn.js";

// What each tool advertises is reviewed like code: a change to a title, a description, an
// annotation or a schema shows up as a diff of test/__toolsnaps__/, and `npx vitest run -u`
// accepts it. The list is made by src/mcp/tool-list.ts with zod's own JSON Schema conversion:
// these snapshots catch a change of zod's output too.

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());

describe("what each tool advertises in tools/list", () => {
  it.each(TOOL_NAMES)("%s matches its reviewed snapshot", async (name) => {
    const { tools } = await harness.client.listTools();
    const tool = tools.find((candidate) => candidate.name === name);
    // Written as prettier writes JSON, so that formatting the repository leaves them alone.
    const file = fileURLToPath(new URL(`../__toolsnaps__/${name}.json`, import.meta.url));
    const options = (await prettier.resolveConfig(file)) ?? {};
    const snapshot = await prettier.format(JSON.stringify(tool), { ...options, filepath: file });
    await expect(snapshot).toMatchFileSnapshot(file);
  });
});

describe("every advertised schema is portable", () => {
  // The MCP Inspector's --strict check: a `type` that is an array, a bare boolean or a schema that
  // constrains nothing is a warning or an error for clients with a single-type dialect.
  function problems(node: unknown, path: string): string[] {
    if (typeof node === "boolean") return [`${path}: a bare ${node}`];
    if (typeof node !== "object" || node === null) return [];
    if (Array.isArray(node))
      return node.flatMap((item, index) => problems(item, `${path}[${index}]`));
    const found = Array.isArray((node as { type?: unknown }).type)
      ? [`${path}: type is an array`]
      : [];
    if (Object.keys(node).length === 0) found.push(`${path}: constrains nothing`);
    for (const [key, value] of Object.entries(node)) {
      if (
        ["properties", "anyOf", "allOf", "oneOf", "items", "additionalProperties", "not"].includes(
          key,
        )
      ) {
        const children =
          key === "properties"
            ? Object.entries(value as object).map(
                ([name, child]) => [`${path}.properties.${name}`, child] as const,
              )
            : [[`${path}.${key}`, value] as const];
        for (const [childPath, child] of children) {
          if (key === "additionalProperties" && typeof child === "boolean") continue;
          found.push(...problems(child, childPath));
        }
      }
    }
    return found;
  }

  it.each(TOOL_NAMES)("%s: no type array, no bare boolean, no empty schema", async (name) => {
    const { tools } = await harness.client.listTools();
    const tool = tools.find((candidate) => candidate.name === name);
    expect(problems(tool?.inputSchema, "inputSchema")).toEqual([]);
    expect(problems(tool?.outputSchema, "outputSchema")).toEqual([]);
  });
});

describe("the built server", () => {
  it("advertises exactly what the tool definitions make (its list is made at build time)", async () => {
    const fromSource = await harness.client.listTools();
    const built = await withServer({ args: ["--sandbox"] }, (client) => client.listTools());
    expect(built).toEqual(fromSource);
  });
});
