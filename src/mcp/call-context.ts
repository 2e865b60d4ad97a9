import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import { linkChannel } from "../confirmation/approval-page/link-channel.js";
import { pageChannel } from "../confirmation/approval-page/page-channel.js";
import type { Detached } from "../confirmation/deletion.js";
import type { Banner, PersonChannel } from "../confirmation/person.js";
import { runDeletion } from "../confirmation/engine.js";
import type { Config } from "../config/parse-cli.js";
import type { Logger } from "../logging/logger.js";
import { ToolFailure } from "../results/failure.js";
import type {
  Account,
  AnyToolDefinition,
  DeleteOutcome,
  DeleteRequest,
  DeletionVia,
  ToolContext,
} from "../tools/define.js";
import { requireAccount } from "../tools/require-account.js";
import { duration } from "../tools/wording.js";
import type { CallOptions, RetryNotice } from "../woodpecker/client.js";
import { auditCall, type CallRecord, oauthClientOf } from "./calls-in-flight.js";
import {
  canShowForm,
  canShowUrl,
  formChannel,
  remoteUrlChannel,
  urlChannel,
} from "./elicitation.js";
import { answerBody, failureBody } from "./envelope.js";
import type { CallProgress } from "./progress.js";
import type { ToolDependencies } from "./tool-dependencies.js";
import { asToolFailure } from "./unexpected-failure.js";

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
  /** The call's JSON-RPC id: what the server asks the client during the call is tied to it. */
  requestId: RequestId;
}

/** What a handler gets for one call: the account, its Woodpecker calls, the engine. */
export function callContext(invocation: Invocation): ToolContext {
  const { deps, record, signal, progress } = invocation;
  const { config } = deps;
  const call = {
    signal,
    onRetry: (notice: RetryNotice) => reportRetry(notice, deps.logger, progress),
    callerTexts: invocation.callerTexts,
  };
  const context: ToolContext = {
    config,
    account: deps.account,
    call,
    delete(deletion, relayed) {
      const account = requireAccount(context);
      // A token is bound to whether this is a dry run too: a yes to a rehearsal deletes nothing.
      // The deletion is extended, not copied: what a batch asks to type follows its readings.
      const binding = { ...deletion.binding, dryRun: config.dryRun };
      const bound: typeof deletion = Object.create(deletion, { binding: { value: binding } });
      const person = personChannels(invocation);
      return runDeletion(bound, relayed, {
        tokens: account.tokens,
        shown: deps.shared.shown,
        rooms: deps.shared.rooms,
        account: { id: account.fingerprint, words: accountInWords(config, account) },
        person,
        policy: config.confirmation,
        signal,
        progress: (message) => progress.report(message),
        heartbeatMs: deps.heartbeatMs,
        waitLimit: duration(config.elicitationTimeoutMs),
        // A link in the result reaches the person only once the call answered.
        pageWaitMs: person.some((channel) => channel.name === "page" && channel.linkInResult)
          ? 0
          : config.pageWaitMs,
        banners: banners(config),
        scrub: (text) => deps.scrubber.text(text),
        via: deletionVia(deps, record, call, progress),
        detached: detachedDeletions(invocation),
        onConfirmed: (by, sentElsewhere) => {
          record.confirmedBy = by;
          if (sentElsewhere) {
            record.deleteSent = true;
            record.joined = true;
          }
        },
      });
    },
  };
  return context;
}

