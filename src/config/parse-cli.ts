import * as z from "zod";
import { READ_ONLY_TOOL_NAMES, TOOL_NAMES, type ToolName } from "../tools/names.js";
import { normalizeDomainName } from "../woodpecker/domain-name.js";
import { WOODPECKER_ACCEPTS } from "../woodpecker/request-queue.js";
import { type Link, parseAnchor } from "../logging/audit-chain.js";
import { checkVariableNames, closest } from "./variable-names.js";

export const DEFAULT_BASE_URL = "https://api.woodpecker.co/rest/v2";
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** Shorter keys are refused: a key this short could not be told apart from ordinary text. */
const MIN_KEY_LENGTH = 8;

export interface Config {
  apiKey: string | undefined;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  /** Requests per key outstanding at Woodpecker at most. */
  maxInFlight: number;
  dryRun: boolean;
  protectedDomains: ReadonlySet<string>;
  /** The tools served: WOODPECKER_ENABLED_TOOLS, less the deleting ones when read-only. */
  tools: readonly ToolName[];
  readOnly: boolean;
  elicitation: "auto" | "off";
  /** `person`: only a person's yes in a form or on the approval page confirms a deletion. */
  confirmation: "auto" | "person";
  /** WOODPECKER_APPROVAL: `off` never serves the approval page. */
  approval: "auto" | "browser" | "off";
  /** Whether this server opens the approval page in the person's browser itself. */
  opensBrowser: boolean;
  /** BROWSER: the command that opens the person's browser, as other command-line tools read it. */
  browser: string | undefined;
  platform: NodeJS.Platform;
  elicitationTimeoutMs: number;
  sandbox: boolean;
  /** Where the audit trail is also written, durably; undefined: stderr only. */
  auditFile: string | undefined;
  /** Remote mode (Streamable HTTP); undefined: stdio. */
  http: HttpConfig | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
}

export interface HttpConfig {
  port: number;
  host: string;
  /** Host names besides loopback ones that a request's Host may name. */
  allowedHosts: ReadonlySet<string>;
  /** Origins besides loopback ones a request may come from. */
  allowedOrigins: ReadonlySet<string>;
  /** Bearer tokens a client must send one of; empty: none asked for. */
  tokens: readonly string[];
}

export const DEFAULT_HTTP_PORT = 8080;
const MIN_TOKEN_LENGTH = 16;

export type CliRequest =
  | { action: "help" }
  | { action: "version" }
  | { action: "verify-audit"; path: string; anchor: Link | undefined }
  | { action: "serve"; config: Config; warnings: string[] };

export class ConfigError extends Error {
  override name = "ConfigError";
}

const blankAsUnset = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/**
 * For a variable that turns a safety switch on: empty is unset (MCP Bundle hosts send "" for a
 * setting left blank), but white space or separators alone mean somebody meant to set it.
 */
const safetySwitch = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value, ctx) => {
    if (typeof value === "string" && value !== "" && /^[\s,]*$/.test(value)) {
      ctx.addIssue({
        code: "custom",
        message:
          "holds only white space or commas; set it to a value, or remove it to leave it unset",
      });
      return z.NEVER;
    }
    return value === "" ? undefined : value;
  }, schema);

