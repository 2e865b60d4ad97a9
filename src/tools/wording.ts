import { domainToUnicode } from "node:url";
import type { Preview } from "../results/schema.js";
import { isPlainEmail, isPlainHostname } from "../woodpecker/domain-name.js";
import { sanitize } from "../woodpecker/untrusted-text.js";

// How targets and cascades are named in this server's sentences. A name or email from
// Woodpecker enters a sentence only when it is plainly one; anything else is shown as a quoted,
// labelled excerpt, so that text in Woodpecker's data never reads as this server's own words.

/** `piedpiper.com`, or both forms of an internationalized name: `bücher.de (xn--bcher-kva.de)`. */
export function displayDomain(asciiName: string): string {
  const unicode = domainToUnicode(asciiName);
  return unicode === "" || unicode === asciiName ? asciiName : `${unicode} (${asciiName})`;
}

/** A domain name from Woodpecker, in a sentence: itself when plain, else a labelled quote. */
export function domainFromWoodpecker(name: string): string {
  return isPlainHostname(name) ? displayDomain(name.toLowerCase()) : unusual("domain name", name);
}

/** A mailbox email from Woodpecker, in a sentence: itself when plain, else a labelled quote. */
export function emailFromWoodpecker(email: string): string {
  return isPlainEmail(email) ? email : unusual("email", email);
}

/** Any other text from Woodpecker: always quoted, short, and labelled as Woodpecker's. */
export function quotedFromWoodpecker(text: string, maxLength = 80): string {
  return JSON.stringify(sanitize(text, maxLength));
}

/** Whether an id or date from Woodpecker (a tenant, a client, an expiry) is plainly one. */
export function isPlainValue(value: string): boolean {
  return /^[A-Za-z0-9:.+_-]{1,64}$/.test(value);
}

function unusual(what: string, value: string): string {
  return `[an unusual ${what}, quoted as Woodpecker sent it: ${quotedFromWoodpecker(value, 60)}]`;
}

/**
 * What deleting a domain takes, in words: "piedpiper.com and its 3 mailboxes: richard@…, …", or,
 * when Woodpecker's count differs from what it listed, "piedpiper.com and every mailbox on it
 * (Woodpecker counts 150 mailboxes on piedpiper.com; it listed 2: …)". The emails are plain: a
 * preview holding any other is refused before it is described.
 */
export function describeCascade(preview: Preview, emails: readonly string[], limit = 10): string {
  const domain = displayDomain(preview.domain_name);
  const { mailboxes_count: count, mailboxes_listed: listed } = preview;
  if (count === listed) {
    if (count === 0) return `${domain}, which has no mailboxes`;
    return `${domain} and its ${countOf(count, "mailbox", "mailboxes")}: ${listSome(emails, limit)}`;
  }
  return `${domain} and every mailbox on it (${countNote(preview)}${listed === 0 ? "" : `: ${listSome(emails, limit)}`})`;
}

/** "Woodpecker counts 150 mailboxes on piedpiper.com; it listed 2" */
export function countNote(preview: Preview): string {
  const counted = countOf(preview.mailboxes_count, "mailbox", "mailboxes");
  return `Woodpecker counts ${counted} on ${displayDomain(preview.domain_name)}; it listed ${preview.mailboxes_listed}`;
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
