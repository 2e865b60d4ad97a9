import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import type { Config } from "../config/parse-cli.js";
import { explainApiError } from "../tools/explain-api-error.js";
import { askHumanThroughElicitation } from "./elicitation.js";
import { inputIssues } from "./input-issues.js";
import type { Logger } from "../logging/logger.js";
import { SERVER_NAME, SERVER_VERSION } from "../package-info.js";
import {
  failureResult,
  successResult,
  ToolFailure,
  type ToolResult,
  ToolResultSchema,
} from "../tools/result.js";
import { scrubSecret } from "../logging/secret.js";
import type { ToolContext, ToolDefinition } from "../tools/define.js";
import { TOOLS } from "../tools/index.js";
import { ApiError } from "../woodpecker/api-error.js";
import type { RetryNotice, WoodpeckerClient } from "../woodpecker/client.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ServerDependencies {
  config: Config;
  /** Absent when there is no API key and no sandbox: calls then answer not_configured. */
  client: WoodpeckerClient | undefined;
  logger: Logger;
  /** The key to scrub from results, whatever the client was given. */
  secret: string | undefined;
}

const SERVER_INSTRUCTIONS =
  "Tools that permanently delete Woodpecker resources. delete_domain also deletes every mailbox on the domain: always ask the user first and pass their confirmation as `confirm`. Every result has ok, status and, on failure, error.kind and error.hint saying what to do next.";

export function createServer(deps: ServerDependencies): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    { instructions: SERVER_INSTRUCTIONS },
  );
  for (const tool of TOOLS) {
    if (deps.config.enabledTools.includes(tool.name)) registerTool(server, tool, deps);
  }
  return server;
}

function registerTool(
  server: McpServer,
  tool: ToolDefinition<z.ZodObject>,
  deps: ServerDependencies,
): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: advertisedAs(tool.inputSchema),
      outputSchema: ToolResultSchema,
      annotations: { title: tool.title, ...tool.annotations },
    },
    async (args, extra) => {
      const started = performance.now();
      const result = await runTool(server, tool, deps, args, extra);
      deps.logger.info(
        {
          audit: true,
          tool: tool.name,
          target: result.domain_name ?? result.credential_id ?? null,
          outcome: result.error?.kind ?? result.status,
          http_status: result.http_status ?? null,
          attempts: result.attempts ?? 0,
          request_id: result.error?.request_id ?? null,
          duration_ms: Math.round(performance.now() - started),
          dry_run: result.dry_run,
          sandbox: result.sandbox,
        },
        "destructive tool call",
      );
      return toCallToolResult(result, deps.secret);
    },
  );
}

async function runTool(
  server: McpServer,
  tool: ToolDefinition<z.ZodObject>,
  deps: ServerDependencies,
  args: unknown,
  extra: Extra,
): Promise<ToolResult> {
  const mode = { dryRun: deps.config.dryRun, sandbox: deps.config.sandbox };
  const parsed = tool.inputSchema.safeParse(args);
  if (!parsed.success) {
    const fields = inputIssues(parsed.error, args);
    const failure = new ToolFailure(
      "invalid_input",
      `Invalid arguments for ${tool.name}: ${fields.map((f) => `${f.field} ${f.issue}`).join("; ")}. Nothing was sent to Woodpecker.`,
      "Correct the arguments (see fields) and call again.",
      { fields },
    );
    return failureResult(failure, {}, mode);
  }
  const subject = tool.subject(parsed.data);
  try {
    const success = await tool.handler(parsed.data, contextFor(server, deps, extra));
    return successResult(success, subject.target, mode);
  } catch (error) {
    return failureResult(asToolFailure(error, subject, deps.logger), subject.target, mode);
  }
}

function asToolFailure(
  error: unknown,
  subject: ReturnType<ToolDefinition<z.ZodObject>["subject"]>,
  logger: Logger,
): ToolFailure {
  if (error instanceof ToolFailure) return error;
  if (error instanceof ApiError) return explainApiError(error, subject);
  logger.error({ err: error, tool: subject.tool }, "unexpected failure in tool handler");
  return new ToolFailure(
    "unexpected_response",
    `Deleting ${subject.label} failed in an unexpected way inside this server.`,
    "Do not assume anything was deleted. Check in Woodpecker, and report this to whoever runs the server.",
  );
}

function contextFor(server: McpServer, deps: ServerDependencies, extra: Extra): ToolContext {
  const canAskHuman =
    deps.config.elicitation === "auto" &&
    server.server.getClientCapabilities()?.elicitation?.form !== undefined;
  return {
    config: deps.config,
    client: deps.client,
    signal: extra.signal,
    askHuman: canAskHuman
      ? (question) =>
          askHumanThroughElicitation(server.server, question, {
            timeout: deps.config.elicitationTimeoutMs,
            signal: extra.signal,
          })
      : undefined,
    onRetry: (notice) => reportRetry(notice, extra, deps.logger),
  };
}

function reportRetry(notice: RetryNotice, extra: Extra, logger: Logger): void {
  const message = `${notice.reason}; retrying (attempt ${notice.attempt} of ${notice.maxAttempts})`;
  logger.warn({ attempt: notice.attempt, max_attempts: notice.maxAttempts }, message);
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return;
  extra
    .sendNotification({
      method: "notifications/progress",
      params: { progressToken, progress: notice.attempt - 1, total: notice.maxAttempts, message },
    })
    .catch((error: unknown) => logger.debug({ err: error }, "progress notification not sent"));
}

/**
 * The SDK validates arguments before the handler runs and answers a failure with bare text. To
 * answer every bad input with a structured invalid_input result, the SDK is given a schema that
 * accepts any object but advertises the strict schema's JSON Schema; the strict one runs in the
 * handler.
 */
function advertisedAs(strict: z.ZodObject): z.ZodObject {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(strict, { io: "input" });
  return z.looseObject({}).meta(jsonSchema);
}

function toCallToolResult(result: ToolResult, secret: string | undefined): CallToolResult {
  const raw = JSON.stringify(result);
  const json = scrubSecret(raw, secret);
  const safe: ToolResult = json === raw ? result : JSON.parse(json);
  const next = safe.error ? ` Next: ${safe.error.hint}` : "";
  return {
    content: [{ type: "text", text: `${safe.message}${next}\n\n${json}` }],
    structuredContent: safe,
    isError: !safe.ok,
  };
}
