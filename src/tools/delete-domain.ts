import * as z from "zod";
import { normalizeDomainName } from "../woodpecker/domain-name.js";
import { explainFailures } from "./api-failure.js";
import { DELETES, defineTool, type HumanAnswer, type HumanQuestion } from "./define.js";
import { domainMeaning, domainMeanings, previewOf, readDomain } from "./domain-reads.js";
import { DomainNameInput } from "./inputs.js";
import { normalizeSet, PREVIEW_TTL_MS, type PreviewLedger } from "./preview-ledger.js";
import { requireClient } from "./require-client.js";
import {
  type CascadeChange,
  CascadeChangeSchema,
  type Preview,
  PreviewSchema,
  resultSchema,
  type ToolSuccess,
} from "../results/schema.js";
import { ERROR_KINDS, ToolFailure } from "../results/failure.js";
import { describeCascade, displayDomain, duration, listSome } from "./wording.js";

const PROMPT_MAILBOX_LIMIT = 10;
const TTL = duration(PREVIEW_TTL_MS);

const outputSchema = resultSchema({
  statuses: ["deletion_accepted", "dry_run"],
  errorKinds: ERROR_KINDS,
  reasons: [
    "domain_not_found",
    "domain_not_ready",
    "domain_deletion_in_progress",
    "cascade_changed",
  ],
  fields: {
    domain_name: z.string().optional().describe("The normalized (ASCII) domain name."),
    preview: PreviewSchema.optional(),
    cascade_change: CascadeChangeSchema.optional(),
  },
});

export const deleteDomain = defineTool({
  name: "delete_domain",
  title: "Delete a Woodpecker domain and all its mailboxes",
  annotations: DELETES,
  description: [
    "Requests deletion of a domain from the Woodpecker account. IRREVERSIBLE and CASCADING: every mailbox on the domain is deleted with it and cannot be recovered. Woodpecker accepts the request (status deletion_accepted) and deletes asynchronously; get_domain follows it.",
    "Every call first reads the domain and its mailboxes and returns them as `preview`; nothing is deleted that could not be shown.",
    `Confirmation: when the client can show a form, the user is asked on the first call to type the domain name. Otherwise the first call answers confirmation_required with the preview: show the user which mailboxes go, ask them, and only if they agree call again within ${TTL} with confirm set to the domain name. If the mailboxes changed in between, the answer is confirmation_required again (reason cascade_changed): show the new list and ask again.`,
    "Known refusals (error.reason): domain_not_found; domain_not_ready (kind precondition_failed: wait until is_ready); domain_deletion_in_progress (nothing more to do).",
  ].join("\n\n"),
  inputSchema: z.strictObject({
    domain_name: DomainNameInput,
    confirm: z
      .string()
      .optional()
      .describe(
        "Leave out on the first call. After the user agreed to delete what the preview showed, the same domain name.",
      ),
  }),
  outputSchema,
  target: ({ domain_name }) => ({ domain_name }),
  async handler({ domain_name, confirm }, context): Promise<ToolSuccess<typeof outputSchema>> {
    const domain = displayDomain(domain_name);
    if (context.config.protectedDomains.has(domain_name)) {
      throw new ToolFailure(
        "protected",
        `Not deleted: ${domain} is listed in WOODPECKER_PROTECTED_DOMAINS, so this server refuses to delete it.`,
        "Do not try to delete this domain. Only the person who runs this server can change WOODPECKER_PROTECTED_DOMAINS.",
        { retryable: false },
      );
    }
    const client = requireClient(context);
    const read = await readDomain(client, domain_name, "preview", context.call);
    const preview = previewOf(domain_name, read);
    if (!preview.is_ready) {
      const { because, hint } = domainMeanings(domain_name).notReady;
      throw new ToolFailure(
        "precondition_failed",
        `Nothing was deleted: ${because}.`,
        hint,
        { reason: "domain_not_ready", retryable: false },
        { preview },
      );
    }
    const confirmed = confirm !== undefined && confirm.trim() !== "";
    if (confirmed && !namesDomain(confirm, domain_name)) {
      throw new ToolFailure(
        "confirmation_mismatch",
        `Not deleted: confirm does not name ${domain}.`,
        `confirm must be the domain name itself ("${domain_name}"), not yes or true, and only once the user agreed to delete exactly this domain and its mailboxes.`,
        { retryable: false },
        { preview },
      );
    }
    if (context.askHuman !== undefined) {
      const answer = await context.askHuman(question(preview));
      if (answer !== "confirmed") {
        throw notConfirmed(answer, preview, context.config.elicitationTimeoutMs);
      }
    } else {
      const emails = read.mailboxes.map((mailbox) => mailbox.email);
      checkTwoStep(context.previews, preview, emails, confirmed);
    }
    // Whatever happens next, a further deletion of this domain needs a fresh preview.
    context.previews.forget(domain_name);
    const { value: sent, joined } = await explainFailures(
      context.deletes.run(domain_name, () =>
        context.sendDelete({
          description: `DELETE /domains/${domain_name}`,
          send: (options) => client.deleteDomain(domain_name, options),
        }),
      ),
      { step: "delete", what: `domain ${domain}`, meaning: domainMeaning(domain_name) },
      { preview },
    );
    const cascade = describeCascade(preview);
    if (sent === "dry_run") {
      return {
        status: "dry_run",
        domain_name,
        preview,
        message: `${cascade} would be deleted: every check and the confirmation passed, but no DELETE was sent and nothing was deleted.`,
      };
    }
    const shared = joined
      ? " Another call was already deleting this domain, so this one sent no second DELETE."
      : "";
    return {
      status: "deletion_accepted",
      domain_name,
      preview,
      http_status: sent.status,
      attempts: sent.attempts,
      message: `Woodpecker accepted the deletion of ${cascade} (HTTP ${sent.status}). It cannot be undone and runs asynchronously: get_domain follows it, and answers not_found once it is done.${shared}`,
    };
  },
});

