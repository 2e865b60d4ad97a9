import { afterEach, describe, expect, it } from "vitest";
import { type SpawnedServer, spawnServer } from "../helpers/spawn.js";
import { waitFor } from "../helpers/wait.js";

let server: SpawnedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("--sandbox", () => {
  it(
    "walks the seeded account through every state, reads included",
    { timeout: 20_000 },
    async () => {
      const s = (server = await spawnServer({
        args: ["--sandbox"],
        env: { WOODPECKER_MAX_RETRIES: "0" },
      }));
      const outcome = async (
        name: Parameters<SpawnedServer["call"]>[0],
        args: Record<string, unknown> = {},
      ) => {
        const { result } = await s.call(name, args);
        expect(result.sandbox).toBe(true);
        expect(result.message).toMatch(/^Sandbox: /);
        const error: { kind: string; reason?: string | undefined } | undefined = result.error;
        return error?.reason ?? error?.kind ?? result.status;
      };
      const confirmed = (domain: string) => ({ domain_name: domain, confirm: domain });

      const domains = await s.call("list_domains");
      expect(domains.result.domains?.map((domain) => domain.domain_name)).toEqual([
        "piedpiper.com",
        "hooli.com",
        "xn--bcher-kva.de",
        "aviato.com",
        "raviga.com",
      ]);
      const credentials = await s.call("list_microsoft_credentials");
      expect(credentials.result.credentials?.map((item) => item.credential_id)).toEqual([
        22334455, 22334466, 22334477,
      ]);

      expect(await outcome("delete_microsoft_credential", { credential_id: 22334455 })).toBe(
        "credential_in_use",
      );
      expect(await outcome("delete_microsoft_credential", { credential_id: 22334466 })).toBe(
        "deleted",
      );
      expect(await outcome("delete_microsoft_credential", { credential_id: 22334466 })).toBe(
        "credential_not_found",
      );

      expect(await outcome("delete_domain", { domain_name: "PiedPiper.com" })).toBe(
        "confirmation_required",
      );
      expect(await outcome("delete_domain", confirmed("PiedPiper.com"))).toBe("deletion_accepted");
      expect(await outcome("get_domain", { domain_name: "piedpiper.com" })).toBe("ok");
      expect(await outcome("delete_domain", confirmed("piedpiper.com"))).toBe(
        "confirmation_required",
      );
      expect(await outcome("delete_domain", confirmed("piedpiper.com"))).toBe(
        "domain_deletion_in_progress",
      );

      // The sandbox completes an accepted deletion a few seconds later.
      await waitFor(
        async () =>
          (await outcome("get_domain", { domain_name: "piedpiper.com" })) === "domain_not_found",
        {
          timeoutMs: 8_000,
          everyMs: 250,
          what: "the deletion to complete",
        },
      );
      expect(await outcome("delete_microsoft_credential", { credential_id: "22334455" })).toBe(
        "deleted",
      );

      expect(await outcome("delete_domain", confirmed("aviato.com"))).toBe("domain_not_ready");
      expect(await outcome("delete_domain", { domain_name: "raviga.com" })).toBe(
        "confirmation_required",
      );
      expect(await outcome("delete_domain", confirmed("raviga.com"))).toBe(
        "domain_deletion_in_progress",
      );
      expect(await outcome("delete_domain", confirmed("endframe.io"))).toBe("domain_not_found");
      expect(await outcome("delete_microsoft_credential", { credential_id: 22334477 })).toBe(
        "credential_in_use",
      );
      expect(s.stderr.join("")).toMatch(/SANDBOX mode/);
    },
  );

  it("needs no key, and never sends a real one anywhere", async () => {
    server = await spawnServer({
      args: ["--sandbox"],
      env: { WOODPECKER_API_KEY: "real-key-must-stay-home", LOG_LEVEL: "debug" },
    });
    const { result } = await server.call("delete_microsoft_credential", {
      credential_id: 22334466,
    });
    expect(result).toMatchObject({ ok: true, status: "deleted", sandbox: true });
    expect(server.stderr.join("")).not.toContain("real-key-must-stay-home");
    expect(server.stderr.join("")).toMatch(/"x-api-key":"\[redacted\]"/);
  });

  it("WOODPECKER_SANDBOX=true is the same as --sandbox, and works with a dry run", async () => {
    server = await spawnServer({ env: { WOODPECKER_SANDBOX: "true", WOODPECKER_DRY_RUN: "true" } });
    await server.call("delete_domain", { domain_name: "hooli.com" });
    const { result } = await server.call("delete_domain", {
      domain_name: "hooli.com",
      confirm: "hooli.com",
    });
    expect(result).toMatchObject({ ok: true, status: "dry_run", sandbox: true, dry_run: true });
    expect(result.message).toMatch(/^Dry run: Sandbox: hooli.com and its 2 mailboxes/);
  });

  it("is never used unless asked: no key stays not_configured", async () => {
    server = await spawnServer({});
    const { result } = await server.call("list_domains");
    expect(result).toMatchObject({ sandbox: false, error: { kind: "not_configured" } });
  });
});
