import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import { ToolFailure } from "../results/failure.js";
import type { AnyToolDefinition, Target } from "../tools/define.js";
import { auditCall, type CallRecord } from "./calls-in-flight.js";
import { callContext, type Invocation } from "./call-context.js";
import {
  answerBody,
  failureBody,
  type Mode,
  type ResultBody,
  toCallToolResult,
} from "./envelope.js";
import { argumentsTooLarge } from "./argument-limits.js";
import { inputIssues } from "./input-issues.js";
import { CallProgress } from "./progress.js";
import type { ToolDependencies } from "./tool-dependencies.js";
import { asToolFailure } from "./unexpected-failure.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Registers one tool. This wrapper is where arguments are validated, failures become results,
 * the audit line of a deleting tool is written and the key is scrubbed from what is sent back.
 */
export function registerTool(server: McpServer, tool: AnyToolDefinition, deps: ToolDependencies) {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: ANY_OBJECT,
      outputSchema: tool.outputSchema,
      annotations: { title: tool.title, ...tool.annotations },
    },
    (args: unknown, extra: Extra) => {
      // One signal for the call, which the client's cancel and shutdown both abort. Not
      // AbortSignal.any: Node keeps a signal it made, and whatever listens to it, for as long as
      // a listener is left on it, and the SDK leaves one for every form it shows.
      const stop = new AbortController();
      const onCancelled = () => stop.abort(extra.signal.reason);
      if (extra.signal.aborted) onCancelled();
      else extra.signal.addEventListener("abort", onCancelled, { once: true });
      const record: CallRecord = {
        tool: tool.name,
        destructive: tool.annotations.destructiveHint,
        target: null,
        account: deps.account?.fingerprint ?? null,
        oauthClient: deps.oauthClient,
        confirmedBy: null,
        deleteSent: false,
        attempts: 0,
        joined: false,
        startedAt: performance.now(),
        stop,
      };
      const tooLarge = argumentsTooLarge(args);
      const invocation: Invocation = {
        server,
        tool,
        deps,
        record,
        signal: stop.signal,
        progress: new CallProgress(extra, deps.logger),
        callerTexts: tooLarge === undefined ? textsIn(args) : [],
        requestId: extra.requestId,
      };
      return deps.calls
        .track(record, call(invocation, args, tooLarge))
        .finally(() => extra.signal.removeEventListener("abort", onCancelled));
    },
  );
}

async function call(
  invocation: Invocation,
  args: unknown,
  tooLarge: string | undefined,
): Promise<CallToolResult> {
  const { deps, record } = invocation;
  const mode: Mode = { dryRun: deps.config.dryRun, sandbox: deps.config.sandbox };
  const body =
    tooLarge === undefined
      ? await resultOf(invocation, args, mode)
      : failureBody(argumentsRefused(invocation.tool, tooLarge), {}, mode);
  if (record.destructive) auditCall(deps.audit, record, mode, body);
  return toCallToolResult(body, deps.scrubber.knowing(invocation.callerTexts));
}

/** Every string and number in the arguments, as the caller wrote them. */
function textsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "number") return [String(value)];
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(textsIn);
  return [];
}

async function resultOf(invocation: Invocation, args: unknown, mode: Mode): Promise<ResultBody> {
  const { tool, deps, record } = invocation;
  if (!deps.calls.accepting) {
    const failure = new ToolFailure(
      "unavailable",
      "This server is shutting down, so nothing was read or sent.",
      "Call again once the client has restarted the server.",
      { retryable: true },
    );
    return failureBody(failure, {}, mode);
  }
  const parsed = tool.inputSchema.safeParse(args);
  if (!parsed.success) {
    const { fields, more } = inputIssues(parsed.error, args);
    const listed = fields.map((f) => `${f.field}: ${f.issue}`).join("; ");
    const failure = new ToolFailure(
      "invalid_input",
      `Invalid arguments for ${tool.name}: ${listed}${more > 0 ? `; and ${more} more` : ""}. Nothing was sent to Woodpecker.`,
      "Correct the arguments (see fields) and call again.",
      { fields, retryable: false },
    );
    return failureBody(failure, {}, mode);
  }
  const target = tool.target?.(parsed.data) ?? {};
  record.target = targetValue(target);
  try {
    const answer = await tool.handler(parsed.data, callContext(invocation));
    return answerBody(answer, target, mode);
  } catch (error) {
    return failureBody(asToolFailure(error, tool, deps.logger), target, mode);
  }
}

/** Arguments too large to validate: refused whole, nothing of them echoed. */
function argumentsRefused(tool: AnyToolDefinition, why: string): ToolFailure {
  return new ToolFailure(
    "invalid_input",
    `Invalid arguments for ${tool.name}: ${why}. Nothing was sent to Woodpecker.`,
    "Call again with only the arguments the tool's input schema names.",
    { fields: [{ field: "(arguments)", issue: why }], retryable: false },
  );
}

function targetValue(target: Target): string | number | null {
  if ("email" in target) return target.email;
  if ("domain_name" in target) return target.domain_name;
  if ("domain_names" in target) return target.domain_names.join(",");
  if ("credential_id" in target) return target.credential_id;
  return null;
}

/**
 * The SDK validates arguments before the handler runs and answers a failure with bare text. To
 * answer every bad input with a structured invalid_input result, the SDK is given a schema that
 * accepts any object; the tool's strict one runs in the wrapper, and is what tools/list shows
 * (tool-list.ts).
 */
const ANY_OBJECT = z.looseObject({});