/** How a deletion reaches Woodpecker for `record`: its requests, and its one DELETE. */
function deletionVia(
  deps: ToolDependencies,
  record: CallRecord,
  call: CallOptions & { signal: AbortSignal },
  progress?: CallProgress,
): DeletionVia {
  return {
    call,
    progress: (message) => progress?.report(message),
    async sendDelete<Sent>(request: DeleteRequest<Sent>): Promise<DeleteOutcome<Sent>> {
      const { config } = deps;
      if (config.dryRun) return { dryRun: true };
      const caller = {
        signal: call.signal,
        onSent: (attempts: number) => {
          record.deleteSent = true;
          record.attempts = attempts;
        },
        onJoined: () =>
          deps.logger.debug(
            { tool: record.tool, target: record.target },
            "another call is already sending this DELETE: waiting for its outcome",
          ),
      };
      // Two accounts deleting the same name are two deletions.
      const key = JSON.stringify([record.account, request.key]);
      const { value, joined } = await deps.shared.deletes.run(key, caller, async (shared) => {
        try {
          const { batch } = request;
          await deps.audit.intent(
            {
              tool: record.tool,
              target: batch?.target ?? record.target,
              account: record.account,
              ...oauthClientOf(record),
              dry_run: false,
              sandbox: config.sandbox,
              confirmed_by: record.confirmedBy,
            },
            request.description,
            batch === undefined ? undefined : { batch: batch.id, position: batch.position },
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
      });
      record.joined = joined;
      return { dryRun: false, sent: value, joined };
    },
  };
}

/**
 * Deletions the approval page carries out once the person confirmed, whether or not a call still
 * waits: each is tracked like a call (drained at shutdown) and audited like one.
 */
function detachedDeletions(invocation: Invocation): Detached<DeletionVia> {
  const { deps, tool, record: opener } = invocation;
  const ownCall = (signal: AbortSignal) => ({
    signal,
    onRetry: (notice: RetryNotice) => reportRetry(notice, deps.logger),
    callerTexts: [],
  });
  return {
    via: (signal) => deletionVia(deps, { ...opener, stop: new AbortController() }, ownCall(signal)),
    async run(by, work) {
      const record: CallRecord = {
        ...opener,
        confirmedBy: by,
        deleteSent: false,
        attempts: 0,
        joined: false,
        startedAt: performance.now(),
        stop: new AbortController(),
      };
      const mode = { dryRun: deps.config.dryRun, sandbox: deps.config.sandbox };
      const via = deletionVia(deps, record, ownCall(record.stop.signal));
      const done = work(via).then(
        (answer) => {
          auditCall(deps.audit, record, mode, answerBody(answer, {}, mode));
          return { result: { answer }, deleteSent: record.deleteSent };
        },
        (error: unknown) => {
          const failure = asToolFailure(error, tool, deps.logger);
          auditCall(deps.audit, record, mode, failureBody(failure, {}, mode));
          return { result: { failure }, deleteSent: record.deleteSent };
        },
      );
      return deps.calls.track(record, done);
    },
  };
}

/**
 * The channels to a person this call has, in the order the engine tries them: the client's form;
 * else the approval page, through the client (URL mode) or opened in the browser by this server.
 */
function personChannels(invocation: Invocation): PersonChannel[] {
  const { server, deps } = invocation;
  const { config, scrubber, logger } = deps;
  if (deps.remote === true) return remoteChannels(invocation);
  const timeoutMs = config.elicitationTimeoutMs;
  const elicits = config.elicitation === "auto";
  if (elicits && canShowForm(server.server)) {
    return [formChannel(server.server, { timeoutMs, scrubber })];
  }
  if (config.approval === "off") return [];
  if (elicits && canShowUrl(server.server)) return [urlChannel(server.server, { timeoutMs })];
  if (!config.opensBrowser) return [];
  return [
    pageChannel({
      browser: config.browser,
      platform: config.platform,
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

/**
 * Remote mode: no form, whose answer would come back in a request of its own, which a stateless
 * server cannot tie to the call. With OAuth, the approval page on this server, for the signed-in
 * person: shown by the client where its session says it can (URL mode), and always handed to the
 * agent as a link too.
 */
function remoteChannels({ server, deps, requestId }: Invocation): PersonChannel[] {
  const { config, account } = deps;
  if (deps.approvalPages === undefined || account === undefined || config.approval === "off") {
    return [];
  }
  const host = deps.approvalPages(account.fingerprint);
  if (deps.clientShowsUrl === true && config.elicitation === "auto") {
    return [
      remoteUrlChannel(server.server, host, {
        relatedRequestId: requestId,
        timeoutMs: config.elicitationTimeoutMs,
      }),
    ];
  }
  return [linkChannel(host)];
}

/** Which account a page acts on, for the person: never the key, only its fingerprint. */
function accountInWords(config: Config, account: Account): string {
  return config.sandbox
    ? "the sandbox (a simulated account)"
    : `the Woodpecker account whose API key's fingerprint is ${account.fingerprint}`;
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

function reportRetry(notice: RetryNotice, logger: Logger, progress?: CallProgress): void {
  const message = `${notice.reason}; retrying (attempt ${notice.attempt} of ${notice.maxAttempts})`;
  logger.warn({ attempt: notice.attempt, max_attempts: notice.maxAttempts }, message);
  progress?.report(message);
}
