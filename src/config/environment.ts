import * as z from "zod";
import { TOOL_NAMES } from "../tools/names.js";
import { WOODPECKER_ACCEPTS } from "../woodpecker/request-queue.js";
import { ConfigError } from "./config-error.js";
import {
  apiKey,
  baseUrl,
  blankAsUnset,
  booleanValue,
  enabledTools,
  flag,
  hostNames,
  origins,
  protectedDomains,
  publicUrl,
  safetySwitch,
  sealingSecret,
  tokens,
  wholeNumber,
} from "./values.js";
import { checkVariableNames } from "./variable-names.js";

export const DEFAULT_BASE_URL = "https://api.woodpecker.co/rest/v2";
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

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
  WOODPECKER_PAGE_WAIT_MS: wholeNumber(40_000, 1, 600_000, "milliseconds"),
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
  WOODPECKER_HTTP_AUTH: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["tokens", "key", "oauth"], "must be tokens, key or oauth"))
      .optional(),
  ),
  WOODPECKER_HTTP_SECRET: z.preprocess(blankAsUnset, sealingSecret.optional()),
  WOODPECKER_HTTP_PUBLIC_URL: z.preprocess(blankAsUnset, publicUrl.optional()),
  WOODPECKER_HTTP_REPLICA: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "must be a short name: letters, digits and -, at most 32")
      .optional(),
  ),
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

export type Environment = z.output<typeof EnvSchema>;

/**
 * Reads every variable of the server from the environment, with the warnings to give at start.
 * Throws a ConfigError naming the variable when one is misspelled or its value is bad.
 */
export function readEnvironment(env: NodeJS.ProcessEnv): {
  vars: Environment;
  warnings: string[];
} {
  const names = checkVariableNames(Object.keys(env), ENV_VARIABLES);
  if (names.misspelled.length > 0) throw new ConfigError(names.misspelled.join("; "));
  const filled = withoutUnfilledPlaceholders(env);
  const parsed = EnvSchema.safeParse(filled.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    throw new ConfigError(`${variable} ${issue?.message ?? "is invalid"}`);
  }
  return { vars: parsed.data, warnings: [...filled.warnings, ...names.ignored] };
}

/** A bundle's placeholder for a setting, as a host that did not fill it in passes it on. */
const UNFILLED_PLACEHOLDER = /^\$\{user_config\.[A-Za-z0-9_]+\}$/;

/**
 * Some MCP Bundle hosts pass a setting the user left blank as the manifest's own
 * `${user_config.NAME}`, not as "": such a value of one of this server's variables is unset, with
 * a warning naming the variable.
 */
function withoutUnfilledPlaceholders(env: NodeJS.ProcessEnv): {
  env: NodeJS.ProcessEnv;
  warnings: string[];
} {
  const unfilled = ENV_VARIABLES.filter((name) => UNFILLED_PLACEHOLDER.test(env[name] ?? ""));
  if (unfilled.length === 0) return { env, warnings: [] };
  return {
    env: Object.fromEntries(Object.entries(env).filter(([name]) => !unfilled.includes(name))),
    warnings: unfilled.map(
      (name) =>
        `${name} holds ${env[name] ?? ""}, a placeholder the MCP host did not fill in (a setting left blank): read as unset`,
    ),
  };
}
