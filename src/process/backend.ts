import type { Config } from "../config/parse-cli.js";
import type { Logger } from "../logging/logger.js";
import { WoodpeckerClient } from "../woodpecker/client.js";

/** Where the tools' calls go: Woodpecker, the built-in sandbox, or nowhere (no key). */
export interface Backend {
  client: WoodpeckerClient | undefined;
  baseUrl: string;
  close: () => Promise<void>;
}

export async function connectBackend(config: Config, logger: Logger): Promise<Backend> {
  const limits = { timeoutMs: config.timeoutMs, maxRetries: config.maxRetries, logger };
  if (config.sandbox) {
    const { startSandbox } = await import("../sandbox/start.js");
    const sandbox = await startSandbox();
    return {
      client: new WoodpeckerClient({ ...limits, baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }),
      baseUrl: sandbox.baseUrl,
      close: () => sandbox.close(),
    };
  }
  const client =
    config.apiKey === undefined
      ? undefined
      : new WoodpeckerClient({ ...limits, baseUrl: config.baseUrl, apiKey: config.apiKey });
  return { client, baseUrl: config.baseUrl, close: async () => undefined };
}
