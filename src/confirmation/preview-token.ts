import { nodeCrypto } from "../node-crypto.js";

// A confirmation is bound to exactly what was shown, and to nothing held in memory: the preview
// token carries when it was issued and a digest of what was shown, under a MAC only a holder of
// the account's API key can make. So it works across calls sent in parallel, across a client
// that starts a new process for each call, and across replicas, and no call sent before the
// answer that carried it can confirm anything.

/** How long a preview token confirms. */
export const TOKEN_TTL_MS = 10 * 60 * 1000;
/** How far ahead of this clock another replica's may run. */
const CLOCK_SKEW_MS = 60 * 1000;
const VERSION = 1;
const DIGEST_BYTES = 15;
const MAC_BYTES = 16;
// version (1) + issued-at seconds (4) + digest + MAC = 36 bytes, 48 base64url characters.
const TOKEN_BYTES = 1 + 4 + DIGEST_BYTES + MAC_BYTES;
/** A token as written, and nothing else: base64url decoding would ignore extra characters. */
const TOKEN_SHAPE = new RegExp(`^[A-Za-z0-9_-]{${(TOKEN_BYTES / 3) * 4}}$`);

/** What a deletion takes with it: Woodpecker's count and every item it listed. */
export interface Cascade {
  count: number;
  /** Normalized (the same item reads the same way twice); order does not matter. */
  items: readonly string[];
}

/** What a deletion acts on: the tool and its target, and whether it is a rehearsal. */
export interface Binding {
  tool: string;
  target: string;
  /** A yes to a rehearsal is not a yes to the deletion: a dry run's token confirms only there. */
  dryRun?: boolean;
  /**
   * Handed out while an approval page asks the person: only that page's answer goes with it, never
   * an agent's relayed confirm (in this process or another one that has no page).
   */
  page?: boolean;
}

export type TokenCheck =
  | { ok: true }
  /** Not a token at all, or one made for another tool, target or account: never ours for this. */
  | { ok: false; problem: "foreign" }
  | { ok: false; problem: "expired" }
  /** Ours, for this target, but what it was issued for is not what a deletion takes now. */
  | { ok: false; problem: "cascade_changed"; shownDigest: string };

/** The digest of (tool, target, count, every item as a set), as hex: what a token was issued for. */
export function cascadeDigest(binding: Binding, cascade: Cascade): string {
  const items = [...new Set(cascade.items)].sort();
  return nodeCrypto()
    .createHash("sha256")
    .update(JSON.stringify([binding.tool, binding.target, cascade.count, items]))
    .digest()
    .subarray(0, DIGEST_BYTES)
    .toString("hex");
}

/** Issues and checks the preview tokens of one account. */
export class PreviewTokens {
  readonly #accountKey: string;
  #key: Buffer | undefined;
  readonly #now: () => number;

  /** `now` is for unit tests; the server always uses the real clock. */
  constructor(accountKey: string, now: () => number = Date.now) {
    this.#accountKey = accountKey;
    this.#now = now;
  }

  /** The MAC key, derived at the first token: a start that deletes nothing needs none. */
  get #macKey(): Buffer {
    this.#key ??= Buffer.from(
      nodeCrypto().hkdfSync(
        "sha256",
        this.#accountKey,
        "woodpecker-mcp-destructive",
        "preview-token-v1",
        32,
      ),
    );
    return this.#key;
  }

  issue(binding: Binding, cascade: Cascade): { token: string; expiresAt: Date } {
    const issuedAt = Math.floor(this.#now() / 1000);
    const head = Buffer.alloc(5);
    head.writeUInt8(VERSION, 0);
    head.writeUInt32BE(issuedAt, 1);
    const digest = Buffer.from(cascadeDigest(binding, cascade), "hex");
    const mac = this.#mac(head, digest, binding);
    return {
      token: Buffer.concat([head, digest, mac]).toString("base64url"),
      expiresAt: new Date(issuedAt * 1000 + TOKEN_TTL_MS),
    };
  }

  /** Checks in this order: ours for this tool, target and account; in time; for this cascade. */
  check(token: string, binding: Binding, cascade: Cascade): TokenCheck {
    const bytes = TOKEN_SHAPE.test(token) ? Buffer.from(token, "base64url") : undefined;
    if (bytes?.[0] !== VERSION) return { ok: false, problem: "foreign" };
    const head = bytes.subarray(0, 5);
    const digest = bytes.subarray(5, 5 + DIGEST_BYTES);
    const mac = bytes.subarray(5 + DIGEST_BYTES);
    if (!nodeCrypto().timingSafeEqual(mac, this.#mac(head, digest, binding))) {
      return { ok: false, problem: "foreign" };
    }
    const age = this.#now() - head.readUInt32BE(1) * 1000;
    if (age > TOKEN_TTL_MS || age < -CLOCK_SKEW_MS) return { ok: false, problem: "expired" };
    const shownDigest = digest.toString("hex");
    return shownDigest === cascadeDigest(binding, cascade)
      ? { ok: true }
      : { ok: false, problem: "cascade_changed", shownDigest };
  }

  #mac(head: Buffer, digest: Buffer, binding: Binding): Buffer {
    return nodeCrypto()
      .createHmac("sha256", this.#macKey)
      .update(head)
      .update(digest)
      .update(
        JSON.stringify([
          binding.tool,
          binding.target,
          binding.dryRun === true,
          // Absent unless set, so that every other token reads as it always has.
          ...(binding.page === true ? ["page"] : []),
        ]),
      )
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
