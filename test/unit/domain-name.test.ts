import { describe, expect, it } from "vitest";
import { normalizeDomainName } from "../../src/woodpecker/domain-name.js";

describe("normalizeDomainName", () => {
  it.each([
    ["piedpiper.com", "piedpiper.com"],
    ["  PiedPiper.COM  ", "piedpiper.com"],
    ["piedpiper.com.", "piedpiper.com"],
    ["\tpiedpiper.com\n", "piedpiper.com"],
    ["mail.eu.piedpiper.co.uk", "mail.eu.piedpiper.co.uk"],
    ["bücher.de", "xn--bcher-kva.de"],
    ["BÜCHER.de", "xn--bcher-kva.de"],
    ["xn--bcher-kva.de", "xn--bcher-kva.de"],
    ["例え.テスト", "xn--r8jz45g.xn--zckzah"],
    ["ＥＸＡＭＰＬＥ.com", "example.com"],
    ["a-b.c0m", "a-b.c0m"],
    [`${"a".repeat(63)}.com`, `${"a".repeat(63)}.com`],
  ])("normalizes %j to %j", (raw, expected) => {
    expect(normalizeDomainName(raw)).toEqual({ ok: true, name: expected });
  });

  it.each([
    "",
    "   ",
    ".",
    "com",
    "piedpiper.com..",
    "a..b.com",
    ".piedpiper.com",
    "-a.com",
    "a-.com",
    "a_b.com",
    "piedpiper.com/mailboxes",
    "../admin.com",
    "piedpiper.com%2F..",
    "piedpiper.com?x=1",
    "piedpiper.com#x",
    "user@piedpiper.com",
    "piedpiper.com:443",
    "pied\\piper.com",
    "pied piper.com",
    "pied\tpiper.com",
    "piedpiper.com\u0000",
    "pied\u200bpiper.com",
    "piedpiper．com／x",
    "127.0.0.1",
    "[::1]",
    `${"a".repeat(64)}.com`,
  ])("rejects %j", (raw) => {
    expect(normalizeDomainName(raw).ok).toBe(false);
  });

  it.each([
    ["254 characters of labels", `${"a.".repeat(127)}com`],
    ["5000 characters", "x".repeat(5000)],
  ])("rejects a name of %s", (_label, raw) => {
    expect(normalizeDomainName(raw).ok).toBe(false);
  });

  it("counts the 253-character limit after conversion", () => {
    const name = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(59)}.com`;
    expect(name.length).toBe(255);
    expect(normalizeDomainName(name).ok).toBe(false);
    expect(normalizeDomainName(name.slice(2)).ok).toBe(true);
  });
});