const wholeNumber = (fallback: number, min: number, max: number, unit: string, whyMax = "") =>
  z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .regex(/^\d+$/, `must be a whole number of ${unit} from ${min} to ${max}`)
      .transform(Number)
      .pipe(
        z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}${whyMax}`),
      )
      .default(fallback),
  );

const booleanValue = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["true", "false", "1", "0"], "must be true, false, 1 or 0"))
  .transform((value) => value === "true" || value === "1")
  .default(false);
const flag = z.preprocess(blankAsUnset, booleanValue);

const commaList = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

const apiKey = z
  .string()
  .refine((key) => !/[\s\p{Cc}\p{Cf}]/u.test(key), {
    message:
      "contains white space or an invisible character (a line break pasted with it?); set it to the key alone",
  })
  .refine((key) => /^[\x21-\x7e]*$/.test(key), {
    message:
      "contains a character outside printable ASCII (a quote or dash changed by a word processor?); set it to the key exactly as Woodpecker shows it",
  })
  .refine((key) => key.length >= MIN_KEY_LENGTH, {
    message: `is shorter than ${MIN_KEY_LENGTH} characters, too short to be a Woodpecker API key`,
  });

/** Whether a key (from the environment, or a request's X-Woodpecker-Api-Key) may be one. */
export function isValidApiKey(key: string): boolean {
  return apiKey.safeParse(key).success;
}

const baseUrl = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  const problem = baseUrlProblem(value);
  if (problem === undefined) return value.replace(/\/+$/, "");
  ctx.addIssue({ code: "custom", message: problem });
  return z.NEVER;
});

function baseUrlProblem(value: string): string | undefined {
  // The URL parser reads a backslash as a slash, so http:\\user@host\path would pass the checks
  // below and then fail every call, echoing the user name.
  if (value.includes("\\")) return "must not contain a backslash (use / in a URL)";
  if (!URL.canParse(value)) return "must be an absolute URL";
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must use https://";
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    return "must use https://; plain http:// is allowed only to localhost, 127.0.0.0/8 or [::1], so the API key never travels in clear";
  }
  // Checked on the text: the URL parser forgets an empty `?`, `#` or `@`, which would still end
  // up in every request path.
  const authority = /^[a-z]+:\/\/([^/]*)/i.exec(value)?.[1] ?? "";
  if (authority.includes("@"))
    return "must not carry a user name or password (not even an empty one)";
  if (/[?#]/.test(value)) return "must not carry a query or a fragment (not even an empty ? or #)";
  return undefined;
}

const hostNames = z.string().transform((value, ctx) => {
  const names = new Set<string>();
  commaList(value).forEach((item, index) => {
    const name = item.toLowerCase();
    if (/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(name)) names.add(name);
    else
      ctx.addIssue({
        code: "custom",
        message: `item ${index + 1} is not a host name (no port, scheme or path: mcp.example.com)`,
      });
  });
  return names;
});

const origins = z.string().transform((value, ctx) => {
  const allowed = new Set<string>();
  commaList(value).forEach((item, index) => {
    const url = URL.canParse(item) ? new URL(item) : undefined;
    if (
      url !== undefined &&
      /^https?:$/.test(url.protocol) &&
      item.replace(/\/$/, "") === url.origin
    ) {
      allowed.add(url.origin);
    } else {
      ctx.addIssue({
        code: "custom",
        message: `item ${index + 1} is not an origin (scheme, host and port only: https://chat.example.com)`,
      });
    }
  });
  return allowed;
});

// Never echoed: a token is a secret.
const tokens = z.string().transform((value, ctx) => {
  const list = commaList(value);
  list.forEach((token, index) => {
    if (!/^[\x21-\x7e]+$/.test(token) || token.length < MIN_TOKEN_LENGTH) {
      ctx.addIssue({
        code: "custom",
        message: `item ${index + 1} must be at least ${MIN_TOKEN_LENGTH} printable characters, with no white space (openssl rand -hex 32 makes one)`,
      });
    }
  });
  return list;
});

const protectedDomains = z.string().transform((value, ctx) => {
  const names = new Set<string>();
  commaList(value).forEach((item, index) => {
    const check = normalizeDomainName(item);
    if (check.ok) names.add(check.name);
    // The value is not echoed: a key pasted into the wrong variable must not be printed.
    else
      ctx.addIssue({
        code: "custom",
        message: `item ${index + 1} is not a domain name: it ${check.reason}`,
      });
  });
  return names;
});

const enabledTools = z.string().transform((value, ctx) => {
  const names = commaList(value);
  if (names.length === 0) ctx.addIssue({ code: "custom", message: "names no tool" });
  names.forEach((name, index) => {
    if (isToolName(name)) return;
    const near = closest(name, TOOL_NAMES);
    // Echoed only when it is plainly a misspelled tool name, never anything that could be a key.
    const which = near === undefined ? `item ${index + 1}` : `"${name}" (did you mean ${near}?)`;
    ctx.addIssue({
      code: "custom",
      message: `${which} is not a tool; the tools are ${TOOL_NAMES.join(", ")}`,
    });
  });
  return [...new Set(names.filter(isToolName))];
});

const EnvSchema = z.object({
  // Empty is unset; white space alone is a key that was meant to be set, and is refused below.
  WOODPECKER_API_KEY: z.preprocess(
    (value) => (value === "" ? undefined : value),
    apiKey.optional(),
  ),
  WOODPECKER_API_BASE_URL: z.preprocess(blankAsUnset, baseUrl.default(DEFAULT_BASE_URL)),
  WOODPECKER_TIMEOUT_MS: wholeNumber(30_000, 1, 3_600_000, "milliseconds"),
  WOODPECKER_MAX_RETRIES: wholeNumber(2, 0, 10, "retries"),
  WOODPECKER_MAX_IN_FLIGHT: wholeNumber(
    4,
    1,
    WOODPECKER_ACCEPTS,
    "requests",
    `: Woodpecker takes ${WOODPECKER_ACCEPTS} requests of a key at once and drops the rest`,
  ),
  WOODPECKER_DRY_RUN: safetySwitch(booleanValue),
  WOODPECKER_PROTECTED_DOMAINS: safetySwitch(protectedDomains.default(new Set<string>())),
  WOODPECKER_READ_ONLY: safetySwitch(booleanValue),
  WOODPECKER_ENABLED_TOOLS: z.preprocess(blankAsUnset, enabledTools.default([...TOOL_NAMES])),
  WOODPECKER_ELICITATION: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["auto", "off"], "must be auto or off"))
      .default("auto"),
  ),
  WOODPECKER_ELICITATION_TIMEOUT_MS: wholeNumber(300_000, 1, 3_600_000, "milliseconds"),
  WOODPECKER_CONFIRMATION: safetySwitch(
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["auto", "person"], "must be auto or person"))
      .default("auto"),
  ),
  WOODPECKER_APPROVAL: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["auto", "browser", "off"], "must be auto, browser or off"))
      .default("auto"),
  ),
  WOODPECKER_SANDBOX: flag,
  WOODPECKER_AUDIT_FILE: z.preprocess(blankAsUnset, z.string().optional()),
  WOODPECKER_HTTP_PORT: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .regex(/^\d+$/, "must be a port number from 0 (any free port) to 65535")
      .transform(Number)
      .pipe(z.number().max(65_535, "must be at most 65535"))
      .optional(),
  ),
  WOODPECKER_HTTP_HOST: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9.:[\]-]+$/,
        "must be an address to listen on, such as 127.0.0.1 or 0.0.0.0",
      )
      .default("127.0.0.1"),
  ),
  WOODPECKER_HTTP_ALLOWED_HOSTS: z.preprocess(blankAsUnset, hostNames.default(new Set<string>())),
  WOODPECKER_HTTP_ALLOWED_ORIGINS: z.preprocess(blankAsUnset, origins.default(new Set<string>())),
  // Tokens guard every deletion: white space alone means somebody meant to require them.
  WOODPECKER_HTTP_TOKENS: safetySwitch(tokens.default([])),
  LOG_LEVEL: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`))
      .default("info"),
  ),
});

/** Every environment variable the server reads. */
export const ENV_VARIABLES = Object.keys(EnvSchema.shape);

/** `--verify-audit FILE [--anchor SEQ:HASH]`, the only arguments then. */
function verifyAuditRequest(argv: readonly string[], index: number): CliRequest {
  const usage =
    "--verify-audit takes the audit file, and may take an anchor: --verify-audit FILE [--anchor SEQ:HASH]";
  const path = argv[index + 1];
  const rest = argv.filter((_, at) => at !== index && at !== index + 1);
  if (index !== 0 || path === undefined || path.startsWith("-")) throw new ConfigError(usage);
  if (rest.length === 0) return { action: "verify-audit", path, anchor: undefined };
  const anchor =
    rest[0] === "--anchor" && rest.length === 2 ? parseAnchor(rest[1] ?? "") : undefined;
  if (anchor === undefined) {
    throw new ConfigError(
      `${usage}; SEQ is an audit line's seq and HASH its "hash" (64 lowercase hex digits), as its copy on stderr shows them`,
    );
  }
  return { action: "verify-audit", path, anchor };
}

