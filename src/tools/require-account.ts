import { ToolFailure } from "../results/failure.js";
import type { Account, ToolContext } from "./define.js";

/** The account the call acts on, or not_configured before anything is read, asked or sent. */
export function requireAccount(context: ToolContext): Account {
  if (context.account === undefined) {
    throw new ToolFailure(
      "not_configured",
      "No Woodpecker API key is configured, so nothing can be read or deleted.",
      "Ask the user to set WOODPECKER_API_KEY in this server's environment (or to start it with --sandbox to rehearse against a simulation), then call again.",
      { retryable: false },
    );
  }
  return context.account;
}
