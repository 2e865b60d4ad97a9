import * as z from "zod";
import { explainFailures, type HttpFailure, type Meaning } from "./api-failure.js";
import { DELETES, defineTool } from "./define.js";
import { CredentialIdInput } from "./inputs.js";
import { requireClient } from "./require-client.js";
import {
  type CredentialSummary,
  CredentialSummarySchema,
  resultSchema,
  type ToolSuccess,
} from "../results/schema.js";
import { COMMON_ERROR_KINDS, ToolFailure } from "../results/failure.js";
import { capitalize } from "./wording.js";

const CREDENTIAL_IN_USE = "MICROSOFT_GRAPH_CREDENTIAL_IN_USE";
const FREE_IT =
  "Disconnect or delete the Microsoft mailboxes that send through this credential first (get_domain lists each domain's mailboxes and their provider); deleting their domain deletes them too and frees the credential. Then call delete_microsoft_credential again.";

const outputSchema = resultSchema({
  statuses: ["deleted", "dry_run"],
  errorKinds: COMMON_ERROR_KINDS,
  reasons: ["credential_not_found", "credential_in_use"],
  fields: {
    credential_id: z.number().int().optional(),
    credential: CredentialSummarySchema.optional().describe(
      "The credential as Woodpecker listed it just before the DELETE.",
    ),
  },
});

export const deleteMicrosoftCredential = defineTool({
  name: "delete_microsoft_credential",
  title: "Delete a Microsoft Graph credential",
  annotations: DELETES,
  description: [
    "Deletes a Microsoft Graph app-only credential from the Woodpecker account. It cannot be undone. It first checks that the credential exists, and the result names what was deleted (name, tenant, client, secret expiry): tell the user.",
    `Woodpecker refuses while a Microsoft mailbox still uses the credential (error.reason credential_in_use, error.code ${CREDENTIAL_IN_USE}): those mailboxes must be disconnected or deleted first, and deleting their domain also frees it. An unknown id is not_found (reason credential_not_found).`,
  ].join("\n\n"),
  inputSchema: z.strictObject({ credential_id: CredentialIdInput }),
  outputSchema,
  target: ({ credential_id }) => ({ credential_id }),
  async handler({ credential_id }, context): Promise<ToolSuccess<typeof outputSchema>> {
    const client = requireClient(context);
    const what = `Microsoft credential ${credential_id}`;
    const { data: credentials } = await explainFailures(
      client.listMicrosoftCredentials(context.call),
      { step: "preview", what },
    );
    const credential = credentials.find((item) => item.credential_id === credential_id);
    if (credential === undefined) {
      throw new ToolFailure(
        "not_found",
        `Nothing was deleted: Woodpecker lists no ${what} on this account.`,
        notFound.hint,
        { reason: "credential_not_found", retryable: false },
      );
    }
    const named = describe(credential);
    const sent = await explainFailures(
      context.sendDelete({
        description: `DELETE /mailboxes/microsoft/credentials/${credential_id}`,
        send: (options) => client.deleteMicrosoftCredential(credential_id, options),
      }),
      { step: "delete", what: named, meaning: credentialMeaning(named) },
      { credential },
    );
    if (sent === "dry_run") {
      return {
        status: "dry_run",
        credential_id,
        credential,
        message: `${capitalize(named)} exists and would be deleted; no DELETE was sent, nothing was deleted.`,
      };
    }
    return {
      status: "deleted",
      credential_id,
      credential,
      http_status: sent.status,
      attempts: sent.attempts,
      message: `Deleted ${named} (HTTP ${sent.status}). This cannot be undone.`,
    };
  },
});

const notFound = {
  hint: "Check the id: list_microsoft_credentials lists the credentials of the account. It may have been deleted already.",
};

/** `Microsoft credential 22334455 ("MS Graph app", tenant bbfb…)`: Woodpecker's name quoted. */
function describe(credential: CredentialSummary): string {
  const name = credential.name === null ? "" : `${JSON.stringify(credential.name)}, `;
  return `Microsoft credential ${credential.credential_id} (${name}tenant ${credential.tenant_id})`;
}

function credentialMeaning(named: string): (failure: HttpFailure) => Meaning | undefined {
  return ({ status, body }) => {
    if (status === 404) {
      return { reason: "credential_not_found", because: `Woodpecker has no ${named}`, ...notFound };
    }
    if (status === 422 && body.code === CREDENTIAL_IN_USE) {
      return {
        reason: "credential_in_use",
        because: `a Microsoft mailbox still uses ${named}`,
        hint: FREE_IT,
      };
    }
    return undefined;
  };
}
