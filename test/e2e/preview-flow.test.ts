import type { ElicitRequest } from "@modelcontextprotocol/sdk/types.js";
import { beforeEach, describe, expect, it } from "vitest";
import { DOMAIN_PAGE } from "../helpers/page-examples.js";
import { type SpawnedServer, type SpawnOptions, useWoodpecker } from "../helpers/spawn.js";
import { jsonFault } from "../helpers/stand-in.js";

// Issue 8's rules through the built bin, for both kinds of client: one that can show a form
// (the person types the name) and one that cannot (the two-step guard).

const e2e = useWoodpecker();
let prompts: string[];
beforeEach(() => {
  prompts = [];
});

const CLIENTS = {
  "a client that shows forms": {
    capabilities: { elicitation: {} },
    onElicit: (params: ElicitRequest["params"]) => {
      prompts.push(params.message);
      const domain = /Delete (\S+) for good/.exec(params.message)?.[1] ?? "";
      return { action: "accept" as const, content: { confirmation: domain } };
    },
  },
  "a client that does not": {},
} satisfies Record<string, Omit<SpawnOptions, "env">>;

function start(client: Omit<SpawnOptions, "env">, env: Record<string, string> = {}) {
  return e2e.spawn({ ...client, env: e2e.env(env) });
}

/** What a well-behaved agent does: call, and if asked to, confirm what it was shown. */
async function deleteAsAnAgent(s: SpawnedServer, domain: string) {
  const first = await s.call("delete_domain", { domain_name: domain });
  if (first.result.error?.kind !== "confirmation_required") return first.result;
  return (await s.call("delete_domain", { domain_name: domain, confirm: domain })).result;
}

describe.each(Object.entries(CLIENTS))("with %s", (_label, client) => {
  it("deletes only after showing the cascade, and names it", async () => {
    const s = await start(client);
    const result = await deleteAsAnAgent(s, "piedpiper.com");
    expect(result).toMatchObject({ status: "deletion_accepted", preview: { mailboxes_count: 3 } });
    expect(result.message).toContain(
      "piedpiper.com and its 3 mailboxes: richard@piedpiper.com, gilfoyle@piedpiper.com, dinesh@piedpiper.com",
    );
    expect(e2e.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
    expect(prompts.length).toBe("capabilities" in client ? 1 : 0);
  });

  it.each([
    ["not ready", "aviato.com", undefined, "domain_not_ready"],
    ["unknown", "endframe.io", undefined, "domain_not_found"],
    ["unreadable", "hooli.com", jsonFault(500, DOMAIN_PAGE[500], {}, { method: "GET" }), undefined],
  ])("a domain that is %s: no DELETE, and nobody asked", async (_state, domain, fault, reason) => {
    const s = await start(client);
    if (fault !== undefined) e2e.woodpecker.faults.push(fault);
    const result = await deleteAsAnAgent(s, domain);
    expect(result.ok).toBe(false);
    expect(result.error?.reason).toBe(reason);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
    expect(prompts).toEqual([]);
  });

  it("two deletions of one domain at once send one DELETE", async () => {
    const s = await start(client);
    // The two-step guard needs a preview first; with a form, each call asks the person.
    const showsForms = "capabilities" in client;
    if (!showsForms) await s.call("delete_domain", { domain_name: "hooli.com" });
    e2e.woodpecker.faults.push({ type: "delay", ms: 300, method: "DELETE" });
    const confirmed = { domain_name: "hooli.com", confirm: "hooli.com" };
    await Promise.all([s.call("delete_domain", confirmed), s.call("delete_domain", confirmed)]);
    expect(e2e.woodpecker.sent("DELETE")).toHaveLength(1);
  });

  it("rehearses the whole flow in a dry run, and sends no DELETE", async () => {
    const s = await start(client, { WOODPECKER_DRY_RUN: "true" });
    const result = await deleteAsAnAgent(s, "piedpiper.com");
    expect(result).toMatchObject({
      status: "dry_run",
      dry_run: true,
      preview: { mailboxes_count: 3 },
    });
    expect(result.message).toMatch(/^Dry run: /);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("never passes on an owner's address or phone", async () => {
    const s = await start(client);
    await s.call("list_domains");
    for (const domain of ["piedpiper.com", "hooli.com", "aviato.com"]) {
      await s.call("get_domain", { domain_name: domain });
      await deleteAsAnAgent(s, domain);
    }
    const everything = s.stdoutMessages.join("\n");
    for (const pattern of [
      /5230 Newell/,
      /Palo Alto/,
      /94303/,
      /6505550100/,
      /"owner"/,
      /redirect/,
    ]) {
      expect(everything).not.toMatch(pattern);
    }
  });

  it("serves only the read tools with WOODPECKER_READ_ONLY=true", async () => {
    const s = await start(client, { WOODPECKER_READ_ONLY: "true" });
    const { tools } = await s.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      "list_domains",
      "get_domain",
      "list_microsoft_credentials",
    ]);
    const refused = await s.client.callTool({
      name: "delete_domain",
      arguments: { domain_name: "hooli.com", confirm: "hooli.com" },
    });
    expect(refused.isError).toBe(true);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });
});

describe("with a client that does not show forms", () => {
  it("a cascade changed between the preview and the confirm is shown again, not deleted", async () => {
    const s = await start(CLIENTS["a client that does not"]);
    await s.call("delete_domain", { domain_name: "hooli.com" });
    e2e.woodpecker.simulation.findDomain("hooli.com")?.mailboxes.pop();
    const { result } = await s.call("delete_domain", {
      domain_name: "hooli.com",
      confirm: "hooli.com",
    });
    expect(result).toMatchObject({
      error: { kind: "confirmation_required", reason: "cascade_changed" },
      cascade_change: { mailboxes_added: [], mailboxes_removed: ["denpok@hooli.com"] },
    });
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });
});
