import type { HttpFailure, Meaning } from "./api-failure.js";
import { issueWords } from "./domain-reads.js";
import { displayDomain } from "./wording.js";

/** Woodpecker's documented issue for a mailbox that is not connected (not PAID). */
const NOT_CONNECTED = "cannot_delete_due_to_not_connected_mailbox";

/** The known reasons a mailbox cannot be deleted, in words, with what to do. */
export function mailboxMeanings(domainName: string, email: string) {
  const domain = displayDomain(domainName);
  return {
    notFound: {
      reason: "mailbox_not_found",
      because: `Woodpecker lists no mailbox ${email} on ${domain}`,
      hint: "If it was just deleted, the deletion is done. Otherwise check the address with the user: get_domain lists the domain's mailboxes (lookup ignores case).",
    },
    notConnected: {
      reason: "mailbox_not_connected",
      because: `${email} is not connected (its status is not PAID), and Woodpecker deletes only a connected mailbox`,
      hint: "Do not call again for this mailbox until get_domain shows it PAID. Deleting its whole domain (delete_domain) deletes it too.",
    },
  } as const satisfies Record<string, Meaning>;
}

/**
 * What Woodpecker's answers to a mailbox DELETE mean: a 404, and the issues of a 422
 * `validation_error`, matched by the documented token exactly, or by the whole words `not found`.
 */
export function mailboxMeaning(
  domainName: string,
  email: string,
): (failure: HttpFailure) => Meaning | undefined {
  const meanings = mailboxMeanings(domainName, email);
  return ({ status, body }) => {
    if (status === 404) return meanings.notFound;
    if (status !== 422) return undefined;
    const issues = (body.fields ?? []).map((field) => field.issue);
    if (issues.includes(NOT_CONNECTED)) return meanings.notConnected;
    const words = issues.map(issueWords);
    if (words.some((each) => each.join(" ") === "not found")) return meanings.notFound;
    return undefined;
  };
}
