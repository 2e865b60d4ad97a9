import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

// Everything an OAuth server would keep in a store (client registrations, codes, access and
// refresh tokens, the sign-in cookie, MCP sessions) is handed out sealed instead: AES-256-GCM under a key drawn
// by HKDF from WOODPECKER_HTTP_SECRET. Any replica holding the secret opens what another sealed,
// so replicas share nothing else; a changed byte fails the tag and opens to nothing.

/** What a sealed text is, bound into its tag: a code never opens as a token. */
export type SealKind = "client" | "request" | "code" | "access" | "refresh" | "cookie" | "session";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class Sealer {
  readonly #key: Buffer;

  constructor(secret: Buffer) {
    this.#key = Buffer.from(
      hkdfSync("sha256", secret, "woodpecker-mcp-destructive", "oauth seal v1", 32),
    );
  }

  /** `payload` as JSON, sealed, in base64url. */
  seal(kind: SealKind, payload: object): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv).setAAD(Buffer.from(kind));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(payload)), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url");
  }

  /** What `text` was sealed from as `kind`, or undefined: not sealed so, changed, or not ours. */
  open(kind: SealKind, text: string): unknown {
    const bytes = Buffer.from(text, "base64url");
    if (bytes.length <= IV_BYTES + TAG_BYTES || bytes.toString("base64url") !== text) {
      return undefined;
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, bytes.subarray(0, IV_BYTES))
        .setAAD(Buffer.from(kind))
        .setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return JSON.parse(plain.toString("utf8")) as unknown;
    } catch {
      return undefined;
    }
  }
}
