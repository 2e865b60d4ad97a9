import type * as z from "zod";
import { deleteDomain } from "../../src/tools/delete-domain.js";
import { deleteMicrosoftCredential } from "../../src/tools/delete-microsoft-credential.js";
import { getDomain } from "../../src/tools/get-domain.js";
import { listDomains } from "../../src/tools/list-domains.js";
import { listMicrosoftCredentials } from "../../src/tools/list-microsoft-credentials.js";

/** Each tool's own output schema: every result in the tests is re-parsed with its tool's. */
export const OUTPUT_SCHEMAS = {
  list_domains: listDomains.outputSchema,
  get_domain: getDomain.outputSchema,
  delete_domain: deleteDomain.outputSchema,
  list_microsoft_credentials: listMicrosoftCredentials.outputSchema,
  delete_microsoft_credential: deleteMicrosoftCredential.outputSchema,
};

export type ToolName = keyof typeof OUTPUT_SCHEMAS;
export type ResultOf<Name extends ToolName> = z.infer<(typeof OUTPUT_SCHEMAS)[Name]>;

/** What a test sees of one call. */
export interface Outcome<Name extends ToolName> {
  result: ResultOf<Name>;
  isError: boolean;
  /** The text block: the message, the hint, then the same JSON. */
  text: string;
}

/** Checks a CallToolResult as the contract says, and parses it with the tool's schema. */
export function outcomeOf<Name extends ToolName>(name: Name, response: unknown): Outcome<Name> {
  const { structuredContent, isError: flag, content } = response as Record<string, unknown>;
  const result = OUTPUT_SCHEMAS[name].parse(structuredContent) as ResultOf<Name>;
  const isError = flag === true;
  if (isError !== !result.ok) throw new Error(`isError is ${isError} but ok is ${result.ok}`);
  const [first] = Array.isArray(content) ? content : [];
  const text = typeof first?.text === "string" ? first.text : "";
  return { result, isError, text };
}
