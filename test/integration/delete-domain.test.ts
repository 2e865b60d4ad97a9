import type { ElicitRequest, ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import type { SandboxMailbox } from "../../src/sandbox/seed.js";
import { type Harness, type HarnessOptions, useHarness } from "../helpers/harness.js";
import { DOMAIN_PAGE } from "../helpers/page-examples.js";
import { jsonFault } from "../helpers/stand-in.js";

const start = useHarness();

const PIEDPIPER_EMAILS = [
  "richard@piedpiper.com",
  "gilfoyle@piedpiper.com",
  "dinesh@piedpiper.com",
];
const confirmed = (domain: string) => ({ domain_name: domain, confirm: domain });
const PREVIEW_READS = ["GET /domains/piedpiper.com", "GET /domains/piedpiper.com/mailboxes"];

function mailbox(email: string): SandboxMailbox {
  return { first_name: "New", last_name: "Hire", email, provider: "MICROSOFT", status: "ORDERED" };
}

/** A client that can show a form, answering every prompt with `answer` and keeping the prompts. */
function formClient(answer: ElicitResult | ((params: ElicitRequest["params"]) => ElicitResult)) {
  const prompts: string[] = [];
  return {
    prompts,
    options: {
      capabilities: { elicitation: {} },
      onElicit: (params: ElicitRequest["params"]) => {
        prompts.push(params.message);
        return typeof answer === "function" ? answer(params) : answer;
      },
    } satisfies HarnessOptions,
  };
}

describe("delete_domain: the preview comes first", () => {
  it("reads the domain and its mailboxes, then asks for confirmation naming the cascade; nothing is deleted", async () => {
    const h = await start();
    const { result, text } = await h.call("delete_domain", { domain_name: " PiedPiper.COM. " });
    expect(result).toMatchObject({
      ok: false,
      domain_name: "piedpiper.com",
      error: { kind: "confirmation_required", retryable: false },
      preview: {
        domain_name: "piedpiper.com",
        is_ready: true,
        provider: "MICROSOFT",
        mailboxes_count: 3,
        mailboxes_truncated: false,
      },
    });
    expect(result.preview?.mailboxes).toEqual([
      { email: "richard@piedpiper.com", status: "PAID" },
      { email: "gilfoyle@piedpiper.com", status: "PAID" },
      { email: "dinesh@piedpiper.com", status: "ORDERED" },
    ]);
    const cascade = `piedpiper.com and its 3 mailboxes: ${PIEDPIPER_EMAILS.join(", ")}`;
    expect(result.message).toContain(cascade);
    expect(result.error?.hint).toContain(cascade);
    expect(result.error?.hint).toMatch(/ask them/);
    expect(result.error?.hint).toContain('confirm set to "piedpiper.com"');
    expect(text).toContain(cascade);
    expect(h.woodpecker.sent().sort()).toEqual(PREVIEW_READS);
  });

  it("sends both reads at once: the preview costs one round trip, not two", async () => {
    const h = await start();
    h.woodpecker.faults.push(
      { type: "delay", ms: 300, method: "GET", path: "/mailboxes" },
      { type: "delay", ms: 300, method: "GET", path: "/domains/piedpiper.com" },
    );
    const started = Date.now();
    await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(Date.now() - started).toBeLessThan(550);
    expect(h.woodpecker.sent()).toHaveLength(2);
  });

  it("then deletes on a confirm that matches what was shown: 202 → deletion_accepted, with the preview", async () => {
    const h = await start();
    await h.call("delete_domain", { domain_name: "piedpiper.com" });
    const { result } = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "PIEDPIPER.com.",
    });
    expect(result).toMatchObject({
      ok: true,
      status: "deletion_accepted",
      domain_name: "piedpiper.com",
      http_status: 202,
      attempts: 1,
      preview: { mailboxes_count: 3 },
    });
    expect(result.message).toMatch(/accepted the deletion of piedpiper.com and its 3 mailboxes/);
    expect(result.message).toMatch(/get_domain follows it/);
    expect(h.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
  });

  it("names a domain with no mailboxes as such", async () => {
    const h = await start();
    const template = structuredClone(h.woodpecker.simulation.findDomain("hooli.com"));
    if (template === undefined) throw new Error("the seed has hooli.com");
    h.woodpecker.account.domains.push({ ...template, name: "empty.io", mailboxes: [] });
    const { result } = await h.call("delete_domain", { domain_name: "empty.io" });
    expect(result.message).toContain("empty.io, which has no mailboxes");
  });

  it("lists the first 100 mailboxes of a big domain and says it left some out", async () => {
    const h = await start();
    const domain = h.woodpecker.simulation.findDomain("hooli.com");
    domain?.mailboxes.push(...Array.from({ length: 118 }, (_, i) => mailbox(`m${i}@hooli.com`)));
    const { result } = await h.call("delete_domain", { domain_name: "hooli.com" });
    expect(result.preview).toMatchObject({ mailboxes_count: 120, mailboxes_truncated: true });
    expect(result.preview?.mailboxes).toHaveLength(100);
    expect(result.message).toMatch(/and 110 more/);
  });

  it("shows an internationalized name in both forms and answers with the ASCII one", async () => {
    const h = await start();
    const { result } = await h.call("delete_domain", { domain_name: "Bücher.de" });
    expect(result.domain_name).toBe("xn--bcher-kva.de");
    expect(result.message).toContain(
      "bücher.de (xn--bcher-kva.de) and its 1 mailbox: info@xn--bcher-kva.de",
    );
    expect(h.woodpecker.sent()).toContain("GET /domains/xn--bcher-kva.de");
  });
});

