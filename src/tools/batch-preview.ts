import type { ChangeReport, Shown } from "../confirmation/deletion.js";
import type { Cascade } from "../confirmation/preview-token.js";
import { itemChange } from "../confirmation/shown-cascades.js";
import { ToolFailure } from "../results/failure.js";
import type { BatchPreview } from "../results/schema.js";
import type { WoodpeckerClient } from "../woodpecker/client.js";
import type { DeletionVia } from "./define.js";
import { type DomainPreview, mailboxLine, readDomainPreview } from "./domain-preview.js";
import { domainMeanings } from "./domain-reads.js";
import { countNote, countOf, describeCascade, displayDomain, listSome } from "./wording.js";

// What deleting several domains takes: each domain read as delete_domain reads it, those that
// Woodpecker would refuse left out, and the rest shown and confirmed as one set.

export type BatchFields = { preview: BatchPreview };

/** How many domains are read at once: each is two GETs, and the client queues the rest per key. */
const DOMAINS_READ_AT_ONCE = 2;

type LeftOut = BatchPreview["left_out"][number];

export interface BatchReading {
  going: DomainPreview[];
  leftOut: LeftOut[];
}

/**
 * Reads every domain and its mailboxes, a few at a time, in the order given, with progress after
 * each. A domain that is not on the account or not ready is left out; any other failure fails
 * the whole call (nothing is deleted that could not be shown), and no further domain is read.
 */
export async function readBatch(
  client: WoodpeckerClient,
  domainNames: readonly string[],
  via: Pick<DeletionVia, "call" | "progress">,
): Promise<BatchReading> {
  const read: (DomainPreview | LeftOut)[] = [];
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < domainNames.length) {
      const index = next;
      next += 1;
      const name = domainNames[index] ?? "";
      try {
        read[index] = await readOrLeaveOut(client, name, via);
      } catch (error) {
        failed = true;
        throw error;
      }
      done += 1;
      via.progress(`read ${done} of ${domainNames.length} domains`);
    }
  };
  const workers = Array.from({ length: DOMAINS_READ_AT_ONCE }, worker);
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((each) => each.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  return {
    going: read.filter((each): each is DomainPreview => "preview" in each),
    leftOut: read.filter((each): each is LeftOut => "reason" in each),
  };
}

async function readOrLeaveOut(
  client: WoodpeckerClient,
  domainName: string,
  via: Pick<DeletionVia, "call">,
): Promise<DomainPreview | LeftOut> {
  try {
    return await readDomainPreview(client, domainName, via.call);
  } catch (error) {
    const reason = error instanceof ToolFailure ? error.details.reason : undefined;
    if (reason !== "domain_not_found" && reason !== "domain_not_ready") throw error;
    const meanings = domainMeanings(domainName);
    const { because } = reason === "domain_not_found" ? meanings.notFound : meanings.notReady;
    return { domain_name: domainName, reason, message: because };
  }
}

/** The reading as it is shown: to the agent in words, to the person as one section per domain. */
export function shownBatch({ going, leftOut }: BatchReading): Shown<BatchFields> {
  const preview = { domains: going.map((each) => each.preview), left_out: leftOut };
  if (going.length === 0) {
    throw new ToolFailure(
      "precondition_failed",
      `Nothing was deleted: none of the domains can be deleted. ${leftOutWords(leftOut)}`,
      "Tell the user why each domain was left out (preview.left_out); call again only with domains that are ready.",
      { retryable: false },
      { preview },
    );
  }
  const count = going.length;
  const value = confirmValue(count);
  const each = going.map(({ preview: domain, mailboxes }) =>
    describeCascade(
      domain,
      mailboxes.map((mailbox) => mailbox.email),
    ),
  );
  return {
    cascade: {
      count,
      items: going.flatMap(({ preview: domain, emails }) => [
        `${domain.domain_name}=${domain.mailboxes_count}`,
        ...emails.map((email) => `${domain.domain_name}/${email}`),
      ]),
    },
    words: `${countOf(count, "domain", "domains")}, each with every mailbox on it: ${each.join("; ")}`,
    ...(leftOut.length === 0 ? {} : { quoted: leftOutWords(leftOut) }),
    question: {
      title: `Delete ${countOf(count, "domain", "domains")} for good?`,
      lead: `Each domain is deleted with every mailbox on it, and none can be recovered.${leftOut.length === 0 ? "" : ` ${leftOutWords(leftOut)}`}`,
      items: [],
      sections: going.map(({ preview: domain, mailboxes }) => ({
        heading: sectionHeading(domain),
        items: mailboxes.map(mailboxLine),
      })),
      instruction: `Type ${value} to confirm.`,
      fieldTitle: `Type ${value} to delete them`,
      accepts: (typed) => namesCount(typed, count),
    },
    fields: { preview },
  };
}

