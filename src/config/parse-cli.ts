import type { Link } from "../logging/audit-chain.js";
import { READ_ONLY_TOOL_NAMES, type ToolName } from "../tools/names.js";
import { readArgv } from "./argv.js";
import { ConfigError } from "./config-error.js";
import { LOG_LEVELS, readEnvironment } from "./environment.js";
import { type HttpConfig, readHttpPolicy } from "./http-policy.js";
import { blankAsUnset } from "./values.js";

// Names other modules import from here, as they did before the configuration was split up.
export { ConfigError } from "./config-error.js";
export { DEFAULT_BASE_URL, ENV_VARIABLES } from "./environment.js";
export { DEFAULT_HTTP_PORT, type HttpConfig } from "./http-policy.js";
export { isLoopback } from "./loopback.js";
export { isValidApiKey } from "./values.js";

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
  /** How long one call waits for the person's answer on the approval page, which outlives it. */
  pageWaitMs: number;
  sandbox: boolean;
  /** Where the audit trail is also written, durably; undefined: stderr only. */
  auditFile: string | undefined;
  /** Remote mode (Streamable HTTP); undefined: stdio. */
  http: HttpConfig | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
}

export type CliRequest =
  | { action: "help" }
  | { action: "version" }
  | { action: "verify-audit"; path: string; anchor: Link | undefined }
  | { action: "serve"; config: Config; warnings: string[] };

/**
 * Reads the command line and the environment once. Throws a ConfigError whose message is one
 * line naming the offending variable or flag, and never a value that could be the API key.
 */
export function parseCli(
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
  platform: NodeJS.Platform = process.platform,
): CliRequest {
  const flags = readArgv(argv);
  if (flags.action !== "serve") return flags;
  const { vars, warnings } = readEnvironment(env);
  const readOnly = vars.WOODPECKER_READ_ONLY;
  const tools = vars.WOODPECKER_ENABLED_TOOLS.filter(
    (name) => !readOnly || READ_ONLY_TOOL_NAMES.includes(name),
  );
  if (tools.length === 0) {
    throw new ConfigError(
      "WOODPECKER_ENABLED_TOOLS names only deleting tools, and WOODPECKER_READ_ONLY=true turns them off: no tool is left",
    );
  }
  const sandbox = flags.sandbox || vars.WOODPECKER_SANDBOX;
  const http = readHttpPolicy(vars, { httpFlag: flags.http, sandbox });
  return {
    action: "serve",
    warnings,
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
      pageWaitMs: vars.WOODPECKER_PAGE_WAIT_MS,
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

/** Where a person sits at a screen a browser can open on: macOS, Windows, or a Linux desktop. */
function hasDesktop(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  if (platform === "darwin" || platform === "win32") return true;
  return Boolean(env.DISPLAY?.trim() || env.WAYLAND_DISPLAY?.trim());
}
