import * as z from "zod";
import { defineTool, READS } from "./define.js";
import { previewOf, readDomain } from "./domain-reads.js";
import { DomainNameInput } from "./inputs.js";
import { requireAccount } from "./require-account.js";
import { COMMON_ERROR_KINDS } from "../results/failure.js";
import { PREVIEW_MAILBOX_LIMIT, resultSchema, type ToolAnswer } from "../results/schema.js";
import { countNote, countOf, displayDomain, emailFromWoodpecker, listSome } from "./wording.js";

const DomainSchema = z.object({
  domain_name: z.string(),
  is_ready: z.boolean(),
  provider: z.string().nullable(),
  mailboxes_count: z.number().int().describe("Woodpecker's own count of the domain's mailboxes."),
  mailboxes_listed: z.number().int().describe("How many mailboxes Woodpecker listed."),
  max_mailboxes: z.number().int().nullable(),
  all_mailboxes_are_ready: z.boolean().nullable(),
  is_custom_domain: z.boolean(),
  expires: z.string().nullable(),
  created: z.string().nullable(),
  mailboxes: z
    .array(
      z.object({
        first_name: z.string().nullable(),
        last_name: z.string().nullable(),
        email: z.string(),
        provider: z.string().nullable(),
        status: z.string().describe("ORDERED or PAID"),
      }),
    )
    .describe(`Its active mailboxes (the first ${PREVIEW_MAILBOX_LIMIT}).`),
  mailboxes_truncated: z.boolean(),
});

const outputSchema = resultSchema({
  statuses: ["ok"],
  errorKinds: COMMON_ERROR_KINDS,
  // A read can be refused for the same reasons as a deletion.
  reasons: ["domain_not_found", "domain_not_ready", "domain_deletion_in_progress"],
  fields: { domain_name: z.string().optional(), domain: DomainSchema.optional() },
});

export const getDomain = defineTool({
  name: "get_domain",
  title: "Show a domain and its mailboxes",
  annotations: READS,
  description: [
    "Shows one domain of the Woodpecker account: whether it is ready, its provider, its dates, and the mailboxes on it (deleting the domain deletes them all). Read-only; the owner's contact details are left out.",
    "After delete_domain was accepted, call it to follow the deletion: it answers not_found (reason domain_not_found) once the domain is gone.",
  ].join("\n\n"),
  inputSchema: z.strictObject({ domain_name: DomainNameInput }),
  outputSchema,
  target: ({ domain_name }) => ({ domain_name }),
  async handler({ domain_name }, context): Promise<ToolAnswer<typeof outputSchema>> {
    const { client } = requireAccount(context);
    const read = await readDomain(client, domain_name, "read", context.call);
    const preview = previewOf(domain_name, read);
    const domain = {
      domain_name,
      ...read.details,
      mailboxes_listed: preview.mailboxes_listed,
      mailboxes: read.mailboxes.slice(0, PREVIEW_MAILBOX_LIMIT),
      mailboxes_truncated: preview.mailboxes_truncated,
    };
    const state = domain.is_ready ? "is ready" : "is not ready yet";
    const emails = listSome(
      read.mailboxes.map((mailbox) => emailFromWoodpecker(mailbox.email)),
      10,
    );
    const mailboxes =
      preview.mailboxes_count !== preview.mailboxes_listed
        ? `mailboxes (${countNote(preview)}${preview.mailboxes_listed === 0 ? "" : `: ${emails}`})`
        : preview.mailboxes_count === 0
          ? "no mailboxes"
          : `${countOf(preview.mailboxes_count, "mailbox", "mailboxes")}: ${emails}`;
    return {
      status: "ok",
      domain_name,
      domain,
      message: `${displayDomain(domain_name)} ${state} and has ${mailboxes}.`,
    };
  },
});
