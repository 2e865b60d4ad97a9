import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeDomainName } from "../../src/woodpecker/domain-name.js";
import { type Harness, startHarness } from "../helpers/harness.js";
import { waitFor } from "../helpers/wait.js";

// FUZZ_RUNS raises the budget (npm run fuzz); FUZZ_SEED replays a failure that fast-check reported.
const RUNS = Number(process.env.FUZZ_RUNS ?? 3_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const options = { numRuns: RUNS, seed: SEED };
// Generous on a slow machine: a property must never be cut off while it still sends requests.
const timeout = 30_000 + RUNS * 5;

const HOSTNAME = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

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
  "/mailboxes",
);
const domainLike = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join("")),
  fc.domain(),
  fc.domain().map((domain) => ` ${domain.toUpperCase()}. `),
  fc.tuple(fc.domain(), pieces, fc.domain()).map(([a, b, c]) => `${a}${b}${c}`),
  fc.constantFrom("piedpiper.com", "HOOLI.COM.", "bücher.de", "raviga.com"),
  fc.string({ unit: "binary", minLength: 250, maxLength: 2_000 }),
);
const idLike = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  fc.integer(),
  fc.double(),
  fc.nat().map(String),
  fc.bigInt().map(String),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(
    "1/../2",
    "1%2F2",
    "0x10",
    "1e3",
    " 7 ",
    "-1",
    "+1",
    "1.0",
    "１２",
    "٣",
    22334466,
  ),
);

const tally = { cases: 0, refused: 0, requestsOnRefused: 0, sent: 0, deletes: 0 };
afterAll(() => {
  console.info(
    `fuzz (seed ${SEED}): ${tally.cases} cases, ${tally.refused} refused as invalid_input with ${tally.requestsOnRefused} requests sent; ${tally.sent} let through, every request to the normalized target (${tally.deletes} DELETEs, each after a preview); 0 crashes`,
  );
});

/** Each property has a server and a stand-in of its own: no run can disturb another. */
function withHarness(run: (harness: () => Harness) => void) {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness?.close());
  run(() => {
    if (harness === undefined) throw new Error("harness not started");
    return harness;
  });
}

describe("property: nothing an agent sends to delete_domain can bend a request", () => {
  withHarness((h) => {
    it(
      `invalid_input and no request, or requests only for the normalized name (${RUNS} runs)`,
      { timeout },
      async () => {
        await fc.assert(
          fc.asyncProperty(domainLike, fc.boolean(), async (raw, confirmTwice) => {
            // A domain found missing is answered at once; its other read may still be under way.
            await waitFor(() => h().woodpeckerClient?.outstanding === 0, {
              what: "the reads of the case before to end",
            });
            const before = h().woodpecker.requests.length;
            const { result } = await h().call("delete_domain", { domain_name: raw });
            const expected = normalizeDomainName(raw);
            tally.cases += 1;
            if (result.error?.kind === "invalid_input") {
              tally.refused += 1;
              tally.requestsOnRefused += h().woodpecker.requests.length - before;
              expect(expected.ok).toBe(false);
              expect(h().woodpecker.requests.length).toBe(before);
              return;
            }
            expect(expected.ok).toBe(true);
            const name = expected.ok ? expected.name : "";
            expect(name).toMatch(HOSTNAME);
            expect(result.domain_name).toBe(name);
            const token = result.confirmation?.preview_token;
            if (confirmTwice && token !== undefined) {
              await h().call("delete_domain", {
                domain_name: raw,
                confirm: raw,
                preview_token: token,
              });
            }
            const sent = h().woodpecker.requests.slice(before);
            tally.sent += 1;
            tally.deletes += sent.filter((request) => request.method === "DELETE").length;
            for (const request of sent) {
              expect([`/rest/v2/domains/${name}`, `/rest/v2/domains/${name}/mailboxes`]).toContain(
                request.path,
              );
            }
            // A DELETE only ever follows a preview whose token was delivered.
            expect(
              sent.filter((request) => request.method === "DELETE").length,
            ).toBeLessThanOrEqual(confirmTwice && token !== undefined ? 1 : 0);
          }),
          options,
        );
      },
    );
  });
});

describe("property: nothing an agent sends to delete_microsoft_credential can bend a request", () => {
  withHarness((h) => {
    it(
      `invalid_input and no request, or requests only for the positive id (${RUNS} runs)`,
      { timeout },
      async () => {
        await fc.assert(
          fc.asyncProperty(idLike, async (raw) => {
            const before = h().woodpecker.requests.length;
            const { result } = await h().call("delete_microsoft_credential", {
              credential_id: raw,
            });
            const sent = h().woodpecker.requests.slice(before);
            const valid =
              (typeof raw === "number" && Number.isSafeInteger(raw) && raw > 0) ||
              (typeof raw === "string" &&
                /^\s*\d+\s*$/.test(raw) &&
                Number.isSafeInteger(Number(raw)) &&
                Number(raw) > 0);
            tally.cases += 1;
            if (!valid) {
              tally.refused += 1;
              tally.requestsOnRefused += sent.length;
              expect(result.error?.kind).toBe("invalid_input");
              expect(result.error?.fields).toHaveLength(1);
              expect(sent).toHaveLength(0);
              return;
            }
            tally.sent += 1;
            tally.deletes += sent.filter((request) => request.method === "DELETE").length;
            expect(result.credential_id).toBe(Number(raw));
            // The first call of a deletion only reads: nothing was confirmed yet.
            expect(sent.every((request) => request.method === "GET")).toBe(true);
            expect(sent[0]?.path).toBe("/rest/v2/mailboxes/microsoft/credentials");
            for (const request of sent.slice(1)) {
              expect(request.path).toBe(`/rest/v2/mailboxes/microsoft/credentials/${Number(raw)}`);
            }
          }),
          options,
        );
      },
    );
  });
});

describe("property: no confirm and no token an agent makes up ever deletes", () => {
  withHarness((h) => {
    it(
      `any confirm with any preview_token sends no DELETE (${RUNS} runs)`,
      { timeout },
      async () => {
        const tokenLike = fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.base64String({ minLength: 44, maxLength: 48 }),
          fc.stringMatching(/^[A-Za-z0-9_-]{48}$/),
          fc.anything(),
        );
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(fc.constant("piedpiper.com"), fc.string({ maxLength: 40 })),
            tokenLike,
            async (confirm, preview_token) => {
              const { result } = await h().call("delete_domain", {
                domain_name: "piedpiper.com",
                confirm,
                preview_token,
              });
              tally.cases += 1;
              expect(["confirmation_required", "error"]).toContain(result.status);
              expect(h().woodpecker.sent("DELETE")).toEqual([]);
            },
          ),
          options,
        );
      },
    );
  });
});
