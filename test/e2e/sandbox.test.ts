import { afterEach, describe, expect, it } from "vitest";
import { BURNED_DOMAINS } from "../../src/sandbox/seed.js";
import type { DeletingTool } from "../helpers/results.js";
import { type SpawnedServer, spawnServer } from "../helpers/spawn.js";
import { waitFor } from "../helpers/wait.js";
import { seedAccount } from "../../src/sandbox/seed.js";

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
      const meaning = (result: {
        sandbox: boolean;
        message: string;
        status: string;
        error?: { kind: string; reason?: string | undefined } | undefined;
      }) => {
        expect(result.sandbox).toBe(true);
        expect(result.message).toMatch(/^Sandbox: /);
        return result.error?.reason ?? result.error?.kind ?? result.status;
      };
      const outcome = async (
        name: Parameters<SpawnedServer["call"]>[0],
        args: Record<string, unknown> = {},
      ) => meaning((await s.call(name, args)).result);
      /** What an agent gets once the person agreed: the confirm, with the token. */
      const confirmed = async (name: DeletingTool, args: Record<string, unknown>) =>
        meaning((await s.confirmed(name, args)).result);

      const domains = await s.call("list_domains");
      expect(domains.result.domains?.map((domain) => domain.domain_name)).toEqual([
        "piedpiper.com",
        "hooli.com",
        "xn--bcher-kva.de",
        "endframe.com",
        "aviato.com",
        "raviga.com",
        ...BURNED_DOMAINS,
      ]);
      const credentials = await s.call("list_microsoft_credentials");
      expect(credentials.result.credentials?.map((item) => item.credential_id)).toEqual([
        22334455, 22334466, 22334477,
      ]);

      expect(await confirmed("delete_microsoft_credential", { credential_id: 22334455 })).toBe(
        "credential_in_use",
      );
      expect(await outcome("delete_microsoft_credential", { credential_id: 22334466 })).toBe(
        "confirmation_required",
      );
      expect(await confirmed("delete_microsoft_credential", { credential_id: 22334466 })).toBe(
        "deleted",
      );
      expect(await outcome("delete_microsoft_credential", { credential_id: 22334466 })).toBe(
        "credential_not_found",
      );

      expect(await outcome("delete_domain", { domain_name: "PiedPiper.com" })).toBe(
        "confirmation_required",
      );
      expect(await confirmed("delete_domain", { domain_name: "PiedPiper.com" })).toBe(
        "deletion_accepted",
      );
      expect(await outcome("get_domain", { domain_name: "piedpiper.com" })).toBe("ok");
      expect(await confirmed("delete_domain", { domain_name: "piedpiper.com" })).toBe(
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
      expect(await confirmed("delete_microsoft_credential", { credential_id: "22334455" })).toBe(
        "deleted",
      );

      expect(await confirmed("delete_domain", { domain_name: "aviato.com" })).toBe(
        "domain_not_ready",
      );
      expect(await outcome("delete_domain", { domain_name: "raviga.com" })).toBe(
        "confirmation_required",
      );
      expect(await confirmed("delete_domain", { domain_name: "raviga.com" })).toBe(
        "domain_deletion_in_progress",
      );
      expect(await confirmed("delete_domain", { domain_name: "endframe.io" })).toBe(
        "domain_not_found",
      );
      expect(await confirmed("delete_microsoft_credential", { credential_id: 22334477 })).toBe(
        "credential_in_use",
      );
      const endframe = await s.call("delete_domain", { domain_name: "endframe.com" });
      expect(endframe.result.message).toContain(
        "Woodpecker counts 3 mailboxes on endframe.com; it listed 2: ed@endframe.com, jack@endframe.com",
      );
      const endframeMailbox = (email: string) => ({ domain_name: "endframe.com", email });
      expect(await confirmed("delete_mailbox", endframeMailbox("jack@endframe.com"))).toBe(
        "mailbox_not_connected",
      );
      expect(await confirmed("delete_mailbox", endframeMailbox("ed@endframe.com"))).toBe(
        "deletion_accepted",
      );
      expect(await confirmed("delete_mailbox", endframeMailbox("nobody@endframe.com"))).toBe(
        "mailbox_not_found",
      );
      const cleanup = { domain_names: [...BURNED_DOMAINS, "aviato.com", "endframe.io"] };
      expect(await outcome("delete_domains", cleanup)).toBe("confirmation_required");
      expect(await confirmed("delete_domains", cleanup)).toBe("deletion_accepted");
      expect(await confirmed("delete_domains", { domain_names: ["raviga.com"] })).toBe(
        "domain_deletion_in_progress",
      );
      expect(s.stderr.join("")).toMatch(/SANDBOX mode/);
    },
  );

  it("shows each credential's fields as the sandbox holds them, secret expiry included", async () => {
    server = await spawnServer({ args: ["--sandbox"] });
    const seeded = seedAccount().credentials;
    const { result } = await server.call("list_microsoft_credentials");
    expect(result.credentials).toHaveLength(seeded.length);
    seeded.forEach((sent, index) => {
      const shown = result.credentials?.[index];
      expect(shown?.credential_id).toBe(sent.credential_id);
      expect(shown?.name).toBe(sent.name);
      expect(shown?.tenant_id).toBe(sent.tenant_id);
      expect(shown?.client_id).toBe(sent.client_id);
      expect(shown?.secret_expires_at).toBe(sent.secret_expires_at);
    });
    const free = seeded[1];
    const preview = await server.call("delete_microsoft_credential", {
      credential_id: free?.credential_id,
    });
    expect(preview.result.credential?.secret_expires_at).toBe(free?.secret_expires_at);
    expect(preview.result.message).toContain(`secret expiring ${free?.secret_expires_at}`);
  });

  it("needs no key, and never sends a real one anywhere", async () => {
    server = await spawnServer({
      args: ["--sandbox"],
      env: { WOODPECKER_API_KEY: "real-key-must-stay-home", LOG_LEVEL: "debug" },
    });
    const { result } = await server.confirmed("delete_microsoft_credential", {
      credential_id: 22334466,
    });
    expect(result).toMatchObject({ ok: true, status: "deleted", sandbox: true });
    expect(server.stderr.join("")).not.toContain("real-key-must-stay-home");
    expect(server.stderr.join("")).toMatch(/"x-api-key":"\[redacted\]"/);
  });

  it("WOODPECKER_SANDBOX=true is the same as --sandbox, and works with a dry run", async () => {
    server = await spawnServer({ env: { WOODPECKER_SANDBOX: "true", WOODPECKER_DRY_RUN: "true" } });
    const { result } = await server.confirmed("delete_domain", { domain_name: "hooli.com" });
    expect(result).toMatchObject({ ok: true, status: "dry_run", sandbox: true, dry_run: true });
    expect(result.message).toMatch(
      /^Dry run: hooli.com and its 2 mailboxes.* \(Sandbox: a simulated account\.\)$/,
    );
  });

  it("confirms with a token from another sandbox process, as a process-per-call client needs", async () => {
    const first = await spawnServer({ args: ["--sandbox"] });
    const preview = await first.call("delete_domain", { domain_name: "hooli.com" });
    await first.close();
    server = await spawnServer({ args: ["--sandbox"] });
    const { result } = await server.call("delete_domain", {
      domain_name: "hooli.com",
      confirm: "hooli.com",
      preview_token: preview.result.confirmation?.preview_token,
    });
    expect(result).toMatchObject({ status: "deletion_accepted", sandbox: true });
  });

  it("is never used unless asked: no key stays not_configured", async () => {
    server = await spawnServer({});
    const { result } = await server.call("list_domains");
    expect(result).toMatchObject({ sandbox: false, error: { kind: "not_configured" } });
  });
});
