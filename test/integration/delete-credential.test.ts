import { describe, expect, it } from "vitest";
import { textParts } from "../helpers/results.js";
import { useHarness } from "../helpers/harness.js";
import { CREDENTIAL_PAGE } from "../helpers/page-examples.js";
import { jsonFault } from "../helpers/stand-in.js";

const start = useHarness();

const OLD_TEST_APP = {
  credential_id: 22334466,
  name: "Old test app",
  tenant_id: "0f3c1a52-7d2e-4b8a-9c41-6e5d2b7a8f90",
  client_id: "5a9e2c71-3b4d-4f6a-8e1c-2d7b9f0a6c35",
  secret_expires_at: "2027-11-28T23:59:59Z",
};

const OLD_TEST_APP_WORDS =
  "Microsoft credential 22334466 (tenant 0f3c1a52-7d2e-4b8a-9c41-6e5d2b7a8f90, client 5a9e2c71-3b4d-4f6a-8e1c-2d7b9f0a6c35, secret expiring 2027-11-28T23:59:59Z)";

describe("delete_microsoft_credential: the preview and the confirmation", () => {
  it("first shows the credential and asks; nothing is deleted, and the question is not an error", async () => {
    const h = await start();
    const { result, isError, text } = await h.call("delete_microsoft_credential", {
      credential_id: 22334466,
    });
    expect(isError).toBe(false);
    expect(result).toMatchObject({
      ok: false,
      status: "confirmation_required",
      credential_id: 22334466,
      credential: OLD_TEST_APP,
    });
    expect(result.error).toBeUndefined();
    expect(result.message).toBe(
      `Not deleted yet: deleting ${OLD_TEST_APP_WORDS} cannot be undone, so it needs the user's confirmation. Woodpecker's name for it: "Old test app".`,
    );
    const token = result.confirmation?.preview_token ?? "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(result.confirmation?.hint).toContain(
      `call delete_microsoft_credential again with confirm set to "22334466" and preview_token set to "${token}"`,
    );
    // Woodpecker's free text (the credential's name) stays out of the hint.
    expect(result.confirmation?.hint).not.toContain("Old test app");
    expect(textParts(text)).toEqual([result.message, result]);
    expect(h.woodpecker.sent()).toEqual(["GET /mailboxes/microsoft/credentials"]);
  });

  it("deletes (204) on the confirm with the token of that preview, naming what was deleted", async () => {
    const h = await start();
    const { result, isError } = await h.confirmed("delete_microsoft_credential", {
      credential_id: 22334466,
    });
    expect(isError).toBe(false);
    expect(result).toMatchObject({
      ok: true,
      status: "deleted",
      credential_id: 22334466,
      credential: OLD_TEST_APP,
      confirmed_by: "agent",
      http_status: 204,
      attempts: 1,
    });
    expect(result.message).toBe(
      `Deleted (HTTP 204); this cannot be undone: ${OLD_TEST_APP_WORDS}. Woodpecker's name for it: "Old test app".`,
    );
    expect(h.woodpecker.sent()).toEqual([
      "GET /mailboxes/microsoft/credentials",
      "GET /mailboxes/microsoft/credentials",
      "DELETE /mailboxes/microsoft/credentials/22334466",
    ]);
  });

  it("a confirm without the token, or with a token for another credential, deletes nothing", async () => {
    const h = await start();
    const noToken = await h.call("delete_microsoft_credential", {
      credential_id: 22334466,
      confirm: "22334466",
    });
    expect(noToken.result.status).toBe("confirmation_required");
    expect(noToken.result.message).toMatch(/^Not deleted: confirm counts only together with/);
    const other = await h.call("delete_microsoft_credential", { credential_id: 22334477 });
    const carried = await h.call("delete_microsoft_credential", {
      credential_id: 22334466,
      confirm: "22334466",
      preview_token: other.result.confirmation?.preview_token,
    });
    expect(carried.result.error?.kind).toBe("confirmation_mismatch");
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("a credential whose record changed since the preview is asked about again", async () => {
    const h = await start();
    const first = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    const listed = h.woodpecker.account.credentials.find((item) => item.credential_id === 22334466);
    if (listed === undefined) throw new Error("the seed has 22334466");
    listed.secret_expires_at = "2028-01-31T23:59:59Z";
    const { result } = await h.call("delete_microsoft_credential", {
      credential_id: 22334466,
      confirm: "22334466",
      preview_token: first.result.confirmation?.preview_token,
    });
    expect(result.status).toBe("confirmation_required");
    expect(result.confirmation?.reason).toBe("cascade_changed");
    expect(result.message).toContain("Woodpecker's record of it changed: secret_expires_at");
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("a person confirms in a form by typing the id", async () => {
    const prompts: string[] = [];
    const h = await start({
      capabilities: { elicitation: {} },
      onElicit: (params) => {
        prompts.push(params.message);
        return { action: "accept", content: { confirmation: " 22334466 " } };
      },
    });
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result).toMatchObject({ status: "deleted", confirmed_by: "form" });
    expect(prompts).toEqual([
      [
        "Delete Microsoft credential 22334466 for good? Woodpecker's record of it:",
        '• name (as Woodpecker has it): "Old test app"',
        "• tenant: 0f3c1a52-7d2e-4b8a-9c41-6e5d2b7a8f90",
        "• client: 5a9e2c71-3b4d-4f6a-8e1c-2d7b9f0a6c35",
        "• secret expires: 2027-11-28T23:59:59Z",
        "Type the credential id to confirm.",
      ].join("\n"),
    ]);
  });

  it("a person who types another id deletes nothing", async () => {
    const h = await start({
      capabilities: { elicitation: {} },
      onElicit: () => ({ action: "accept", content: { confirmation: "22334477" } }),
    });
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result.error?.kind).toBe("cancelled_by_user");
    expect(result.message).toMatch(/the value typed on the confirmation prompt was not 22334466/);
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });
});

describe("delete_microsoft_credential: Woodpecker's answers", () => {
  it("an id Woodpecker does not list: not_found, reason credential_not_found, and no question", async () => {
    const h = await start();
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 999 });
    expect(result.error).toMatchObject({ kind: "not_found", reason: "credential_not_found" });
    expect(result.message).toBe(
      "Nothing was deleted: Woodpecker lists no Microsoft credential 999 on this account.",
    );
    expect(result.error?.hint).toMatch(/list_microsoft_credentials/);
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("in use by a mailbox: validation_error, reason credential_in_use, and what to do", async () => {
    const h = await start();
    const { result } = await h.confirmed("delete_microsoft_credential", {
      credential_id: 22334455,
    });
    expect(result).toMatchObject({
      http_status: 422,
      credential: { credential_id: 22334455, name: "MS Graph app" },
      error: {
        kind: "validation_error",
        reason: "credential_in_use",
        code: "MICROSOFT_GRAPH_CREDENTIAL_IN_USE",
        retryable: false,
      },
    });
    expect(result.message).toMatch(
      /^Not deleted: a Microsoft mailbox still uses Microsoft credential 22334455/,
    );
    expect(result.message).toContain('Woodpecker\'s message: "MICROSOFT_GRAPH_CREDENTIAL_IN_USE"');
    expect(result.error?.hint).toMatch(/Disconnect or delete the Microsoft mailboxes/);
    expect(result.error?.hint).toMatch(
      /deleting their domain deletes them too and frees the credential/,
    );
  });

  it("a failed preview read fails the call, and nobody is asked", async () => {
    const h = await start();
    h.woodpecker.faults.push(jsonFault(500, CREDENTIAL_PAGE[500], {}, { method: "GET" }));
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result.error?.kind).toBe("server_error");
    expect(result.message).toMatch(
      /^Nothing was deleted: reading Microsoft credential 22334466 before deleting it failed/,
    );
    expect(result.confirmation).toBeUndefined();
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });

  it.each([
    [401, "unauthorized", undefined],
    [404, "not_found", "credential_not_found"],
    [500, "server_error", undefined],
  ] as const)(
    "the page's %i body on the DELETE → %s, with its title, detail and plain timestamp",
    async (status, kind, reason) => {
      const h = await start();
      const body = CREDENTIAL_PAGE[status];
      h.woodpecker.faults.push(jsonFault(status, body, {}, { method: "DELETE" }));
      const { result } = await h.confirmed("delete_microsoft_credential", {
        credential_id: 22334466,
      });
      expect(result.error).toMatchObject({
        kind,
        title: body.title,
        detail: body.detail,
        timestamp: "2025-03-05 17:57:00",
      });
      expect(result.error?.reason).toBe(reason);
      expect(result.credential?.name).toBe("Old test app");
      expect(h.woodpecker.sent("DELETE")).toHaveLength(1);
    },
  );

  it("the page's 422 body on the DELETE → credential_in_use", async () => {
    const h = await start();
    h.woodpecker.faults.push(jsonFault(422, CREDENTIAL_PAGE[422], {}, { method: "DELETE" }));
    const { result } = await h.confirmed("delete_microsoft_credential", {
      credential_id: 22334466,
    });
    expect(result.error).toMatchObject({ kind: "validation_error", reason: "credential_in_use" });
  });

  it("a real 401 from a wrong key says to fix the key, and is not retryable", async () => {
    const h = await start({ env: { WOODPECKER_API_KEY: "wrong-key-0000" } });
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result.error).toMatchObject({
      kind: "unauthorized",
      retryable: false,
      detail: "Invalid api key",
    });
    expect(result.error?.hint).toMatch(/WOODPECKER_API_KEY/);
  });
});

