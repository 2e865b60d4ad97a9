import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../logging/logger.js";

/**
 * The progress notifications of one call, for a client that sent a `progressToken`: one for each
 * retry and each wait for a person, with values that only ever increase within the call, so that a
 * client resetting its request timeout on progress keeps waiting.
 */
export class CallProgress {
  readonly #extra: RequestHandlerExtra<ServerRequest, ServerNotification>;
  readonly #logger: Logger;
  #value = 0;

  constructor(extra: RequestHandlerExtra<ServerRequest, ServerNotification>, logger: Logger) {
    this.#extra = extra;
    this.#logger = logger;
  }

  report(message: string): void {
    const progressToken = this.#extra._meta?.progressToken;
    if (progressToken === undefined) return;
    this.#value += 1;
    this.#extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken, progress: this.#value, message },
      })
      .catch((error: unknown) =>
        this.#logger.debug({ err: error }, "progress notification not sent"),
      );
  }
}
