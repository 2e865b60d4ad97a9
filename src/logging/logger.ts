import pino, { type Logger } from "pino";
import type { Config } from "../config/parse-cli.js";
import { REDACTED, SecretSet } from "./secret.js";

export type { Logger };

/**
 * pino on file descriptor 2: stdout carries JSON-RPC only. Secrets are removed twice, by path
 * (headers, config) and from every finished line, so nested objects, error causes and
 * JSON-escaped forms are covered. `secrets` holds the key, and in remote mode also the bearer
 * tokens and the keys requests carry, as they come.
 */
export function createLogger(
  config: Pick<Config, "apiKey" | "logLevel">,
  destination: pino.DestinationStream = pino.destination({ dest: 2, sync: true }),
  secrets: SecretSet = new SecretSet([config.apiKey]),
): Logger {
  return pino(
    {
      name: "woodpecker-mcp",
      level: config.logLevel,
      redact: {
        paths: [
          "apiKey",
          "config.apiKey",
          'headers["x-api-key"]',
          'request.headers["x-api-key"]',
          "headers.authorization",
          'headers["x-woodpecker-api-key"]',
        ],
        censor: REDACTED,
      },
      hooks: { streamWrite: (line) => secrets.text(line) },
    },
    destination,
  );
}
