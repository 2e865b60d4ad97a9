import { afterEach, describe, expect, it } from "vitest";
import { type SpawnedServer, spawnServer, useWoodpecker } from "../helpers/spawn.js";
import { jsonFault, type StandIn, startStandIn, TEST_KEY } from "../helpers/stand-in.js";

// The key's scrubbing through the real bin: every form an API or a proxy may echo the key in
// goes, and the server's own words stay, whatever the key holds.

const e2e = useWoodpecker();

const percentEncoded = (text: string) =>
  [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join("");
const base64 = (text: string) => Buffer.from(text).toString("base64");
const base64url = (text: string) => Buffer.from(text).toString("base64url");
const hex = (text: string) => Buffer.from(text).toString("hex");

/** Everything the server wrote: the result, every message on stdout, and its log. */
function everything(server: SpawnedServer, raw: unknown): string {
  return [JSON.stringify(raw), ...server.stdoutMessages, server.stderr.join("")].join("\n");
}

describe("the key echoed in another form", () => {
  // An encoding's first and last characters also carry the bytes around the key: the middle,
  // where only the key's bytes are, must be gone.
  const FORMS = [
    ["percent-encoded", percentEncoded(TEST_KEY)],
    ["in base64", base64(TEST_KEY)],
    ["in base64 after one other byte", base64(`:${TEST_KEY}`)],
    ["in base64 after two other bytes", base64(`u:${TEST_KEY}`)],
    ["in url-safe base64", base64url(`${TEST_KEY}??`)],
    ["in hex", hex(TEST_KEY)],
    ["in hex capitals", hex(TEST_KEY).toUpperCase()],
    ["split by dashes", TEST_KEY.replace(/-/g, "").replace(/(..)(?!$)/g, "$1-")],
    ["in part, in base64", base64(TEST_KEY.slice(3, 15))],
  ] as const;

  it("in an error body, in each form, never comes back", async () => {
    const server = await e2e.spawn({ env: e2e.env({ LOG_LEVEL: "debug" }) });
    for (const [label, echo] of FORMS) {
      e2e.woodpecker.faults.push(
        jsonFault(401, { title: "Unauthorized", detail: `Invalid api key ${echo}` }),
      );
      const { result, raw } = await server.call("list_microsoft_credentials");
      expect(result.error?.kind, label).toBe("unauthorized");
      expect(JSON.stringify(raw), label).toContain("[redacted]");
      expect(everything(server, raw), label).not.toContain(echo.slice(4, -4));
    }
  });

  it("in hex in a header the server reports (the body's content type) never comes back", async () => {
    const server = await e2e.spawn({ env: e2e.env() });
    const echo = hex(TEST_KEY);
    e2e.woodpecker.faults.push({
      type: "respond",
      status: 502,
      body: "<html>Bad gateway</html>",
      headers: { "content-type": `text/x-${echo}` },
    });
    const { result, raw } = await server.call("list_domains");
    expect(result.error?.kind).toBe("server_error");
    expect(everything(server, raw)).not.toContain(echo.slice(4, -4));
  });
});

describe("a key holding the server's own words (the README's placeholder)", () => {
  const PLACEHOLDER = "your-woodpecker-api-key";
  let woodpecker: StandIn | undefined;
  let server: SpawnedServer | undefined;
  afterEach(async () => {
    await server?.close();
    await woodpecker?.close();
  });

  it("leaves every result of a session, success and failure, and the whole log as written", async () => {
    const standIn = (woodpecker = await startStandIn({ apiKey: PLACEHOLDER, limits: false }));
    const s = (server = await spawnServer({
      env: {
        WOODPECKER_API_KEY: PLACEHOLDER,
        WOODPECKER_API_BASE_URL: standIn.baseUrl,
        WOODPECKER_MAX_RETRIES: "0",
        WOODPECKER_PROTECTED_DOMAINS: "raviga.com",
        LOG_LEVEL: "debug",
      },
    }));
    const results: unknown[] = [];
    const keep = async (outcome: Promise<{ raw: unknown }>) => results.push((await outcome).raw);
    await keep(s.call("list_domains"));
    await keep(s.call("get_domain", { domain_name: "piedpiper.com" }));
    await keep(s.call("get_domain", { domain_name: "nosuch.com" }));
    await keep(s.call("get_domain", { domain_name: "not a domain" }));
    await keep(s.call("delete_domain", { domain_name: "raviga.com" }));
    await keep(s.call("delete_domain", { domain_name: "aviato.com" }));
    await keep(s.call("delete_domain", { domain_name: "hooli.com" }));
    await keep(s.confirmed("delete_domain", { domain_name: "hooli.com" }));
    await keep(s.call("list_microsoft_credentials"));
    await keep(s.confirmed("delete_microsoft_credential", { credential_id: 22334455 }));
    await keep(s.confirmed("delete_microsoft_credential", { credential_id: 22334466 }));
    await keep(s.call("delete_microsoft_credential", { credential_id: 1 }));
    standIn.faults.push({ type: "reset" });
    await keep(s.call("list_domains"));
    standIn.faults.push(jsonFault(401, { title: "Unauthorized", detail: "Invalid api key" }));
    await keep(s.call("list_microsoft_credentials"));
    standIn.faults.push({ type: "respond", status: 500, body: "<html>oops</html>" });
    await keep(s.call("get_domain", { domain_name: "hooli.com" }));

    const written = JSON.stringify(results);
    expect(written).toContain("Woodpecker could not be reached");
    expect(written).toContain("Woodpecker's message");
    expect(written).not.toContain("[redacted]");
    // The one place the key was: the request's x-api-key header, in the debug lines.
    const log = s.stderr.join("").replaceAll('"x-api-key":"[redacted]"', "");
    expect(log).toContain('"name":"woodpecker-mcp"');
    expect(log).not.toContain("[redacted]");
    expect(log).not.toContain(PLACEHOLDER);
  });
});
