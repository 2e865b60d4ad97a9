import { afterEach, describe, expect, it } from "vitest";
import { type SpawnedServer, spawnServer } from "../helpers/spawn.js";
import { sleep } from "../helpers/wait.js";

let server: SpawnedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("--sandbox", () => {
  it("walks the seeded account through every state transition", async () => {
    server = await spawnServer({ args: ["--sandbox"], env: { WOODPECKER_MAX_RETRIES: "0" } });
    const outcome = async (name: string, args: Record<string, unknown>) => {
      if (server === undefined) throw new Error("server not started");
      const { result } = await server.call(name, args);
      expect(result.sandbox).toBe(true);
      const { error } = result;
      return [error?.kind ?? result.status, error?.fields?.[0]?.issue ?? error?.code ?? null];
    };
    const confirmed = (domain: string) => ({ domain_name: domain, confirm: domain });

    expect(await outcome("delete_microsoft_credential", { credential_id: 22334455 })).toEqual([
      "validation_error",
      "MICROSOFT_GRAPH_CREDENTIAL_IN_USE",
    ]);
    expect(await outcome("delete_microsoft_credential", { credential_id: 22334466 })).toEqual([
      "deleted",
      null,
    ]);
    expect(await outcome("delete_microsoft_credential", { credential_id: 22334466 })).toEqual([
      "not_found",
      null,
    ]);
    expect(await outcome("delete_domain", { domain_name: "PiedPiper.com" })).toEqual([
      "confirmation_required",
      null,
    ]);
    expect(await outcome("delete_domain", confirmed("PiedPiper.com"))).toEqual([
      "deletion_accepted",
      null,
    ]);
    expect(await outcome("delete_domain", confirmed("piedpiper.com"))).toEqual([
      "validation_error",
      "deletion_in_progress",
    ]);
    await sleep(3_200); // the sandbox completes an accepted deletion after 3 s
    expect(await outcome("delete_microsoft_credential", { credential_id: "22334455" })).toEqual([
      "deleted",
      null,
    ]);
    expect(await outcome("delete_domain", confirmed("aviato.com"))).toEqual([
      "validation_error",
      "not_ready",
    ]);
    expect(await outcome("delete_domain", confirmed("raviga.com"))).toEqual([
      "validation_error",
      "deletion_in_progress",
    ]);
    expect(await outcome("delete_domain", confirmed("endframe.io"))).toEqual([
      "validation_error",
      "not_found",
    ]);
    expect(await outcome("delete_microsoft_credential", { credential_id: 22334477 })).toEqual([
      "validation_error",
      "MICROSOFT_GRAPH_CREDENTIAL_IN_USE",
    ]);
    expect(server.stderr.join("")).toMatch(/SANDBOX mode/);
  });

  it("needs no key, and ignores a real one (it is never sent)", async () => {
    server = await spawnServer({
      args: ["--sandbox"],
      env: { WOODPECKER_API_KEY: "real-key-must-stay-home", LOG_LEVEL: "debug" },
    });
    const { result } = await server.call("delete_microsoft_credential", {
      credential_id: 22334466,
    });
    expect(result).toMatchObject({ ok: true, status: "deleted", sandbox: true });
    expect(server.stderr.join("")).not.toContain("real-key-must-stay-home");
  });

  it("WOODPECKER_SANDBOX=true is the same as --sandbox", async () => {
    server = await spawnServer({ env: { WOODPECKER_SANDBOX: "true" } });
    const { result } = await server.call("delete_domain", {
      domain_name: "hooli.com",
      confirm: "hooli.com",
    });
    expect(result).toMatchObject({ ok: true, status: "deletion_accepted", sandbox: true });
  });

  it("is never used unless asked: no key stays not_configured", async () => {
    server = await spawnServer({});
    const { result } = await server.call("delete_microsoft_credential", {
      credential_id: 22334466,
    });
    expect(result).toMatchObject({ sandbox: false, error: { kind: "not_configured" } });
  });
});