describe("delete_domain: the two-step guard is enforced", () => {
  it("a confirm on the very first call never deletes", async () => {
    const h = await start();
    const first = await h.call("delete_domain", confirmed("piedpiper.com"));
    expect(first.result.error?.kind).toBe("confirmation_required");
    expect(first.result.message).toMatch(
      /showed no preview of piedpiper.com in the last 10 minutes/,
    );
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
    // That answer was itself a preview: confirming it now deletes.
    const second = await h.call("delete_domain", confirmed("piedpiper.com"));
    expect(second.result.status).toBe("deletion_accepted");
  });

  it("a mailbox added since the preview: confirmation_required again, reason cascade_changed, no DELETE", async () => {
    const h = await start();
    await h.call("delete_domain", { domain_name: "piedpiper.com" });
    h.woodpecker.simulation
      .findDomain("piedpiper.com")
      ?.mailboxes.push(mailbox("jared@piedpiper.com"));
    const { result } = await h.call("delete_domain", confirmed("piedpiper.com"));
    expect(result).toMatchObject({
      error: { kind: "confirmation_required", reason: "cascade_changed" },
      cascade_change: { mailboxes_added: ["jared@piedpiper.com"], mailboxes_removed: [] },
      preview: { mailboxes_count: 4 },
    });
    expect(result.message).toMatch(
      /changed since the user was shown them \(added: jared@piedpiper.com\)/,
    );
    expect(result.message).toMatch(/would now take piedpiper.com and its 4 mailboxes/);
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
    const again = await h.call("delete_domain", confirmed("piedpiper.com"));
    expect(again.result.status).toBe("deletion_accepted");
  });

  it("a mailbox removed since the preview is a changed cascade too", async () => {
    const h = await start();
    await h.call("delete_domain", { domain_name: "piedpiper.com" });
    h.woodpecker.simulation.findDomain("piedpiper.com")?.mailboxes.pop();
    const { result } = await h.call("delete_domain", confirmed("piedpiper.com"));
    expect(result.cascade_change).toEqual({
      mailboxes_added: [],
      mailboxes_removed: ["dinesh@piedpiper.com"],
    });
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("the same mailboxes in another order or case are the same cascade", async () => {
    const h = await start();
    await h.call("delete_domain", { domain_name: "piedpiper.com" });
    const domain = h.woodpecker.simulation.findDomain("piedpiper.com");
    domain?.mailboxes.reverse().forEach((item) => {
      item.email = item.email.toUpperCase();
    });
    const { result } = await h.call("delete_domain", confirmed("piedpiper.com"));
    expect(result.status).toBe("deletion_accepted");
  });

  it("remembers a preview for ten minutes, no longer", async () => {
    let now = 1_000_000;
    const h = await start({ now: () => now });
    await h.call("delete_domain", { domain_name: "piedpiper.com" });
    await h.call("delete_domain", { domain_name: "hooli.com" });
    now += 10 * 60 * 1000;
    const inTime = await h.call("delete_domain", confirmed("piedpiper.com"));
    expect(inTime.result.status).toBe("deletion_accepted");
    now += 1;
    const late = await h.call("delete_domain", confirmed("hooli.com"));
    expect(late.result.error?.kind).toBe("confirmation_required");
    expect(h.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
  });

  it("once a DELETE was sent, deleting again needs a fresh preview", async () => {
    const h = await start();
    await h.call("delete_domain", { domain_name: "piedpiper.com" });
    await h.call("delete_domain", confirmed("piedpiper.com"));
    // The deletion runs asynchronously: the domain still reads as usual.
    const again = await h.call("delete_domain", confirmed("piedpiper.com"));
    expect(again.result.error?.kind).toBe("confirmation_required");
    expect(h.woodpecker.sent("DELETE")).toHaveLength(1);
  });

  it.each(["yes", "true", "hooli.com", "piedpiper.co", "piedpiper.com/x"])(
    "refuses confirm=%j as a mismatch, with the preview",
    async (confirm) => {
      const h = await start();
      await h.call("delete_domain", { domain_name: "piedpiper.com" });
      const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com", confirm });
      expect(result.error?.kind).toBe("confirmation_mismatch");
      expect(result.preview?.mailboxes_count).toBe(3);
      expect(h.woodpecker.sent("DELETE")).toEqual([]);
    },
  );

  it("counts a blank confirm as no confirm", async () => {
    const h = await start();
    await h.call("delete_domain", { domain_name: "piedpiper.com" });
    const { result } = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "  ",
    });
    expect(result.error?.kind).toBe("confirmation_required");
  });

  it("two confirms at once after one preview: exactly one DELETE", async () => {
    const h = await start();
    await h.call("delete_domain", { domain_name: "piedpiper.com" });
    h.woodpecker.faults.push({ type: "delay", ms: 200, method: "DELETE" });
    const outcomes = await Promise.all([
      h.call("delete_domain", confirmed("piedpiper.com")),
      h.call("delete_domain", confirmed("piedpiper.com")),
    ]);
    expect(outcomes.map(({ result }) => result.error?.kind ?? result.status).sort()).toEqual([
      "confirmation_required",
      "deletion_accepted",
    ]);
    expect(h.woodpecker.sent("DELETE")).toHaveLength(1);
  });
});

describe("delete_domain: nothing is deleted that could not be shown (fail closed)", () => {
  const asked = formClient({ action: "accept", content: { confirmation: "x" } });

  it.each([
    ["an unknown domain (404)", "endframe.io", undefined, "not_found", "domain_not_found"],
    ["a domain not ready yet", "aviato.com", undefined, "precondition_failed", "domain_not_ready"],
    [
      "a failed read of the mailboxes",
      "piedpiper.com",
      jsonFault(500, DOMAIN_PAGE[500], {}, { method: "GET", path: "/mailboxes" }),
      "server_error",
      undefined,
    ],
    [
      "an HTML page instead of the domain",
      "piedpiper.com",
      { type: "respond" as const, status: 200, body: "<html>maintenance</html>", method: "GET" },
      "unexpected_response",
      undefined,
    ],
    [
      "a 401 on the preview",
      "piedpiper.com",
      jsonFault(401, DOMAIN_PAGE[401], {}, { method: "GET" }),
      "unauthorized",
      undefined,
    ],
  ])("%s: no DELETE, and nobody is asked", async (_label, domain, fault, kind, reason) => {
    const h = await start(asked.options);
    if (fault !== undefined) h.woodpecker.faults.push(fault);
    const { result } = await h.call("delete_domain", confirmed(domain));
    expect(result.error?.kind).toBe(kind);
    expect(result.error?.reason).toBe(reason);
    expect(result.message).toMatch(/^Nothing was deleted: /);
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
    expect(asked.prompts).toEqual([]);
  });

  it("says in words why a domain that is not ready cannot go, and shows it", async () => {
    const h = await start();
    const { result } = await h.call("delete_domain", { domain_name: "aviato.com" });
    expect(result.message).toBe(
      "Nothing was deleted: aviato.com is not ready yet (is_ready is false), and Woodpecker deletes a domain only once it is.",
    );
    expect(result.preview).toMatchObject({ is_ready: false, mailboxes_count: 1 });
  });

  it("a preview that times out fails the call as a timeout", async () => {
    const h = await start({ env: { WOODPECKER_TIMEOUT_MS: "150" } });
    h.woodpecker.faults.push({ type: "hang", method: "GET", path: "/mailboxes" });
    const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.error).toMatchObject({ kind: "timeout", retryable: true });
    expect(result.error?.hint).toMatch(/^Nothing was deleted/);
  });
});

