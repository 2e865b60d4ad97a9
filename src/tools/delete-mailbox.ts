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
  type ConfirmedBy,
  ConfirmedBySchema,
  confirmationSchema,
  type MailboxSummary,
  MailboxSummarySchema,
  resultSchema,
  verifiedByReadSchema,
  type ToolAnswer,
} from "../results/schema.js";
import type { CallOptions, WoodpeckerClient } from "../woodpecker/client.js";
import { explainFailures } from "./api-failure.js";
import { DELETES, type DeletionVia, defineTool, type ToolDeletion } from "./define.js";
import { mailboxLine } from "./domain-preview.js";
import { domainMeaning } from "./domain-reads.js";
import { DomainNameInput, EmailInput, PreviewTokenInput } from "./inputs.js";
import { mailboxMeaning, mailboxMeanings } from "./mailbox-meaning.js";
import { refuseProtected } from "./protected-domains.js";
import { requireAccount } from "./require-account.js";
import { settledDelete } from "./settle-delete.js";
import { displayDomain, listSome, quotedFromWoodpecker } from "./wording.js";

const outputSchema = resultSchema({
  statuses: ["deletion_accepted", "dry_run", "confirmation_required"],
  errorKinds: [...COMMON_ERROR_KINDS, ...CONFIRMATION_ERROR_KINDS, ...DOMAIN_GUARD_ERROR_KINDS],
  reasons: ["mailbox_not_found", "mailbox_not_connected", "domain_not_found"],
  fields: {
    domain_name: z.string().optional().describe("The normalized (ASCII) domain name."),
    email: z.string().optional().describe("The normalized (lowercase) email of the mailbox."),
    mailbox: MailboxSummarySchema.optional(),
    confirmation: confirmationSchema().optional(),
    confirmed_by: ConfirmedBySchema.optional(),
    verified_by_read: verifiedByReadSchema("showed the mailbox gone"),
  },
});

type Fields = { mailbox: MailboxSummary };
type Answer = ToolAnswer<typeof outputSchema>;

export const deleteMailbox = defineTool({
  name: "delete_mailbox",
  title: "Delete one Woodpecker mailbox",
  annotations: DELETES,
  description: [
    "Requests deletion of one mailbox of a domain: the narrow alternative to delete_domain. IRREVERSIBLE: the mailbox cannot be recovered. The domain and its other mailboxes stay. Woodpecker accepts the request (status deletion_accepted) and deletes asynchronously; get_domain lists the domain's mailboxes, without this one once it is done.",
    "Every call first reads the domain's mailboxes and returns this one as `mailbox`.",
    "Confirmation, as for delete_domain: the user is asked on the first call to type the mailbox's email, in the client's form or on an approval page in their browser. Where neither is possible, the first call answers status confirmation_required (a question, not an error) with confirmation.preview_token: show the user the mailbox and ask them; only if they agree, call again with confirm set to the email and preview_token exactly as given, within 10 minutes.",
    "Known refusals (error.reason): mailbox_not_found; mailbox_not_connected (kind precondition_failed: Woodpecker deletes only a connected, PAID mailbox); domain_not_found.",
  ].join("\n\n"),
  inputSchema: z
    .strictObject({
      domain_name: DomainNameInput,
      email: EmailInput,
      confirm: z
        .string()
        .max(1_000)
        .optional()
        .describe(
          "Leave out on the first call. Once the user agreed to delete the mailbox the preview showed: its email.",
        ),
      preview_token: PreviewTokenInput,
    })
    .superRefine(({ domain_name, email }, ctx) => {
      if (!email.endsWith(`@${domain_name}`)) {
        ctx.addIssue({
          code: "custom",
          path: ["email"],
          message: "must be an address on the domain given as domain_name",
        });
      }
    }),
  outputSchema,
  target: ({ domain_name, email }) => ({ domain_name, email }),
  async handler({ domain_name, email, confirm, preview_token }, context): Promise<Answer> {
    refuseProtected(context.config, [domain_name], "any mailbox on it");
    const { client } = requireAccount(context);
    return context.delete(mailboxDeletion(client, domain_name, email), {
      confirm,
      previewToken: preview_token,
    });
  },
});

/** What delete_mailbox hands the confirmation engine. */
function mailboxDeletion(
  client: WoodpeckerClient,
  domainName: string,
  email: string,
): ToolDeletion<Fields, Answer> {
  return {
    binding: { tool: "delete_mailbox", target: email },
    name: email,
    confirmValue: email,
    valueKind: "the mailbox's email",
    accepts: (value) => value.trim().toLowerCase() === email,
    read: (via) => readPreview(client, domainName, email, via.call),
    change: mailboxChange,
    carryOut: (shown, by, via) => carryOut(client, domainName, email, shown, by, via),
  };
}

/**
 * The preview: the mailbox as the domain lists it now. Not listed, or not connected (Woodpecker
 * would refuse it): refused here, nobody asked, nothing sent.
 */
