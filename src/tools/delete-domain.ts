import * as z from "zod";
import type { ChangeReport, Shown } from "../confirmation/deletion.js";
import type { Cascade } from "../confirmation/preview-token.js";
import { itemChange } from "../confirmation/shown-cascades.js";
import {
  COMMON_ERROR_KINDS,
  CONFIRMATION_ERROR_KINDS,
  DOMAIN_GUARD_ERROR_KINDS,
  ToolFailure,
} from "../results/failure.js";
import {
  CascadeChangeSchema,
  type ConfirmedBy,
  ConfirmedBySchema,
  confirmationSchema,
  type Preview,
  PreviewSchema,
  resultSchema,
  type ToolAnswer,
} from "../results/schema.js";
import { ApiError } from "../woodpecker/api-error.js";
import type { CallOptions, WoodpeckerClient } from "../woodpecker/client.js";
import { isPlainEmail, normalizeDomainName } from "../woodpecker/domain-name.js";
import type { Mailbox } from "../woodpecker/responses.js";
import { explainFailures } from "./api-failure.js";
import { DELETES, type DeletionVia, defineTool, type ToolDeletion } from "./define.js";
import {
  domainMeaning,
  domainMeanings,
  isNotFound,
  previewOf,
  readDomain,
} from "./domain-reads.js";
import { DomainNameInput, PreviewTokenInput } from "./inputs.js";
import { requireAccount } from "./require-account.js";
import {
  countNote,
  countOf,
  describeCascade,
  displayDomain,
  listSome,
  quotedFromWoodpecker,
} from "./wording.js";

const outputSchema = resultSchema({
  statuses: ["deletion_accepted", "dry_run", "confirmation_required"],
  errorKinds: [...COMMON_ERROR_KINDS, ...CONFIRMATION_ERROR_KINDS, ...DOMAIN_GUARD_ERROR_KINDS],
  reasons: ["domain_not_found", "domain_not_ready", "domain_deletion_in_progress"],
  fields: {
    domain_name: z.string().optional().describe("The normalized (ASCII) domain name."),
    preview: PreviewSchema.optional(),
    confirmation: confirmationSchema(CascadeChangeSchema).optional(),
    confirmed_by: ConfirmedBySchema.optional(),
    verified_by_read: z
      .literal(true)
      .optional()
      .describe(
        "The DELETE's last answer was ambiguous (a retry after an attempt that may have landed); a read afterwards showed the domain gone or being deleted.",
      ),
  },
});

type Fields = { preview: Preview };

export const deleteDomain = defineTool({
  name: "delete_domain",
  title: "Delete a Woodpecker domain and all its mailboxes",
  annotations: DELETES,
  description: [
    "Requests deletion of a domain from the Woodpecker account. IRREVERSIBLE and CASCADING: every mailbox on the domain is deleted with it and cannot be recovered. Woodpecker accepts the request (status deletion_accepted) and deletes asynchronously; get_domain follows it.",
    "Every call first reads the domain and its mailboxes and returns them as `preview`; nothing is deleted that could not be shown.",
    "Confirmation: the user is asked on the first call to type the domain name, in the client's form or, where it shows none, on an approval page this server opens in their browser. Where neither is possible, the first call answers status confirmation_required (a question, not an error) with the preview and confirmation.preview_token: show the user which mailboxes go and ask them; only if they agree, call again with confirm set to the domain name and preview_token exactly as given, within 10 minutes. If what the deletion takes changed in between, the answer is confirmation_required again (confirmation.reason cascade_changed) with a new token: show the new list and ask again.",
    "Known refusals (error.reason): domain_not_found; domain_not_ready (kind precondition_failed: wait until is_ready); domain_deletion_in_progress (nothing more to do).",
  ].join("\n\n"),
  inputSchema: z.strictObject({
    domain_name: DomainNameInput,
    confirm: z
      .string()
      .max(1_000)
      .optional()
      .describe(
        "Leave out on the first call. Once the user agreed to delete what the preview showed: the domain name.",
      ),
    preview_token: PreviewTokenInput,
  }),
  outputSchema,
  target: ({ domain_name }) => ({ domain_name }),
  async handler({ domain_name, confirm, preview_token }, context): Promise<Answer> {
    const domain = displayDomain(domain_name);
    if (context.config.protectedDomains.has(domain_name)) {
      throw new ToolFailure(
        "protected",
        `Not deleted: ${domain} is listed in WOODPECKER_PROTECTED_DOMAINS, so this server refuses to delete it.`,
        "Do not try to delete this domain. Only the person who runs this server can change WOODPECKER_PROTECTED_DOMAINS.",
        { retryable: false },
      );
    }
    const { client } = requireAccount(context);
    return context.delete(domainDeletion(client, domain_name), {
      confirm,
      previewToken: preview_token,
    });
  },
});

type Answer = ToolAnswer<typeof outputSchema>;