/** What the person types, or the agent relays: `delete 12 domains`. */
export function confirmValue(count: number): string {
  return `delete ${countOf(count, "domain", "domains")}`;
}

/** Whether a typed or relayed value is `delete N domains` for this N (case and spacing aside). */
export function namesCount(typed: string, count: number): boolean {
  const match = /^delete (\d{1,3}) domains?$/.exec(
    typed
      .trim()
      .replace(/^["']|["']$/g, "")
      .toLowerCase()
      .replace(/\s+/g, " "),
  );
  return match !== null && Number(match[1]) === count;
}

/** How the set changed: domains that came or went, counts, and mailboxes. */
export function batchChange(before: Cascade, after: Cascade): ChangeReport {
  const domains = (cascade: Cascade) =>
    new Map(
      cascade.items
        .filter((item) => item.includes("="))
        .map((item) => item.split("=") as [string, string]),
    );
  const [was, is] = [domains(before), domains(after)];
  const mailboxes = (cascade: Cascade) =>
    cascade.items.filter((item) => item.includes("/")).map((item) => item.split("/")[1] ?? "");
  const { added, removed } = itemChange(mailboxes(before), mailboxes(after));
  const change = {
    domains_added: [...is.keys()].filter((name) => !was.has(name)).sort(),
    domains_removed: [...was.keys()].filter((name) => !is.has(name)).sort(),
    counts_changed: [...is]
      .filter(([name, n]) => was.has(name) && was.get(name) !== n)
      .map(([name]) => name),
    mailboxes_added: added,
    mailboxes_removed: removed,
  };
  const words = [
    change.domains_added.length > 0 ? `domains added: ${listSome(change.domains_added, 5)}` : "",
    change.domains_removed.length > 0
      ? `domains left out now: ${listSome(change.domains_removed, 5)}`
      : "",
    change.counts_changed.length > 0
      ? `Woodpecker's mailbox count changed on ${listSome(change.counts_changed, 5)}`
      : "",
    added.length > 0 ? `mailboxes added: ${listSome(added, 5)}` : "",
    removed.length > 0 ? `mailboxes removed: ${listSome(removed, 5)}` : "",
  ].filter(Boolean);
  return { words: words.join("; ") || "the domains' details changed", cascade_change: change };
}

function sectionHeading(domain: BatchPreview["domains"][number]): string {
  const name = displayDomain(domain.domain_name);
  if (domain.mailboxes_count !== domain.mailboxes_listed) return `${countNote(domain)}:`;
  if (domain.mailboxes_count === 0) return `${name}: no mailboxes`;
  return `${name}: ${countOf(domain.mailboxes_count, "mailbox", "mailboxes")}`;
}

function leftOutWords(leftOut: readonly LeftOut[]): string {
  if (leftOut.length === 0) return "";
  return `Left out, as Woodpecker would refuse ${leftOut.length === 1 ? "it" : "them"}: ${leftOut.map((each) => each.message).join("; ")}.`;
}
