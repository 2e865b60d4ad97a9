import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.js";
import { SecretScrubber } from "../../src/logging/secret.js";
import { captureLines } from "../helpers/capture.js";

const KEY = "wp-live-9d8c7b6a5f4e";

function capture(logLevel: Parameters<typeof createLogger>[0]["logLevel"] = "trace", apiKey = KEY) {
  const lines = captureLines();
  return { logger: createLogger({ apiKey, logLevel }, lines.stream), ...lines };
}

describe("createLogger", () => {
  it("redacts request headers by path", () => {
    const { logger, lines } = capture();
    logger.debug(
      { request: { headers: { "x-api-key": "some-other-secret-value", accept: "json" } } },
      "req",
    );
    expect(lines[0]).toContain('"x-api-key":"[redacted]"');
    expect(lines[0]).not.toContain("some-other-secret-value");
  });

  it("scrubs the key from nested objects, messages and error causes", () => {
    const { logger, lines } = capture();
    logger.info({ a: { b: { c: { d: `Bearer ${KEY}` } } } }, `message with ${KEY}`);
    const cause = new Error(`inner ${KEY}`);
    logger.error({ err: new Error("outer", { cause }) }, "failed");
    logger.warn({ list: [KEY, { k: KEY }], apiKey: KEY }, "list");
    const output = lines.join("");
    expect(output).not.toContain(KEY);
    expect(output.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(6);
  });

  it('scrubs a key holding " and \\ from the JSON it writes, where they are escaped', () => {
    const key = 'wp"key\\9f8e7d6c';
    const { logger, lines } = capture("info", key);
    logger.info({ echoed: `bad key ${key}` }, "x");
    expect(lines[0]).toContain('"echoed":"bad key [redacted]"');
    expect(lines[0]).not.toContain("9f8e7d6c");
  });

  it("honours the level", () => {
    const { logger, lines } = capture("warn");
    logger.info("hidden");
    logger.warn("shown");
    expect(lines).toHaveLength(1);
  });
});

describe("SecretScrubber", () => {
  const scrubber = new SecretScrubber(KEY);

  it.each([
    ["whole", `x ${KEY} y`],
    ["twice", `${KEY}${KEY}`],
    ["with a zero-width space inside", `${KEY.slice(0, 7)}\u200b${KEY.slice(7)}`],
    ["with a direction mark inside", `${KEY.slice(0, 3)}\u202e${KEY.slice(3)}`],
    ["with a line break inside", `${KEY.slice(0, 12)}\n${KEY.slice(12)}`],
    ["with an escaped control character inside", `${KEY.slice(0, 12)}\\u0000${KEY.slice(12)}`],
  ])("removes the key %s", (_label, text) => {
    const scrubbed = scrubber.text(text);
    expect(scrubbed).toContain("[redacted]");
    expect(scrubbed).not.toContain(KEY.slice(0, 7));
    expect(scrubbed).not.toContain(KEY.slice(12));
  });

  it("leaves other text alone, and scrubs every string of a value", () => {
    expect(scrubber.text("wp-li 0000 deliver")).toBe("wp-li 0000 deliver");
    expect(scrubber.value({ a: [KEY, 1, { b: `k=${KEY}` }], c: null })).toEqual({
      a: ["[redacted]", 1, { b: "k=[redacted]" }],
      c: null,
    });
  });

  it.each([
    ["one character short", (key: string) => key.slice(1)],
    ["its first ten characters", (key: string) => `request ${key.slice(0, 10)}`],
    ["its last eight", (key: string) => `…${key.slice(-8)}`],
    ["with an HTML entity", (key: string) => `&#${key.charCodeAt(0)};${key.slice(1)}`],
    ["with a hex entity", (key: string) => `&#x${key.charCodeAt(0).toString(16)};${key.slice(1)}`],
    ["with a combining mark inside", (key: string) => `${key.slice(0, 5)}\u0301${key.slice(5)}`],
    ["in other case", (key: string) => key.toUpperCase()],
    [
      "each character \\u-escaped",
      (key: string) =>
        [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
    ],
  ])("removes the key in part too: %s", (_label, echo) => {
    const text = `Woodpecker said ${echo(KEY)} here`;
    expect(scrubber.foundIn(text)).toBe(true);
    const scrubbed = scrubber.text(text);
    for (let start = 0; start + 8 <= KEY.length; start += 1) {
      expect(scrubbed.toLowerCase()).not.toContain(KEY.slice(start, start + 8).toLowerCase());
    }
    expect(scrubbed).toMatch(/^Woodpecker said .*\[redacted\].* here$/);
  });

  const percentEncoded = (text: string) =>
    [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join("");
  const base64 = (text: string) => Buffer.from(text).toString("base64");
  const base64url = (text: string) => Buffer.from(text).toString("base64url");
  const hex = (text: string) => Buffer.from(text).toString("hex");

  it.each([
    ["percent-encoded", percentEncoded(KEY)],
    ["percent-encoded in capitals", percentEncoded(KEY).toUpperCase()],
    ["in base64", base64(KEY)],
    ["in base64 after one other byte", base64(`:${KEY}`)],
    ["in base64 after two other bytes", base64(`u:${KEY}`)],
    ["in url-safe base64", base64url(`??${KEY}>>`)],
    ["in url-safe base64 after one other byte", base64url(`?${KEY}>`)],
    ["in hex", hex(KEY)],
    ["in hex capitals", hex(KEY).toUpperCase()],
    ["in hex with colons", hex(KEY).replace(/(..)(?!$)/g, "$1:")],
    ["split by dashes", KEY.replace(/-/g, "").replace(/(...)(?!$)/g, "$1-")],
    ["split by dots and underscores", KEY.replace(/(..)(?!$)/g, "$1._")],
    ["in part, in base64", base64(KEY.slice(4, 16))],
    ["in part, in hex", hex(KEY.slice(5, 14))],
    ["in part, percent-encoded", percentEncoded(KEY.slice(8))],
  ])("removes the key %s", (_label, echo) => {
    const text = `Woodpecker said "${echo}" here`;
    expect(scrubber.foundIn(text)).toBe(true);
    // An encoding's first and last few characters also carry the bytes around the key: they stay.
    expect(scrubber.text(text)).toMatch(/^Woodpecker said "[^"]{0,4}\[redacted\][^"]{0,4}" here$/);
  });

  it("leaves fewer than eight characters of the key, and other encodings of other text, alone", () => {
    for (const text of [
      `…${KEY.slice(-7)}`,
      base64("nothing of it"),
      hex("nothing of it"),
      percentEncoded("wp-live"),
    ]) {
      expect(scrubber.text(text)).toBe(text);
    }
  });

  it("counts a part of a key with separators in the key's own characters, the separators within it included", () => {
    const punctuated = new SecretScrubber("wpk_3f9a.1b2c7d8e-9f0a1b2c3d4e");
    for (const part of ["wpk_3f9a", "3f9a.1b2c", "8e-9f0a1", "_3f9a.1b2"]) {
      expect(punctuated.text(`x ${part} y`)).toMatch(/^x _?\[redacted\] y$/);
    }
    expect(punctuated.text("x wpk_3f9 y")).toBe("x wpk_3f9 y");
  });

  describe("with a key holding the server's own words (the README's placeholder)", () => {
    const placeholder = new SecretScrubber("your-woodpecker-api-key");

    it.each([
      "Woodpecker could not be reached (network error ECONNREFUSED).",
      'Woodpecker\'s message: "Invalid api key"',
      '{"level":30,"name":"woodpecker-mcp","msg":"woodpecker request"}',
      "woodpecker-mcp-destructive/0.1.0 (node 20)",
      "No Woodpecker API key is configured: set WOODPECKER_API_KEY.",
      "Send X-Woodpecker-Api-Key with each request.",
      "https://api.woodpecker.co/rest/v2/domains",
      "WOODPECKER_API_BASE_URL, WOODPECKER_PROTECTED_DOMAINS, delete_microsoft_credential",
    ])("never redacts them: %s", (text) => {
      expect(placeholder.text(text)).toBe(text);
    });

    it("still removes the key, whole or in part", () => {
      expect(placeholder.text("key=your-woodpecker-api-key.")).toBe("key=[redacted].");
      expect(placeholder.text(`k: ${base64("your-woodpecker-api-key")}`)).toMatch(
        /^k: \[redacted\].{0,4}$/,
      );
      expect(placeholder.text("x your-woodpecker-api-ke.")).toBe("x [redacted].");
      expect(placeholder.text("Woodpecker accepted it")).toBe("Woodpecker accepted it");
    });
  });

  it("tells whether the key is in a text, in any form it removes, every time it is asked", () => {
    const escaped = JSON.stringify({ k: `a${KEY}b` });
    expect(scrubber.foundIn(escaped)).toBe(true);
    expect(scrubber.foundIn(escaped)).toBe(true);
    expect(scrubber.foundIn(`${KEY.slice(0, 9)}\u200b${KEY.slice(9)}`)).toBe(true);
    expect(scrubber.foundIn("nothing here")).toBe(false);
  });

  describe("for one call (knowing what the caller sent)", () => {
    // KEY holds "9d8c7b6a": a caller who guesses a part of it must not learn that they did.
    const call = scrubber.knowing(["9d8c7b6a.com", "1234"]);

    it("leaves a part of the key alone where the caller sent it, however it comes back", () => {
      expect(call.text("Woodpecker has no domain 9d8c7b6a.com")).toBe(
        "Woodpecker has no domain 9d8c7b6a.com",
      );
      expect(call.text('{"value":"9D8C7B6A.COM"}')).toBe('{"value":"9D8C7B6A.COM"}');
      expect(call.foundIn("9d8c7b6a.com")).toBe(false);
      expect(call.value({ domain_name: "9d8c7b6a.com" })).toEqual({ domain_name: "9d8c7b6a.com" });
    });

    it("still removes the whole key, and any part of it longer than what the caller sent", () => {
      expect(call.text(`key ${KEY}`)).toBe("key [redacted]");
      expect(call.text("wp-live-9d8c7b6a5f4.com")).toBe("[redacted].com");
      expect(scrubber.knowing([KEY]).text(KEY)).toBe("[redacted]");
      // Without the caller's words, the part goes as before.
      expect(scrubber.text("Woodpecker has no domain 9d8c7b6a.com")).toBe(
        "Woodpecker has no domain [redacted].com",
      );
    });
  });

  it("does nothing without a key", () => {
    const value = { a: "x" };
    expect(new SecretScrubber(undefined).value(value)).toBe(value);
  });
});
