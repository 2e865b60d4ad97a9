import { describe, expect, it } from "vitest";
import { BURNED_DOMAINS, type SandboxMailbox } from "../../src/sandbox/seed.js";
import { DOMAIN_PAGE } from "../helpers/page-examples.js";
import { type SpawnOptions, useWoodpecker, bothClients } from "../helpers/spawn.js";
import { jsonFault } from "../helpers/stand-in.js";

// delete_domains through the built bin, against a stand-in that keeps Woodpecker's request limits
// (one request at a time per key, six queued, the rest refused): one confirmation for the set,
// the DELETEs one after another, and each domain's own outcome.

const e2e = useWoodpecker();
const { prompts, clients: CLIENTS } = bothClients(
  (message) => /Type (delete \d+ domains?) to confirm/.exec(message)?.[1] ?? "",
);

const start = (client: Omit<SpawnOptions, "env"> = {}, env: Record<string, string> = {}) =>
  e2e.spawn({ ...client, env: e2e.env(env) });

const BURNED = [...BURNED_DOMAINS];

function mailbox(email: string): SandboxMailbox {
  return { first_name: "New", last_name: "Hire", email, provider: "GOOGLE", status: "PAID" };
}

describe.each(Object.entries(CLIENTS))("with %s", (_label, client) => {
  const form = "capabilities" in client;

  it("deletes a batch of 12 with one confirmation, one DELETE after another, none refused by Woodpecker's limits", async () => {
    const s = await start(client);
    const { result } = await s.confirmed("delete_domains", { domain_names: BURNED });
    expect(result).toMatchObject({
      status: "deletion_accepted",
      confirmed_by: form ? "form" : "agent",
    });
    expect(result.deletions?.map((each) => [each.domain_name, each.status])).toEqual(
      BURNED.map((name) => [name, "deletion_accepted"]),
    );
    expect(e2e.woodpecker.sent("DELETE")).toEqual(BURNED.map((name) => `DELETE /domains/${name}`));
    // Every request reached Woodpecker once: none dropped (a 429 is never recorded; no retries).
    const reads = BURNED.length * 2 * 2;
    expect(e2e.woodpecker.requests).toHaveLength(reads + BURNED.length);
    // Each DELETE has its own intent line, with the batch's id and its position in it.
    const intents = s.logEntries().filter((entry) => entry.audit === "intent");
    expect(intents.map((entry) => [entry.target, entry.position])).toEqual(
      BURNED.map((name, index) => [name, index + 1]),
    );
    expect(new Set(intents.map((entry) => entry.batch)).size).toBe(1);
    if (form) {
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toContain("Delete 12 domains for good?");
      expect(prompts[0]).toContain("bachmanity.io: 2 mailboxes\n  • erlich@bachmanity.io (PAID)");
    }
  });

  it("leaves out what Woodpecker would refuse, says so, and confirms the rest", async () => {
    const s = await start(client);
    const { result } = await s.confirmed("delete_domains", {
      domain_names: ["aviato.com", "HOOLI.com", "endframe.io", "hooli.com.", "piedpiper.com"],
    });
    expect(result.status).toBe("deletion_accepted");
    expect(result.domain_names).toEqual([
      "aviato.com",
      "hooli.com",
      "endframe.io",
      "piedpiper.com",
    ]);
    expect(result.preview?.left_out.map((each) => [each.domain_name, each.reason])).toEqual([
      ["aviato.com", "domain_not_ready"],
      ["endframe.io", "domain_not_found"],
    ]);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([
      "DELETE /domains/hooli.com",
      "DELETE /domains/piedpiper.com",
    ]);
    if (form) expect(prompts[0]).toContain("Type delete 2 domains to confirm.");
  });

  it("rehearses the batch in a dry run, and sends no DELETE", async () => {
    const s = await start(client, { WOODPECKER_DRY_RUN: "true" });
    const { result } = await s.confirmed("delete_domains", { domain_names: BURNED.slice(0, 3) });
    expect(result).toMatchObject({ status: "dry_run", dry_run: true });
    expect(result.message).toMatch(/^Dry run: /);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });
});

describe("what the person and the client are shown", () => {
  it("a form lists ten mailboxes of each domain, then how many more", async () => {
    e2e.woodpecker.simulation
      .findDomain("hooli.com")
      ?.mailboxes.push(...Array.from({ length: 11 }, (_, i) => mailbox(`m${i}@hooli.com`)));
    const s = await start(CLIENTS["a client that shows forms"]);
    const { result } = await s.call("delete_domains", {
      domain_names: ["hooli.com", "piedpiper.com"],
    });
    expect(result.status).toBe("deletion_accepted");
    expect(prompts[0]).toContain(
      "  • m7@hooli.com (PAID)\n  • and 3 more\npiedpiper.com: 3 mailboxes",
    );
  });

  it("a client that asked for progress hears of each domain read and each DELETE", async () => {
    const s = await start();
    const heard: string[] = [];
    const call = async (args: Record<string, unknown>) =>
      (
        await s.client.callTool({ name: "delete_domains", arguments: args }, undefined, {
          onprogress: ({ message }) => heard.push(message ?? ""),
        })
      ).structuredContent as { confirmation?: { preview_token: string } };
    // The SDK's Client drops a progress notification that reaches it in the same chunk as the
    // answer: the last one may be missing, none other.
    const inOrder = (expected: string[]) => {
      expect(heard).toEqual(expected.slice(0, heard.length));
      expect(heard.length).toBeGreaterThanOrEqual(expected.length - 1);
    };
    const names = BURNED.slice(0, 3);
    const reads = ["read 1 of 3 domains", "read 2 of 3 domains", "read 3 of 3 domains"];
    const first = await call({ domain_names: names });
    inOrder(reads);
    heard.splice(0);
    await call({
      domain_names: names,
      confirm: "delete 3 domains",
      preview_token: first.confirmation?.preview_token,
    });
    inOrder([...reads, ...names.map((name, i) => `${i + 1} of 3: deletion of ${name} accepted`)]);
  });
});