describe("delete_domain: Woodpecker's answers to the DELETE (the domain page)", () => {
  async function confirmedDelete(h: Harness, domain = "piedpiper.com") {
    await h.call("delete_domain", { domain_name: domain });
    return h.call("delete_domain", confirmed(domain));
  }

  it("a domain already being deleted: validation_error, reason domain_deletion_in_progress, in words", async () => {
    const h = await start();
    const { result } = await confirmedDelete(h, "raviga.com");
    expect(result.error).toMatchObject({
      kind: "validation_error",
      reason: "domain_deletion_in_progress",
      code: "invalid_fields",
      fields: [{ field: "domain_name", issue: "deletion_in_progress", value: "raviga.com" }],
    });
    expect(result.error?.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.message).toMatch(
      /^Not deleted: raviga.com is already being deleted \(HTTP 422\)/,
    );
    expect(result.error?.hint).toMatch(/do not call again/);
  });

  it.each([
    ["not_found", "domain_not_found", /Woodpecker has no domain piedpiper.com/],
    ["not_ready", "domain_not_ready", /is not ready yet/],
  ])("a 422 with issue %s: reason %s", async (issue, reason, words) => {
    const h = await start();
    h.woodpecker.faults.push(
      jsonFault(
        422,
        { ...DOMAIN_PAGE[422], fields: [{ field: "domain_name", issue, value: "piedpiper.com" }] },
        {},
        { method: "DELETE" },
      ),
    );
    const { result } = await confirmedDelete(h);
    expect(result.error).toMatchObject({
      kind: "validation_error",
      reason,
      code: "invalid_fields",
    });
    expect(result.message).toMatch(words);
    expect(result.message).not.toMatch(/^Woodpecker said: invalid_fields/);
  });

  it("the page's own 422 example, verbatim", async () => {
    const h = await start();
    h.woodpecker.faults.push(jsonFault(422, DOMAIN_PAGE[422], {}, { method: "DELETE" }));
    const { result } = await confirmedDelete(h);
    expect(result.error).toMatchObject({
      kind: "validation_error",
      reason: "domain_not_found",
      code: "invalid_fields",
      detail: "Invalid field(s)",
      request_id: "dc4faa0f-78bf-54e9-9d5d-ce9538f2eec5",
      fields: [{ field: "domain_name", issue: "not_found", value: "piedpiper.com" }],
    });
  });

  it("passes an unknown issue through, with no reason", async () => {
    const h = await start();
    h.woodpecker.faults.push(
      jsonFault(
        422,
        {
          ...DOMAIN_PAGE[422],
          code: "new_code",
          fields: [{ field: "domain_name", issue: "frozen", value: "x" }],
        },
        {},
        { method: "DELETE" },
      ),
    );
    const { result } = await confirmedDelete(h);
    expect(result.error).toMatchObject({
      kind: "validation_error",
      code: "new_code",
      fields: [{ issue: "frozen" }],
    });
    expect(result.error?.reason).toBeUndefined();
  });

  it.each([
    [400, DOMAIN_PAGE[400], "bad_request"],
    [401, DOMAIN_PAGE[401], "unauthorized"],
    [403, DOMAIN_PAGE[401], "unauthorized"],
    [500, DOMAIN_PAGE[500], "server_error"],
    [503, DOMAIN_PAGE[503], "unavailable"],
  ] as const)(
    "HTTP %i with the page's body → %s, with its title, details and timestamp",
    async (status, body, kind) => {
      const h = await start();
      h.woodpecker.faults.push(jsonFault(status, body, {}, { method: "DELETE" }));
      const { result } = await confirmedDelete(h);
      expect(result).toMatchObject({ http_status: status, preview: { mailboxes_count: 3 } });
      expect(result.error).toMatchObject({
        kind,
        title: body.title,
        detail: body.details,
        timestamp: body.timestamp,
      });
      expect(result.message).toContain(`Woodpecker's message: "${body.details}"`);
    },
  );

  it.each([
    ["an empty 422", { type: "respond" as const, status: 422, body: "" }, /was empty/],
    [
      "a truncated 422",
      { type: "respond" as const, status: 422, body: '{"type":"valid' },
      /untrusted excerpt/,
    ],
    [
      "a 200 where 202 is due",
      { type: "respond" as const, status: 200, body: "{}" },
      /Unrecognized/,
    ],
  ])("%s is an unexpected_response with a labelled excerpt", async (_label, fault, detail) => {
    const h = await start();
    h.woodpecker.faults.push({ ...fault, method: "DELETE" });
    const { result } = await confirmedDelete(h);
    expect(result.error?.kind).toBe("unexpected_response");
    expect(result.error?.detail).toMatch(detail);
    expect(result.error?.hint).toMatch(/Do not assume anything was or was not deleted/);
  });
});

