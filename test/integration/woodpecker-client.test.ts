import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { USER_AGENT } from "../../src/package-info.js";
import { ApiError, type ApiErrorReason } from "../../src/woodpecker/api-error.js";
import { type RetryNotice, WoodpeckerClient } from "../../src/woodpecker/client.js";
import { parseRetryAfter } from "../../src/woodpecker/retry.js";
import { CREDENTIAL_PAGE, DOMAIN_PAGE } from "../helpers/page-examples.js";
import { waitFor } from "../helpers/wait.js";
import {
  jsonFault,
  PIEDPIPER_SUMMARY,
  type StandIn,
  startStandIn,
  TEST_KEY,
} from "../helpers/stand-in.js";

let simulation: StandIn;

beforeEach(async () => {
  simulation = await startStandIn();
});
afterEach(() => simulation.close());

function clientWith(
  options: { maxRetries?: number; timeoutMs?: number; apiKey?: string; maxInFlight?: number } = {},
) {
  return new WoodpeckerClient({
    baseUrl: simulation.baseUrl,
    apiKey: options.apiKey ?? TEST_KEY,
    timeoutMs: options.timeoutMs ?? 2_000,
    maxRetries: options.maxRetries ?? 2,
    maxInFlight: options.maxInFlight ?? 4,
    firstBackoffMs: 10,
  });
}

async function failureOf(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

function httpReason(error: ApiError): Extract<ApiErrorReason, { type: "http" }> {
  if (error.reason.type !== "http") throw new Error(`expected http, got ${error.reason.type}`);
  return error.reason;
}

describe("requests", () => {
  it("sends DELETE with x-api-key, a User-Agent and the encoded path", async () => {
    const response = await clientWith().deleteDomain("piedpiper.com");
    expect(response).toEqual({ status: 202, attempts: 1 });
    const [request] = simulation.requests;
    expect(request?.method).toBe("DELETE");
    expect(request?.path).toBe("/rest/v2/domains/piedpiper.com");
    expect(request?.headers["x-api-key"]).toBe(TEST_KEY);
    expect(request?.headers["user-agent"]).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^woodpecker-mcp-destructive\/\d+\.\d+\.\d+ /);
  });

  it("deletes a free credential with 204", async () => {
    expect(await clientWith().deleteMicrosoftCredential(22334466)).toEqual({
      status: 204,
      attempts: 1,
    });
    expect(simulation.requests[0]?.path).toBe("/rest/v2/mailboxes/microsoft/credentials/22334466");
  });

  it("treats a 2xx other than the documented one as an error", async () => {
    simulation.faults.push({ type: "respond", status: 200, body: "{}" });
    const error = await failureOf(clientWith().deleteDomain("piedpiper.com"));
    expect(httpReason(error).status).toBe(200);
  });

  it("does not follow a redirect (the key would go with it)", async () => {
    simulation.faults.push({
      type: "respond",
      status: 307,
      headers: { location: "http://127.0.0.1:1/steal" },
    });
    const error = await failureOf(clientWith().deleteDomain("piedpiper.com"));
    expect(httpReason(error).status).toBe(307);
    expect(simulation.requests).toHaveLength(1);
  });
});

