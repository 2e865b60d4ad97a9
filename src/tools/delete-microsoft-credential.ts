import * as z from "zod";
import type { ChangeReport, Shown } from "../confirmation/deletion.js";
import type { Cascade } from "../confirmation/preview-token.js";
import { COMMON_ERROR_KINDS, CONFIRMATION_ERROR_KINDS, ToolFailure } from "../results/failure.js";
import {
  type ConfirmedBy,
  ConfirmedBySchema,
  confirmationSchema,
  type CredentialSummary,
  CredentialSummarySchema,
  resultSchema,
  verifiedByReadSchema,
  type ToolAnswer,
} from "../results/schema.js";
import { ApiError } from "../woodpecker/api-error.js";
import type { CallOptions, WoodpeckerClient } from "../woodpecker/client.js";
import { explainFailures, type HttpFailure, type Meaning } from "./api-failure.js";
import { DELETES, type DeletionVia, defineTool, type ToolDeletion } from "./define.js";
import { CredentialIdInput, PreviewTokenInput } from "./inputs.js";
import { requireAccount } from "./require-account.js";
import { isPlainValue, quotedFromWoodpecker } from "./wording.js";

const CREDENTIAL_IN_USE = "MICROSOFT_GRAPH_CREDENTIAL_IN_USE";
const FREE_IT =
  "Disconnect or delete the Microsoft mailboxes that send through this credential first (get_domain lists each domain's mailboxes and their provider); deleting their domain deletes them too and frees the credential. Then call delete_microsoft_credential again.";

const outputSchema = resultSchema({
  statuses: ["deleted", "dry_run", "confirmation_required"],
  errorKinds: [...COMMON_ERROR_KINDS, ...CONFIRMATION_ERROR_KINDS],
  reasons: ["credential_not_found", "credential_in_use"],
  fields: {
    credential_id: z.number().int().optional(),
    credential: CredentialSummarySchema.optional().describe(
      "The credential as Woodpecker listed it during this call: what the deletion takes.",
    ),
    confirmation: confirmationSchema().optional(),
    confirmed_by: ConfirmedBySchema.optional(),
    verified_by_read: verifiedByReadSchema("no longer listed the credential"),
  },
});

type Fields = { credential: CredentialSummary };

export const deleteMicrosoftCredential = defineTool({
  name: "delete_microsoft_credential",
  title: "Delete a Microsoft Graph credential",
  annotations: DELETES,
  description: [
    "Deletes a Microsoft Graph app-only credential from the Woodpecker account. It cannot be undone. Every call first reads the credential (name, tenant, client, secret expiry) and returns it as `credential`: tell the user exactly what goes.",
    "Confirmation, as for delete_domain: the user is asked on the first call to type the credential id, in the client's form or on an approval page in their browser. Where neither is possible, the first call answers status confirmation_required (a question, not an error) with confirmation.preview_token: show the user the credential and ask them; only if they agree, call again with confirm set to the id and preview_token exactly as given, within 10 minutes.",
    `Woodpecker refuses while a Microsoft mailbox still uses the credential (error.reason credential_in_use, error.code ${CREDENTIAL_IN_USE}): those mailboxes must be disconnected or deleted first, and deleting their domain also frees it. An unknown id is not_found (reason credential_not_found).`,
  ].join("\n\n"),
  inputSchema: z.strictObject({
    credential_id: CredentialIdInput,
    confirm: z
      .union([z.string().max(100), z.number()])
      .optional()
      .describe(
        "Leave out on the first call. Once the user agreed to delete the credential the preview showed: its id.",
      ),
    preview_token: PreviewTokenInput,
  }),
  outputSchema,
  target: ({ credential_id }) => ({ credential_id }),
  async handler({ credential_id, confirm, preview_token }, context): Promise<Answer> {
    const { client } = requireAccount(context);
    return context.delete(credentialDeletion(client, credential_id), {
      confirm: confirm === undefined ? undefined : String(confirm),
      previewToken: preview_token,
    });
  },
});

type Answer = ToolAnswer<typeof outputSchema>;

/** Sends the DELETE of the credential the person agreed to, and says what came of it. */
async function carryOut(
  client: WoodpeckerClient,
  credentialId: number,
  shown: Shown<Fields>,
  by: ConfirmedBy,
  via: DeletionVia,
): Promise<Answer> {
  const { credential } = shown.fields;
  const name = credentialName(credentialId);
  const outcome = await explainFailures(
    via.sendDelete({
      key: `credential:${credentialId}`,
      description: `DELETE /mailboxes/microsoft/credentials/${credentialId}`,
      send: (options) => deleteAndSettle(client, credentialId, options),
    }),
    { step: "delete", what: name, meaning: credentialMeaning(name) },
    { credential },
  );
  const named = `${shown.words}.${shown.quoted === undefined ? "" : ` ${shown.quoted}`}`;
  if (outcome.dryRun) {
    return {
      status: "dry_run",
      credential_id: credentialId,
      credential,
      confirmed_by: by,
      message: `It exists and would be deleted; every check and the confirmation passed, but no DELETE was sent and nothing was deleted: ${named}`,
    };
  }
  const { sent } = outcome;
  return {
    status: "deleted",
    credential_id: credentialId,
    credential,
    confirmed_by: by,
    ...(sent.settledByRead ? { verified_by_read: true as const } : { http_status: sent.status }),
    attempts: sent.attempts,
    message: sent.settledByRead
      ? `Deleted; this cannot be undone: an earlier attempt of this DELETE reached Woodpecker before its answer was lost, and Woodpecker no longer lists the credential: ${named}`
      : `Deleted (HTTP ${sent.status}); this cannot be undone: ${named}`,
  };
}

