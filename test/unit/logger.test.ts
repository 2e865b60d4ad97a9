import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.js";
import { captureLines } from "../helpers/capture.js";

const KEY = "wp-live-9d8c7b6a5f4e";

function capture() {
  const { stream, lines } = captureLines();
  return { logger: createLogger({ apiKey: KEY, logLevel: "trace" }, stream), lines };
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

  it("honours the level", () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ apiKey: undefined, logLevel: "warn" }, stream);
    logger.info("hidden");
    logger.warn("shown");
    expect(lines).toHaveLength(1);
  });
});