describe("reads", () => {
  it("lists the domains in this server's names, with a GET and the key", async () => {
    const reply = await clientWith().listDomains();
    expect(simulation.sent()).toEqual(["GET /domains"]);
    expect(simulation.requests[0]?.headers["x-api-key"]).toBe(TEST_KEY);
    expect(reply.status).toBe(200);
    expect(reply.data[0]).toEqual(PIEDPIPER_SUMMARY);
  });

  it("reads one domain without its owner block or forwarding settings", async () => {
    const { data } = await clientWith().getDomain("piedpiper.com");
    expect(Object.keys(data).sort()).toEqual([
      "all_mailboxes_are_ready",
      "created",
      "expires",
      "is_custom_domain",
      "is_ready",
      "mailboxes_count",
      "max_mailboxes",
      "provider",
    ]);
    expect(JSON.stringify(data)).not.toMatch(/owner|phone|5230 Newell|forward|redirect/);
  });

  it("reads a domain's mailboxes and the credentials", async () => {
    const mailboxes = await clientWith().listDomainMailboxes("hooli.com");
    expect(mailboxes.data.map((mailbox) => mailbox.email)).toEqual([
      "gavin@hooli.com",
      "denpok@hooli.com",
    ]);
    const credentials = await clientWith().listMicrosoftCredentials();
    expect(credentials.data.map((item) => [item.credential_id, item.name])).toEqual([
      [22334455, "MS Graph app"],
      [22334466, "Old test app"],
      [22334477, "Raviga tenant"],
    ]);
  });

  it("reads every field of a credential as sent, even when the key holds a field's name", async () => {
    // Scrubbing the body as one text took `secret_expires` out of the field's name, which then
    // read as absent (null).
    const apiKey = "wp-key-secret_expires_at-01";
    const keyed = await startStandIn({ apiKey });
    try {
      const client = new WoodpeckerClient({
        baseUrl: keyed.baseUrl,
        apiKey,
        timeoutMs: 2_000,
        maxRetries: 0,
        maxInFlight: 4,
      });
      const { data } = await client.listMicrosoftCredentials();
      expect(data).toHaveLength(keyed.account.credentials.length);
      keyed.account.credentials.forEach((sent, index) => {
        const read = data[index];
        expect(read?.credential_id).toBe(sent.credential_id);
        expect(read?.name).toBe(sent.name);
        expect(read?.tenant_id).toBe(sent.tenant_id);
        expect(read?.client_id).toBe(sent.client_id);
        expect(read?.secret_expires_at).toBe(sent.secret_expires_at);
      });
    } finally {
      await keyed.close();
    }
  });

  it("reports a 404 on a read like any other HTTP failure", async () => {
    const error = await failureOf(clientWith().getDomain("nosuch.com"));
    expect(httpReason(error)).toMatchObject({ status: 404, body: { recognized: true } });
  });

  it("retries a read on 503, as a DELETE", async () => {
    simulation.faults.push(jsonFault(503, DOMAIN_PAGE[503]));
    const reply = await clientWith().listDomains();
    expect(reply.attempts).toBe(2);
  });

  it.each([
    ["an HTML page", "<html><body>maintenance</body></html>", /untrusted excerpt: "<html>/],
    ["truncated JSON", '{"domains":[{"domain":"piedpiper.com"', /Unrecognized response body/],
    ["an empty body", "", /was empty/],
    [
      "JSON of another shape",
      '{"domains":[{"domain":"piedpiper.com"}]}',
      /documented shape \(at domains\.0\./,
    ],
    ["a list that is not one", '{"domains":{}}', /documented shape \(at domains\)/],
  ])("answers a 200 with %s as an unexpected body", async (_label, body, detail) => {
    simulation.faults.push({ type: "respond", status: 200, body, method: "GET" });
    const error = await failureOf(clientWith({ maxRetries: 0 }).listDomains());
    expect(error.reason).toMatchObject({ type: "unexpected_body", status: 200 });
    expect(error.reason.type === "unexpected_body" && error.reason.detail).toMatch(detail);
    expect(error.retryable).toBe(false);
  });

  it("strips control and format characters from what Woodpecker sends", async () => {
    simulation.faults.push(
      jsonFault(200, {
        mailboxes: [
          {
            first_name: "Ri\u200bchard\u0000",
            last_name: null,
            email: "r@x.com",
            provider: "X",
            status: "PAID",
          },
        ],
      }),
    );
    const { data } = await clientWith().listDomainMailboxes("x.com");
    expect(data[0]).toMatchObject({ first_name: "Richard", last_name: null });
  });
});

describe("documented error bodies", () => {
  it.each([
    [401, CREDENTIAL_PAGE[401]],
    [404, CREDENTIAL_PAGE[404]],
    [422, CREDENTIAL_PAGE[422]],
    [500, CREDENTIAL_PAGE[500]],
  ] as const)("reads the credential page's %i body", async (status, body) => {
    simulation.faults.push(
      jsonFault(status, body),
      jsonFault(status, body),
      jsonFault(status, body),
    );
    const error = await failureOf(clientWith().deleteMicrosoftCredential(1));
    const reason = httpReason(error);
    expect(reason.status).toBe(status);
    expect(reason.body.recognized).toBe(true);
    expect(reason.unrecognizedBody).toBeUndefined();
  });

  it.each([
    [400, DOMAIN_PAGE[400]],
    [401, DOMAIN_PAGE[401]],
    [422, DOMAIN_PAGE[422]],
    [500, DOMAIN_PAGE[500]],
    [503, DOMAIN_PAGE[503]],
  ] as const)("reads the domain page's %i body", async (status, body) => {
    simulation.faults.push(
      jsonFault(status, body),
      jsonFault(status, body),
      jsonFault(status, body),
    );
    const error = await failureOf(clientWith().deleteDomain("piedpiper.com"));
    expect(httpReason(error).body.recognized).toBe(true);
  });
});

describe("retries", () => {
  it.each([429, 500, 502, 503, 504])(
    "retries %i up to the limit and reports every attempt",
    async (status) => {
      simulation.faults.push(
        jsonFault(status, {}),
        jsonFault(status, {}),
        jsonFault(status, {}),
        jsonFault(status, {}),
      );
      const notices: RetryNotice[] = [];
      const error = await failureOf(
        clientWith({ maxRetries: 2 }).deleteDomain("piedpiper.com", {
          onRetry: (n) => notices.push(n),
        }),
      );
      expect(httpReason(error).status).toBe(status);
      expect(error.attempts).toBe(3);
      expect(simulation.requests).toHaveLength(3);
      expect(notices.map((n) => n.attempt)).toEqual([2, 3]);
      expect(notices[0]?.reason).toBe(`Woodpecker answered HTTP ${status}`);
    },
  );

  it("succeeds when a retry succeeds", async () => {
    simulation.faults.push(jsonFault(503, DOMAIN_PAGE[503]), jsonFault(502, {}));
    expect(await clientWith().deleteDomain("piedpiper.com")).toEqual({ status: 202, attempts: 3 });
  });

  it.each([400, 401, 403, 404, 422])("never retries %i", async (status) => {
    simulation.faults.push(jsonFault(status, {}), jsonFault(status, {}));
    const error = await failureOf(clientWith({ maxRetries: 3 }).deleteDomain("piedpiper.com"));
    expect(error.attempts).toBe(1);
    expect(simulation.requests).toHaveLength(1);
  });

  it("bounds the whole call: every attempt at its limit plus the longest waits", () => {
    expect(clientWith({ timeoutMs: 1_000, maxRetries: 2 }).callBudgetMs).toBe(
      3 * 1_000 + 2 * 10_000,
    );
    expect(clientWith({ timeoutMs: 30_000, maxRetries: 0 }).callBudgetMs).toBe(30_000);
  });

  it("makes exactly one attempt with WOODPECKER_MAX_RETRIES=0", async () => {
    simulation.faults.push(jsonFault(503, {}), jsonFault(503, {}));
    const error = await failureOf(clientWith({ maxRetries: 0 }).deleteDomain("piedpiper.com"));
    expect(error.attempts).toBe(1);
    expect(simulation.requests).toHaveLength(1);
  });

  it.each([
    ["in seconds", () => "1"],
    ["as an HTTP date", () => new Date(Date.now() + 2_000).toUTCString()],
  ])("retries after a Retry-After %s within the cap", async (_label, value) => {
    simulation.faults.push(jsonFault(503, DOMAIN_PAGE[503], { "retry-after": value() }));
    expect(await clientWith().deleteDomain("piedpiper.com")).toEqual({ status: 202, attempts: 2 });
  });

  it("reports a fractional Retry-After rounded up, and does not wait out 10.5 s: no retry", async () => {
    simulation.faults.push(jsonFault(429, {}, { "retry-after": "10.5" }));
    const error = await failureOf(clientWith().deleteDomain("piedpiper.com"));
    expect(error.attempts).toBe(1);
    expect(simulation.requests).toHaveLength(1);
    expect(httpReason(error).retryAfterSeconds).toBe(11);
  });

  it("does not wait out a Retry-After beyond the cap, and reports it", async () => {
    simulation.faults.push(jsonFault(429, {}, { "retry-after": "120" }));
    const error = await failureOf(clientWith().deleteDomain("piedpiper.com"));
    expect(error.attempts).toBe(1);
    expect(simulation.requests).toHaveLength(1);
    expect(httpReason(error).retryAfterSeconds).toBe(120);
  });

  it("parses Retry-After", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("30", now)).toBe(30);
    expect(parseRetryAfter("10.5", now)).toBe(11);
    expect(parseRetryAfter("0.2", now)).toBe(1);
    expect(parseRetryAfter("-1", now)).toBeUndefined();
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("faults", () => {
  it("times out a hanging attempt, retries, and gives up after the allowed attempts", async () => {
    simulation.faults.push({ type: "hang" }, { type: "hang" });
    const error = await failureOf(
      clientWith({ timeoutMs: 200, maxRetries: 1 }).deleteDomain("piedpiper.com"),
    );
    expect(error.reason).toEqual({ type: "timeout", afterMs: 200 });
    expect(error.attempts).toBe(2);
    expect(simulation.requests).toHaveLength(2);
  });

  it("reports a connection reset as a network error after retrying", async () => {
    simulation.faults.push({ type: "reset" }, { type: "reset" }, { type: "reset" });
    const error = await failureOf(clientWith().deleteDomain("piedpiper.com"));
    expect(error.reason.type).toBe("network");
    expect(error.attempts).toBe(3);
  });

  it("reports a refused connection as a network error", async () => {
    const closed = await startStandIn();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const client = new WoodpeckerClient({
      baseUrl,
      apiKey: TEST_KEY,
      timeoutMs: 1_000,
      maxRetries: 0,
      maxInFlight: 4,
    });
    const error = await failureOf(client.deleteDomain("piedpiper.com"));
    expect(error.reason).toEqual({ type: "network", code: "ECONNREFUSED" });
  });

  it("reports a body cut off mid-way as unreadable", async () => {
    simulation.faults.push({
      type: "reset_mid_body",
      status: 422,
      body: JSON.stringify(DOMAIN_PAGE[422]),
    });
    const reason = httpReason(await failureOf(clientWith().deleteDomain("piedpiper.com")));
    expect(reason.status).toBe(422);
    expect(reason.body.recognized).toBe(false);
    expect(reason.unrecognizedBody).toMatch(/could not be read/);
  });

  it("bounds a body that drips too slowly", async () => {
    simulation.faults.push({ ...jsonFault(422, DOMAIN_PAGE[422]), dripChunkMs: 50 });
    const reason = httpReason(
      await failureOf(clientWith({ timeoutMs: 300 }).deleteDomain("piedpiper.com")),
    );
    expect(reason.unrecognizedBody).toMatch(/did not arrive within 300 ms/);
  });

  it("keeps a short excerpt of an HTML 502 page", async () => {
    const html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    simulation.faults.push(
      ...[1, 2, 3].map(() => ({
        type: "respond" as const,
        status: 502,
        body: html,
        headers: { "content-type": "text/html" },
      })),
    );
    const reason = httpReason(await failureOf(clientWith().deleteDomain("piedpiper.com")));
    expect(reason.status).toBe(502);
    expect(reason.unrecognizedBody).toContain("text/html");
    expect(reason.unrecognizedBody).toContain("502 Bad Gateway");
  });

  it("reads at most 64 KiB of a 10 MB body", async () => {
    simulation.faults.push({ type: "respond", status: 400, body: "x".repeat(10 * 1024 * 1024) });
    const reason = httpReason(await failureOf(clientWith().deleteDomain("piedpiper.com")));
    expect(reason.unrecognizedBody).toMatch(/over 65536 characters/);
    expect(reason.unrecognizedBody?.length).toBeLessThan(300);
  });

  it("cancels the request when the caller aborts, and the connection closes", async () => {
    simulation.faults.push({ type: "hang" });
    const closed = simulation.nextConnectionClose();
    const controller = new AbortController();
    const call = failureOf(
      clientWith().deleteDomain("piedpiper.com", { signal: controller.signal }),
    );
    await waitFor(() => simulation.requests.length === 1, { what: "the DELETE" });
    controller.abort();
    const error = await call;
    expect(error.reason).toEqual({ type: "cancelled" });
    await closed;
    expect(simulation.requests).toHaveLength(1);
  });
});

describe("the queue in front of Woodpecker", () => {
  it("never has more than WOODPECKER_MAX_IN_FLIGHT requests of the key open at once", async () => {
    simulation.simulation.requestLimits = false;
    simulation.faults.push(...Array.from({ length: 10 }, () => ({ type: "hold" as const })));
    const client = clientWith({ maxInFlight: 4 });
    const reads = Array.from({ length: 10 }, () => client.listDomains());
    for (let answered = 0; answered < 10; answered += 1) {
      await waitFor(() => simulation.held === Math.min(4, 10 - answered), {
        what: `${Math.min(4, 10 - answered)} requests held`,
      });
      simulation.releaseOne();
    }
    expect((await Promise.all(reads)).every((reply) => reply.status === 200)).toBe(true);
    expect(simulation.mostHeld).toBe(4);
    expect(client.outstanding).toBe(0);
  });

  it("never sends a queued request whose call was cancelled", async () => {
    simulation.faults.push({ type: "hold" });
    const client = clientWith({ maxInFlight: 1 });
    const first = client.listDomains();
    await waitFor(() => simulation.held === 1, { what: "the first request" });
    const cancel = new AbortController();
    const queued = failureOf(client.getDomain("hooli.com", { signal: cancel.signal }));
    cancel.abort();
    expect((await queued).reason).toEqual({ type: "cancelled" });
    simulation.release();
    await first;
    expect(simulation.sent()).toEqual(["GET /domains"]);
  });
});

describe("the queue, when an attempt is given up", () => {
  it("keeps the place of an attempt this server gave up on: Woodpecker may still hold it", async () => {
    simulation.faults.push({ type: "hang" });
    const client = clientWith({ maxInFlight: 1, timeoutMs: 300, maxRetries: 0 });
    expect((await failureOf(client.listDomains())).reason.type).toBe("timeout");
    const next = await failureOf(client.getDomain("hooli.com"));
    expect(next.reason.type).toBe("timeout");
    expect(next.attempts).toBe(0);
    expect(simulation.sent()).toEqual(["GET /domains"]);
  });

  it("frees the place of an attempt whose connection Woodpecker broke", async () => {
    simulation.faults.push({ type: "reset" });
    const client = clientWith({ maxInFlight: 1, timeoutMs: 300, maxRetries: 0 });
    expect((await failureOf(client.listDomains())).reason.type).toBe("network");
    expect((await client.getDomain("hooli.com")).status).toBe(200);
  });
});

describe("an ambiguous DELETE", () => {
  it.each([
    ["a connection reset after Woodpecker carried it out", { type: "process_then_reset" } as const],
    ["a 500", jsonFault(500, DOMAIN_PAGE[500])],
  ])("says an earlier attempt may have landed after %s", async (_label, fault) => {
    const refused = { ...DOMAIN_PAGE[422], fields: [{ field: "domain_name", issue: "not_found" }] };
    simulation.faults.push(
      { ...fault, method: "DELETE" },
      jsonFault(422, refused, {}, { method: "DELETE" }),
    );
    const error = await failureOf(clientWith({ maxRetries: 1 }).deleteDomain("piedpiper.com"));
    expect(error.earlierMayHaveLanded).toBe(true);
  });

  it("does not after a 429 (dropped) or a refused connection (never sent)", async () => {
    simulation.faults.push(jsonFault(429, {}, {}, { method: "DELETE" }));
    simulation.faults.push(jsonFault(422, DOMAIN_PAGE[422], {}, { method: "DELETE" }));
    const dropped = await failureOf(clientWith({ maxRetries: 1 }).deleteDomain("piedpiper.com"));
    expect(dropped.earlierMayHaveLanded).toBe(false);
    const closed = await startStandIn();
    await closed.close();
    const refused = new WoodpeckerClient({
      baseUrl: closed.baseUrl,
      apiKey: TEST_KEY,
      timeoutMs: 1_000,
      maxRetries: 1,
      maxInFlight: 4,
    });
    const error = await failureOf(refused.deleteDomain("piedpiper.com"));
    expect(error.reason).toEqual({ type: "network", code: "ECONNREFUSED" });
    expect(error.earlierMayHaveLanded).toBe(false);
  });
});

describe("the key in what Woodpecker sends back", () => {
  const escaped = (text: string) =>
    [...text].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");

  it("is removed whole when it straddles the 64 KiB read limit (white space folds the padding)", async () => {
    const body = `${" ".repeat(64 * 1024 - 9)}${TEST_KEY}${" ".repeat(1_000)}`;
    simulation.faults.push({ type: "respond", status: 401, body });
    const reason = httpReason(await failureOf(clientWith().listDomains()));
    for (let length = 4; length <= TEST_KEY.length; length += 1) {
      expect(reason.unrecognizedBody).not.toContain(TEST_KEY.slice(0, length));
    }
    expect(reason.unrecognizedBody).toMatch(/over 65536 characters/);
  });

  it("is removed when it was \\u-escaped, before the decoded text is cut at 300 characters", async () => {
    const detail = `${"x".repeat(290)}${escaped(TEST_KEY)}`;
    simulation.faults.push({
      type: "respond",
      status: 401,
      body: `{"title":"Unauthorized","detail":"${detail}"}`,
    });
    const reason = httpReason(await failureOf(clientWith().listDomains()));
    expect(reason.body.detail).toBeDefined();
    for (let length = 4; length <= TEST_KEY.length; length += 1) {
      expect(reason.body.detail).not.toContain(TEST_KEY.slice(0, length));
    }
  });

  it("is removed when escaped in a body that is not JSON at all", async () => {
    simulation.faults.push({ type: "respond", status: 502, body: `oops ${escaped(TEST_KEY)}` });
    const reason = httpReason(await failureOf(clientWith({ maxRetries: 0 }).listDomains()));
    expect(reason.unrecognizedBody).toContain("oops [redacted]");
  });
});
