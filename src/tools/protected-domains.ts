import type { Config } from "../config/parse-cli.js";
import { ToolFailure } from "../results/failure.js";
import { displayDomain } from "./wording.js";

/**
 * `protected` before anything is read or sent when any of the domains is listed in
 * WOODPECKER_PROTECTED_DOMAINS: a call that names one deletes none.
 */
export function refuseProtected(
  config: Pick<Config, "protectedDomains">,
  domainNames: readonly string[],
  /** What is refused, for one domain: "it", "any mailbox on it". */
  what = "it",
): void {
  const listed = domainNames.filter((name) => config.protectedDomains.has(name));
  if (listed.length === 0) return;
  const names = listed.map(displayDomain).join(", ");
  const which = domainNames.length === 1 ? names : `${names} (of the domains asked for)`;
  throw new ToolFailure(
    "protected",
    `Not deleted: ${which} ${listed.length === 1 ? "is" : "are"} listed in WOODPECKER_PROTECTED_DOMAINS, so this server refuses to delete ${domainNames.length === 1 ? what : "any of them"}.`,
    `Do not try to delete ${listed.length === 1 ? "this domain" : "these domains"}. Only the person who runs this server can change WOODPECKER_PROTECTED_DOMAINS.`,
    { retryable: false },
  );
}
