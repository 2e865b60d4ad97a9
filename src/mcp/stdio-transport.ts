import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../logging/logger.js";

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

/**
 * The SDK's stdio transport, plus what a JSON-RPC server owes its client that the SDK leaves out:
 * an error response to a line it cannot read (the SDK drops it silently), a logged reason when a
 * message is too large to read (the SDK closes the connection without a word), and tolerance of a
 * client that declares `elicitation` as something other than an object (the SDK refuses its
 * `initialize`): such a declaration does not count, so that client gets the two-step guard.
 */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];
  /** Set when the connection ended because of something the client sent. */
  failure: string | undefined;
  readonly #inner = new StdioServerTransport();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
    this.#inner.onmessage = (message) => this.onmessage?.(this.#tolerated(message));
    this.#inner.onclose = () => this.onclose?.();
    this.#inner.onerror = (error) => {
      if (!this.#answered(error)) this.onerror?.(error);
    };
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.#inner.send(message);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #answered(error: Error): boolean {
    if (/maximum size/.test(error.message)) {
      this.failure = "the client sent a message larger than the 10 MB a message may be";
      this.#logger.error({ err: error }, `${this.failure}; the connection is closed`);
      return true;
    }
    const code =
      error instanceof SyntaxError
        ? PARSE_ERROR
        : error.name === "ZodError"
          ? INVALID_REQUEST
          : undefined;
    if (code === undefined) return false;
    this.#logger.warn({ error_type: error.name }, "dropped an unreadable message from the client");
    const response = {
      jsonrpc: "2.0",
      id: null,
      error: { code, message: code === PARSE_ERROR ? "Parse error" : "Invalid Request" },
    };
    // The SDK's message type has no null id, which JSON-RPC requires for these two errors.
    this.#inner.send(response as unknown as JSONRPCMessage).catch(() => undefined);
    return true;
  }

  #tolerated(message: JSONRPCMessage): JSONRPCMessage {
    if (!("method" in message) || message.method !== "initialize") return message;
    const capabilities: unknown = message.params?.capabilities;
    if (!isObject(capabilities) || !("elicitation" in capabilities)) return message;
    const { elicitation } = capabilities;
    if (isObject(elicitation)) return message;
    this.#logger.warn(
      { declared: typeof elicitation },
      "the client declared elicitation as something other than an object; it does not count: delete_domain uses the confirm argument",
    );
    const { elicitation: _ignored, ...rest } = capabilities;
    return { ...message, params: { ...message.params, capabilities: rest } };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
