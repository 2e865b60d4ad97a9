import { describe, expect, it } from "vitest";
import { DOMAIN_PAGE } from "../helpers/page-examples.js";
import { type SpawnOptions, useWoodpecker, bothClients } from "../helpers/spawn.js";
import { jsonFault } from "../helpers/stand-in.js";

// delete_mailbox through the built bin: one mailbox goes, its domain and the other mailboxes
// stay; what Woodpecker would refuse is refused before anyone is asked; and a token confirms
// only the tool it was issued by.

const e2e = useWoodpecker();
const { prompts, clients: CLIENTS } = bothClients((message) =>
  (/Delete (\S+) for good/.exec(message)?.[1] ?? "").toUpperCase(),
);

const start = (client: Omit<SpawnOptions, "env"> = {}, env: Record<string, string> = {}) =>
  e2e.spawn({ ...client, env: e2e.env(env) });

describe.each(Object.entries(CLIENTS))("with %s", (_label, client) => {
  const asked = "capabilities" in client ? 1 : 0;

  it("deletes the one mailbox, percent-encoded in the path, and says the domain stays", async () => {
    const s = await start(client);
    const { result } = await s.confirmed("delete_mailbox", {
      domain_name: "PiedPiper.com",
      email: " Gilfoyle@PiedPiper.com ",
    });
    expect(result).toMatchObject({
      status: "deletion_accepted",
      domain_name: "piedpiper.com",
      email: "gilfoyle@piedpiper.com",
      confirmed_by: asked === 1 ? "form" : "agent",
      mailbox: { first_name: "Bertram", last_name: "Gilfoyle", status: "PAID" },
    });
    expect(result.message).toContain("piedpiper.com and its other mailboxes stay");
    expect(e2e.woodpecker.sent("DELETE")).toEqual([
      "DELETE /domains/piedpiper.com/mailboxes/gilfoyle%40piedpiper.com",
    ]);
    expect(prompts).toHaveLength(asked);
    if (asked === 1) expect(prompts[0]).toContain("The domain and its other mailboxes stay.");
  });

  it.each([
    [
      "not connected yet (ORDERED)",
      "dinesh@piedpiper.com",
      "precondition_failed",
      "mailbox_not_connected",
    ],
    ["unknown", "nobody@piedpiper.com", "not_found", "mailbox_not_found"],
  ])("a mailbox %s: no DELETE, and nobody asked", async (_state, email, kind, reason) => {
    const s = await start(client);
    const { result } = await s.confirmed("delete_mailbox", { domain_name: "piedpiper.com", email });
    expect(result.error).toMatchObject({ kind, reason });
    expect(e2e.woodpecker.sent()).toEqual(["GET /domains/piedpiper.com/mailboxes"]);
    expect(prompts).toEqual([]);
  });
});

describe("an email that is not a plain address on that very domain", () => {
  it.each([
    ["on another domain", "gavin@hooli.com"],
    ["on a domain that only ends like it", "richard@notpiedpiper.com"],
    ["with no domain", "richard"],
    ["with a path in it", "richard@piedpiper.com/../../domains/hooli.com"],
    ["with two @", "richard@hooli.com@piedpiper.com"],
    ["with a space inside", "rich ard@piedpiper.com"],
  ])("%s is invalid_input, and nothing is sent", async (_case, email) => {
    const s = await start();
    const { result } = await s.call("delete_mailbox", { domain_name: "piedpiper.com", email });
    expect(result.error?.kind).toBe("invalid_input");
    expect(result.error?.fields?.map((field) => field.field)).toEqual(["email"]);
    expect(e2e.woodpecker.requests).toEqual([]);
  });

  it("a protected domain's mailbox is refused before anything is read", async () => {
    const s = await start({}, { WOODPECKER_PROTECTED_DOMAINS: "piedpiper.com" });
    const { result } = await s.call("delete_mailbox", {
      domain_name: "piedpiper.com",
      email: "richard@piedpiper.com",
    });
    expect(result.error?.kind).toBe("protected");
    expect(e2e.woodpecker.requests).toEqual([]);
  });
});

describe("what Woodpecker answers to the DELETE", () => {
  it.each([
    // The documented token, exactly.
    ["cannot_delete_due_to_not_connected_mailbox", "mailbox_not_connected"],
    // One that only contains it is not read as it.
    ["cannot_delete_due_to_not_connected_mailbox_soon", undefined],
  ])("a 422 with the issue %s reads as reason %s", async (issue, reason) => {
    const s = await start();
    e2e.woodpecker.faults.push(
      jsonFault(
        422,
        { ...DOMAIN_PAGE[422], fields: [{ field: "mailbox_email", issue, value: "x" }] },
        {},
        { method: "DELETE" },
      ),
    );
    const { result } = await s.confirmed("delete_mailbox", {
      domain_name: "hooli.com",
      email: "gavin@hooli.com",
    });
    expect(result.error?.kind).toBe("validation_error");
    expect(result.error?.reason).toBe(reason);
  });
});

describe("a preview token confirms only the tool that issued it", () => {
  const MAILBOX = { domain_name: "hooli.com", email: "gavin@hooli.com" };
  const tokenOf = async (
    s: Awaited<ReturnType<typeof start>>,
    name: "delete_domain" | "delete_mailbox" | "delete_domains",
    args: Record<string, unknown>,
  ) => (await s.call(name, args)).result.confirmation?.preview_token ?? "";

  it.each([
    ["a domain's token", "delete_domain", { domain_name: "hooli.com" }, "delete_mailbox"],
    ["a mailbox's token", "delete_mailbox", MAILBOX, "delete_domains"],
    ["a batch's token", "delete_domains", { domain_names: ["hooli.com"] }, "delete_domain"],
    ["a mailbox's token", "delete_mailbox", MAILBOX, "delete_domain"],
  ] as const)(
    "%s does not confirm %s: confirmation_mismatch, no DELETE",
    async (_l, from, args, to) => {
      const s = await start();
      const token = await tokenOf(s, from, args);
      const target = {
        delete_domain: { domain_name: "hooli.com", confirm: "hooli.com" },
        delete_mailbox: { ...MAILBOX, confirm: "gavin@hooli.com" },
        delete_domains: { domain_names: ["hooli.com"], confirm: "delete 1 domain" },
      }[to];
      const { result } = await s.call(to, { ...target, preview_token: token });
      expect(result.error?.kind).toBe("confirmation_mismatch");
      expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
    },
  );
});