function namesDomain(typed: string, domainName: string): boolean {
  const check = normalizeDomainName(typed);
  return check.ok && check.name === domainName;
}

/** The prompt a person sees: the domain in both forms, the mailboxes that go, what to type. */
function question(preview: Preview): HumanQuestion {
  const domain = displayDomain(preview.domain_name);
  const count = preview.mailboxes_count;
  const lines = preview.mailboxes
    .slice(0, PROMPT_MAILBOX_LIMIT)
    .map((mailbox) => `• ${mailbox.email} (${mailbox.status})`);
  if (count > lines.length) lines.push(`• and ${count - lines.length} more`);
  const cascade =
    count === 0
      ? "It has no mailboxes. This cannot be undone."
      : `Its ${count === 1 ? "mailbox is" : `${count} mailboxes are`} deleted with it and cannot be recovered:\n${lines.join("\n")}`;
  return {
    message: `Delete ${domain} for good? ${cascade}\nType the domain name to confirm.`,
    fieldTitle: `Type ${domain} to delete it`,
    accepts: (typed) => namesDomain(typed, preview.domain_name),
  };
}

function notConfirmed(
  answer: Exclude<HumanAnswer, "confirmed">,
  preview: Preview,
  timeoutMs: number,
): ToolFailure {
  const domain = displayDomain(preview.domain_name);
  const why = {
    declined: "the user declined the confirmation prompt",
    dismissed: "the user dismissed the confirmation prompt",
    wrong_value: `the name typed in the confirmation prompt was not ${domain}`,
    malformed: "the client's answer to the confirmation prompt was malformed",
    no_answer: `the confirmation prompt got no answer within ${duration(timeoutMs)}`,
    client_error:
      "the client answered the confirmation prompt with an error, not with the person's answer",
  }[answer];
  const hint =
    answer === "declined" || answer === "dismissed" || answer === "wrong_value"
      ? "Do not call again unless the user asks again."
      : "If the user never saw the prompt, their client declares form prompts but does not show them: whoever runs this server can set WOODPECKER_ELICITATION=off so that the confirm argument is used instead.";
  return new ToolFailure(
    "cancelled_by_user",
    `Not deleted: ${why}. ${domain} and its mailboxes are untouched.`,
    hint,
    { retryable: false },
    { preview },
  );
}

/**
 * Without a prompt, the agent's confirm counts only for the cascade this server showed in the
 * last ten minutes. Each answer here records what it shows, for the next call to confirm.
 */
function checkTwoStep(
  ledger: PreviewLedger,
  preview: Preview,
  emails: readonly string[],
  confirmed: boolean,
): void {
  const shown = ledger.recall(preview.domain_name);
  ledger.remember(preview.domain_name, emails);
  const cascade = describeCascade(preview);
  const ask = `Show the user what will be deleted (${cascade}) and ask them. Only if they agree, call delete_domain again within ${TTL} with confirm set to "${preview.domain_name}".`;
  if (!confirmed) {
    throw confirmationRequired(
      `Not deleted yet: deleting ${cascade} cannot be undone, so it needs the user's confirmation.`,
      ask,
      preview,
    );
  }
  if (shown === undefined) {
    throw confirmationRequired(
      `Not deleted: this server showed no preview of ${displayDomain(preview.domain_name)} in the last ${TTL}, so the confirm cannot stand for what the deletion takes now: ${cascade}.`,
      ask,
      preview,
    );
  }
  const change = compare(shown, normalizeSet(emails));
  if (change !== undefined) {
    const added =
      change.mailboxes_added.length > 0 ? `added: ${listSome(change.mailboxes_added, 5)}` : "";
    const removed =
      change.mailboxes_removed.length > 0
        ? `removed: ${listSome(change.mailboxes_removed, 5)}`
        : "";
    throw confirmationRequired(
      `Not deleted: the mailboxes on ${displayDomain(preview.domain_name)} changed since the user was shown them (${[added, removed].filter(Boolean).join("; ")}). The deletion would now take ${cascade}.`,
      `Show the user the new list and ask again. Only if they agree, call delete_domain again with confirm set to "${preview.domain_name}".`,
      preview,
      change,
    );
  }
}

function confirmationRequired(
  message: string,
  hint: string,
  preview: Preview,
  change?: CascadeChange,
): ToolFailure {
  return new ToolFailure(
    "confirmation_required",
    message,
    hint,
    { ...(change === undefined ? {} : { reason: "cascade_changed" as const }), retryable: false },
    { preview, ...(change === undefined ? {} : { cascade_change: change }) },
  );
}

function compare(shown: readonly string[], now: readonly string[]): CascadeChange | undefined {
  const before = new Set(shown);
  const after = new Set(now);
  const mailboxes_added = now.filter((email) => !before.has(email));
  const mailboxes_removed = shown.filter((email) => !after.has(email));
  return mailboxes_added.length === 0 && mailboxes_removed.length === 0
    ? undefined
    : { mailboxes_added, mailboxes_removed };
}