/**
 * Reads the command line and the environment once. Throws a ConfigError whose message is one
 * line naming the offending variable or flag, and never a value that could be the API key.
 */
export function parseCli(
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
  platform: NodeJS.Platform = process.platform,
): CliRequest {
  let sandboxFlag = false;
  let httpFlag = false;
  for (const [index, arg] of argv.entries()) {
    if (arg === "--help" || arg === "-h") return { action: "help" };
    if (arg === "--version" || arg === "-v") return { action: "version" };
    if (arg === "--verify-audit") return verifyAuditRequest(argv, index);
    if (arg === "--sandbox") sandboxFlag = true;
    else if (arg === "--http") httpFlag = true;
    else throw new ConfigError(unknownArgument(arg));
  }
  const names = checkVariableNames(Object.keys(env), ENV_VARIABLES);
  if (names.misspelled.length > 0) throw new ConfigError(names.misspelled.join("; "));
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    throw new ConfigError(`${variable} ${issue?.message ?? "is invalid"}`);
  }
  const vars = parsed.data;
  const readOnly = vars.WOODPECKER_READ_ONLY;
  const tools = vars.WOODPECKER_ENABLED_TOOLS.filter(
    (name) => !readOnly || READ_ONLY_TOOL_NAMES.includes(name),
  );
  if (tools.length === 0) {
    throw new ConfigError(
      "WOODPECKER_ENABLED_TOOLS names only deleting tools, and WOODPECKER_READ_ONLY=true turns them off: no tool is left",
    );
  }
  const sandbox = sandboxFlag || vars.WOODPECKER_SANDBOX;
  const http =
    httpFlag || vars.WOODPECKER_HTTP_PORT !== undefined
      ? {
          port: vars.WOODPECKER_HTTP_PORT ?? DEFAULT_HTTP_PORT,
          host: vars.WOODPECKER_HTTP_HOST,
          allowedHosts: vars.WOODPECKER_HTTP_ALLOWED_HOSTS,
          allowedOrigins: vars.WOODPECKER_HTTP_ALLOWED_ORIGINS,
          tokens: vars.WOODPECKER_HTTP_TOKENS,
        }
      : undefined;
  if (http !== undefined) {
    if (vars.WOODPECKER_CONFIRMATION === "person") {
      throw new ConfigError(
        "WOODPECKER_CONFIRMATION=person cannot be met in remote mode (--http): it has no form and no approval page to ask a person with, so nothing could ever be deleted",
      );
    }
    const holdsKey = vars.WOODPECKER_API_KEY !== undefined || sandbox;
    const reachedFrom = reachableFromElsewhere(http);
    if (holdsKey && http.tokens.length === 0 && reachedFrom !== undefined) {
      throw new ConfigError(
        `WOODPECKER_HTTP_TOKENS must be set to serve ${reachedFrom} with the server's own key: anyone who reached the port could delete (or serve on 127.0.0.1 alone, or let each request carry its own key)`,
      );
    }
  }
  return {
    action: "serve",
    warnings: names.ignored,
    config: {
      apiKey: vars.WOODPECKER_API_KEY,
      baseUrl: vars.WOODPECKER_API_BASE_URL,
      timeoutMs: vars.WOODPECKER_TIMEOUT_MS,
      maxRetries: vars.WOODPECKER_MAX_RETRIES,
      maxInFlight: vars.WOODPECKER_MAX_IN_FLIGHT,
      dryRun: vars.WOODPECKER_DRY_RUN,
      protectedDomains: vars.WOODPECKER_PROTECTED_DOMAINS,
      tools,
      readOnly,
      elicitation: vars.WOODPECKER_ELICITATION,
      elicitationTimeoutMs: vars.WOODPECKER_ELICITATION_TIMEOUT_MS,
      confirmation: vars.WOODPECKER_CONFIRMATION,
      approval: vars.WOODPECKER_APPROVAL,
      opensBrowser:
        vars.WOODPECKER_APPROVAL === "browser" ||
        (vars.WOODPECKER_APPROVAL === "auto" && hasDesktop(env, platform)),
      browser: blankAsUnset(env.BROWSER) as string | undefined,
      platform,
      sandbox,
      auditFile: vars.WOODPECKER_AUDIT_FILE,
      http,
      logLevel: vars.LOG_LEVEL,
    },
  };
}

