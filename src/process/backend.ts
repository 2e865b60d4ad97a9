import { PreviewTokens } from "../confirmation/preview-token.js";
import type { Config } from "../config/parse-cli.js";
import type { Logger } from "../logging/logger.js";
import { nodeCrypto } from "../node-crypto.js";
import { SecretScrubber, type SecretSet } from "../logging/secret.js";
import type { Account } from "../tools/define.js";
import { WoodpeckerClient } from "../woodpecker/client.js";
import { limitHeapGrowth } from "./heap-growth.js";

/** Where the tools' calls go: Woodpecker, the built-in sandbox, or nowhere (no key). */
export interface Backend {
  account: Account | undefined;
  baseUrl: string;
  close: () => Promise<void>;
}

/** `scrubber` is the one the server holds for its own key. */
export async function connectBackend(
  config: Config,
  logger: Logger,
  scrubber: SecretScrubber,
): Promise<Backend> {
  if (config.sandbox) {
    const { startSandbox } = await import("../sandbox/start.js");
    const sandbox = await startSandbox();
    return {
      account: openAccount(config, logger, sandbox.baseUrl, sandbox.apiKey),
      baseUrl: sandbox.baseUrl,
      close: () => sandbox.close(),
    };
  }
  return {
    account:
      config.apiKey === undefined
        ? undefined
        : openAccount(config, logger, config.baseUrl, config.apiKey, scrubber),
    baseUrl: config.baseUrl,
    close: async () => undefined,
  };
}

/** One Woodpecker account: its client, and preview tokens bound to its key. */
export function openAccount(
  config: Pick<Config, "timeoutMs" | "maxRetries" | "maxInFlight" | "http">,
  logger: Logger,
  baseUrl: string,
  apiKey: string,
  scrubber?: SecretScrubber,
): Account {
  let fingerprint: string | undefined;
  return {
    client: new WoodpeckerClient({
      baseUrl,
      apiKey,
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      maxInFlight: config.maxInFlight,
      logger,
      ...(scrubber === undefined ? {} : { scrubber }),
      ...(config.http === undefined ? { onFirstRequest: limitHeapGrowth } : {}),
    }),
    tokens: new PreviewTokens(apiKey),
    // Made at the first call that needs it: the hash would load node:crypto at every start.
    get fingerprint() {
      fingerprint ??= keyFingerprint(apiKey);
      return fingerprint;
    },
  };
}

/** An account, and the scrubber that keeps its key out of every result. */
export interface KeyedAccount {
  account: Account;
  scrubber: SecretScrubber;
}

const MAX_ACCOUNTS = 256;

/**
 * In remote mode without a key of the server's own, the accounts of the keys requests carry: each
 * opened once (so that its request queue lives on across requests), the least recently used
 * dropped past 256. Each key is added to the logger's secrets while it is held.
 */
export class AccountsByKey {
  readonly #accounts = new Map<string, KeyedAccount>();
  readonly #open: (apiKey: string, scrubber: SecretScrubber) => Account;
  readonly #secrets: SecretSet;

  constructor(open: (apiKey: string, scrubber: SecretScrubber) => Account, secrets: SecretSet) {
    this.#open = open;
    this.#secrets = secrets;
  }

  get(apiKey: string): KeyedAccount {
    let keyed = this.#accounts.get(apiKey);
    this.#accounts.delete(apiKey);
    if (keyed === undefined) {
      const scrubber = this.#secrets.add(apiKey);
      keyed = { account: this.#open(apiKey, scrubber), scrubber };
    }
    this.#accounts.set(apiKey, keyed);
    const [oldest] = this.#accounts.keys();
    if (this.#accounts.size > MAX_ACCOUNTS && oldest !== undefined) {
      this.#accounts.delete(oldest);
      this.#secrets.delete(oldest);
    }
    return keyed;
  }
}

/** A short hash that tells accounts apart in the audit trail, and says nothing of the key. */
export function keyFingerprint(apiKey: string): string {
  return nodeCrypto()
    .createHash("sha256")
    .update(`woodpecker-mcp-destructive key fingerprint\0${apiKey}`)
    .digest("hex")
    .slice(0, 12);
}
