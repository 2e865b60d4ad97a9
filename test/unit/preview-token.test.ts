import { createHash, createHmac, hkdfSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type Cascade,
  cascadeDigest,
  PreviewTokens,
  TOKEN_TTL_MS,
} from "../../src/confirmation/preview-token.js";
import { itemChange, ShownCascades } from "../../src/confirmation/shown-cascades.js";

const KEY = "wk_live_0123456789abcdef";
const DOMAIN = { tool: "delete_domain", target: "piedpiper.com" };
const CASCADE: Cascade = { count: 2, items: ["a@piedpiper.com", "b@piedpiper.com"] };

describe("PreviewTokens", () => {
  it("issues a base64url token of at most 48 characters that this account's key accepts", () => {
    const clock = () => 1_700_000_000_500;
    const { token, expiresAt } = new PreviewTokens(KEY, clock).issue(DOMAIN, CASCADE);
    expect(token).toMatch(/^[A-Za-z0-9_-]{1,48}$/);
    expect(expiresAt.toISOString()).toBe("2023-11-14T22:23:20.000Z");
    // Another instance with the same key (another process, another replica) accepts it.
    expect(new PreviewTokens(KEY, clock).check(token, DOMAIN, CASCADE)).toEqual({ ok: true });
  });

  it("reveals nothing of the key and cannot be made without it", () => {
    const { token } = new PreviewTokens(KEY).issue(DOMAIN, CASCADE);
    const bytes = Buffer.from(token, "base64url").toString("latin1");
    expect(bytes).not.toContain(KEY.slice(0, 6));
    const forged = new PreviewTokens("wk_live_guessed_key_000").issue(DOMAIN, CASCADE).token;
    expect(new PreviewTokens(KEY).check(forged, DOMAIN, CASCADE)).toEqual({
      ok: false,
      problem: "foreign",
    });
  });

  it.each([
    ["another target", { tool: "delete_domain", target: "hooli.com" }],
    ["another tool", { tool: "delete_microsoft_credential", target: "piedpiper.com" }],
  ])("is foreign for %s", (_label, binding) => {
    const tokens = new PreviewTokens(KEY);
    const { token } = tokens.issue(DOMAIN, CASCADE);
    expect(tokens.check(token, binding, CASCADE)).toEqual({ ok: false, problem: "foreign" });
  });

  it("is foreign with anything added or taken away, even what base64url decoding would ignore", () => {
    const tokens = new PreviewTokens(KEY);
    const { token } = tokens.issue(DOMAIN, CASCADE);
    expect(token).toHaveLength(48);
    for (const altered of [
      `${token}A`,
      `${token}Q`,
      `${token}=`,
      token.slice(0, -1),
      `${token}\n`,
    ]) {
      expect(tokens.check(altered, DOMAIN, CASCADE)).toEqual({ ok: false, problem: "foreign" });
    }
  });

  it("confirms for ten minutes and not a millisecond longer", () => {
    let now = 1_700_000_000_000;
    const tokens = new PreviewTokens(KEY, () => now);
    const { token } = tokens.issue(DOMAIN, CASCADE);
    now += TOKEN_TTL_MS;
    expect(tokens.check(token, DOMAIN, CASCADE)).toEqual({ ok: true });
    now += 1;
    expect(tokens.check(token, DOMAIN, CASCADE)).toEqual({ ok: false, problem: "expired" });
  });

  it("allows a replica's clock a minute ahead, not more", () => {
    const issuedAt = 1_700_000_000_000;
    const { token } = new PreviewTokens(KEY, () => issuedAt).issue(DOMAIN, CASCADE);
    expect(new PreviewTokens(KEY, () => issuedAt - 60_000).check(token, DOMAIN, CASCADE)).toEqual({
      ok: true,
    });
    expect(new PreviewTokens(KEY, () => issuedAt - 61_000).check(token, DOMAIN, CASCADE)).toEqual({
      ok: false,
      problem: "expired",
    });
  });

  it("says which cascade it was issued for when the cascade changed", () => {
    const tokens = new PreviewTokens(KEY);
    const { token } = tokens.issue(DOMAIN, CASCADE);
    const now = { count: 3, items: [...CASCADE.items, "c@piedpiper.com"] };
    expect(tokens.check(token, DOMAIN, now)).toEqual({
      ok: false,
      problem: "cascade_changed",
      shownDigest: cascadeDigest(DOMAIN, CASCADE),
    });
  });

  it.each(["", "x", "A".repeat(48), "A".repeat(47), `${"A".repeat(47)}=`, "é".repeat(48)])(
    "is foreign when it is not a token at all: %j",
    (token) => {
      expect(new PreviewTokens(KEY).check(token, DOMAIN, CASCADE)).toEqual({
        ok: false,
        problem: "foreign",
      });
    },
  );
});

