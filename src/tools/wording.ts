import { domainToUnicode } from "node:url";
import type { Preview } from "../results/schema.js";

// How targets and cascades are named in messages and prompts.

/** `piedpiper.com`, or both forms of an internationalized name: `bücher.de (xn--bcher-kva.de)`. */
export function displayDomain(asciiName: string): string {
  const unicode = domainToUnicode(asciiName);
  return unicode === "" || unicode === asciiName ? asciiName : `${unicode} (${asciiName})`;
}

/** "piedpiper.com and its 3 mailboxes: richard@piedpiper.com, …" (at most `limit` listed). */
export function describeCascade(preview: Preview, limit = 10): string {
  const domain = displayDomain(preview.domain_name);
  if (preview.mailboxes_count === 0) return `${domain}, which has no mailboxes`;
  const emails = preview.mailboxes.map((mailbox) => mailbox.email);
  return `${domain} and its ${countOf(preview.mailboxes_count, "mailbox", "mailboxes")}: ${listSome(emails, limit, preview.mailboxes_count)}`;
}

/** "a, b, c and 7 more": at most `limit` items, out of `total`. */
export function listSome(items: readonly string[], limit: number, total = items.length): string {
  const shown = items.slice(0, limit);
  const more = total - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/** "1 mailbox", "3 mailboxes". */
export function countOf(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "150 ms", "30 s", "5 minutes". */
export function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  return `${Math.round(ms / 60_000)} minutes`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
