import type { ChangeReport } from "../confirmation/deletion.js";
import type { Cascade } from "../confirmation/preview-token.js";
import { itemChange } from "../confirmation/shown-cascades.js";
import { ToolFailure } from "../results/failure.js";
import type { Preview } from "../results/schema.js";
import type { CallOptions, WoodpeckerClient } from "../woodpecker/client.js";
import { isPlainEmail, normalizeDomainName } from "../woodpecker/domain-name.js";
import type { Mailbox } from "../woodpecker/responses.js";
import { domainMeanings, previewOf, readDomain } from "./domain-reads.js";
import { countOf, displayDomain, listSome, quotedFromWoodpecker } from "./wording.js";

// What deleting a domain takes, as delete_domain and delete_domains both read and show it.

export interface DomainPreview {
  preview: Preview;
  mailboxes: Mailbox[];
  /** Every listed email, lowercased: the cascade's items. */
  emails: string[];
}

/**
 * The preview of one domain: the domain and every mailbox it lists, read now. A domain that is
 * not on the account (`domain_not_found`) or not ready (`domain_not_ready`), or whose mailboxes
 * cannot all be named plainly, is refused here: no one is asked, nothing is sent.
 */
export async function readDomainPreview(
  client: WoodpeckerClient,
  domainName: string,
  call: CallOptions,
): Promise<DomainPreview> {
  const read = await readDomain(client, domainName, "preview", call);
  const preview = previewOf(domainName, read);
  if (!preview.is_ready) {
    const { because, hint } = domainMeanings(domainName).notReady;
    throw new ToolFailure(
      "precondition_failed",
      `Nothing was deleted: ${because}.`,
      hint,
      { reason: "domain_not_ready", retryable: false },
      { preview },
    );
  }
  const unusual = read.mailboxes.find((mailbox) => !isPlainEmail(mailbox.email));
  if (unusual !== undefined) {
    throw new ToolFailure(
      "unexpected_response",
      `Nothing was deleted: Woodpecker listed a mailbox on ${displayDomain(domainName)} whose email is not a plain address, so what deleting the domain takes cannot be shown safely. That email, quoted as Woodpecker sent it: ${quotedFromWoodpecker(unusual.email)}.`,
      "Do not try to delete this domain through this server: tell the user to look at its mailboxes in Woodpecker.",
      { retryable: false },
    );
  }
  return {
    preview,
    mailboxes: read.mailboxes,
    emails: read.mailboxes.map((mailbox) => mailbox.email.toLowerCase()),
  };
}

/** A mailbox as a person is shown it: `richard@piedpiper.com (PAID)`. */
export function mailboxLine({ email, status }: Pick<Mailbox, "email" | "status">): string {
  return /^[A-Z_]{1,20}$/.test(status) ? `${email} (${status})` : email;
}

/** How the mailboxes of a domain changed, in words and as the result's `cascade_change`. */
export function mailboxChange(before: Cascade, after: Cascade): ChangeReport {
  const { added, removed } = itemChange(before.items, after.items);
  const words = [
    added.length > 0 ? `added: ${listSome(added, 5)}` : "",
    removed.length > 0 ? `removed: ${listSome(removed, 5)}` : "",
    before.count === after.count
      ? ""
      : `Woodpecker's count went from ${countOf(before.count, "mailbox", "mailboxes")} to ${after.count}`,
  ].filter(Boolean);
  return {
    words: words.join("; ") || "the domain's details changed",
    cascade_change: { mailboxes_added: added, mailboxes_removed: removed },
  };
}

/** Whether a typed or relayed value names the domain, in either of its forms. */
export function namesDomain(typed: string, domainName: string): boolean {
  const check = normalizeDomainName(typed);
  return check.ok && check.name === domainName;
}