describe("one DELETE of the batch failing", () => {
  it("does not stop the others: partially_accepted, each with its own outcome", async () => {
    const s = await start();
    e2e.woodpecker.faults.push(
      jsonFault(500, DOMAIN_PAGE[500], {}, { method: "DELETE", path: "/bachmanity-labs.com" }),
    );
    const { result, isError } = await s.confirmed("delete_domains", {
      domain_names: BURNED.slice(0, 5),
    });
    expect(isError).toBe(true);
    expect(result).toMatchObject({ ok: false, status: "partially_accepted" });
    expect(result.error?.kind).toBe("server_error");
    expect(result.message).toContain("accepted the deletion of 4 of the 5 domains; 1 not");
    expect(result.deletions?.map((each) => [each.domain_name, each.status, each.kind])).toEqual([
      ["bachmanity.io", "deletion_accepted", undefined],
      ["bachmanity-hq.com", "deletion_accepted", undefined],
      ["bachmanity-labs.com", "error", "server_error"],
      ["bachmanity-mail.com", "deletion_accepted", undefined],
      ["bachmanity-news.com", "deletion_accepted", undefined],
    ]);
    expect(e2e.woodpecker.sent("DELETE")).toHaveLength(5);
    const outcomes = s.logEntries().filter((entry) => entry.audit === "outcome");
    expect(outcomes.at(-1)?.outcome).toBe("partially_accepted");
  });

  it("stops the rest when the key is rejected: they are not sent", async () => {
    const s = await start();
    e2e.woodpecker.faults.push(
      jsonFault(401, DOMAIN_PAGE[401], {}, { method: "DELETE", path: "/bachmanity-hq.com" }),
    );
    const { result } = await s.confirmed("delete_domains", { domain_names: BURNED.slice(0, 4) });
    expect(result.status).toBe("partially_accepted");
    expect(result.deletions?.map((each) => each.status)).toEqual([
      "deletion_accepted",
      "error",
      "not_sent",
      "not_sent",
    ]);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([
      "DELETE /domains/bachmanity.io",
      "DELETE /domains/bachmanity-hq.com",
    ]);
  });
});

describe("the confirmation of a batch", () => {
  it("does not confirm a set in which one domain's cascade changed", async () => {
    const s = await start();
    const first = await s.call("delete_domains", { domain_names: BURNED });
    e2e.woodpecker.simulation
      .findDomain("joinbachmanity.com")
      ?.mailboxes.push(mailbox("late@joinbachmanity.com"));
    const { result } = await s.call("delete_domains", {
      domain_names: BURNED,
      confirm: "delete 12 domains",
      preview_token: first.result.confirmation?.preview_token,
    });
    expect(result).toMatchObject({
      status: "confirmation_required",
      confirmation: {
        reason: "cascade_changed",
        cascade_change: {
          mailboxes_added: ["late@joinbachmanity.com"],
          counts_changed: ["joinbachmanity.com"],
        },
      },
    });
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("does not take a count other than how many domains go", async () => {
    const s = await start();
    const first = await s.call("delete_domains", { domain_names: ["hooli.com", "aviato.com"] });
    expect(first.result.confirmation?.hint).toContain('confirm set to "delete 1 domain"');
    const { result } = await s.call("delete_domains", {
      domain_names: ["hooli.com", "aviato.com"],
      confirm: "delete 2 domains",
      preview_token: first.result.confirmation?.preview_token,
    });
    expect(result.error?.kind).toBe("confirmation_mismatch");
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("with nothing left to delete is precondition_failed, and nobody is asked", async () => {
    const s = await start(CLIENTS["a client that shows forms"]);
    const { result } = await s.call("delete_domains", {
      domain_names: ["aviato.com", "endframe.io"],
    });
    expect(result.error?.kind).toBe("precondition_failed");
    expect(prompts).toEqual([]);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });
});

describe("refused before any request", () => {
  it("51 names: invalid_input", async () => {
    const s = await start();
    const names = Array.from({ length: 51 }, (_, i) => `d${i}.com`);
    const { result } = await s.call("delete_domains", { domain_names: names });
    expect(result.error?.kind).toBe("invalid_input");
    expect(e2e.woodpecker.requests).toEqual([]);
  });

  it("one invalid name among valid ones: invalid_input", async () => {
    const s = await start();
    const { result } = await s.call("delete_domains", {
      domain_names: ["hooli.com", "hooli.com/../piedpiper.com"],
    });
    expect(result.error?.kind).toBe("invalid_input");
    expect(e2e.woodpecker.requests).toEqual([]);
  });

  it("one protected name among others: protected, and none is deleted", async () => {
    const s = await start({}, { WOODPECKER_PROTECTED_DOMAINS: "piedpiper.com" });
    const { result } = await s.call("delete_domains", {
      domain_names: ["hooli.com", "PiedPiper.com"],
    });
    expect(result.error?.kind).toBe("protected");
    expect(result.message).toContain("piedpiper.com");
    expect(e2e.woodpecker.requests).toEqual([]);
  });
});
