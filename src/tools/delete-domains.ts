import * as z from "zod";
import {
  COMMON_ERROR_KINDS,
  CONFIRMATION_ERROR_KINDS,
  DOMAIN_GUARD_ERROR_KINDS,
} from "../results/failure.js";
import {
  BatchCascadeChangeSchema,
  BatchDeletionSchema,
  BatchPreviewSchema,
  ConfirmedBySchema,
  confirmationSchema,
  resultSchema,
  type ToolAnswer,
} from "../results/schema.js";
import type { WoodpeckerClient } from "../woodpecker/client.js";
import { deleteEach } from "./batch-deletes.js";
import {
  type BatchFields,
  batchChange,
  confirmValue,
  namesCount,
  readBatch,
  shownBatch,
} from "./batch-preview.js";
import { DELETES, defineTool, type ToolDeletion } from "./define.js";
import { DomainNameInput, PreviewTokenInput } from "./inputs.js";
import { refuseProtected } from "./protected-domains.js";
import { requireAccount } from "./require-account.js";
import { displayDomain, listSome } from "./wording.js";

/** The most domains one call deletes. */
export const MAX_BATCH = 50;

export const outputSchema = resultSchema({
  statuses: ["deletion_accepted", "partially_accepted", "dry_run", "confirmation_required"],
  errorKinds: [...COMMON_ERROR_KINDS, ...CONFIRMATION_ERROR_KINDS, ...DOMAIN_GUARD_ERROR_KINDS],
  reasons: ["domain_not_found", "domain_not_ready", "domain_deletion_in_progress"],
  fields: {
    domain_names: z
      .array(z.string())
      .optional()
      .describe("The domains asked for, normalized (ASCII), each once."),
    preview: BatchPreviewSchema.optional(),
    deletions: z
      .array(BatchDeletionSchema)
      .optional()
      .describe("What came of each DELETE, in the order they were sent."),
    confirmation: confirmationSchema(BatchCascadeChangeSchema).optional(),
    confirmed_by: ConfirmedBySchema.optional(),
  },
});

export type BatchAnswer = ToolAnswer<typeof outputSchema>;

export const deleteDomains = defineTool({
  name: "delete_domains",
  title: "Delete several Woodpecker domains and all their mailboxes",
  annotations: DELETES,
  description: [
    `Requests deletion of up to ${MAX_BATCH} domains at once, with one confirmation for the whole set. IRREVERSIBLE and CASCADING: every mailbox on each domain is deleted with it. Woodpecker accepts each deletion (deletion_accepted) and deletes asynchronously; get_domain follows each.`,
    "Every call first reads every domain and its mailboxes and returns them as `preview`. Domains Woodpecker would refuse (not on the account, not ready) are listed in preview.left_out and left out of the deletion.",
    'Confirmation: the user is asked on the first call to type "delete N domains" (N: how many go), in the client\'s form or on an approval page in their browser. Where neither is possible, the first call answers status confirmation_required (a question, not an error) with confirmation.preview_token: show the user every domain and its mailboxes and ask them; only if they agree, call again with confirm set to "delete N domains" and preview_token exactly as given, within 10 minutes. Any change to any of the domains asks again (confirmation.reason cascade_changed).',
    "The DELETEs go one after another; one that fails does not stop the others (unless the key is rejected or Woodpecker keeps rate limiting). status partially_accepted (an error) means some were accepted and some not: `deletions` says which, each with its kind and reason. A protected or invalid name refuses the whole call before anything is read.",
  ].join("\n\n"),
  inputSchema: z.strictObject({
    domain_names: z
      .array(DomainNameInput)
      .min(1)
      .max(MAX_BATCH)
      .transform((names) => [...new Set(names)])
      .describe(
        `The domains, 1 to ${MAX_BATCH}, e.g. ["piedpiper.com", "hooli.com"]; normalized as delete_domain's domain_name, duplicates counted once.`,
      ),
    confirm: z
      .string()
      .max(100)
      .optional()
      .describe(
        'Leave out on the first call. Once the user agreed to delete what the preview showed: "delete N domains", N being how many domains go.',
      ),
    preview_token: PreviewTokenInput,
  }),
  outputSchema,
  target: ({ domain_names }) => ({ domain_names }),
  async handler({ domain_names, confirm, preview_token }, context): Promise<BatchAnswer> {
    refuseProtected(context.config, domain_names);
    const { client } = requireAccount(context);
    return context.delete(batchDeletion(client, domain_names), {
      confirm,
      previewToken: preview_token,
    });
  },
});

/**
 * What delete_domains hands the confirmation engine. The value to type is the number of domains
 * that go, which only a reading tells: it follows the latest one (each call has its own).
 */
function batchDeletion(
  client: WoodpeckerClient,
  domainNames: readonly string[],
): ToolDeletion<BatchFields, BatchAnswer> {
  let going = 0;
  return {
    binding: { tool: "delete_domains", target: [...domainNames].sort().join(",") },
    name:
      domainNames.length === 1
        ? displayDomain(domainNames[0] ?? "")
        : `the domains ${listSome(domainNames.map(displayDomain), 5)}`,
    get confirmValue() {
      return confirmValue(going);
    },
    valueKind: 'the sentence "delete N domains", N being how many domains go,',
    accepts: (value) => namesCount(value, going),
    async read(via) {
      const shown = shownBatch(await readBatch(client, domainNames, via));
      going = shown.cascade.count;
      return shown;
    },
    change: batchChange,
    carryOut: (shown, by, via) => deleteEach(client, shown, by, via),
  };
}
