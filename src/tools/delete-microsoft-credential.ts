import * as z from "zod";
import { defineTool } from "./define.js";
import { requireClient } from "./require-client.js";

const NOT_AN_ID = "credential_id must be a positive whole number, or a string of its digits";

const PositiveId = z
  .number(NOT_AN_ID)
  .int(NOT_AN_ID)
  .min(1, NOT_AN_ID)
  .max(Number.MAX_SAFE_INTEGER, "credential_id is too large");

const CredentialId = z
  .union(
    [
      PositiveId,
      z
        .string()
        .trim()
        .regex(/^\d{1,16}$/, NOT_AN_ID)
        .transform(Number)
        .pipe(PositiveId),
    ],
    NOT_AN_ID,
  )
  .describe("The id of the Microsoft Graph app-only credential, e.g. 22334455.");

export const deleteMicrosoftCredential = defineTool({
  name: "delete_microsoft_credential",
  title: "Delete a Microsoft Graph credential",
  description: [
    "Deletes a Microsoft Graph app-only credential from the Woodpecker account. It cannot be undone.",
    "Woodpecker refuses while a Microsoft mailbox uses the credential (error.code MICROSOFT_GRAPH_CREDENTIAL_IN_USE): disconnect or delete those mailboxes first, then call again. An unknown id is not_found.",
  ].join("\n\n"),
  inputSchema: z.strictObject({ credential_id: CredentialId }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: true,
  },
  subject: ({ credential_id }) => ({
    tool: "delete_microsoft_credential",
    label: `Microsoft credential ${credential_id}`,
    target: { credential_id },
  }),
  async handler({ credential_id }, context) {
    if (context.config.dryRun) {
      return {
        status: "dry_run",
        message: `Dry run: credential ${credential_id} would have been sent to Woodpecker for deletion (DELETE /mailboxes/microsoft/credentials/${credential_id}). Nothing was deleted.`,
      };
    }
    const response = await requireClient(context).deleteMicrosoftCredential(credential_id, {
      signal: context.signal,
      onRetry: context.onRetry,
    });
    return {
      status: "deleted",
      http_status: response.status,
      attempts: response.attempts,
      message: `Microsoft credential ${credential_id} was deleted (HTTP ${response.status}).`,
    };
  },
});
