import pino, { type Logger } from "pino";
import type { Config } from "../config/parse-cli.js";
import { REDACTED, SecretScrubber } from "./secret.js";

export type { Logger };

/**
 * pino on file descriptor 2: stdout carries JSON-RPC only. The key is removed twice, by path
 * (headers, config) and from every finished line, so nested objects, error causes and
 * JSON-escaped forms are covered.
 */
export function createLogger(
  config: Pick<Config, "apiKey" | "logLevel">,
  destination: pino.DestinationStream = pino.destination({ dest: 2, sync: true }),
): Logger {
  const scrubber = new SecretScrubber(config.apiKey);
  return pino(
    {
      name: "woodpecker-mcp",
      level: config.logLevel,
      redact: {
        paths: ["apiKey", "config.apiKey", 'headers["x-api-key"]', 'request.headers["x-api-key"]'],
        censor: REDACTED,
      },
      hooks: { streamWrite: (line) => scrubber.text(line) },
    },
    destination,
  );
}