describe("delete_microsoft_credential: arguments and modes", () => {
  it("a dry run reads the credential, asks, and names it, but sends no DELETE", async () => {
    const h = await start({ env: { WOODPECKER_DRY_RUN: "true" } });
    const { result } = await h.confirmed("delete_microsoft_credential", {
      credential_id: 22334466,
    });
    expect(result).toMatchObject({
      ok: true,
      status: "dry_run",
      dry_run: true,
      confirmed_by: "agent",
      credential: OLD_TEST_APP,
    });
    expect(result.message).toMatch(/^Dry run: It exists and would be deleted/);
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("accepts a string of digits, as the id and as the confirm", async () => {
    const h = await start();
    const { result } = await h.confirmed("delete_microsoft_credential", {
      credential_id: " 22334466 ",
    });
    expect(result).toMatchObject({ ok: true, credential_id: 22334466 });
  });

  it.each([0, -1, 1.5, "abc", "12a", "", null, true, [1], { id: 1 }, "1e3", "0x10", "-7"])(
    "refuses credential_id %j as invalid_input and sends nothing",
    async (value) => {
      const h = await start();
      const { result } = await h.call("delete_microsoft_credential", { credential_id: value });
      expect(result.error?.kind).toBe("invalid_input");
      expect(result.error?.fields).toHaveLength(1);
      expect(result.error?.fields?.[0]).toMatchObject({
        field: "credential_id",
        issue: "must be a positive whole number, or a string of its digits",
      });
      expect(h.woodpecker.requests).toEqual([]);
    },
  );

  it.each([2 ** 60, "9999999999999999"])("reports %j as one problem: too large", async (value) => {
    const h = await start();
    const { result } = await h.call("delete_microsoft_credential", { credential_id: value });
    expect(result.error?.fields).toEqual([
      {
        field: "credential_id",
        issue: "is too large (at most 9007199254740991)",
        value: String(value),
      },
    ]);
    expect(result.message).toBe(
      "Invalid arguments for delete_microsoft_credential: credential_id: is too large (at most 9007199254740991). Nothing was sent to Woodpecker.",
    );
  });

  it("refuses a missing id and unknown arguments", async () => {
    const h = await start();
    const missing = await h.call("delete_microsoft_credential", {});
    expect(missing.result.error?.fields).toEqual([
      { field: "credential_id", issue: "required argument is missing", value: null },
    ]);
    const extra = await h.call("delete_microsoft_credential", { credential_id: 1, force: true });
    expect(extra.result.error?.fields).toEqual([
      { field: "force", issue: "unknown argument", value: "true" },
    ]);
    expect(h.woodpecker.requests).toEqual([]);
  });
});
