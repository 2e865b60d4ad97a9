import { type Link, parseAnchor } from "../logging/audit-chain.js";
import { ConfigError } from "./config-error.js";

/** What the command line asks for: one of the actions that print and exit, or to serve. */
export type ArgvRequest =
  | { action: "help" }
  | { action: "version" }
  | { action: "verify-audit"; path: string; anchor: Link | undefined }
  | { action: "serve"; sandbox: boolean; http: boolean };

/** Reads the flags. The API key is never read from here: `ps` would show it. */
export function readArgv(argv: readonly string[]): ArgvRequest {
  let sandbox = false;
  let http = false;
  for (const [index, arg] of argv.entries()) {
    if (arg === "--help" || arg === "-h") return { action: "help" };
    if (arg === "--version" || arg === "-v") return { action: "version" };
    if (arg === "--verify-audit") return verifyAuditRequest(argv, index);
    if (arg === "--sandbox") sandbox = true;
    else if (arg === "--http") http = true;
    else throw new ConfigError(unknownArgument(arg));
  }
  return { action: "serve", sandbox, http };
}

/** `--verify-audit FILE [--anchor SEQ:HASH]`, the only arguments then. */
function verifyAuditRequest(argv: readonly string[], index: number): ArgvRequest {
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
