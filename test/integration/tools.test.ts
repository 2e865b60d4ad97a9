import { describe, expect, it } from "vitest";
import { TOOLS } from "../../src/tools/index.js";
import { READ_ONLY_TOOL_NAMES, TOOL_NAMES } from "../../src/tools/names.js";
import {
  COMMON_ERROR_KINDS,
  CONFIRMATION_ERROR_KINDS,
  DOMAIN_GUARD_ERROR_KINDS,
} from "../../src/results/failure.js";
import { useHarness } from "../helpers/harness.js";

const start = useHarness();

const READ = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};
const DELETE = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
};
const API_KINDS = COMMON_ERROR_KINDS;
const DELETE_KINDS = [...COMMON_ERROR_KINDS, ...CONFIRMATION_ERROR_KINDS];

const EXPECTED = {
  list_domains: { annotations: READ, statuses: ["ok", "error"], kinds: API_KINDS, required: [] },
  get_domain: {
    annotations: READ,
    statuses: ["ok", "error"],
    kinds: API_KINDS,
    required: ["domain_name"],
  },
  delete_domain: {
    annotations: DELETE,
    statuses: ["deletion_accepted", "dry_run", "confirmation_required", "error"],
    kinds: [...DELETE_KINDS, ...DOMAIN_GUARD_ERROR_KINDS],
    required: ["domain_name"],
  },
  delete_mailbox: {
    annotations: DELETE,
    statuses: ["deletion_accepted", "dry_run", "confirmation_required", "error"],
    kinds: [...DELETE_KINDS, ...DOMAIN_GUARD_ERROR_KINDS],
    required: ["domain_name", "email"],
  },
  delete_domains: {
    annotations: DELETE,
    statuses: [
      "deletion_accepted",
      "partially_accepted",
      "dry_run",
      "confirmation_required",
      "error",
    ],
    kinds: [...DELETE_KINDS, ...DOMAIN_GUARD_ERROR_KINDS],
    required: ["domain_names"],
  },
  list_microsoft_credentials: {
    annotations: READ,
    statuses: ["ok", "error"],
    kinds: API_KINDS,
    required: [],
  },
  delete_microsoft_credential: {
    annotations: DELETE,
    statuses: ["deleted", "dry_run", "confirmation_required", "error"],
    kinds: DELETE_KINDS,
    required: ["credential_id"],
  },
} as const;

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: string[];
  additionalProperties?: unknown;
}

describe("every tool", () => {
  it("is listed in order, with a title, a description, and all four annotations set for its kind", async () => {
    const h = await start();
    const { tools } = await h.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(Object.keys(EXPECTED));
    for (const tool of tools) {
      const expected = EXPECTED[tool.name as keyof typeof EXPECTED];
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.annotations).toEqual({ title: tool.title, ...expected.annotations });
      expect(tool.description?.length, tool.name).toBeGreaterThan(100);
      expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
      expect(tool.inputSchema.required ?? [], tool.name).toEqual(expected.required);
    }
  });

  it("has its own outputSchema: exactly its statuses and its error kinds", async () => {
    const h = await start();
    const { tools } = await h.client.listTools();
    for (const tool of tools) {
      const expected = EXPECTED[tool.name as keyof typeof EXPECTED];
      const schema = tool.outputSchema as JsonSchema;
      const error = schema.properties?.error;
      expect(schema.required, tool.name).toEqual(["ok", "status", "dry_run", "sandbox", "message"]);
      expect(schema.properties?.status?.enum, tool.name).toEqual(expected.statuses);
      expect([...(error?.properties?.kind?.enum ?? [])].sort(), tool.name).toEqual(
        [...expected.kinds].sort(),
      );
    }
  });

  it("tells the agent what a deletion takes and what to do on the known refusals", async () => {
    const h = await start();
    const { tools } = await h.client.listTools();
    const description = (name: string) =>
      tools.find((tool) => tool.name === name)?.description ?? "";
    for (const name of ["delete_domain", "delete_microsoft_credential"]) {
      expect(description(name)).toMatch(/cannot be (undone|recovered)/);
    }
    expect(description("delete_domain")).toMatch(/every mailbox on the domain is deleted with it/);
    expect(description("delete_domain")).toMatch(/cascade_changed/);
    expect(description("delete_domain")).toMatch(/domain_not_ready/);
    expect(description("delete_microsoft_credential")).toContain(
      "MICROSOFT_GRAPH_CREDENTIAL_IN_USE",
    );
    expect(description("delete_microsoft_credential")).toMatch(
      /deleting their domain also frees it/,
    );
  });

  it("is named in names.ts, and the read-only list is exactly the tools that only read", () => {
    expect(TOOLS.map((tool) => tool.name)).toEqual([...TOOL_NAMES]);
    expect(TOOLS.filter((tool) => tool.annotations.readOnlyHint).map((tool) => tool.name)).toEqual([
      ...READ_ONLY_TOOL_NAMES,
    ]);
  });
});

describe("the server", () => {
  it("does not claim that its list of tools can change, and says how to use it", async () => {
    const h = await start();
    expect(h.client.getServerCapabilities()?.tools?.listChanged).not.toBe(true);
    expect(h.client.getInstructions()).toMatch(
      /confirmation_required, which is a question, not an error: show the preview to the user, ask/,
    );
  });

  it("serves only WOODPECKER_ENABLED_TOOLS", async () => {
    const h = await start({
      env: { WOODPECKER_ENABLED_TOOLS: "list_domains,delete_microsoft_credential" },
    });
    const { tools } = await h.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(["list_domains", "delete_microsoft_credential"]);
    const refused = await h.client.callTool({
      name: "delete_domain",
      arguments: { domain_name: "hooli.com" },
    });
    expect(refused.isError).toBe(true);
    expect(h.woodpecker.requests).toEqual([]);
  });
});
