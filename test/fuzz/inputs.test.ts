import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeDomainName } from "../../src/woodpecker/domain-name.js";
import { type Harness, startHarness } from "../helpers/harness.js";

// FUZZ_RUNS raises the budget (npm run fuzz); FUZZ_SEED replays a failure that fast-check reported.
const RUNS = Number(process.env.FUZZ_RUNS ?? 3_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const options = { numRuns: RUNS, seed: SEED };

const HOSTNAME_SEGMENT = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

const pieces = fc.constantFrom(
  "a",
  "piedpiper",
  "com",
  "xn--",
  "-",
  ".",
  "..",
  "/",
  "\\",
  "%2F",
  "%2e%2e",
  "%00",
  "?",
  "#",
  "@",
  ":",
  " ",
  "\t",
  "\n",
  "\u0000",
  "\u200b",
  "\u202e",
  "ß",
  "ü",
  "例え",
  "ＥＸ",
  "．",
  "／",
  "。",
  "..%2f",
  "~",
  "'",
  '"',
);
const domainLike = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join("")),
  fc.domain(),
  fc.domain().map((domain) => ` ${domain.toUpperCase()}. `),
  fc.tuple(fc.domain(), pieces, fc.domain()).map(([a, b, c]) => `${a}${b}${c}`),
  fc.string({ unit: "binary", minLength: 250, maxLength: 2_000 }),
);

let harness: Harness;
const tally = { cases: 0, refused: 0, sent: 0, requestsOnRefused: 0 };
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
  console.info(
    `fuzz (seed ${SEED}): ${tally.cases} cases, ${tally.refused} refused as invalid_input with ${tally.requestsOnRefused} requests sent, ${tally.sent} sent as exactly one request, 0 crashes`,
  );
});

function count(refused: boolean, requests: number): void {
  tally.cases += 1;
  if (refused) {
    tally.refused += 1;
    tally.requestsOnRefused += requests;
  } else {
    tally.sent += 1;
  }
}

describe("property: nothing an agent sends can bend the request", () => {
  it(`delete_domain: invalid_input and no request, or exactly one request for the normalized name (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(domainLike, async (raw) => {
        const before = harness.woodpecker.requests.length;
        const { result } = await harness.call("delete_domain", { domain_name: raw, confirm: raw });
        const sent = harness.woodpecker.requests.slice(before);
        const expected = normalizeDomainName(raw);
        count(result.error?.kind === "invalid_input", sent.length);
        if (result.error?.kind === "invalid_input") {
          expect(sent).toHaveLength(0);
          expect(expected.ok).toBe(false);
          return;
        }
        expect(expected.ok).toBe(true);
        expect(sent).toHaveLength(1);
        expect(sent[0]?.method).toBe("DELETE");
        const name = expected.ok ? expected.name : "";
        expect(result.domain_name).toBe(name);
        expect(name).toMatch(HOSTNAME_SEGMENT);
        expect(sent[0]?.path).toBe(`/rest/v2/domains/${name}`);
      }),
      options,
    );
  });

  it(`delete_microsoft_credential: invalid_input and no request, or one request for a positive id (${RUNS} runs)`, async () => {
    const idLike = fc.oneof(
      fc.jsonValue(),
      fc.anything(),
      fc.integer(),
      fc.double(),
      fc.nat().map(String),
      fc.bigInt().map(String),
      fc.string({ unit: "binary", maxLength: 30 }),
      fc.constantFrom("1/../2", "1%2F2", "0x10", "1e3", " 7 ", "-1", "+1", "1.0", "１２", "٣"),
    );
    await fc.assert(
      fc.asyncProperty(idLike, async (raw) => {
        const before = harness.woodpecker.requests.length;
        const { result } = await harness.call("delete_microsoft_credential", {
          credential_id: raw,
        });
        const sent = harness.woodpecker.requests.slice(before);
        const valid =
          (typeof raw === "number" && Number.isSafeInteger(raw) && raw > 0) ||
          (typeof raw === "string" &&
            /^\d{1,16}$/.test(raw.trim()) &&
            Number.isSafeInteger(Number(raw)) &&
            Number(raw) > 0);
        count(result.error?.kind === "invalid_input", sent.length);
        if (!valid) {
          expect(result.error?.kind).toBe("invalid_input");
          expect(sent).toHaveLength(0);
          return;
        }
        expect(sent).toHaveLength(1);
        expect(sent[0]?.path).toBe(`/rest/v2/mailboxes/microsoft/credentials/${Number(raw)}`);
        expect(result.credential_id).toBe(Number(raw));
      }),
      options,
    );
  });
});
