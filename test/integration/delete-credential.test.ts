import { describe, expect, it } from "vitest";
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

describe("delete_microsoft_credential", () => {
  it("checks the credential is listed, deletes it (204) and names what was deleted", async () => {
    const h = await start();
    const { result, isError } = await h.call("delete_microsoft_credential", {
      credential_id: 22334466,
    });
    expect(isError).toBe(false);
    expect(result).toMatchObject({
      ok: true,
      status: "deleted",
      credential_id: 22334466,
      credential: OLD_TEST_APP,
      http_status: 204,
      attempts: 1,
    });
    expect(result.message).toBe(
      'Deleted Microsoft credential 22334466 ("Old test app", tenant 0f3c1a52-7d2e-4b8a-9c41-6e5d2b7a8f90) (HTTP 204). This cannot be undone.',
    );
    expect(h.woodpecker.sent()).toEqual([
      "GET /mailboxes/microsoft/credentials",
      "DELETE /mailboxes/microsoft/credentials/22334466",
    ]);
  });

  it("an id Woodpecker does not list: not_found, reason credential_not_found, and no DELETE", async () => {
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
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334455 });
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

  it("a failed preview read fails the call, and no DELETE is sent", async () => {
    const h = await start();
    h.woodpecker.faults.push(jsonFault(500, CREDENTIAL_PAGE[500], {}, { method: "GET" }));
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result.error?.kind).toBe("server_error");
    expect(result.message).toMatch(
      /^Nothing was deleted: reading Microsoft credential 22334466 before deleting it failed/,
    );
    expect(h.woodpecker.sent("DELETE")).toEqual([]);
  });

  it.each([
    [401, "unauthorized", undefined],
    [404, "not_found", "credential_not_found"],
    [500, "server_error", undefined],
  ] as const)(
    "the page's %i body → %s, with its title, detail and plain timestamp",
    async (status, kind, reason) => {
      const h = await start();
      const body = CREDENTIAL_PAGE[status];
      h.woodpecker.faults.push(jsonFault(status, body, {}, { method: "DELETE" }));
      const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
      expect(result.error).toMatchObject({
        kind,
        title: body.title,
        detail: body.detail,
        timestamp: "2025-03-05 17:57:00",
      });
      expect(result.error?.reason).toBe(reason);
      expect(result.credential?.name).toBe("Old test app");
    },
  );

  it("the page's 422 body → credential_in_use", async () => {
    const h = await start();
    h.woodpecker.faults.push(jsonFault(422, CREDENTIAL_PAGE[422], {}, { method: "DELETE" }));
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
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

  it("a dry run checks the credential and names it, but sends no DELETE", async () => {
    const h = await start({ env: { WOODPECKER_DRY_RUN: "true" } });
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result).toMatchObject({
      ok: true,
      status: "dry_run",
      dry_run: true,
      credential: OLD_TEST_APP,
    });
    expect(result.message).toMatch(
      /^Dry run: Microsoft credential 22334466 .* exists and would be deleted/,
    );
    expect(h.woodpecker.sent()).toEqual(["GET /mailboxes/microsoft/credentials"]);
  });

  it("accepts a string of digits", async () => {
    const h = await start();
    const { result } = await h.call("delete_microsoft_credential", { credential_id: " 22334466 " });
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
