import { ConfigError } from "./config-error.js";

/** What the command line asks for: one of the actions that print and exit, or to serve. */
export type ArgvRequest =
  | { action: "help" }
  | { action: "version" }
  | { action: "verify-audit"; path: string }
  | { action: "serve"; sandbox: boolean; http: boolean };

/** Reads the flags. The API key is never read from here: `ps` would show it. */
export function readArgv(argv: readonly string[]): ArgvRequest {
  let sandbox = false;
  let http = false;
  for (const [index, arg] of argv.entries()) {
    if (arg === "--help" || arg === "-h") return { action: "help" };
    if (arg === "--version" || arg === "-v") return { action: "version" };
    if (arg === "--verify-audit") {
      const path = argv[index + 1];
      if (path === undefined || argv.length !== 2 || path.startsWith("-")) {
        throw new ConfigError(
          "--verify-audit takes one argument, the audit file: --verify-audit FILE",
        );
      }
      return { action: "verify-audit", path };
    }
    if (arg === "--sandbox") sandbox = true;
    else if (arg === "--http") http = true;
    else throw new ConfigError(unknownArgument(arg));
  }
  return { action: "serve", sandbox, http };
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
