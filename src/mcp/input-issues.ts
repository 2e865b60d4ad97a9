import type * as z from "zod";
import type { FieldIssue } from "../woodpecker/error-body.js";

const MAX_ECHOED_VALUE = 120;
/** The most issues an answer lists; `more` counts the others. */
export const MAX_LISTED_ISSUES = 10;

/**
 * Zod's issues as the result's `fields`, each with a short echo of the rejected value, and each
 * problem once (two checks can fail with the same words): the first MAX_LISTED_ISSUES, and how
 * many more there are.
 */
export function inputIssues(
  error: z.ZodError,
  input: unknown,
): { fields: FieldIssue[]; more: number } {
  const issues = error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: [...issue.path, key].join("."),
        issue: "unknown argument",
        value: echo(valueAt(input, [...issue.path, key])),
      }));
    }
    const value = valueAt(input, issue.path);
    const issueText = value === undefined ? "required argument is missing" : issue.message;
    return [{ field: issue.path.join(".") || "(arguments)", issue: issueText, value: echo(value) }];
  });
  const seen = new Set<string>();
  const distinct = issues.filter(({ field, issue }) => {
    const key = `${field}\u0000${issue}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
    fields: distinct.slice(0, MAX_LISTED_ISSUES),
    more: Math.max(0, distinct.length - MAX_LISTED_ISSUES),
  };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function echo(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_ECHOED_VALUE ? `${text.slice(0, MAX_ECHOED_VALUE - 1)}…` : text;
}
