import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { pageChannel } from "../confirmation/approval-page/page-channel.js";
import type { Banner, PersonChannel } from "../confirmation/person.js";
import { confirmDeletion } from "../confirmation/engine.js";
import type { Config } from "../config/parse-cli.js";
import type { Logger } from "../logging/logger.js";
import { ToolFailure } from "../results/failure.js";
import type { AnyToolDefinition, ToolContext } from "../tools/define.js";
import { requireAccount } from "../tools/require-account.js";
import { duration } from "../tools/wording.js";
import type { CallOptions, RetryNotice } from "../woodpecker/client.js";
import type { CallRecord } from "./calls-in-flight.js";
import { canShowForm, canShowUrl, formChannel, urlChannel } from "./elicitation.js";
import type { CallProgress } from "./progress.js";
import type { ToolDependencies } from "./register-tool.js";

/** One tool call, as the wrapper sees it. */
export interface Invocation {
  server: McpServer;
  tool: AnyToolDefinition;
  deps: ToolDependencies;
  record: CallRecord;
  signal: AbortSignal;
  progress: CallProgress;
  /** The strings and numbers of the call's arguments: see SecretScrubber.knowing. */
  callerTexts: readonly string[];
}

/** What a handler gets for one call: the account, its Woodpecker calls, the engine, the DELETE. */
export function callContext(invocation: Invocation): ToolContext {
  const { tool, deps, record, signal, progress } = invocation;
  const { config } = deps;
  const call: CallOptions = {
    signal,
    onRetry: (notice) => reportRetry(notice, progress, deps.logger),
    callerTexts: invocation.callerTexts,
  };
  const context: ToolContext = {
    config,
    account: deps.account,
    call,
    async confirm(deletion, shown, relayed) {
      const { tokens } = requireAccount(context);
      // A token is bound to whether this is a dry run too: a yes to a rehearsal deletes nothing.
      const bound = { ...deletion, binding: { ...deletion.binding, dryRun: config.dryRun } };
      const decision = await confirmDeletion(bound, shown, relayed, {
        tokens,
        shown: deps.shared.shown,
        person: personChannels(invocation),
        policy: config.confirmation,
        signal,
        progress: (message) => progress.report(message),
        heartbeatMs: deps.heartbeatMs,
        waitLimit: duration(config.elicitationTimeoutMs),
        banners: banners(config),
      });
      if (decision.confirmed) record.confirmedBy = decision.by;
      return decision;
    },
    async sendDelete(request) {
      if (config.dryRun) return { dryRun: true };
      const caller = {
        signal,
        onSent: () => (record.deleteSent = true),
        onJoined: () =>
          deps.logger.debug(
            { tool: tool.name, target: record.target },
            "another call is already sending this DELETE: waiting for its outcome",
          ),
      };
      const { value, joined } = await deps.shared.deletes.run(
        request.key,
        caller,
        async (shared) => {
          try {
            await deps.audit.intent(
              {
                tool: tool.name,
                target: record.target,
                account: record.account,
                dry_run: false,
                sandbox: config.sandbox,
                confirmed_by: record.confirmedBy,
              },
              request.description,
            );
          } catch (error) {
            deps.logger.error({ err: error }, "the audit intent line could not be written");
            throw new ToolFailure(
              "unavailable",
              "Not deleted: the audit trail could not record that a DELETE was about to be sent, so none was sent.",
              "Tell whoever runs this server that its audit trail cannot be written (WOODPECKER_AUDIT_FILE, or stderr). Do not call again until it is fixed.",
              { retryable: false },
            );
          }
          return request.send({ ...call, signal: shared.signal, onSend: shared.markSent });
        },
      );
      record.joined = joined;
      return { dryRun: false, sent: value, joined };
    },
  };
  return context;
}

/**
 * The channels to a person this call has, in the order the engine tries them: the client's form;
 * else the approval page, through the client (URL mode) or opened in the browser by this server.
 */
function personChannels({ server, deps }: Invocation): PersonChannel[] {
  const { config, scrubber, logger } = deps;
  if (deps.remote === true) return [];
  const timeoutMs = config.elicitationTimeoutMs;
  const elicits = config.elicitation === "auto";
  if (elicits && canShowForm(server.server)) {
    return [formChannel(server.server, { timeoutMs, scrubber })];
  }
  if (config.approval === "off") return [];
  if (elicits && canShowUrl(server.server))
    return [urlChannel(server.server, { timeoutMs, scrubber })];
  if (!config.opensBrowser) return [];
  return [
    pageChannel({
      timeoutMs,
      browser: config.browser,
      platform: config.platform,
      scrub: (text) => scrubber.text(text),
      // The command is logged, never the page's address.
      onBrowser: (event) =>
        event.event === "started"
          ? logger.info({ command: event.command }, "opened the approval page in the browser")
          : logger.warn(
              { command: event.command, code: event.code },
              "could not open the approval page in the browser",
            ),
    }),
  ];
}

/** What a person asked to confirm reads above everything else. */
function banners(config: Config): Banner[] {
  return [
    ...(config.dryRun
      ? [{ kind: "dry_run" as const, text: "Dry run: nothing is deleted, whatever you answer." }]
      : []),
    ...(config.sandbox
      ? [
          {
            kind: "sandbox" as const,
            text: "Sandbox: a simulated account; nothing real is deleted.",
          },
        ]
      : []),
  ];
}

function reportRetry(notice: RetryNotice, progress: CallProgress, logger: Logger): void {
  const message = `${notice.reason}; retrying (attempt ${notice.attempt} of ${notice.maxAttempts})`;
  logger.warn({ attempt: notice.attempt, max_attempts: notice.maxAttempts }, message);
  progress.report(message);
}
