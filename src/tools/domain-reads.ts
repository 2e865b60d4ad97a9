import { ApiError } from "../woodpecker/api-error.js";
import type { CallOptions, WoodpeckerClient } from "../woodpecker/client.js";
import type { DomainDetails, Mailbox } from "../woodpecker/responses.js";
import { PREVIEW_MAILBOX_LIMIT, type Preview } from "../results/schema.js";
import { apiFailure, type HttpFailure, type Meaning } from "./api-failure.js";
import { displayDomain } from "./wording.js";

export interface DomainRead {
  details: DomainDetails;
  mailboxes: Mailbox[];
}

/**
 * Reads a domain and its mailboxes, both GETs at once. A 404 from either means the domain is not
 * on the account, and is answered at once: the other read is not waited for (nor cut short, which
 * would keep its place in Woodpecker's queue taken). Any other failure fails the call: nothing is
 * deleted that could not be shown.
 */
export async function readDomain(
  client: WoodpeckerClient,
  domainName: string,
  step: "preview" | "read",
  call: CallOptions,
): Promise<DomainRead> {
  const reads = [
    client.getDomain(domainName, call),
    client.listDomainMailboxes(domainName, call),
  ] as const;
  const notFound = new Promise<never>((_, reject) => {
    for (const read of reads) read.catch((error: unknown) => isNotFound(error) && reject(error));
  });
  const [details, mailboxes] = await Promise.race([Promise.allSettled(reads), notFound]).catch(
    (error: unknown) => {
      throw failureOf(error, domainName, step);
    },
  );
  if (details.status === "fulfilled" && mailboxes.status === "fulfilled") {
    return { details: details.value.data, mailboxes: mailboxes.value.data };
  }
  const failures = [details, mailboxes].flatMap((read): unknown[] =>
    read.status === "rejected" ? [read.reason] : [],
  );
  throw failureOf(failures.find(isNotFound) ?? failures[0], domainName, step);
}

function failureOf(failure: unknown, domainName: string, step: "preview" | "read"): unknown {
  if (!(failure instanceof ApiError)) return failure;
  return apiFailure(failure, {
    step,
    what: `domain ${displayDomain(domainName)}`,
    meaning: domainMeaning(domainName),
  });
}

/** What deleting the domain takes: Woodpecker's count, and what it listed (the first 100 carried). */
export function previewOf(domainName: string, { details, mailboxes }: DomainRead): Preview {
  return {
    domain_name: domainName,
    is_ready: details.is_ready,
    provider: details.provider,
    mailboxes_count: details.mailboxes_count,
    mailboxes_listed: mailboxes.length,
    mailboxes: mailboxes
      .slice(0, PREVIEW_MAILBOX_LIMIT)
      .map(({ email, status }) => ({ email, status })),
    mailboxes_truncated: mailboxes.length > PREVIEW_MAILBOX_LIMIT,
  };
}

/** The known reasons a domain cannot be deleted, in words, with what to do. */
export function domainMeanings(domainName: string) {
  const domain = displayDomain(domainName);
  return {
    notFound: {
      reason: "domain_not_found",
      because: `Woodpecker has no domain ${domain} on this account`,
      hint: "If it was just deleted, the deletion is done. Otherwise check the name with the user: list_domains lists the domains of the account (lookup ignores case).",
    },
    notReady: {
      reason: "domain_not_ready",
      because: `${domain} is not ready yet (is_ready is false), and Woodpecker deletes a domain only once it is`,
      hint: "Wait until its setup finishes (get_domain shows is_ready), then ask the user again.",
    },
    inProgress: {
      reason: "domain_deletion_in_progress",
      because: `${domain} is already being deleted`,
      hint: "Nothing more to do: do not call again. get_domain answers not_found once the deletion is done.",
    },
  } as const satisfies Record<string, Meaning>;
}

/**
 * What Woodpecker's domain answers mean: a 404, and the issues of a 422 `validation_error`. The
 * page documents only the issue `not_found`; the others are read by whole words that say the
 * reason (`not_ready`, `already_being_deleted`, `deletion_in_progress`), never by a part of a word
 * ("already" holds "ready") nor by one word alone ("ready", "already" say nothing by themselves).
 */
export function domainMeaning(domainName: string): (failure: HttpFailure) => Meaning | undefined {
  const meanings = domainMeanings(domainName);
  return ({ status, body }) => {
    if (status === 404) return meanings.notFound;
    if (status !== 422) return undefined;
    const issues = (body.fields ?? []).map((field) => issueWords(field.issue));
    if (issues.some((words) => has(words, "not", "found"))) return meanings.notFound;
    if (issues.some(meansBeingDeleted)) return meanings.inProgress;
    if (issues.some(meansNotReady)) return meanings.notReady;
    return undefined;
  };
}

function meansBeingDeleted(words: readonly string[]): boolean {
  return (
    has(words, "being", "deleted") ||
    has(words, "in", "progress") ||
    has(words, "pending", "deletion") ||
    words.includes("deleting")
  );
}

function meansNotReady(words: readonly string[]): boolean {
  return has(words, "not", "ready") || words.includes("unready") || has(words, "ready", "false");
}

/** `already_being_deleted` → ["already", "being", "deleted"]. */
export function issueWords(issue: string): string[] {
  return issue
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether `second` follows `first` somewhere among the words. */
function has(words: readonly string[], first: string, second: string): boolean {
  return words.some((word, index) => word === first && words[index + 1] === second);
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.reason.type === "http" && error.reason.status === 404;
}
