import * as z from "zod";
import { normalizeDomainName } from "../woodpecker/domain-name.js";
import { TOOL_NAMES, type ToolName } from "../tools/names.js";

export const DEFAULT_BASE_URL = "https://api.woodpecker.co/rest/v2";
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export interface Config {
  apiKey: string | undefined;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  dryRun: boolean;
  protectedDomains: ReadonlySet<string>;
  enabledTools: readonly ToolName[];
  elicitation: "auto" | "off";
  elicitationTimeoutMs: number;
  sandbox: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
}

export type CliRequest =
  { action: "help" } | { action: "version" } | { action: "serve"; config: Config };

export class ConfigError extends Error {
  override name = "ConfigError";
}

const blankAsUnset = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const milliseconds = (fallback: number) =>
  z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .regex(/^\d+$/, "must be a whole number of milliseconds")
      .transform(Number)
      .pipe(z.number().int().min(1, "must be at least 1").max(3_600_000, "must be at most 3600000"))
      .default(fallback),
  );

const flag = z.preprocess(
  blankAsUnset,
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(["true", "false", "1", "0"], "must be true, false, 1 or 0"))
    .transform((value) => value === "true" || value === "1")
    .default(false),
);

const commaList = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

const baseUrl = z.string().transform((value, ctx) => {
  const problem = baseUrlProblem(value.trim());
  if (problem === undefined) return value.trim().replace(/\/+$/, "");
  ctx.addIssue({ code: "custom", message: problem });
  return z.NEVER;
});

function baseUrlProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return "must be an absolute URL";
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must use https://";
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    return "must use https://; plain http:// is allowed only to localhost, 127.0.0.0/8 or [::1], so the API key never travels in clear";
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    return "must not carry credentials, a query or a fragment";
  }
  return undefined;
}

const EnvSchema = z.object({
  WOODPECKER_API_KEY: z.preprocess(blankAsUnset, z.string().trim().optional()),
  WOODPECKER_API_BASE_URL: z.preprocess(blankAsUnset, baseUrl.default(DEFAULT_BASE_URL)),
  WOODPECKER_TIMEOUT_MS: milliseconds(30_000),
  WOODPECKER_MAX_RETRIES: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .regex(/^\d+$/, "must be a whole number from 0 to 10")
      .transform(Number)
      .pipe(z.number().int().max(10, "must be at most 10"))
      .default(2),
  ),
  WOODPECKER_DRY_RUN: flag,
  WOODPECKER_SANDBOX: flag,
  WOODPECKER_PROTECTED_DOMAINS: z.preprocess(
    blankAsUnset,
    z
      .string()
      .transform((value, ctx) => {
        const names = new Set<string>();
        for (const item of commaList(value)) {
          const check = normalizeDomainName(item);
          if (check.ok) names.add(check.name);
          else ctx.addIssue({ code: "custom", message: `"${item}" ${check.reason}` });
        }
        return names;
      })
      .default(new Set<string>()),
  ),
  WOODPECKER_ENABLED_TOOLS: z.preprocess(
    blankAsUnset,
    z
      .string()
      .transform((value, ctx) => {
        const names = commaList(value);
        for (const name of names) {
          if (!isToolName(name)) {
            ctx.addIssue({
              code: "custom",
              message: `unknown tool "${name}"; known tools: ${TOOL_NAMES.join(", ")}`,
            });
          }
        }
        if (names.length === 0) ctx.addIssue({ code: "custom", message: "names no tool" });
        return [...new Set(names.filter(isToolName))];
      })
      .default([...TOOL_NAMES]),
  ),
  WOODPECKER_ELICITATION: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["auto", "off"], "must be auto or off"))
      .default("auto"),
  ),
  WOODPECKER_ELICITATION_TIMEOUT_MS: milliseconds(300_000),
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

function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Reads the command line and the environment once. Throws a ConfigError whose message is one
 * line naming the offending variable or flag.
 */
export function parseCli(env: NodeJS.ProcessEnv, argv: readonly string[]): CliRequest {
  let sandboxFlag = false;
  for (const arg of argv) {
    if (arg === "--help" || arg === "-h") return { action: "help" };
    if (arg === "--version" || arg === "-v") return { action: "version" };
    if (arg === "--sandbox") sandboxFlag = true;
    else throw new ConfigError(`unknown argument "${arg}" (try --help)`);
  }
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    throw new ConfigError(`${variable} ${issue?.message ?? "is invalid"}`);
  }
  const vars = parsed.data;
  return {
    action: "serve",
    config: {
      apiKey: vars.WOODPECKER_API_KEY,
      baseUrl: vars.WOODPECKER_API_BASE_URL,
      timeoutMs: vars.WOODPECKER_TIMEOUT_MS,
      maxRetries: vars.WOODPECKER_MAX_RETRIES,
      dryRun: vars.WOODPECKER_DRY_RUN,
      protectedDomains: vars.WOODPECKER_PROTECTED_DOMAINS,
      enabledTools: vars.WOODPECKER_ENABLED_TOOLS,
      elicitation: vars.WOODPECKER_ELICITATION,
      elicitationTimeoutMs: vars.WOODPECKER_ELICITATION_TIMEOUT_MS,
      sandbox: sandboxFlag || vars.WOODPECKER_SANDBOX,
      logLevel: vars.LOG_LEVEL,
    },
  };
}
