import { SERVER_NAME, SERVER_VERSION } from "../package-info.js";
import { DEFAULT_BASE_URL } from "./parse-cli.js";

export const HELP_TEXT = `${SERVER_NAME} ${SERVER_VERSION}
An MCP server (stdio, or Streamable HTTP with --http) to look at and delete Woodpecker resources
safely: list_domains, get_domain, delete_domain (cascades to every mailbox on the domain),
delete_mailbox (one mailbox; the domain stays), delete_domains (up to 50 domains, one yes for the
set), list_microsoft_credentials and delete_microsoft_credential. Every deletion shows what goes
first and needs a person's yes.

Usage: ${SERVER_NAME} [--sandbox] [--http] [--help] [--version]
       ${SERVER_NAME} --verify-audit FILE [--anchor SEQ:HASH]

  --sandbox            serve every tool from a built-in simulation on 127.0.0.1: no key, no risk
  --http               serve MCP over Streamable HTTP at /mcp (remote mode), not stdio
  --verify-audit FILE  check an audit file's chain and say where it breaks (exit 0 intact, 1 not)
  --anchor SEQ:HASH    with --verify-audit: the seq and hash of a line kept elsewhere (each audit
                       line on stderr carries them): a file cut after that line fails the check
  --help               print this help
  --version            print the version

Environment (read at start; a misspelled name or a bad value stops the server):
  WOODPECKER_API_KEY                 API key (required for real calls; never pass it as an argument)
  WOODPECKER_API_BASE_URL            default ${DEFAULT_BASE_URL}
  WOODPECKER_TIMEOUT_MS              time limit per attempt, default 30000
  WOODPECKER_MAX_RETRIES             retries on 429/5xx/network errors, default 2
  WOODPECKER_MAX_IN_FLIGHT           requests per key outstanding at Woodpecker (1-7), default 4
  WOODPECKER_DRY_RUN                 true: everything but the DELETE (default false)
  WOODPECKER_PROTECTED_DOMAINS       comma-separated domains delete_domain always refuses
  WOODPECKER_READ_ONLY               true: serve only the read tools (default false)
  WOODPECKER_ENABLED_TOOLS           comma-separated tools to serve, default all
  WOODPECKER_ELICITATION             auto (ask the human when the client can) or off
  WOODPECKER_ELICITATION_TIMEOUT_MS  how long to wait for the human, default 300000
  WOODPECKER_CONFIRMATION            auto (the agent may relay the person's yes) or person
  WOODPECKER_APPROVAL                auto, browser or off: the approval page in the person's browser
  WOODPECKER_PAGE_WAIT_MS            how long a call waits for the approval page's answer, default 40000
  WOODPECKER_SANDBOX                 true: same as --sandbox
  WOODPECKER_AUDIT_FILE              durable audit trail (JSON Lines, hash-chained); default stderr only
  WOODPECKER_HTTP_PORT               remote mode: the port (0: any free one; setting it turns remote mode on), default 8080
  WOODPECKER_HTTP_HOST               remote mode: the address to listen on, default 127.0.0.1
  WOODPECKER_HTTP_TOKENS             remote mode: comma-separated bearer tokens clients must send
  WOODPECKER_HTTP_AUTH               remote mode: tokens (default with a server key), key (default without) or oauth
  WOODPECKER_HTTP_SECRET             remote mode with oauth: 32+ random bytes, base64, the same on every replica
  WOODPECKER_HTTP_PUBLIC_URL         remote mode with oauth behind a proxy: the origin clients use (https://…)
  WOODPECKER_HTTP_REPLICA            remote mode with oauth, several replicas: this one's name, in its approval pages' paths
  WOODPECKER_HTTP_ALLOWED_HOSTS      remote mode: host names a request's Host may name besides loopback
  WOODPECKER_HTTP_ALLOWED_ORIGINS    remote mode: origins a request may come from besides loopback
  LOG_LEVEL                          fatal, error, warn, info (default), debug, trace, silent

Logs are JSON on stderr; stdout carries only MCP messages. The audit lines of the deleting
tools are written whatever LOG_LEVEL says.
`;
