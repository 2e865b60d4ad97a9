import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithNginx, type Nginx, startNginx } from "../helpers/nginx.js";
import { connectHttp, type Replica, startReplica, stopReplica } from "../helpers/remote.js";
import { type StandIn, startStandIn, TEST_KEY } from "../helpers/stand-in.js";

// Two replicas from the built bin, stateless, behind a real nginx: nothing ties a confirm to the
// replica that showed the preview but the preview token.

const TOKEN = "lb-bearer-token-0123456789abcdef";
const bearer = { authorization: `Bearer ${TOKEN}` };

let woodpecker: StandIn;
let replicas: Replica[];
let nginx: Nginx;

describeWithNginx("two replicas behind nginx", () => {
  beforeAll(async () => {
    woodpecker = await startStandIn();
    // Two replicas share the key, and Woodpecker takes seven requests of a key at once.
    const env = {
      WOODPECKER_API_KEY: TEST_KEY,
      WOODPECKER_API_BASE_URL: woodpecker.baseUrl,
      WOODPECKER_HTTP_TOKENS: TOKEN,
      WOODPECKER_MAX_IN_FLIGHT: "3",
      // One debug line per request to Woodpecker: it shows which replica did what.
      LOG_LEVEL: "debug",
    };
    replicas = await Promise.all([startReplica(env), startReplica(env)]);
    nginx = await startNginx(replicas.map((replica) => replica.url));
  });
  afterAll(async () => {
    await nginx?.stop();
    await Promise.all((replicas ?? []).map(stopReplica));
    await woodpecker?.close();
  });

  /** A client whose every request nginx sends to replica `index` (else round robin). */
  const through = (index?: number) =>
    connectHttp(
      nginx.url,
      index === undefined ? bearer : { ...bearer, "x-replica": String(index) },
    );

  const outcomesOn = (replica: Replica | undefined) =>
    (replica?.logEntries() ?? [])
      .filter((entry) => entry.audit === "outcome")
      .map((entry) => entry.outcome);

  it("a preview on one replica and its confirm on the other delete exactly once", async () => {
    const [a, b] = [await through(0), await through(1)];
    const asked = await a.call("delete_domain", { domain_name: "piedpiper.com" });
    const token = asked.result.confirmation?.preview_token;
    const { result } = await b.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: token,
    });
    expect(result).toMatchObject({ status: "deletion_accepted", confirmed_by: "agent" });
    expect(outcomesOn(replicas[0])).toContain("confirmation_required");
    expect(outcomesOn(replicas[1])).toContain("deletion_accepted");
    expect(woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
    // The same confirm again, on the first replica: Woodpecker is already deleting it.
    const again = await a.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: token,
    });
    expect(again.result.error?.reason).toBe("domain_deletion_in_progress");
    await Promise.all([a.close(), b.close()]);
  });

  it("a garbage token, or one of another account (the sandbox's), deletes nothing on either replica", async () => {
    const client = await through();
    const sandboxToken = "AWsMIcyKqsz_l-cr_f_4vSuhWHgQH8xedqUlbxrQzb0nmGuw";
    for (const preview_token of ["garbage", sandboxToken]) {
      const { result } = await client.call("delete_domain", {
        domain_name: "hooli.com",
        confirm: "hooli.com",
        preview_token,
      });
      expect(result.error?.kind).toBe("confirmation_mismatch");
    }
    expect(woodpecker.sent("DELETE")).not.toContain("DELETE /domains/hooli.com");
    await client.close();
  });

  it("answers /healthz, and 401 without the bearer token, through nginx", async () => {
    expect((await fetch(`${nginx.url}/healthz`)).status).toBe(200);
    const refused = await fetch(`${nginx.url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(refused.status).toBe(401);
  });

  it("takes 20 clients × 20 calls at once with no error", { timeout: 60_000 }, async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => through()));
    const names = ["list_domains", "get_domain", "list_microsoft_credentials"] as const;
    const outcomes = await Promise.all(
      clients.map((client, c) =>
        Promise.all(
          Array.from({ length: 20 }, (_, i) => {
            const name = names[(c + i) % names.length] ?? "list_domains";
            return client.call(name, name === "get_domain" ? { domain_name: "hooli.com" } : {});
          }),
        ),
      ),
    );
    const statuses = outcomes.flat().map(({ result }) => result.error?.kind ?? result.status);
    expect(statuses).toHaveLength(400);
    expect(statuses.filter((status) => status !== "ok")).toEqual([]);
    const requestsOf = (replica: Replica | undefined) =>
      (replica?.logEntries() ?? []).filter((entry) => entry.msg === "woodpecker request").length;
    expect(requestsOf(replicas[0])).toBeGreaterThan(100);
    expect(requestsOf(replicas[1])).toBeGreaterThan(100);
    await Promise.all(clients.map((client) => client.close()));
  });
});
