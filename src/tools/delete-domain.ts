import * as z from "zod";
import type { Shown } from "../confirmation/deletion.js";
import {
  COMMON_ERROR_KINDS,
  CONFIRMATION_ERROR_KINDS,
  DOMAIN_GUARD_ERROR_KINDS,
} from "../results/failure.js";
import {
  CascadeChangeSchema,
  type ConfirmedBy,
  ConfirmedBySchema,
  confirmationSchema,
  type Preview,
  PreviewSchema,
  resultSchema,
  verifiedByReadSchema,
  type ToolAnswer,
} from "../results/schema.js";
import type { CallOptions, WoodpeckerClient } from "../woodpecker/client.js";
import type { Mailbox } from "../woodpecker/responses.js";
import { explainFailures } from "./api-failure.js";
import { DELETES, type DeletionVia, defineTool, type ToolDeletion } from "./define.js";
import { mailboxChange, mailboxLine, namesDomain, readDomainPreview } from "./domain-preview.js";
import { domainMeaning } from "./domain-reads.js";
import { refuseProtected } from "./protected-domains.js";
import { DomainNameInput, PreviewTokenInput } from "./inputs.js";
import { requireAccount } from "./require-account.js";
import { deleteDomainSettled } from "./settle-delete.js";
import { countNote, describeCascade, displayDomain } from "./wording.js";

const outputSchema = resultSchema({
  statuses: ["deletion_accepted", "dry_run", "confirmation_required"],
  errorKinds: [...COMMON_ERROR_KINDS, ...CONFIRMATION_ERROR_KINDS, ...DOMAIN_GUARD_ERROR_KINDS],
  reasons: ["domain_not_found", "domain_not_ready", "domain_deletion_in_progress"],
  fields: {
    domain_name: z.string().optional().describe("The normalized (ASCII) domain name."),
    preview: PreviewSchema.optional(),
    confirmation: confirmationSchema(CascadeChangeSchema).optional(),
    confirmed_by: ConfirmedBySchema.optional(),
    verified_by_read: verifiedByReadSchema("showed the domain gone or being deleted"),
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
    refuseProtected(context.config, [domain_name]);
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
      send: (options) => deleteDomainSettled(client, domainName, options),
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

/** The preview, in the words and question delete_domain shows. */
async function readPreview(
  client: WoodpeckerClient,
  domainName: string,
  call: CallOptions,
): Promise<Shown<Fields>> {
  const { preview, mailboxes, emails } = await readDomainPreview(client, domainName, call);
  return {
    cascade: { count: preview.mailboxes_count, items: emails },
    words: describeCascade(
      preview,
      mailboxes.map((mailbox) => mailbox.email),
    ),
    listing:
      preview.mailboxes_count === preview.mailboxes_listed
        ? "preview lists every mailbox"
        : `${countNote(preview)}, and preview lists those it listed`,
    question: question(preview, mailboxes),
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
    items: mailboxes.map(mailboxLine),
    instruction: "Type the domain name to confirm.",
    fieldTitle: `Type ${domain} to delete it`,
    accepts: (typed) => namesDomain(typed, preview.domain_name),
  };
}
