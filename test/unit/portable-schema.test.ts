import { describe, expect, it } from "vitest";
import { withSingleTypes } from "../../src/mcp/portable-schema.js";

describe("withSingleTypes", () => {
  it("writes a type array as anyOf branches, at any depth, keeping the other keywords", () => {
    expect(
      withSingleTypes({
        type: "object",
        properties: { name: { type: ["string", "null"], description: "Its name." } },
        required: ["name"],
      }),
    ).toEqual({
      type: "object",
      properties: {
        name: { anyOf: [{ type: "string" }, { type: "null" }], description: "Its name." },
      },
      required: ["name"],
    });
  });

  it("keeps an anyOf already there: both must hold", () => {
    expect(
      withSingleTypes({ type: ["string", "null"], anyOf: [{ maxLength: 3 }, { type: "null" }] }),
    ).toEqual({
      allOf: [
        { anyOf: [{ type: "string" }, { type: "null" }] },
        { anyOf: [{ maxLength: 3 }, { type: "null" }] },
      ],
    });
  });
});