describe("delete_domain: a client that can show a form asks the person on the first call", () => {
  it("one call, one prompt listing the mailboxes; the person types the name; deleted", async () => {
    const form = formClient({ action: "accept", content: { confirmation: " PiedPiper.com " } });
    const h = await start(form.options);
    const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.status).toBe("deletion_accepted");
    expect(form.prompts).toHaveLength(1);
    expect(form.prompts[0]).toContain("Delete piedpiper.com for good?");
    expect(form.prompts[0]).toContain("Its 3 mailboxes are deleted with it");
    for (const email of PIEDPIPER_EMAILS) expect(form.prompts[0]).toContain(email);
    expect(h.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
  });

  it.each<[string, ElicitResult, RegExp]>([
    ["declines", { action: "decline" }, /the user declined the confirmation prompt/],
    ["dismisses", { action: "cancel" }, /the user dismissed the confirmation prompt/],
    [
      "types another name",
      { action: "accept", content: { confirmation: "hooli.com" } },
      /was not piedpiper.com/,
    ],
    ["types nothing", { action: "accept", content: { confirmation: "" } }, /was not piedpiper.com/],
    [
      "accepts with no content",
      { action: "accept" },
      /answer to the confirmation prompt was malformed/,
    ],
    [
      "answers with a number",
      { action: "accept", content: { confirmation: 5 } },
      /answer to the confirmation prompt was malformed/,
    ],
  ])(
    "the person %s → cancelled_by_user, saying which; nothing sent",
    async (_label, answer, why) => {
      const form = formClient(answer);
      const h = await start(form.options);
      const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com" });
      expect(result.error?.kind).toBe("cancelled_by_user");
      expect(result.message).toMatch(why);
      expect(result.preview?.mailboxes_count).toBe(3);
      expect(h.woodpecker.sent("DELETE")).toEqual([]);
    },
  );

  it("a client that answers the prompt with an error → cancelled_by_user, saying so", async () => {
    const h = await start({
      capabilities: { elicitation: {} },
      onElicit: () => {
        throw new Error("the dialog crashed");
      },
    });
    const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.error?.kind).toBe("cancelled_by_user");
    expect(result.message).toMatch(/the client answered the confirmation prompt with an error/);
    expect(result.error?.hint).toMatch(/WOODPECKER_ELICITATION=off/);
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("no answer within WOODPECKER_ELICITATION_TIMEOUT_MS → cancelled_by_user, saying so", async () => {
    const h = await start({
      capabilities: { elicitation: {} },
      env: { WOODPECKER_ELICITATION_TIMEOUT_MS: "150" },
      onElicit: () => new Promise<ElicitResult>(() => undefined),
    });
    const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.error?.kind).toBe("cancelled_by_user");
    expect(result.message).toMatch(/got no answer within 150 ms/);
    expect(result.error?.hint).toMatch(/WOODPECKER_ELICITATION=off/);
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("a confirm that names another domain is a mismatch; the person is not asked", async () => {
    const form = formClient({ action: "accept", content: { confirmation: "piedpiper.com" } });
    const h = await start(form.options);
    const { result } = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "hooli.com",
    });
    expect(result.error?.kind).toBe("confirmation_mismatch");
    expect(form.prompts).toEqual([]);
  });

  it("accepts either form of an internationalized name, and shows both", async () => {
    for (const typed of ["bücher.de", "XN--BCHER-KVA.DE"]) {
      const form = formClient({ action: "accept", content: { confirmation: typed } });
      const h = await start(form.options);
      const { result } = await h.call("delete_domain", { domain_name: "bücher.de" });
      expect(result.status).toBe("deletion_accepted");
      expect(form.prompts[0]).toContain("Delete bücher.de (xn--bcher-kva.de) for good?");
    }
  });

  it("lists ten mailboxes in the prompt, then how many more", async () => {
    const form = formClient({ action: "decline" });
    const h = await start(form.options);
    h.woodpecker.simulation
      .findDomain("hooli.com")
      ?.mailboxes.push(...Array.from({ length: 11 }, (_, i) => mailbox(`m${i}@hooli.com`)));
    await h.call("delete_domain", { domain_name: "hooli.com" });
    expect(form.prompts[0]?.match(/^• /gm)).toHaveLength(11);
    expect(form.prompts[0]).toContain("• and 3 more");
  });

  it("two calls at once for one domain send one DELETE; both hear the outcome", async () => {
    const form = formClient({ action: "accept", content: { confirmation: "piedpiper.com" } });
    const h = await start(form.options);
    h.woodpecker.faults.push({ type: "delay", ms: 300, method: "DELETE" });
    const [a, b] = await Promise.all([
      h.call("delete_domain", { domain_name: "piedpiper.com" }),
      h.call("delete_domain", { domain_name: "piedpiper.com" }),
    ]);
    expect([a.result.status, b.result.status]).toEqual(["deletion_accepted", "deletion_accepted"]);
    expect(h.woodpecker.sent("DELETE")).toHaveLength(1);
    expect(
      [a.result.message, b.result.message].filter((m) => /no second DELETE/.test(m)),
    ).toHaveLength(1);
  });

  it.each([
    ["WOODPECKER_ELICITATION=off", { elicitation: {} }, { WOODPECKER_ELICITATION: "off" }],
    ["a client that declares only URL elicitation", { elicitation: { url: {} } }, {}],
  ])("%s: the two-step guard instead, never a prompt", async (_label, capabilities, env) => {
    let asked = 0;
    const h = await start({
      capabilities,
      env,
      onElicit: () => {
        asked += 1;
        return { action: "accept", content: { confirmation: "piedpiper.com" } };
      },
    });
    const first = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(first.result.error?.kind).toBe("confirmation_required");
    const second = await h.call("delete_domain", confirmed("piedpiper.com"));
    expect(second.result.status).toBe("deletion_accepted");
    expect(asked).toBe(0);
  });
});

