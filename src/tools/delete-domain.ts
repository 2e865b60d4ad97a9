import * as z from "zod";
import { normalizeDomainName } from "../woodpecker/domain-name.js";
import { ToolFailure } from "./result.js";
import { defineTool } from "./define.js";
import { requireClient } from "./require-client.js";

const DomainName = z
  .string()
  .transform((raw, ctx) => {
    const check = normalizeDomainName(raw);
    if (check.ok) return check.name;
    ctx.addIssue({ code: "custom", message: `domain_name ${check.reason}` });
    return z.NEVER;
  })
  .describe(
    "The domain to delete, e.g. piedpiper.com. Case, one trailing dot and internationalized names are normalized.",
  );

export const deleteDomain = defineTool({
  name: "delete_domain",
  title: "Delete a Woodpecker domain and all its mailboxes",
  description: [
    "Requests deletion of a domain from the Woodpecker account. IRREVERSIBLE and CASCADING: every mailbox on the domain is deleted with it and cannot be recovered. Woodpecker accepts the request (status deletion_accepted) and deletes asynchronously.",
    "Two steps: call first without `confirm`; the result is confirmation_required. Tell the user that the domain and every mailbox on it will be deleted for good, and only if they agree call again with `confirm` set to the same domain name. The client may also show the user a confirmation prompt.",
    "Known refusals: the domain is not found, not ready yet (is_ready false), or already being deleted (error.kind validation_error; error.hint says what to do).",
  ].join("\n\n"),
  inputSchema: z.strictObject({
    domain_name: DomainName,
    confirm: z
      .string()
      .optional()
      .describe(
        "Leave out on the first call. After the user has agreed, the same domain name again, to confirm the deletion.",
      ),
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: true,
  },
  subject: ({ domain_name }) => ({
    tool: "delete_domain",
    label: `domain ${domain_name}`,
    target: { domain_name },
  }),
  async handler({ domain_name, confirm }, context) {
    const { config } = context;
    // Checked before any confirmation, so nobody is asked to approve a call that cannot be sent.
    // Undefined only in a dry run.
    const client = config.dryRun ? undefined : requireClient(context);
    if (config.protectedDomains.has(domain_name)) {
      throw new ToolFailure(
        "protected",
        `${domain_name} is listed in WOODPECKER_PROTECTED_DOMAINS, so this server refuses to delete it.`,
        "Do not try to delete this domain. Only the person who runs this server can remove it from WOODPECKER_PROTECTED_DOMAINS.",
      );
    }
    const cascade = `the domain ${domain_name} and every mailbox on it will be deleted for good; they cannot be recovered`;
    if (confirm === undefined || confirm.trim() === "") {
      throw new ToolFailure(
        "confirmation_required",
        `Not deleted yet: deleting needs confirmation, because ${cascade}.`,
        `Ask the user whether to delete ${domain_name} and every mailbox on it, saying that this cannot be undone. Only if they agree, call delete_domain again with confirm set to "${domain_name}".`,
      );
    }
    const confirmed = normalizeDomainName(confirm);
    if (!confirmed.ok || confirmed.name !== domain_name) {
      throw new ToolFailure(
        "confirmation_mismatch",
        `Not deleted: confirm does not name the domain ${domain_name}.`,
        `confirm must be the domain name itself ("${domain_name}"), not yes or true. Make sure the user agreed to delete exactly this domain, then call again.`,
      );
    }
    if (context.askHuman !== undefined) {
      const answer = await context.askHuman({
        message: `Delete ${domain_name}? The domain and EVERY mailbox on it will be deleted permanently; this cannot be undone. Type the domain name to confirm.`,
        expected: domain_name,
        normalize: (typed) => {
          const check = normalizeDomainName(typed);
          return check.ok ? check.name : undefined;
        },
      });
      if (answer !== "confirmed") throw humanDidNotConfirm(domain_name, answer);
    }
    if (client === undefined) {
      return {
        status: "dry_run",
        message: `Dry run: ${domain_name} passed every check and would have been sent to Woodpecker for deletion (DELETE /domains/${domain_name}). Nothing was deleted.`,
      };
    }
    const response = await client.deleteDomain(domain_name, {
      signal: context.signal,
      onRetry: context.onRetry,
    });
    return {
      status: "deletion_accepted",
      http_status: response.status,
      attempts: response.attempts,
      message: `Woodpecker accepted the deletion of ${domain_name} (HTTP ${response.status}). It runs asynchronously: the domain and every mailbox on it will be removed and cannot be recovered.`,
    };
  },
});

function humanDidNotConfirm(domainName: string, answer: "declined" | "wrong_value" | "no_answer") {
  const why = {
    declined: "the user declined or dismissed the confirmation prompt",
    wrong_value: "the name typed in the confirmation prompt did not match",
    no_answer: "the confirmation prompt got no answer in time",
  }[answer];
  return new ToolFailure(
    "cancelled_by_user",
    `Not deleted: ${why}. ${domainName} and its mailboxes are untouched.`,
    "Do not call again unless the user asks again. If the prompt never appeared, the user can set WOODPECKER_ELICITATION=off.",
  );
}
