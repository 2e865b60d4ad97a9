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

describe("the built server", () => {
  it("advertises exactly what the tool definitions make (its list is made at build time)", async () => {
    const fromSource = await harness.client.listTools();
    const built = await withServer({ args: ["--sandbox"] }, (client) => client.listTools());
    expect(built).toEqual(fromSource);
  });
});