/**
 * Sends the DELETE. When its last answer came on a retry after an attempt that Woodpecker may have
 * carried out (a reset, a timeout, a 5xx), one more read of the credentials settles it: no longer
 * listed, it was deleted; still listed, the answer as it came.
 */
async function deleteAndSettle(
  client: WoodpeckerClient,
  credentialId: number,
  options: CallOptions,
): Promise<{ status: number; attempts: number; settledByRead: boolean }> {
  try {
    return {
      ...(await client.deleteMicrosoftCredential(credentialId, options)),
      settledByRead: false,
    };
  } catch (error) {
    if (!(error instanceof ApiError) || !error.earlierMayHaveLanded) throw error;
    // A read, not an attempt of the DELETE: it does not count as one.
    const { onSend: _notAnAttempt, ...read } = options;
    const listed = await client.listMicrosoftCredentials(read).then(
      ({ data }) => data.some((item) => item.credential_id === credentialId),
      () => true,
    );
    if (listed) throw error;
    return { status: 0, attempts: error.attempts, settledByRead: true };
  }
}

const credentialName = (credentialId: number) => `Microsoft credential ${credentialId}`;

/** What delete_microsoft_credential hands the confirmation engine. */
function credentialDeletion(
  client: WoodpeckerClient,
  credentialId: number,
): ToolDeletion<Fields, Answer> {
  const name = credentialName(credentialId);
  return {
    binding: { tool: "delete_microsoft_credential", target: String(credentialId) },
    name,
    confirmValue: String(credentialId),
    valueKind: "the credential id",
    accepts: (value) => value.trim() === String(credentialId),
    read: (via) => readPreview(client, credentialId, via.call),
    change: detailsChange,
    carryOut: (shown, by, via) => carryOut(client, credentialId, shown, by, via),
  };
}

/** The preview: the credential as Woodpecker lists it now; not listed → not_found, nothing sent. */
async function readPreview(
  client: WoodpeckerClient,
  credentialId: number,
  call: CallOptions,
): Promise<Shown<Fields>> {
  const name = credentialName(credentialId);
  const { data: credentials } = await explainFailures(client.listMicrosoftCredentials(call), {
    step: "preview",
    what: name,
  });
  const credential = credentials.find((item) => item.credential_id === credentialId);
  if (credential === undefined) {
    throw new ToolFailure(
      "not_found",
      `Nothing was deleted: Woodpecker lists no ${name} on this account.`,
      NOT_FOUND_HINT,
      { reason: "credential_not_found", retryable: false },
    );
  }
  const { tenant_id: tenant, client_id: client_, secret_expires_at } = credential;
  const unusual = [tenant, client_, secret_expires_at ?? "-"].find((value) => !isPlainValue(value));
  if (unusual !== undefined) {
    throw new ToolFailure(
      "unexpected_response",
      `Nothing was deleted: Woodpecker's record of ${name} holds a tenant, client or expiry that is not a plain value, so what deleting it takes cannot be shown safely. That value, quoted as Woodpecker sent it: ${quotedFromWoodpecker(unusual)}.`,
      "Do not try to delete this credential through this server: tell the user to look at it in Woodpecker.",
      { retryable: false },
    );
  }
  const expires = secret_expires_at ?? "not given";
  const nameQuoted =
    credential.name === null ? undefined : quotedFromWoodpecker(credential.name, 100);
  return {
    cascade: {
      count: 1,
      items: [
        `name=${credential.name ?? ""}`,
        `tenant_id=${credential.tenant_id}`,
        `client_id=${credential.client_id}`,
        `secret_expires_at=${credential.secret_expires_at ?? ""}`,
      ],
    },
    words: `${name} (tenant ${tenant}, client ${client_}, secret expiring ${expires})`,
    ...(nameQuoted === undefined ? {} : { quoted: `Woodpecker's name for it: ${nameQuoted}.` }),
    question: {
      title: `Delete ${name} for good?`,
      lead: "Woodpecker's record of it:",
      items: [
        `name (as Woodpecker has it): ${nameQuoted ?? "none"}`,
        `tenant: ${tenant}`,
        `client: ${client_}`,
        `secret expires: ${expires}`,
      ],
      instruction: "Type the credential id to confirm.",
      fieldTitle: `Type ${credentialId} to delete it`,
      accepts: (typed) => typed.trim() === String(credentialId),
    },
    fields: { credential },
  };
}

function detailsChange(before: Cascade, after: Cascade): ChangeReport {
  const changed = after.items
    .filter((item) => !before.items.includes(item))
    .map((item) => item.slice(0, item.indexOf("=")));
  return { words: `Woodpecker's record of it changed: ${changed.join(", ") || "its details"}` };
}

const NOT_FOUND_HINT =
  "Check the id: list_microsoft_credentials lists the credentials of the account. It may have been deleted already.";

function credentialMeaning(named: string): (failure: HttpFailure) => Meaning | undefined {
  return ({ status, body }) => {
    if (status === 404) {
      return {
        reason: "credential_not_found",
        because: `Woodpecker has no ${named}`,
        hint: NOT_FOUND_HINT,
      };
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
