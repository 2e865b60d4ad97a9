import { ToolFailure } from "./result.js";
import type { WoodpeckerClient } from "../woodpecker/client.js";
import type { ToolContext } from "./define.js";

export function requireClient(context: ToolContext): WoodpeckerClient {
  if (context.client === undefined) {
    throw new ToolFailure(
      "not_configured",
      "No Woodpecker API key is configured, so nothing can be deleted.",
      "Ask the user to set WOODPECKER_API_KEY in this server's environment (or start it with --sandbox to rehearse against a simulation), then call again.",
    );
  }
  return context.client;
}
