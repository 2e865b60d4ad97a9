import { describe, expect, it } from "vitest";
import {
  type Config,
  ConfigError,
  DEFAULT_BASE_URL,
  parseCli,
} from "../../src/config/parse-cli.js";

function serve(env: Record<string, string>, argv: string[] = []): Config {
  const request = parseCli(env, argv);
  if (request.action !== "serve") throw new Error(`expected serve, got ${request.action}`);
  return request.config;
}

function failure(env: Record<string, string>, argv: string[] = []): string {
  try {
    parseCli(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("parseCli", () => {
  it("gives the documented defaults", () => {
    expect(serve({})).toEqual({
      apiKey: undefined,
      baseUrl: DEFAULT_BASE_URL,
      timeoutMs: 30_000,
      maxRetries: 2,
      dryRun: false,
      protectedDomains: new Set(),
      enabledTools: ["delete_domain", "delete_microsoft_credential"],
      elicitation: "auto",
      elicitationTimeoutMs: 300_000,
      sandbox: false,
      logLevel: "info",
    });
  });

  it("reads every variable", () => {
    const config = serve({
      WOODPECKER_API_KEY: " key-123456 ",
      WOODPECKER_API_BASE_URL: "https://eu.example.com/rest/v2/",
      WOODPECKER_TIMEOUT_MS: "1500",
      WOODPECKER_MAX_RETRIES: "0",
      WOODPECKER_DRY_RUN: "TRUE",
      WOODPECKER_PROTECTED_DOMAINS: " PiedPiper.com. , bücher.de,,",
      WOODPECKER_ENABLED_TOOLS: "delete_microsoft_credential",
      WOODPECKER_ELICITATION: "off",
      WOODPECKER_ELICITATION_TIMEOUT_MS: "1000",
      WOODPECKER_SANDBOX: "1",
      LOG_LEVEL: "warn",
    });
    expect(config).toEqual({
      apiKey: "key-123456",
      baseUrl: "https://eu.example.com/rest/v2",
      timeoutMs: 1500,
      maxRetries: 0,
      dryRun: true,
      protectedDomains: new Set(["piedpiper.com", "xn--bcher-kva.de"]),
      enabledTools: ["delete_microsoft_credential"],
      elicitation: "off",
      elicitationTimeoutMs: 1000,
      sandbox: true,
      logLevel: "warn",
    });
  });

  it("reads blank values as unset", () => {
    expect(
      serve({ WOODPECKER_DRY_RUN: "", WOODPECKER_API_KEY: "  ", WOODPECKER_TIMEOUT_MS: "" }),
    ).toMatchObject({
      dryRun: false,
      apiKey: undefined,
      timeoutMs: 30_000,
    });
  });

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
    [{ WOODPECKER_DRY_RUN: "yes" }, "WOODPECKER_DRY_RUN"],
    [{ WOODPECKER_SANDBOX: "on" }, "WOODPECKER_SANDBOX"],
    [
      { WOODPECKER_PROTECTED_DOMAINS: "piedpiper.com,not a domain" },
      "WOODPECKER_PROTECTED_DOMAINS",
    ],
    [{ WOODPECKER_ENABLED_TOOLS: "delete_domain,delete_everything" }, "WOODPECKER_ENABLED_TOOLS"],
    [{ WOODPECKER_ENABLED_TOOLS: " , " }, "WOODPECKER_ENABLED_TOOLS"],
    [{ WOODPECKER_ELICITATION: "sometimes" }, "WOODPECKER_ELICITATION"],
    [{ WOODPECKER_ELICITATION_TIMEOUT_MS: "1e3" }, "WOODPECKER_ELICITATION_TIMEOUT_MS"],
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
    expect(serve({ WOODPECKER_API_BASE_URL: url }).baseUrl).toBe(url);
  });

  it("reads --sandbox, --help, --version and refuses anything else", () => {
    expect(serve({}, ["--sandbox"]).sandbox).toBe(true);
    expect(parseCli({}, ["--help"])).toEqual({ action: "help" });
    expect(parseCli({}, ["--version"])).toEqual({ action: "version" });
    expect(failure({}, ["--api-key=abc"])).toBe('unknown argument "--api-key=abc" (try --help)');
  });
});