/** Names the flag but never its value: `--api-key=…` must not print the key. */
function unknownArgument(arg: string): string {
  const flagName = /^--?[A-Za-z][\w-]*/.exec(arg)?.[0];
  if (flagName !== undefined && /key|token|secret/i.test(flagName)) {
    return `unknown argument ${flagName}: the API key is read from WOODPECKER_API_KEY only, never from the command line (where ps would show it)`;
  }
  return flagName === undefined
    ? "unknown argument (not shown; the options are --sandbox, --http, --verify-audit, --help and --version)"
    : `unknown argument ${flagName} (try --help)`;
}

/** Where a person sits at a screen a browser can open on: macOS, Windows, or a Linux desktop. */
function hasDesktop(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  if (platform === "darwin" || platform === "win32") return true;
  return Boolean(env.DISPLAY?.trim() || env.WAYLAND_DISPLAY?.trim());
}

function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

/**
 * Why requests may come from beyond this computer: a bind address other than loopback, or a Host
 * or Origin allowed besides loopback ones (a reverse proxy on loopback forwarding from elsewhere).
 */
function reachableFromElsewhere(http: HttpConfig): string | undefined {
  if (!isLoopback(http.host)) return `on ${http.host}`;
  if ([...http.allowedHosts].some((name) => !isLoopback(name))) {
    return "with WOODPECKER_HTTP_ALLOWED_HOSTS naming a host beyond loopback";
  }
  if ([...http.allowedOrigins].some((origin) => !isLoopback(new URL(origin).hostname))) {
    return "with WOODPECKER_HTTP_ALLOWED_ORIGINS naming an origin beyond loopback";
  }
  return undefined;
}

/** localhost, 127.0.0.0/8 or ::1 (with or without brackets). */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname === "[::1]" ||
    hostname === "::1" ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}
