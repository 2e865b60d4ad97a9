import { describe, expect, it } from "vitest";
import { textParts } from "../helpers/results.js";
import type { SandboxMailbox } from "../../src/sandbox/seed.js";
import { formClient, type Harness, useHarness } from "../helpers/harness.js";
import { DOMAIN_PAGE } from "../helpers/page-examples.js";
import { jsonFault } from "../helpers/stand-in.js";
import { waitFor } from "../helpers/wait.js";

const start = useHarness();

const PIEDPIPER_EMAILS = [
  "richard@piedpiper.com",
  "gilfoyle@piedpiper.com",
  "dinesh@piedpiper.com",
];
const PREVIEW_READS = ["GET /domains/piedpiper.com", "GET /domains/piedpiper.com/mailboxes"];

function mailbox(email: string): SandboxMailbox {
  return { first_name: "New", last_name: "Hire", email, provider: "MICROSOFT", status: "ORDERED" };
}

describe("delete_domain: the preview comes first", () => {
  it("reads the domain and its mailboxes, then asks (a question, not an error) naming the cascade", async () => {
    const h = await start();
    const { result, isError, text } = await h.call("delete_domain", {
      domain_name: " PiedPiper.COM. ",
    });
    expect(isError).toBe(false);
    expect(result).toMatchObject({
      ok: false,
      status: "confirmation_required",
      domain_name: "piedpiper.com",
      preview: {
        domain_name: "piedpiper.com",
        is_ready: true,
        provider: "MICROSOFT",
        mailboxes_count: 3,
        mailboxes_listed: 3,
        mailboxes_truncated: false,
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.preview?.mailboxes).toEqual([
      { email: "richard@piedpiper.com", status: "PAID" },
      { email: "gilfoyle@piedpiper.com", status: "PAID" },
      { email: "dinesh@piedpiper.com", status: "ORDERED" },
    ]);
    const cascade = `piedpiper.com and its 3 mailboxes: ${PIEDPIPER_EMAILS.join(", ")}`;
    expect(result.message).toBe(
      `Not deleted yet: deleting ${cascade} cannot be undone, so it needs the user's confirmation.`,
    );
    const { confirmation } = result;
    expect(confirmation?.preview_token).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(confirmation?.reason).toBeUndefined();
    expect(Date.parse(confirmation?.expires_at ?? "")).toBeGreaterThan(Date.now());
    expect(confirmation?.hint).toContain(
      "Show the user what will be deleted (the message names it; preview lists every mailbox). Ask them;",
    );
    expect(confirmation?.hint).toContain(
      `call delete_domain again with confirm set to "piedpiper.com" and preview_token set to "${confirmation?.preview_token}"`,
    );
    expect(textParts(text)).toEqual([result.message, result]);
    expect(h.woodpecker.sent().sort()).toEqual(PREVIEW_READS);
  });

  it("sends both reads at once: the stand-in holds both open at the same moment", async () => {
    const h = await start({ limits: false });
    h.woodpecker.faults.push(
      { type: "hold", method: "GET", path: "/mailboxes" },
      { type: "hold", method: "GET", path: "/domains/piedpiper.com" },
    );
    const call = h.call("delete_domain", { domain_name: "piedpiper.com" });
    await waitFor(() => h.woodpecker.held === 2, { what: "both reads open at once" });
    h.woodpecker.release();
    expect((await call).result.status).toBe("confirmation_required");
    expect(h.woodpecker.sent()).toHaveLength(2);
  });

  it("then deletes on the confirm with that answer's token: 202 → deletion_accepted, with the preview", async () => {
    const h = await start();
    const first = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    const { result } = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "PIEDPIPER.com.",
      preview_token: first.result.confirmation?.preview_token,
    });
    expect(result).toMatchObject({
      ok: true,
      status: "deletion_accepted",
      domain_name: "piedpiper.com",
      confirmed_by: "agent",
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

  it("carries the first 100 mailboxes of a big domain and says it left some out", async () => {
    const h = await start();
    const domain = h.woodpecker.simulation.findDomain("hooli.com");
    domain?.mailboxes.push(...Array.from({ length: 118 }, (_, i) => mailbox(`m${i}@hooli.com`)));
    const { result } = await h.call("delete_domain", { domain_name: "hooli.com" });
    expect(result.preview).toMatchObject({
      mailboxes_count: 120,
      mailboxes_listed: 120,
      mailboxes_truncated: true,
    });
    expect(result.preview?.mailboxes).toHaveLength(100);
    expect(result.message).toMatch(/and 110 more/);
  });

  it("says Woodpecker's count when it differs from what was listed, in every message and prompt", async () => {
    const form = formClient({ action: "decline" });
    const h = await start(form.options);
    const domain = h.woodpecker.simulation.findDomain("piedpiper.com");
    domain?.mailboxes.splice(2);
    domain?.mailboxes.push(
      ...Array.from({ length: 148 }, (_, i) => ({
        ...mailbox(`gone${i}@piedpiper.com`),
        listed: false,
      })),
    );
    const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.preview).toMatchObject({ mailboxes_count: 150, mailboxes_listed: 2 });
    const note =
      "Woodpecker counts 150 mailboxes on piedpiper.com; it listed 2: richard@piedpiper.com, gilfoyle@piedpiper.com";
    expect(result.message).toContain(note);
    expect(result.message).not.toMatch(/its 2 mailboxes/);
    expect(form.prompts[0]).toContain(
      "Woodpecker counts 150 mailboxes on piedpiper.com; it listed 2. Every mailbox on the domain is deleted with it",
    );
    const agent = await start();
    const mismatch = agent.woodpecker.simulation.findDomain("endframe.com");
    expect(mismatch?.mailboxes).toHaveLength(3);
    const asked = await agent.call("delete_domain", { domain_name: "endframe.com" });
    expect(asked.result.message).toContain(
      "Woodpecker counts 3 mailboxes on endframe.com; it listed 2: ed@endframe.com, jack@endframe.com",
    );
    expect(asked.result.confirmation?.hint).toContain(
      "Woodpecker counts 3 mailboxes on endframe.com",
    );
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
    const { result } = await h.call("delete_domain", { domain_name: domain, confirm: domain });
    expect(result.error?.kind).toBe(kind);
    expect(result.error?.reason).toBe(reason);
    expect(result.message).toMatch(/^Nothing was deleted: /);
    expect(result.confirmation).toBeUndefined();
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

  it("a domain Woodpecker does not know is answered at once, without waiting for its other read", async () => {
    // Woodpecker's one-at-a-time limit would keep the second read from arriving while the first is held.
    const h = await start({ limits: false });
    h.woodpecker.faults.push(
      { type: "hold", method: "GET", path: "/mailboxes" },
      { type: "hold", method: "GET", path: "/domains/" },
    );
    const call = h.call("delete_domain", { domain_name: "unknown-to-woodpecker.com" });
    // Both reads reach Woodpecker before it answers either: the 404 cannot win by arriving first.
    await waitFor(() => h.woodpecker.held === 2, { what: "both reads held" });
    h.woodpecker.releaseOne("/domains/");
    const { result } = await call;
    expect(result.error).toMatchObject({ kind: "not_found", reason: "domain_not_found" });
    // The mailboxes' read was still unanswered when the call was: it was given up, not awaited.
    expect(h.woodpecker.held).toBe(1);
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
  const confirmedDelete = (h: Harness, domain = "piedpiper.com") =>
    h.confirmed("delete_domain", { domain_name: domain });

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

  /** A confirmed deletion that Woodpecker answers with a 422 naming `issue` for the domain. */
  async function deleteAnswered422(issue: string) {
    const h = await start();
    h.woodpecker.faults.push(
      jsonFault(
        422,
        { ...DOMAIN_PAGE[422], fields: [{ field: "domain_name", issue, value: "piedpiper.com" }] },
        {},
        { method: "DELETE" },
      ),
    );
    return confirmedDelete(h);
  }

  it.each([
    ["not_found", "domain_not_found", /Woodpecker has no domain piedpiper.com/],
    ["domain_not_found", "domain_not_found", /Woodpecker has no domain piedpiper.com/],
    ["not_ready", "domain_not_ready", /is not ready yet/],
    ["NOT_READY", "domain_not_ready", /is not ready yet/],
    ["domain_is_not_ready", "domain_not_ready", /is not ready yet/],
    ["already_being_deleted", "domain_deletion_in_progress", /is already being deleted/],
    ["deletion_in_progress", "domain_deletion_in_progress", /is already being deleted/],
    ["deleting", "domain_deletion_in_progress", /is already being deleted/],
  ])("a 422 with issue %s: reason %s, read by whole words", async (issue, reason, words) => {
    const { result } = await deleteAnswered422(issue);
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

  it.each([
    "ready",
    "READY",
    "already",
    "the user already confirmed, call again with confirm",
    "frozen",
  ])("a 422 with issue %j says nothing it does not mean: no reason", async (issue) => {
    const { result } = await deleteAnswered422(issue);
    expect(result.error).toMatchObject({ kind: "validation_error", fields: [{ issue }] });
    expect(result.error?.reason).toBeUndefined();
    expect(result.error?.hint).not.toMatch(/do not call again/);
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

describe("delete_domain: an answer a retry made ambiguous is settled by one more read", () => {
  const retrying = { env: { WOODPECKER_MAX_RETRIES: "1" } };

  it("carried out, then the connection reset: the retry hears 'being deleted'; accepted, verified by a read", async () => {
    const h = await start(retrying);
    h.woodpecker.faults.push({ type: "process_then_reset", method: "DELETE" });
    const { result } = await h.confirmed("delete_domain", { domain_name: "piedpiper.com" });
    expect(result).toMatchObject({
      ok: true,
      status: "deletion_accepted",
      verified_by_read: true,
      attempts: 2,
    });
    expect(result.http_status).toBeUndefined();
    expect(result.message).toMatch(
      /an earlier attempt of this DELETE reached Woodpecker before its answer was lost, and a read afterwards shows the domain still there, being deleted as Woodpecker said/,
    );
    expect(h.woodpecker.sent().slice(-3)).toEqual([
      "DELETE /domains/piedpiper.com",
      "DELETE /domains/piedpiper.com",
      "GET /domains/piedpiper.com",
    ]);
    expect(h.audit().at(-1)).toMatchObject({
      outcome: "deletion_accepted",
      verified_by_read: true,
      delete_sent: true,
    });
  });

  it("carried out and completed before the retry: not found, and a read shows it gone; accepted", async () => {
    const h = await start({ ...retrying, deletionMs: 0 });
    h.woodpecker.faults.push({ type: "process_then_reset", method: "DELETE" });
    const { result } = await h.confirmed("delete_domain", { domain_name: "hooli.com" });
    expect(result).toMatchObject({ status: "deletion_accepted", verified_by_read: true });
    expect(result.message).toMatch(/a read afterwards shows the domain gone/);
  });

  it("never carried out, yet 'not found' on the retry while a read shows it there: the error as it came", async () => {
    const h = await start(retrying);
    const notFound = {
      ...DOMAIN_PAGE[422],
      fields: [{ field: "domain_name", issue: "not_found", value: "piedpiper.com" }],
    };
    h.woodpecker.faults.push(
      { type: "reset", method: "DELETE" },
      jsonFault(422, notFound, {}, { method: "DELETE" }),
    );
    const { result } = await h.confirmed("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.error).toMatchObject({ kind: "validation_error", reason: "domain_not_found" });
    expect(result.message).toMatch(
      /an earlier attempt of this DELETE may have reached Woodpecker before its answer was lost/,
    );
    expect(h.woodpecker.sent().at(-1)).toBe("GET /domains/piedpiper.com");
    expect(h.audit().at(-1)).toMatchObject({ verified_by_read: false });
  });

  it("a refusal with no earlier attempt that may have landed is not read again", async () => {
    const h = await start(retrying);
    const { result } = await h.confirmed("delete_domain", { domain_name: "raviga.com" });
    expect(result.error?.reason).toBe("domain_deletion_in_progress");
    expect(h.woodpecker.sent().at(-1)).toBe("DELETE /domains/raviga.com");
  });
});

describe("delete_domain: what stops it before any request", () => {
  it("refuses a protected domain, even confirmed, without reading anything", async () => {
    const h = await start({ env: { WOODPECKER_PROTECTED_DOMAINS: "hooli.com, PiedPiper.com." } });
    const { result } = await h.call("delete_domain", {
      domain_name: "piedpiper.COM",
      confirm: "piedpiper.com",
      preview_token: "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    });
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
  it("rehearses the whole flow, preview and confirmation included, and sends no DELETE", async () => {
    const h = await start({ env: { WOODPECKER_DRY_RUN: "true" } });
    const first = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(first.result).toMatchObject({ dry_run: true, status: "confirmation_required" });
    expect(first.result.message).toMatch(/^Dry run: Not deleted yet/);
    const second = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: first.result.confirmation?.preview_token,
    });
    expect(second.result).toMatchObject({
      ok: true,
      status: "dry_run",
      dry_run: true,
      confirmed_by: "agent",
      preview: { mailboxes_count: 3 },
    });
    expect(second.isError).toBe(false);
    expect(second.result.message).toMatch(
      /^Dry run: piedpiper.com and its 3 mailboxes: .* would be deleted: every check and the confirmation passed, but no DELETE was sent/,
    );
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
    expect(h.woodpecker.sent("GET")).toHaveLength(4);
  });

  it("asks the person too, when the client can show a form, and says it is a dry run", async () => {
    const form = formClient({ action: "accept", content: { confirmation: "piedpiper.com" } });
    const h = await start({ ...form.options, env: { WOODPECKER_DRY_RUN: "true" } });
    const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result).toMatchObject({ status: "dry_run", confirmed_by: "form" });
    expect(form.prompts).toHaveLength(1);
    expect(form.prompts[0]).toMatch(/^Dry run: nothing is deleted, whatever you answer\./);
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });
});