describe("cascadeDigest", () => {
  it("reads the items as a set: order and repeats do not matter", () => {
    const reordered = {
      count: 2,
      items: ["b@piedpiper.com", "a@piedpiper.com", "a@piedpiper.com"],
    };
    expect(cascadeDigest(DOMAIN, reordered)).toBe(cascadeDigest(DOMAIN, CASCADE));
  });

  it("changes with the count, any item, the tool or the target", () => {
    const digest = cascadeDigest(DOMAIN, CASCADE);
    expect(cascadeDigest(DOMAIN, { ...CASCADE, count: 3 })).not.toBe(digest);
    expect(
      cascadeDigest(DOMAIN, { count: 2, items: ["a@piedpiper.com", "c@piedpiper.com"] }),
    ).not.toBe(digest);
    expect(cascadeDigest({ ...DOMAIN, target: "hooli.com" }, CASCADE)).not.toBe(digest);
    expect(cascadeDigest({ ...DOMAIN, tool: "x" }, CASCADE)).not.toBe(digest);
  });

  it("cannot be confused by an item that holds a separator", () => {
    const joined = { count: 2, items: ['a@x.com","b@x.com'] };
    const split = { count: 2, items: ["a@x.com", "b@x.com"] };
    expect(cascadeDigest(DOMAIN, joined)).not.toBe(cascadeDigest(DOMAIN, split));
  });
});

describe("ShownCascades", () => {
  it("remembers the last 1,000 cascades it showed, by digest", () => {
    const shown = new ShownCascades();
    for (let i = 0; i < 1_001; i += 1) shown.remember(`d${i}`, { count: i, items: [] });
    expect(shown.recall("d0")).toBeUndefined();
    expect(shown.recall("d1")).toEqual({ count: 1, items: [] });
    expect(shown.recall("d1000")).toEqual({ count: 1_000, items: [] });
  });

  it("tells what was added and removed, each sorted", () => {
    expect(itemChange(["b", "a", "c"], ["d", "a", "c", "e"])).toEqual({
      added: ["d", "e"],
      removed: ["b"],
    });
  });
});

describe("the preview token's format (replicas of two versions must agree on it)", () => {
  // Fixed key, clock, binding and cascade: the exact tokens. A change here breaks the tokens
  // one replica issued for another during a rolling upgrade: it needs a new VERSION byte.
  const clock = () => 1_700_000_000_500;
  const cascade: Cascade = {
    count: 2,
    items: ["b@piedpiper.com", "a@piedpiper.com", "a@piedpiper.com"],
  };
  const DELETE_TOKEN = "AWVT8QCj8WBARQ70PQXM4EQnqOIwdFZtFFLQbRh_7x5KBPlj";
  const DRY_RUN_TOKEN = "AWVT8QCj8WBARQ70PQXM4EQnqOIkXzjHfSsxwa3nwr_Z6CNj";

  it("issues exactly these tokens, and accepts them", () => {
    const tokens = new PreviewTokens(KEY, clock);
    expect(tokens.issue(DOMAIN, cascade).token).toBe(DELETE_TOKEN);
    expect(tokens.issue({ ...DOMAIN, dryRun: true }, cascade).token).toBe(DRY_RUN_TOKEN);
    expect(tokens.check(DELETE_TOKEN, DOMAIN, cascade)).toEqual({ ok: true });
  });

  it("is version 1, the issue time in seconds, the cascade's digest, and an HMAC under a key derived from the API key", () => {
    const bytes = Buffer.from(DELETE_TOKEN, "base64url");
    const head = Buffer.from([1, ...[0x65, 0x53, 0xf1, 0x00]]);
    expect(bytes.subarray(0, 5)).toEqual(head);
    expect(bytes.readUInt32BE(1)).toBe(1_700_000_000);
    const digest = createHash("sha256")
      .update(
        JSON.stringify([
          "delete_domain",
          "piedpiper.com",
          2,
          ["a@piedpiper.com", "b@piedpiper.com"],
        ]),
      )
      .digest()
      .subarray(0, 15);
    expect(bytes.subarray(5, 20)).toEqual(digest);
    expect(cascadeDigest(DOMAIN, cascade)).toBe(digest.toString("hex"));
    const macKey = Buffer.from(
      hkdfSync("sha256", KEY, "woodpecker-mcp-destructive", "preview-token-v1", 32),
    );
    const mac = createHmac("sha256", macKey)
      .update(head)
      .update(digest)
      .update(JSON.stringify(["delete_domain", "piedpiper.com", false]))
      .digest()
      .subarray(0, 16);
    expect(bytes.subarray(20)).toEqual(mac);
  });
});
