import { DEFAULT_BASE_URL, ENV_VARIABLES } from "../config/environment.js";
import { SERVER_NAME } from "../package-info.js";
import { TOOL_NAMES } from "../tools/names.js";
import { readAsString } from "./reading.js";

/**
 * The server's own fixed words, as a Reading reads them: they are never redacted, whatever the
 * key holds. A key may contain `woodpecker` (the README's placeholder does), and the server's
 * sentences, log lines and tool names must still read as written.
 */
export const OWN_WORDS: readonly string[] = [
  "Woodpecker",
  SERVER_NAME,
  // The name on every log line, and the realm of remote mode's bearer challenge.
  "woodpecker-mcp",
  "X-Woodpecker-Api-Key",
  DEFAULT_BASE_URL,
  ...ENV_VARIABLES,
  ...TOOL_NAMES,
].map(readAsString);
