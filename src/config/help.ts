import { DEFAULT_BASE_URL } from "./parse-cli.js";
import { SERVER_NAME, SERVER_VERSION } from "../package-info.js";

export const HELP_TEXT = `${SERVER_NAME} ${SERVER_VERSION}
An MCP server (stdio) for Woodpecker's destructive account operations:
delete_domain (cascades to every mailbox on the domain) and delete_microsoft_credential.

Usage: ${SERVER_NAME} [--sandbox] [--help] [--version]

  --sandbox   serve both tools from a built-in simulation on 127.0.0.1: no key, no risk
  --help      print this help
  --version   print the version

Environment:
  WOODPECKER_API_KEY                 API key (required for real calls; never pass it as an argument)
  WOODPECKER_API_BASE_URL            default ${DEFAULT_BASE_URL}
  WOODPECKER_TIMEOUT_MS              time limit per attempt, default 30000
  WOODPECKER_MAX_RETRIES             retries on 429/5xx/network errors, default 2
  WOODPECKER_DRY_RUN                 true: validate and report, delete nothing (default false)
  WOODPECKER_PROTECTED_DOMAINS       comma-separated domains delete_domain always refuses
  WOODPECKER_ENABLED_TOOLS           comma-separated tools to expose, default both
  WOODPECKER_ELICITATION             auto (ask the human when the client can) or off
  WOODPECKER_ELICITATION_TIMEOUT_MS  how long to wait for the human, default 300000
  WOODPECKER_SANDBOX                 true: same as --sandbox
  LOG_LEVEL                          fatal, error, warn, info (default), debug, trace, silent

Logs are JSON on stderr; stdout carries only MCP messages.
`;
