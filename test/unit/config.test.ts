import { describe, expect, it } from "vitest";
import {
  type Config,
  ConfigError,
  DEFAULT_BASE_URL,
  ENV_VARIABLES,
  parseCli,
} from "../../src/config/parse-cli.js";

function serve(env: Record<string, string>, argv: string[] = []) {
  const request = parseCli(env, argv);
  if (request.action !== "serve") throw new Error(`expected serve, got ${request.action}`);
  return request;
}
const config = (env: Record<string, string>, argv: string[] = []): Config =>
  serve(env, argv).config;

function failure(env: Record<string, string>, argv: string[] = []): string {
  try {
    parseCli(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

const ALL_TOOLS = [
  "list_domains",
  "get_domain",
  "delete_domain",
  "delete_mailbox",
  "delete_domains",
  "list_microsoft_credentials",
  "delete_microsoft_credential",
];

describe("parseCli", () => {
  it("gives the documented defaults", () => {
    expect(config({})).toEqual({
      apiKey: undefined,
      baseUrl: DEFAULT_BASE_URL,
      timeoutMs: 30_000,
      maxRetries: 2,
      dryRun: false,
      protectedDomains: new Set(),
      tools: ALL_TOOLS,
      readOnly: false,
      elicitation: "auto",
      elicitationTimeoutMs: 300_000,
      pageWaitMs: 40_000,
      confirmation: "auto",
      maxInFlight: 4,
      auditFile: undefined,
      http: undefined,
      approval: "auto",
      opensBrowser: false,
      browser: undefined,
      platform: "linux",
      sandbox: false,
      logLevel: "info",
    });
  });

  it("reads every variable", () => {
    const env = {
      WOODPECKER_API_KEY: "key-123456",
      WOODPECKER_API_BASE_URL: "https://eu.example.com/rest/v2/",
      WOODPECKER_TIMEOUT_MS: "1500",
      WOODPECKER_MAX_RETRIES: "0",
      WOODPECKER_DRY_RUN: "TRUE",
      WOODPECKER_PROTECTED_DOMAINS: " PiedPiper.com. , bücher.de,,",
      WOODPECKER_READ_ONLY: "0",
      WOODPECKER_ENABLED_TOOLS: "delete_microsoft_credential,list_domains",
      WOODPECKER_ELICITATION: "off",
      WOODPECKER_ELICITATION_TIMEOUT_MS: "1000",
      WOODPECKER_PAGE_WAIT_MS: "2500",
      WOODPECKER_CONFIRMATION: "Auto",
      WOODPECKER_MAX_IN_FLIGHT: "7",
      WOODPECKER_AUDIT_FILE: "/var/log/woodpecker-audit.jsonl",
      WOODPECKER_APPROVAL: "Browser",
      WOODPECKER_HTTP_PORT: "9000",
      WOODPECKER_HTTP_HOST: "0.0.0.0",
      WOODPECKER_HTTP_TOKENS: "0123456789abcdef0123, fedcba9876543210fedc",
      WOODPECKER_HTTP_ALLOWED_HOSTS: "MCP.example.com",
      WOODPECKER_HTTP_ALLOWED_ORIGINS: "https://chat.example.com",
      WOODPECKER_HTTP_AUTH: "OAuth",
      WOODPECKER_HTTP_SECRET: ` ${SEALING_SECRET} `,
      WOODPECKER_HTTP_PUBLIC_URL: "https://mcp.example.com/",
      WOODPECKER_HTTP_REPLICA: " Eu-1 ",
      WOODPECKER_SANDBOX: "1",
      LOG_LEVEL: "warn",
    };
    expect(Object.keys(env).sort()).toEqual([...ENV_VARIABLES].sort());
    expect(config(env)).toEqual({
      apiKey: "key-123456",
      baseUrl: "https://eu.example.com/rest/v2",
      timeoutMs: 1500,
      maxRetries: 0,
      dryRun: true,
      protectedDomains: new Set(["piedpiper.com", "xn--bcher-kva.de"]),
      tools: ["delete_microsoft_credential", "list_domains"],
      readOnly: false,
      elicitation: "off",
      elicitationTimeoutMs: 1000,
      pageWaitMs: 2500,
      confirmation: "auto",
      maxInFlight: 7,
      auditFile: "/var/log/woodpecker-audit.jsonl",
      http: {
        port: 9000,
        host: "0.0.0.0",
        tokens: ["0123456789abcdef0123", "fedcba9876543210fedc"],
        allowedHosts: new Set(["mcp.example.com"]),
        allowedOrigins: new Set(["https://chat.example.com"]),
        auth: "oauth",
        oauth: {
          secret: Buffer.from(SEALING_SECRET, "base64"),
          publicUrl: "https://mcp.example.com",
          replica: "eu-1",
        },
      },
      approval: "browser",
      opensBrowser: true,
      browser: undefined,
      platform: "linux",
      sandbox: true,
      logLevel: "warn",
    });
  });

  it("reads empty values as unset (MCP Bundle hosts send them for settings left blank)", () => {
    expect(
      config({
        WOODPECKER_DRY_RUN: "",
        WOODPECKER_READ_ONLY: "",
        WOODPECKER_PROTECTED_DOMAINS: "",
        WOODPECKER_CONFIRMATION: "",
        WOODPECKER_API_KEY: "",
        WOODPECKER_TIMEOUT_MS: "",
        WOODPECKER_AUDIT_FILE: "",
      }),
    ).toMatchObject({
      dryRun: false,
      readOnly: false,
      confirmation: "auto",
      apiKey: undefined,
      timeoutMs: 30_000,
      auditFile: undefined,
    });
  });

  it.each([
    ["WOODPECKER_DRY_RUN", "  "],
    ["WOODPECKER_READ_ONLY", "\t"],
    ["WOODPECKER_PROTECTED_DOMAINS", " , "],
    ["WOODPECKER_PROTECTED_DOMAINS", ","],
    ["WOODPECKER_CONFIRMATION", " "],
  ])(
    "stops when the safety switch %s holds only blanks or commas (%j): somebody meant to set it",
    (variable, value) => {
      expect(failure({ [variable]: value })).toBe(
        `${variable} holds only white space or commas; set it to a value, or remove it to leave it unset`,
      );
    },
  );

  it.each([
    [{ WOODPECKER_API_BASE_URL: "not a url" }, "WOODPECKER_API_BASE_URL"],
    [{ WOODPECKER_API_BASE_URL: "http://api.woodpecker.co/rest/v2" }, "WOODPECKER_API_BASE_URL"],
    [{ WOODPECKER_API_BASE_URL: "ftp://127.0.0.1/x" }, "WOODPECKER_API_BASE_URL"],
    [{ WOODPECKER_API_BASE_URL: "https://user:pw@example.com" }, "WOODPECKER_API_BASE_URL"],
    [{ WOODPECKER_TIMEOUT_MS: "-5" }, "WOODPECKER_TIMEOUT_MS"],
    [{ WOODPECKER_TIMEOUT_MS: "30s" }, "WOODPECKER_TIMEOUT_MS"],
    [{ WOODPECKER_TIMEOUT_MS: "0" }, "WOODPECKER_TIMEOUT_MS"],
    [{ WOODPECKER_MAX_RETRIES: "two" }, "WOODPECKER_MAX_RETRIES"],
    [{ WOODPECKER_MAX_RETRIES: "-1" }, "WOODPECKER_MAX_RETRIES"],
    [{ WOODPECKER_MAX_RETRIES: "11" }, "WOODPECKER_MAX_RETRIES"],
    [{ WOODPECKER_MAX_IN_FLIGHT: "0" }, "WOODPECKER_MAX_IN_FLIGHT"],
    [{ WOODPECKER_MAX_IN_FLIGHT: "8" }, "WOODPECKER_MAX_IN_FLIGHT"],
    [{ WOODPECKER_DRY_RUN: "yes" }, "WOODPECKER_DRY_RUN"],
    [{ WOODPECKER_READ_ONLY: "on" }, "WOODPECKER_READ_ONLY"],
    [{ WOODPECKER_SANDBOX: "on" }, "WOODPECKER_SANDBOX"],
    [
      { WOODPECKER_PROTECTED_DOMAINS: "piedpiper.com,not a domain" },
      "WOODPECKER_PROTECTED_DOMAINS",
    ],
    [{ WOODPECKER_ENABLED_TOOLS: "delete_domain,delete_everything" }, "WOODPECKER_ENABLED_TOOLS"],
    [{ WOODPECKER_ENABLED_TOOLS: " , " }, "WOODPECKER_ENABLED_TOOLS"],
    [{ WOODPECKER_ELICITATION: "sometimes" }, "WOODPECKER_ELICITATION"],
    [{ WOODPECKER_ELICITATION_TIMEOUT_MS: "1e3" }, "WOODPECKER_ELICITATION_TIMEOUT_MS"],
    [{ WOODPECKER_CONFIRMATION: "human" }, "WOODPECKER_CONFIRMATION"],
    [{ WOODPECKER_APPROVAL: "always" }, "WOODPECKER_APPROVAL"],
    [{ LOG_LEVEL: "verbose" }, "LOG_LEVEL"],
  ])("stops on %j with a one-line message naming the variable", (env, variable) => {
    const message = failure(env);
    expect(message.startsWith(`${variable} `)).toBe(true);
    expect(message).not.toContain("\n");
  });

  it.each([
    "http://localhost:8080/rest/v2",
    "http://127.0.0.1:1/rest/v2",
    "http://[::1]:9/rest/v2",
  ])("allows plain http to loopback: %s", (url) => {
    expect(config({ WOODPECKER_API_BASE_URL: url }).baseUrl).toBe(url);
  });

  it("reads --sandbox, --help, --version and refuses anything else", () => {
    expect(config({}, ["--sandbox"]).sandbox).toBe(true);
    expect(parseCli({}, ["--help"])).toEqual({ action: "help" });
    expect(parseCli({}, ["--version"])).toEqual({ action: "version" });
    expect(failure({}, ["--verbose"])).toBe("unknown argument --verbose (try --help)");
  });

  it("reads --verify-audit FILE, with an anchor or without", () => {
    const hash = "0f".repeat(32);
    expect(parseCli({}, ["--verify-audit", "a.jsonl"])).toEqual({
      action: "verify-audit",
      path: "a.jsonl",
      anchor: undefined,
    });
    expect(parseCli({}, ["--verify-audit", "a.jsonl", "--anchor", `7:${hash}`])).toEqual({
      action: "verify-audit",
      path: "a.jsonl",
      anchor: { seq: 7, hash },
    });
    for (const argv of [
      ["--verify-audit"],
      ["--verify-audit", "--anchor"],
      ["--sandbox", "--verify-audit", "a.jsonl"],
      ["--verify-audit", "a.jsonl", "--sandbox"],
      ["--verify-audit", "a.jsonl", "--anchor"],
      ["--verify-audit", "a.jsonl", "--anchor", "7"],
      ["--verify-audit", "a.jsonl", "--anchor", `7:${hash}`, "x"],
    ]) {
      expect(failure({}, argv)).toMatch(
        /^--verify-audit takes the audit file, and may take an anchor: --verify-audit FILE \[--anchor SEQ:HASH\]/,
      );
    }
  });
});

describe("a misspelled variable stops the server, naming the one it probably meant", () => {
  it.each([
    ["WOODPECKER_DRYRUN", "WOODPECKER_DRY_RUN"],
    ["WOODPECKER_DRY_RUNS", "WOODPECKER_DRY_RUN"],
    ["woodpecker_dry_run", "WOODPECKER_DRY_RUN"],
    ["Woodpecker_Dry_Run", "WOODPECKER_DRY_RUN"],
    ["WOODPEKER_DRY_RUN", "WOODPECKER_DRY_RUN"],
    ["WOODPECKER_DYR_RUN", "WOODPECKER_DRY_RUN"],
    ["WOODPECKER_PROTECTED_DOMAIN", "WOODPECKER_PROTECTED_DOMAINS"],
    ["WOODPECKER_PROTECT_DOMAINS", "WOODPECKER_PROTECTED_DOMAINS"],
    ["WOODPECKER_READONLY", "WOODPECKER_READ_ONLY"],
    ["WOODPECKER_ENABLE_TOOLS", "WOODPECKER_ENABLED_TOOLS"],
    ["WOODPECKER_ENABLED_TOOL", "WOODPECKER_ENABLED_TOOLS"],
    ["WOODPECKER_MAX_RETRY", "WOODPECKER_MAX_RETRIES"],
    ["WOODPECKER_TIMEOUT", "WOODPECKER_TIMEOUT_MS"],
    ["WOODPECKER_APIKEY", "WOODPECKER_API_KEY"],
    ["WOODPECKER_API_KEYS", "WOODPECKER_API_KEY"],
    ["WOODPECKER_BASE_URL", "WOODPECKER_API_BASE_URL"],
    ["WOODPECKER_KEY", "WOODPECKER_API_KEY"],
    ["WOODPECKER_PROTECTED", "WOODPECKER_PROTECTED_DOMAINS"],
    ["WOODPECKER_TOOLS", "WOODPECKER_ENABLED_TOOLS"],
    ["WOODPECKER_SANDBOXED", "WOODPECKER_SANDBOX"],
    ["WOODPECKER_ELICITATION_TIMEOUT", "WOODPECKER_ELICITATION_TIMEOUT_MS"],
    ["LOGLEVEL", "LOG_LEVEL"],
    ["log_level", "LOG_LEVEL"],
  ])("%s → %s", (typo, meant) => {
    expect(failure({ [typo]: "true", WOODPECKER_API_KEY: "the-real-key-123" })).toBe(
      `${typo}: unknown variable; did you mean ${meant}?`,
    );
  });

  it("even when the right name is set too, and it never echoes a value", () => {
    const message = failure({ WOODPECKER_DRY_RUN: "true", WOODPECKER_DRYRUN: "secret-ish-value" });
    expect(message).toBe("WOODPECKER_DRYRUN: unknown variable; did you mean WOODPECKER_DRY_RUN?");
  });

  it("names every misspelling on one line", () => {
    expect(failure({ WOODPECKER_DRYRUN: "1", WOODPECKER_PROTECTED_DOMAIN: "x.com" })).toBe(
      "WOODPECKER_DRYRUN: unknown variable; did you mean WOODPECKER_DRY_RUN?; WOODPECKER_PROTECTED_DOMAIN: unknown variable; did you mean WOODPECKER_PROTECTED_DOMAINS?",
    );
  });

  it("says why WOODPECKER_MAX_IN_FLIGHT stops at seven", () => {
    expect(failure({ WOODPECKER_MAX_IN_FLIGHT: "20" })).toBe(
      "WOODPECKER_MAX_IN_FLIGHT must be at most 7: Woodpecker takes 7 requests of a key at once and drops the rest",
    );
  });

  it("warns about other WOODPECKER_* names (another Woodpecker tool may use the prefix)", () => {
    const { warnings } = serve({
      WOODPECKER_SERVER: "https://ci.example.com",
      WOODPECKER_TOKEN: "x",
      WOODPECKER_LOG_LEVEL: "debug",
      HOME: "/root",
      PATH: "/bin",
      NODE_OPTIONS: "",
    });
    expect(warnings).toEqual([
      "WOODPECKER_LOG_LEVEL is not a setting of this server and is ignored; did you mean LOG_LEVEL?",
      "WOODPECKER_SERVER is not a setting of this server and is ignored",
      "WOODPECKER_TOKEN is not a setting of this server and is ignored",
    ]);
  });

  it.each([
    ["WOODPECKER_CONFIRM", "WOODPECKER_CONFIRMATION"],
    ["WOODPECKER_PROTECTED", "WOODPECKER_PROTECTED_DOMAINS"],
    ["WOODPECKER_ELICITATION_TIMEOUT", "WOODPECKER_ELICITATION_TIMEOUT_MS"],
  ])("stops on %s, a name cut short, naming %s", (name, meant) => {
    expect(failure({ [name]: "person" })).toBe(`${name}: unknown variable; did you mean ${meant}?`);
  });

  it.each(["HOME", "PATH", "LANG", "TERM", "NODE_ENV", "LOG_FILE", "WOODPECKER_HOST", "CI"])(
    "leaves %s alone",
    (name) => {
      expect(() => config({ [name]: "x" })).not.toThrow();
    },
  );
});

describe("whether this server opens the approval page in the person's browser", () => {
  it.each([
    ["auto on macOS", {}, "darwin", true],
    ["auto on Windows", {}, "win32", true],
    ["auto on Linux with a desktop (DISPLAY)", { DISPLAY: ":0" }, "linux", true],
    [
      "auto on Linux with a desktop (WAYLAND_DISPLAY)",
      { WAYLAND_DISPLAY: "wayland-0" },
      "linux",
      true,
    ],
    ["auto on Linux without one (a server, a container)", {}, "linux", false],
    ["browser, even without a desktop", { WOODPECKER_APPROVAL: "browser" }, "linux", true],
    ["off, even on macOS", { WOODPECKER_APPROVAL: "off" }, "darwin", false],
  ] as const)("%s: %s", (_label, env, platform, opens) => {
    const request = parseCli({ ...env }, [], platform);
    if (request.action !== "serve") throw new Error("expected a serve request");
    expect(request.config.opensBrowser).toBe(opens);
  });

  it("takes the command from BROWSER, as other command-line tools do", () => {
    expect(config({ BROWSER: "firefox --new-tab" }).browser).toBe("firefox --new-tab");
    expect(config({ BROWSER: " " }).browser).toBeUndefined();
  });
});

const SEALING_SECRET = Buffer.alloc(32, 7).toString("base64");

describe("remote mode", () => {
  it("is turned on by --http (port 8080) or by WOODPECKER_HTTP_PORT, on loopback by default", () => {
    expect(config({}, ["--http"]).http).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      tokens: [],
    });
    expect(config({ WOODPECKER_HTTP_PORT: "0" }).http?.port).toBe(0);
    expect(config({}).http).toBeUndefined();
  });

  it("refuses the server's own key on a non-loopback address without bearer tokens", () => {
    for (const env of [
      { WOODPECKER_API_KEY: "wp_live_0123456789" },
      { WOODPECKER_SANDBOX: "true" },
    ]) {
      expect(failure({ ...env, WOODPECKER_HTTP_HOST: "0.0.0.0" }, ["--http"])).toMatch(
        /^WOODPECKER_HTTP_TOKENS must be set to serve on 0.0.0.0 with the server's own key: anyone who reached the port could delete/,
      );
    }
    expect(config({ WOODPECKER_HTTP_HOST: "0.0.0.0" }, ["--http"]).http?.host).toBe("0.0.0.0");
    expect(
      config(
        {
          WOODPECKER_API_KEY: "wp_live_0123456789",
          WOODPECKER_HTTP_HOST: "127.0.0.1",
        },
        ["--http"],
      ).http?.host,
    ).toBe("127.0.0.1");
  });

  it("refuses the server's own key without bearer tokens behind a proxy that forwards from elsewhere", () => {
    const key = { WOODPECKER_API_KEY: "wp_live_0123456789" };
    expect(
      failure({ ...key, WOODPECKER_HTTP_ALLOWED_HOSTS: "mcp.example.com" }, ["--http"]),
    ).toMatch(
      /^WOODPECKER_HTTP_TOKENS must be set to serve with WOODPECKER_HTTP_ALLOWED_HOSTS naming a host beyond loopback/,
    );
    expect(
      failure({ ...key, WOODPECKER_HTTP_ALLOWED_ORIGINS: "https://chat.example.com" }, ["--http"]),
    ).toMatch(/^WOODPECKER_HTTP_TOKENS must be set to serve with WOODPECKER_HTTP_ALLOWED_ORIGINS/);
    // Loopback names add no reach; tokens, or no key of the server's own, make the rest fine.
    expect(
      config({ ...key, WOODPECKER_HTTP_ALLOWED_HOSTS: "localhost" }, ["--http"]).http,
    ).toBeDefined();
    expect(
      config(
        {
          ...key,
          WOODPECKER_HTTP_ALLOWED_HOSTS: "mcp.example.com",
          WOODPECKER_HTTP_TOKENS: "0123456789abcdef0123",
        },
        ["--http"],
      ).http?.allowedHosts,
    ).toEqual(new Set(["mcp.example.com"]));
    expect(
      config({ WOODPECKER_HTTP_ALLOWED_HOSTS: "mcp.example.com" }, ["--http"]).http,
    ).toBeDefined();
  });

  it("stops on bearer tokens of only white space or commas: somebody meant to require them", () => {
    expect(failure({ WOODPECKER_HTTP_TOKENS: " , " }, ["--http"])).toMatch(
      /^WOODPECKER_HTTP_TOKENS holds only white space or commas/,
    );
    expect(config({ WOODPECKER_HTTP_TOKENS: "" }, ["--http"]).http?.tokens).toEqual([]);
  });

  it("refuses WOODPECKER_CONFIRMATION=person: no form and no page can reach a person there", () => {
    expect(failure({ WOODPECKER_CONFIRMATION: "person" }, ["--http"])).toMatch(
      /^WOODPECKER_CONFIRMATION=person cannot be met in remote mode \(--http\) without OAuth/,
    );
  });

  it("takes WOODPECKER_CONFIRMATION=person with OAuth, where the approval page asks the person, unless the page is off", () => {
    const oauth = {
      WOODPECKER_HTTP_AUTH: "oauth",
      WOODPECKER_HTTP_SECRET: SEALING_SECRET,
      WOODPECKER_CONFIRMATION: "person",
    };
    expect(config(oauth, ["--http"]).confirmation).toBe("person");
    expect(failure({ ...oauth, WOODPECKER_APPROVAL: "off" }, ["--http"])).toMatch(
      /^WOODPECKER_CONFIRMATION=person cannot be met with WOODPECKER_APPROVAL=off in remote mode/,
    );
  });

  it("takes WOODPECKER_HTTP_AUTH as given, or by whether the server holds a key, and refuses a mode that cannot hold", () => {
    const key = { WOODPECKER_API_KEY: "wp_live_0123456789" };
    expect(config(key, ["--http"]).http?.auth).toBe("tokens");
    expect(config({}, ["--http"]).http?.auth).toBe("key");
    expect(failure({ WOODPECKER_HTTP_AUTH: "tokens" }, ["--http"])).toMatch(
      /^WOODPECKER_HTTP_AUTH=tokens needs the server's own WOODPECKER_API_KEY/,
    );
    expect(failure({ ...key, WOODPECKER_HTTP_AUTH: "key" }, ["--http"])).toMatch(
      /^WOODPECKER_HTTP_AUTH=key lets each request carry its own key/,
    );
    expect(failure({ WOODPECKER_HTTP_AUTH: "saml" }, ["--http"])).toMatch(
      /^WOODPECKER_HTTP_AUTH must be tokens, key or oauth/,
    );
  });

  it("with OAuth: needs the sealing secret, tokens to sign in with beside a server key, and the public URL where others reach it", () => {
    const oauth = { WOODPECKER_HTTP_AUTH: "oauth", WOODPECKER_HTTP_SECRET: SEALING_SECRET };
    expect(config(oauth, ["--http"]).http).toMatchObject({
      auth: "oauth",
      oauth: { publicUrl: undefined },
    });
    expect(failure({ WOODPECKER_HTTP_AUTH: "oauth" }, ["--http"])).toMatch(
      /^WOODPECKER_HTTP_SECRET must be set with WOODPECKER_HTTP_AUTH=oauth/,
    );
    expect(failure({ ...oauth, WOODPECKER_API_KEY: "wp_live_0123456789" }, ["--http"])).toMatch(
      /^WOODPECKER_HTTP_TOKENS must be set with WOODPECKER_HTTP_AUTH=oauth and the server's own key/,
    );
    expect(failure({ ...oauth, WOODPECKER_HTTP_HOST: "0.0.0.0" }, ["--http"])).toMatch(
      /^WOODPECKER_HTTP_PUBLIC_URL must be set with WOODPECKER_HTTP_AUTH=oauth to serve on 0.0.0.0/,
    );
    expect(
      config(
        {
          ...oauth,
          WOODPECKER_HTTP_HOST: "0.0.0.0",
          WOODPECKER_HTTP_PUBLIC_URL: "https://mcp.example.com",
        },
        ["--http"],
      ).http?.oauth?.publicUrl,
    ).toBe("https://mcp.example.com");
    expect(failure({ WOODPECKER_HTTP_SECRET: SEALING_SECRET }, ["--http"])).toMatch(
      /^WOODPECKER_HTTP_SECRET is read only with WOODPECKER_HTTP_AUTH=oauth/,
    );
    expect(failure({ WOODPECKER_HTTP_PUBLIC_URL: "https://mcp.example.com" }, ["--http"])).toMatch(
      /^WOODPECKER_HTTP_PUBLIC_URL is read only with WOODPECKER_HTTP_AUTH=oauth/,
    );
    expect(failure({ WOODPECKER_HTTP_REPLICA: "r0" }, ["--http"])).toMatch(
      /^WOODPECKER_HTTP_REPLICA is read only with WOODPECKER_HTTP_AUTH=oauth/,
    );
  });

  it.each([
    [
      { WOODPECKER_HTTP_SECRET: Buffer.alloc(31, 7).toString("base64") },
      /at least 32 random bytes/,
    ],
    [{ WOODPECKER_HTTP_SECRET: "not base64 at all, but long enough to be 32 bytes" }, /in base64/],
    [{ WOODPECKER_HTTP_PUBLIC_URL: "http://mcp.example.com" }, /https unless on loopback/],
    [{ WOODPECKER_HTTP_PUBLIC_URL: "https://mcp.example.com/mcp" }, /must be an origin/],
    [{ WOODPECKER_HTTP_REPLICA: "../r0" }, /WOODPECKER_HTTP_REPLICA must be a short name/],
    [{ WOODPECKER_HTTP_REPLICA: "r".repeat(33) }, /at most 32/],
  ])("with OAuth, refuses %j, never echoing the secret", (env, why) => {
    const message = failure(
      { WOODPECKER_HTTP_AUTH: "oauth", WOODPECKER_HTTP_SECRET: SEALING_SECRET, ...env },
      ["--http"],
    );
    expect(message).toMatch(why);
    expect(message).not.toContain(SEALING_SECRET.slice(0, 12));
  });

  it.each([
    [{ WOODPECKER_HTTP_TOKENS: "short" }, /^WOODPECKER_HTTP_TOKENS item 1 must be at least 16/],
    [{ WOODPECKER_HTTP_TOKENS: "0123456789abcdef0123,with space inside it" }, /item 2/],
    [{ WOODPECKER_HTTP_ALLOWED_HOSTS: "https://mcp.example.com" }, /item 1 is not a host name/],
    [{ WOODPECKER_HTTP_ALLOWED_ORIGINS: "chat.example.com" }, /item 1 is not an origin/],
    [{ WOODPECKER_HTTP_ALLOWED_ORIGINS: "https://chat.example.com/path" }, /is not an origin/],
    [{ WOODPECKER_HTTP_PORT: "70000" }, /^WOODPECKER_HTTP_PORT must be at most 65535/],
  ])("refuses %j, never echoing a token", (env, why) => {
    const message = failure(env, ["--http"]);
    expect(message).toMatch(why);
    expect(message).not.toContain("0123456789abcdef0123");
  });
});

describe("the API key", () => {
  const KEY = "wp_live_4f9a8b7c6d5e";

  it.each([
    ["a line break", `${KEY}\n`],
    ["a space inside", "wp_live 4f9a8b7c6d5e"],
    ["a tab", `\t${KEY}`],
    ["a zero-width space", `wp_live_\u200b4f9a8b7c6d5e`],
    ["a control character", `wp_live_\u00004f9a8b7c6d5e`],
  ])("is refused when it holds %s, and never echoed", (_label, key) => {
    const message = failure({ WOODPECKER_API_KEY: key });
    expect(message).toMatch(/^WOODPECKER_API_KEY contains white space or an invisible character/);
    expect(message).not.toContain("4f9a8b7c6d5e");
  });

  it.each([
    ["a typographic quote", "wp_live_4f9a8b7c6d5e\u201d"],
    ["an accented letter", "wp_live_4f9a8b7c6d5é"],
    ["a non-breaking hyphen", "wp_live\u20114f9a8b7c6d5e"],
  ])("is refused when it holds %s, outside printable ASCII, and never echoed", (_label, key) => {
    const message = failure({ WOODPECKER_API_KEY: key });
    expect(message).toMatch(/^WOODPECKER_API_KEY contains a character outside printable ASCII/);
    expect(message).not.toContain("4f9a8b7c6d5");
  });

  it("is refused when it is white space alone (empty is unset)", () => {
    expect(failure({ WOODPECKER_API_KEY: "   " })).toMatch(
      /^WOODPECKER_API_KEY contains white space or an invisible character/,
    );
  });

  it("is refused when too short to be told apart from ordinary text", () => {
    expect(failure({ WOODPECKER_API_KEY: "abc" })).toMatch(
      /^WOODPECKER_API_KEY has fewer than 8 letters and digits/,
    );
    expect(failure({ WOODPECKER_API_KEY: "a-b-c-d-e-f-g" })).toMatch(
      /^WOODPECKER_API_KEY has fewer than 8 letters and digits/,
    );
  });

  it("is refused when far longer than a key, without echoing it", () => {
    const long = `wp-${"k".repeat(600)}`;
    const message = failure({ WOODPECKER_API_KEY: long });
    expect(message).toMatch(/^WOODPECKER_API_KEY is longer than 512 characters/);
    expect(message).not.toContain("kkkkkkkk");
    expect(message.split("\n")).toHaveLength(1);
  });

  it("pasted into the wrong variable is never echoed", () => {
    for (const variable of ["WOODPECKER_ENABLED_TOOLS", "WOODPECKER_PROTECTED_DOMAINS"]) {
      const message = failure({ [variable]: KEY });
      expect(message.startsWith(`${variable} item 1 is not`)).toBe(true);
      expect(message).not.toContain("4f9a8b7c6d5e");
    }
  });

  it("given on the command line is refused without echoing it", () => {
    for (const arg of [`--api-key=${KEY}`, `--key=${KEY}`, KEY]) {
      const message = failure({}, [arg]);
      expect(message).not.toContain("4f9a8b7c6d5e");
    }
    expect(failure({}, [`--api-key=${KEY}`])).toBe(
      "unknown argument --api-key: the API key is read from WOODPECKER_API_KEY only, never from the command line (where ps would show it)",
    );
  });

  it("may hold any other printable character", () => {
    expect(config({ WOODPECKER_API_KEY: 'wp"key\\9f8e7d' }).apiKey).toBe('wp"key\\9f8e7d');
  });
});

describe("a tool name", () => {
  it("misspelled is echoed with the one it probably meant", () => {
    expect(failure({ WOODPECKER_ENABLED_TOOLS: "delete_domian" })).toBe(
      `WOODPECKER_ENABLED_TOOLS "delete_domian" (did you mean delete_domain?) is not a tool; the tools are ${ALL_TOOLS.join(", ")}`,
    );
  });

  it("leaves only the read tools with WOODPECKER_READ_ONLY=true", () => {
    expect(config({ WOODPECKER_READ_ONLY: "true" }).tools).toEqual([
      "list_domains",
      "get_domain",
      "list_microsoft_credentials",
    ]);
    expect(
      config({ WOODPECKER_READ_ONLY: "true", WOODPECKER_ENABLED_TOOLS: "get_domain,delete_domain" })
        .tools,
    ).toEqual(["get_domain"]);
  });

  it("stops the server when read-only leaves no tool", () => {
    expect(
      failure({ WOODPECKER_READ_ONLY: "true", WOODPECKER_ENABLED_TOOLS: "delete_domain" }),
    ).toMatch(
      /^WOODPECKER_ENABLED_TOOLS names only deleting tools, and WOODPECKER_READ_ONLY=true turns them off/,
    );
  });
});

describe("the base URL", () => {
  it.each([
    ["an empty query", "https://api.example.com/rest/v2?", /query or a fragment/],
    ["an empty fragment", "https://api.example.com/rest/v2#", /query or a fragment/],
    ["a query", "https://api.example.com/rest/v2?x=1", /query or a fragment/],
    ["empty userinfo", "https://@api.example.com/rest/v2", /user name or password/],
    ["an empty password", "https://:@api.example.com/rest/v2", /user name or password/],
    ["a user name", "https://me@api.example.com/rest/v2", /user name or password/],
    ["backslashes", "http:\\\\u:p@127.0.0.1:8080\\rest\\v2", /must not contain a backslash/],
    ["one backslash", "https://api.example.com\\rest/v2", /must not contain a backslash/],
  ])("is refused with %s, which would mangle every request path", (_label, url, why) => {
    const message = failure({ WOODPECKER_API_BASE_URL: url });
    expect(message).toMatch(why);
    expect(message).not.toContain("u:p");
  });
});

describe("a bundle's placeholder a host did not fill in", () => {
  it("reads as unset, with a warning naming the variable", () => {
    const request = serve({
      WOODPECKER_PROTECTED_DOMAINS: "${user_config.protected_domains}",
      WOODPECKER_API_KEY: "${user_config.api_key}",
      WOODPECKER_DRY_RUN: "true",
    });
    expect(request.config.protectedDomains).toEqual(new Set());
    expect(request.config.apiKey).toBeUndefined();
    expect(request.config.dryRun).toBe(true);
    expect(request.warnings).toEqual([
      expect.stringMatching(/^WOODPECKER_API_KEY holds \$\{user_config\.api_key\}, a placeholder/),
      expect.stringMatching(
        /^WOODPECKER_PROTECTED_DOMAINS holds \$\{user_config\.protected_domains\}/,
      ),
    ]);
  });

  it("is only the whole value: one inside a list is still an error", () => {
    expect(
      failure({ WOODPECKER_PROTECTED_DOMAINS: "hooli.com,${user_config.protected_domains}" }),
    ).toMatch(/^WOODPECKER_PROTECTED_DOMAINS item 2 is not a domain name/);
  });
});