describe("delete_domain: what stops it before any request", () => {
  it("refuses a protected domain, even confirmed, without reading anything", async () => {
    const h = await start({ env: { WOODPECKER_PROTECTED_DOMAINS: "hooli.com, PiedPiper.com." } });
    const { result } = await h.call("delete_domain", confirmed("piedpiper.COM"));
    expect(result.error?.kind).toBe("protected");
    expect(h.woodpecker.requests).toEqual([]);
  });

  it("answers not_configured without a key, also in a dry run, before asking anyone", async () => {
    for (const env of [{}, { WOODPECKER_DRY_RUN: "true" }]) {
      const form = formClient({ action: "accept", content: { confirmation: "piedpiper.com" } });
      const h = await start({ ...form.options, withoutKey: true, env });
      const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com" });
      expect(result.error?.kind).toBe("not_configured");
      expect(result.error?.hint).toMatch(/WOODPECKER_API_KEY/);
      expect(form.prompts).toEqual([]);
      expect(h.woodpecker.requests).toEqual([]);
    }
  });

  it.each([
    "piedpiper.com/../x",
    "a%2Fb.com",
    "piedpiper.com?x",
    "",
    "localhost",
    "x@y.com",
    "../etc",
  ])("refuses domain_name %j as invalid_input and sends nothing", async (domain_name) => {
    const h = await start();
    const { result } = await h.call("delete_domain", { domain_name, confirm: domain_name });
    expect(result.error?.kind).toBe("invalid_input");
    expect(result.error?.fields?.[0]?.field).toBe("domain_name");
    expect(h.woodpecker.requests).toEqual([]);
  });

  it("names each bad argument once", async () => {
    const h = await start();
    const { result } = await h.call("delete_domain", {
      domain_name: "pied piper.com",
      force: true,
    });
    expect(result.message).toBe(
      "Invalid arguments for delete_domain: domain_name: contains a character that cannot appear in a domain name (such as / \\ ? # % @ : or a space); force: unknown argument. Nothing was sent to Woodpecker.",
    );
  });
});

