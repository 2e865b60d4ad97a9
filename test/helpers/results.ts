import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type * as z from "zod";
import { deleteDomain } from "../../src/tools/delete-domain.js";
import { deleteDomains } from "../../src/tools/delete-domains.js";
import { deleteMailbox } from "../../src/tools/delete-mailbox.js";
import { deleteMicrosoftCredential } from "../../src/tools/delete-microsoft-credential.js";
import { getDomain } from "../../src/tools/get-domain.js";
import { listDomains } from "../../src/tools/list-domains.js";
import { listMicrosoftCredentials } from "../../src/tools/list-microsoft-credentials.js";

/** Each tool's own output schema: every result in the tests is re-parsed with its tool's. */
export const OUTPUT_SCHEMAS = {
  list_domains: listDomains.outputSchema,
  get_domain: getDomain.outputSchema,
  delete_domain: deleteDomain.outputSchema,
  delete_mailbox: deleteMailbox.outputSchema,
  delete_domains: deleteDomains.outputSchema,
  list_microsoft_credentials: listMicrosoftCredentials.outputSchema,
  delete_microsoft_credential: deleteMicrosoftCredential.outputSchema,
};

export type ToolName = keyof typeof OUTPUT_SCHEMAS;
export type DeletingTool =
  "delete_domain" | "delete_mailbox" | "delete_domains" | "delete_microsoft_credential";

/** Statuses that report a failure: `error`, and a batch only partly accepted. */
const FAILED = new Set(["error", "partially_accepted"]);
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
  if (isError !== (result.error !== undefined)) {
    throw new Error(`isError is ${isError} but error is ${JSON.stringify(result.error)}`);
  }
  if (result.ok !== (!FAILED.has(result.status) && result.status !== "confirmation_required")) {
    throw new Error(`ok is ${result.ok} but status is ${result.status}`);
  }
  if (FAILED.has(result.status) !== (result.error !== undefined)) {
    throw new Error(`status is ${result.status} but error is ${JSON.stringify(result.error)}`);
  }
  const { confirmation } = result as { confirmation?: unknown };
  if ((result.status === "confirmation_required") !== (confirmation !== undefined)) {
    throw new Error(
      `status is ${result.status} but confirmation is ${JSON.stringify(confirmation)}`,
    );
  }
  const [first] = Array.isArray(content) ? content : [];
  const text = typeof first?.text === "string" ? first.text : "";
  return { result, isError, text };
}

/**
 * Plays the agent channel over any connection: calls once, and when that answer asks for
 * confirmation, calls again with `confirm` naming the target and the token that answer carried.
 */
export async function confirmedByAgent<Name extends DeletingTool, Result extends Outcome<Name>>(
  call: (name: Name, args: Record<string, unknown>) => Promise<Result>,
  name: Name,
  args: Record<string, unknown>,
): Promise<Result> {
  const first = await call(name, args);
  const { confirmation } = first.result;
  if (confirmation === undefined) return first;
  // A batch's value is how many domains go, which only the answer says: as its hint puts it.
  const confirm =
    "domain_names" in args
      ? (/confirm set to "([^"]+)"/.exec(confirmation.hint)?.[1] ?? "")
      : String(args.email ?? args.domain_name ?? args.credential_id);
  return call(name, { ...args, confirm, preview_token: confirmation.preview_token });
}

/** `confirmedByAgent` over an SDK Client that the test holds itself. */
export function confirmedThrough<Name extends DeletingTool>(
  client: Client,
  name: Name,
  args: Record<string, unknown>,
): Promise<Outcome<Name>> {
  return confirmedByAgent(
    async (n: Name, a) => outcomeOf(n, await client.callTool({ name: n, arguments: a })),
    name,
    args,
  );
}

/** A result's text block, as its two parts: the message, then the JSON (parsed). */
export function textParts(text: string): [string, unknown] {
  const split = text.indexOf("\n\n");
  return [text.slice(0, split), JSON.parse(text.slice(split + 2))];
}