async function readPreview(
  client: WoodpeckerClient,
  domainName: string,
  email: string,
  call: CallOptions,
): Promise<Shown<Fields>> {
  const domain = displayDomain(domainName);
  const { data: mailboxes } = await explainFailures(client.listDomainMailboxes(domainName, call), {
    step: "preview",
    what: `the mailboxes of ${domain}`,
    meaning: domainMeaning(domainName),
  });
  const listed = mailboxes.find((mailbox) => mailbox.email.toLowerCase() === email);
  const meanings = mailboxMeanings(domainName, email);
  if (listed === undefined) {
    const { because, hint, reason } = meanings.notFound;
    throw new ToolFailure("not_found", `Nothing was deleted: ${because}.`, hint, {
      reason,
      retryable: false,
    });
  }
  const mailbox: MailboxSummary = {
    domain_name: domainName,
    email,
    first_name: listed.first_name,
    last_name: listed.last_name,
    status: listed.status,
  };
  if (listed.status !== "PAID") {
    const { because, hint, reason } = meanings.notConnected;
    throw new ToolFailure(
      "precondition_failed",
      `Nothing was deleted: ${because}.`,
      hint,
      { reason, retryable: false },
      { mailbox },
    );
  }
  const name = [listed.first_name, listed.last_name].filter(Boolean).join(" ");
  const nameQuoted = name === "" ? undefined : quotedFromWoodpecker(name, 100);
  return {
    cascade: { count: 1, items: [email, `name=${name}`, `status=${listed.status}`] },
    words: `the mailbox ${email} (${domain} and its other mailboxes stay)`,
    ...(nameQuoted === undefined ? {} : { quoted: `Woodpecker's name for it: ${nameQuoted}.` }),
    question: {
      title: `Delete ${email} for good?`,
      lead: `This mailbox of ${domain} is deleted and cannot be recovered. The domain and its other mailboxes stay.`,
      items: [
        mailboxLine(listed),
        ...(nameQuoted === undefined ? [] : [`name (as Woodpecker has it): ${nameQuoted}`]),
      ],
      instruction: "Type the mailbox's email to confirm.",
      fieldTitle: `Type ${email} to delete it`,
      accepts: (typed) => typed.trim().toLowerCase() === email,
    },
    fields: { mailbox },
  };
}

/** Sends the DELETE of the mailbox the person agreed to, and says what came of it. */
async function carryOut(
  client: WoodpeckerClient,
  domainName: string,
  email: string,
  shown: Shown<Fields>,
  by: ConfirmedBy,
  via: DeletionVia,
): Promise<Answer> {
  const { mailbox } = shown.fields;
  const domain = displayDomain(domainName);
  const meaning = mailboxMeaning(domainName, email);
  const outcome = await explainFailures(
    via.sendDelete({
      key: `mailbox:${email}`,
      description: `DELETE /domains/${domainName}/mailboxes/${encodeURIComponent(email)}`,
      send: (options) =>
        settledDelete({
          send: (sendOptions) => client.deleteMailbox(domainName, email, sendOptions),
          options,
          meaning,
          // Gone from the list: an earlier attempt of this DELETE landed.
          async settle(_said, read) {
            const { data } = await client.listDomainMailboxes(domainName, read);
            return data.some((listed) => listed.email.toLowerCase() === email) ? undefined : "gone";
          },
        }),
    }),
    { step: "delete", what: `mailbox ${email}`, meaning },
    { mailbox },
  );
  const base = { domain_name: domainName, email, mailbox, confirmed_by: by };
  if (outcome.dryRun) {
    return {
      ...base,
      status: "dry_run",
      message: `The mailbox ${email} would be deleted: every check and the confirmation passed, but no DELETE was sent and nothing was deleted. ${domain} and its other mailboxes stay.`,
    };
  }
  const { sent } = outcome;
  const accepted =
    sent.settledBy === undefined
      ? `Woodpecker accepted the deletion of the mailbox ${email} (HTTP ${sent.status})`
      : `The deletion of the mailbox ${email} is done or under way: an earlier attempt of this DELETE reached Woodpecker before its answer was lost, and a read afterwards no longer lists it`;
  const shared = outcome.joined
    ? " Another call was already deleting this mailbox, so this one sent no second DELETE."
    : "";
  return {
    ...base,
    status: "deletion_accepted",
    ...(sent.settledBy === undefined
      ? { http_status: sent.status }
      : { verified_by_read: true as const }),
    attempts: sent.attempts,
    message: `${accepted}. ${domain} and its other mailboxes stay. It cannot be undone and runs asynchronously: get_domain lists the domain's mailboxes, without this one once Woodpecker is done.${shared}`,
  };
}

function mailboxChange(before: Cascade, after: Cascade): ChangeReport {
  const { added } = itemChange(before.items, after.items);
  const changed = added.map((item) => item.slice(0, item.indexOf("=")));
  return { words: `Woodpecker's record of it changed: ${listSome(changed, 3) || "its details"}` };
}