/** Sends the DELETE of what the person agreed to, and says what came of it. */
async function carryOut(
  client: WoodpeckerClient,
  domainName: string,
  shown: Shown<Fields>,
  by: ConfirmedBy,
  via: DeletionVia,
): Promise<Answer> {
  const domain = displayDomain(domainName);
  const { preview } = shown.fields;
  const outcome = await explainFailures(
    via.sendDelete({
      key: `domain:${domainName}`,
      description: `DELETE /domains/${domainName}`,
      send: (options) => deleteAndSettle(client, domainName, options),
    }),
    { step: "delete", what: `domain ${domain}`, meaning: domainMeaning(domainName) },
    { preview },
  );
  if (outcome.dryRun) {
    return {
      status: "dry_run",
      domain_name: domainName,
      preview,
      confirmed_by: by,
      message: `${shown.words} would be deleted: every check and the confirmation passed, but no DELETE was sent and nothing was deleted.`,
    };
  }
  const { sent } = outcome;
  const shared = outcome.joined
    ? " Another call was already deleting this domain, so this one sent no second DELETE."
    : "";
  const accepted =
    sent.settledBy === undefined
      ? `Woodpecker accepted the deletion of ${shown.words} (HTTP ${sent.status})`
      : `The deletion of ${shown.words} is under way: an earlier attempt of this DELETE reached Woodpecker before its answer was lost, and a read afterwards shows the domain ${sent.settledBy === "gone" ? "gone" : "still there, being deleted as Woodpecker said"}`;
  return {
    status: "deletion_accepted",
    domain_name: domainName,
    preview,
    confirmed_by: by,
    ...(sent.settledBy === undefined
      ? { http_status: sent.status }
      : { verified_by_read: true as const }),
    attempts: sent.attempts,
    message: `${accepted}. It cannot be undone and runs asynchronously: get_domain follows it, and answers not_found once it is done.${shared}`,
  };
}

/** What the DELETE ended in: Woodpecker's answer, or a read that settled an ambiguous one. */
interface Sent {
  status: number;
  attempts: number;
  /** Set when a read settled an ambiguous answer: the domain is gone, or being deleted. */
  settledBy?: "gone" | "being_deleted";
}

/**
 * Sends the DELETE. When its last answer came on a retry after an attempt that Woodpecker may have
 * carried out (a reset, a timeout, a 5xx), that answer alone does not tell what happened: one
 * more GET settles it. Gone, or still there and being deleted as Woodpecker said: accepted.
 * Anything else: the answer as it came, which says the DELETE may have happened.
 */
async function deleteAndSettle(
  client: WoodpeckerClient,
  domainName: string,
  options: CallOptions,
): Promise<Sent> {
  try {
    return await client.deleteDomain(domainName, options);
  } catch (error) {
    if (!(error instanceof ApiError) || !error.earlierMayHaveLanded) throw error;
    const said =
      error.reason.type === "http" ? domainMeaning(domainName)(error.reason)?.reason : undefined;
    const settled = {
      status: error.reason.type === "http" ? error.reason.status : 0,
      attempts: error.attempts,
    };
    // A read, not an attempt of the DELETE: it does not count as one.
    const { onSend: _notAnAttempt, ...read } = options;
    try {
      await client.getDomain(domainName, read);
    } catch (readError) {
      if (isNotFound(readError)) return { ...settled, settledBy: "gone" };
      throw error;
    }
    if (said === "domain_deletion_in_progress") return { ...settled, settledBy: "being_deleted" };
    throw error;
  }
}

/** What delete_domain hands the confirmation engine. */
function domainDeletion(
  client: WoodpeckerClient,
  domainName: string,
): ToolDeletion<Fields, Answer> {
  return {
    binding: { tool: "delete_domain", target: domainName },
    name: displayDomain(domainName),
    confirmValue: domainName,
    valueKind: "the domain name",
    accepts: (value) => namesDomain(value, domainName),
    read: (via) => readPreview(client, domainName, via.call),
    change: mailboxChange,
    carryOut: (shown, by, via) => carryOut(client, domainName, shown, by, via),
  };
}

/**
 * The preview: the domain and every mailbox it lists, read now. A domain that is not ready, or
 * whose mailboxes cannot all be named plainly, is refused here: no one is asked, nothing is sent.
 */
async function readPreview(
  client: WoodpeckerClient,
  domainName: string,
  call: CallOptions,
): Promise<Shown<Fields>> {
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
  const emails = read.mailboxes.map((mailbox) => mailbox.email);
  return {
    cascade: {
      count: preview.mailboxes_count,
      items: emails.map((email) => email.toLowerCase()),
    },
    words: describeCascade(preview, emails),
    listing:
      preview.mailboxes_count === preview.mailboxes_listed
        ? "preview lists every mailbox"
        : `${countNote(preview)}, and preview lists those it listed`,
    question: question(preview, read.mailboxes),
    fields: { preview },
  };
}

/** What a person is asked: the domain in both forms, every mailbox that goes, what to type. */
function question(preview: Preview, mailboxes: readonly Mailbox[]): Shown<Fields>["question"] {
  const domain = displayDomain(preview.domain_name);
  const { mailboxes_count: count, mailboxes_listed: listed } = preview;
  const lead =
    count !== listed
      ? `${countNote(preview)}. Every mailbox on the domain is deleted with it and cannot be recovered${listed === 0 ? "." : ". Those it listed:"}`
      : count === 0
        ? "It has no mailboxes."
        : `${count === 1 ? "Its mailbox is" : `Its ${count} mailboxes are`} deleted with it and cannot be recovered:`;
  return {
    title: `Delete ${domain} for good?`,
    lead,
    items: mailboxes.map(({ email, status }) =>
      /^[A-Z_]{1,20}$/.test(status) ? `${email} (${status})` : email,
    ),
    instruction: "Type the domain name to confirm.",
    fieldTitle: `Type ${domain} to delete it`,
    accepts: (typed) => namesDomain(typed, preview.domain_name),
  };
}

function mailboxChange(before: Cascade, after: Cascade): ChangeReport {
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

function namesDomain(typed: string, domainName: string): boolean {
  const check = normalizeDomainName(typed);
  return check.ok && check.name === domainName;
}
