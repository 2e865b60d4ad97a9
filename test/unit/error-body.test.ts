import { describe, expect, it } from "vitest";
import { describeUnrecognizedBody, parseErrorBody } from "../../src/woodpecker/error-body.js";
import { sanitize } from "../../src/woodpecker/untrusted-text.js";
import { CREDENTIAL_PAGE, DOMAIN_PAGE } from "../helpers/page-examples.js";

describe("parseErrorBody on the credential page's bodies", () => {
  it.each([401, 404, 500] as const)(
    "reads the %i problem body (detail, plain timestamp)",
    (status) => {
      const body = CREDENTIAL_PAGE[status];
      expect(parseErrorBody(JSON.stringify(body))).toEqual({
        recognized: true,
        title: body.title,
        detail: body.detail,
        timestamp: "2025-03-05 17:57:00",
      });
    },
  );

  it("reads the 422 message as Woodpecker's code", () => {
    expect(parseErrorBody(JSON.stringify(CREDENTIAL_PAGE[422]))).toEqual({
      recognized: true,
      code: "MICROSOFT_GRAPH_CREDENTIAL_IN_USE",
    });
  });
});

describe("parseErrorBody on the domain page's bodies", () => {
  it.each([400, 401, 500, 503] as const)(
    "reads the %i problem body (details, ISO timestamp)",
    (status) => {
      const body = DOMAIN_PAGE[status];
      expect(parseErrorBody(JSON.stringify(body))).toEqual({
        recognized: true,
        title: body.title,
        detail: "error details",
        timestamp: "2026-05-06T12:00:00Z",
      });
    },
  );

  it("reads the 422 validation_error object: code, request_id, fields, message", () => {
    expect(parseErrorBody(JSON.stringify(DOMAIN_PAGE[422]))).toEqual({
      recognized: true,
      code: "invalid_fields",
      detail: "Invalid field(s)",
      request_id: "dc4faa0f-78bf-54e9-9d5d-ce9538f2eec5",
      fields: [{ field: "domain_name", issue: "not_found", value: "piedpiper.com" }],
    });
  });

  it("keeps a null field value and a null request_id as documented", () => {
    const body = {
      ...DOMAIN_PAGE[422],
      request_id: null,
      fields: [{ field: "domain_name", issue: "required", value: null }],
    };
    const parsed = parseErrorBody(JSON.stringify(body));
    expect(parsed.request_id).toBeUndefined();
    expect(parsed.fields).toEqual([{ field: "domain_name", issue: "required", value: null }]);
  });
});

describe("parseErrorBody on what the pages do not describe", () => {
  it("passes unknown codes and issues through unchanged", () => {
    expect(parseErrorBody('{"message":"SOME_NEW_CODE"}').code).toBe("SOME_NEW_CODE");
    const parsed = parseErrorBody(
      JSON.stringify({
        ...DOMAIN_PAGE[422],
        code: "brand_new",
        fields: [{ field: "x", issue: "odd_issue", value: "v" }],
      }),
    );
    expect(parsed.code).toBe("brand_new");
    expect(parsed.fields).toEqual([{ field: "x", issue: "odd_issue", value: "v" }]);
  });

  it("treats a prose message as detail, not as a code", () => {
    expect(parseErrorBody('{"message":"Something went wrong"}')).toEqual({
      recognized: true,
      detail: "Something went wrong",
    });
  });

  it.each([
    ["HTML", "<html><body><h1>502 Bad Gateway</h1></body></html>"],
    ["truncated JSON", '{"title":"Unauthorized","status":40'],
    ["empty", ""],
    ["a JSON array", "[1,2]"],
    ["a JSON string", '"oops"'],
    ["an object with none of the fields", '{"foo":"bar"}'],
  ])("does not recognize %s", (_label, body) => {
    expect(parseErrorBody(body).recognized).toBe(false);
  });

  it("strips control characters and caps long strings", () => {
    const parsed = parseErrorBody(
      JSON.stringify({ detail: `a\u0000b\nc\u202e${"x".repeat(1000)}` }),
    );
    // Control characters become spaces; format characters (here U+202E) are deleted.
    expect(parsed.detail).toMatch(/^a b cx+…$/);
    expect(parsed.detail?.length).toBe(300);
  });

  it("describes an unrecognized body with a short labelled excerpt", () => {
    const text = describeUnrecognizedBody(
      `<html>${"y".repeat(5000)}</html>`,
      "text/html; charset=utf-8",
      true,
    );
    expect(text).toMatch(
      /^Unrecognized response body \(text\/html, over 5013 characters\); untrusted excerpt: "<html>y+…"$/,
    );
    expect(text.length).toBeLessThan(260);
    expect(describeUnrecognizedBody("  ", null, false)).toBe("The response body was empty.");
  });

  it("sanitize folds white space", () => {
    expect(sanitize("  a \t\r\n b  ", 10)).toBe("a b");
  });
});