describe("delete_domain in a dry run", () => {
  it("rehearses the whole flow, preview and guard included, and sends no DELETE", async () => {
    const h = await start({ env: { WOODPECKER_DRY_RUN: "true" } });
    const first = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(first.result).toMatchObject({ dry_run: true, error: { kind: "confirmation_required" } });
    expect(first.result.message).toMatch(/^Dry run: Not deleted yet/);
    const second = await h.call("delete_domain", confirmed("piedpiper.com"));
    expect(second.result).toMatchObject({
      ok: true,
      status: "dry_run",
      dry_run: true,
      preview: { mailboxes_count: 3 },
    });
    expect(second.isError).toBe(false);
    expect(second.result.message).toMatch(
      /^Dry run: piedpiper.com and its 3 mailboxes: .* would be deleted: every check and the confirmation passed, but no DELETE was sent/,
    );
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
    expect(h.woodpecker.sent("GET")).toHaveLength(4);
  });

  it("asks the person too, when the client can show a form", async () => {
    const form = formClient({ action: "accept", content: { confirmation: "piedpiper.com" } });
    const h = await start({ ...form.options, env: { WOODPECKER_DRY_RUN: "true" } });
    const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.status).toBe("dry_run");
    expect(form.prompts).toHaveLength(1);
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });
});
