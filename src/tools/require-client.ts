import type { WoodpeckerClient } from "../woodpecker/client.js";
import type { ToolContext } from "./define.js";
import { ToolFailure } from "../results/failure.js";

/** The Woodpecker client, or not_configured before anything is read, asked or sent. */
export function requireClient(context: ToolContext): WoodpeckerClient {
  if (context.client === undefined) {
    throw new ToolFailure(
      "not_configured",
      "No Woodpecker API key is configured, so nothing can be read or deleted.",
      "Ask the user to set WOODPECKER_API_KEY in this server's environment (or to start it with --sandbox to rehearse against a simulation), then call again.",
      { retryable: false },
    );
  }
  return context.client;
}
