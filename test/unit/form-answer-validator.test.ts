import { describe, expect, it } from "vitest";
import { formAnswerValidator } from "../../src/mcp/form-answer-validator.js";

const asked = {
  type: "object" as const,
  properties: { confirmation: { type: "string" as const, title: "Type piedpiper.com" } },
  required: ["confirmation"],
};
const check = (answer: unknown) => formAnswerValidator.getValidator(asked)(answer);

describe("the check of a form's answer against the schema it asked with", () => {
  it("takes an answer with the field asked for, of its type", () => {
    expect(check({ confirmation: "piedpiper.com" })).toEqual({
      valid: true,
      data: { confirmation: "piedpiper.com" },
      errorMessage: undefined,
    });
  });

  it.each([
    [{}, "confirmation is missing"],
    [{ confirmation: 42 }, "confirmation must be of type string"],
    [{ confirmation: null }, "confirmation must be of type string"],
    [["piedpiper.com"], "the answer is not an object"],
    ["piedpiper.com", "the answer is not an object"],
  ])("refuses %j: %s", (answer, why) => {
    expect(check(answer)).toEqual({ valid: false, data: undefined, errorMessage: why });
  });

  it("checks numbers, integers and booleans as the protocol's flat forms have them", () => {
    const validator = formAnswerValidator.getValidator({
      type: "object",
      properties: {
        count: { type: "integer" },
        ratio: { type: "number" },
        sure: { type: "boolean" },
      },
    });
    expect(validator({ count: 3, ratio: 0.5, sure: true }).valid).toBe(true);
    expect(validator({ count: 3.5 }).errorMessage).toBe("count must be of type integer");
    expect(validator({ ratio: Number.NaN }).errorMessage).toBe("ratio must be of type number");
    expect(validator({ sure: "yes" }).errorMessage).toBe("sure must be of type boolean");
  });
});
