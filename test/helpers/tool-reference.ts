import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import * as z from "zod";
import type { AnyToolDefinition } from "../../src/tools/define.js";

// The README's tool reference, written from the tool definitions: `npm test` fails when the
// README says something else, and `npm run readme` writes it.

export const README = fileURLToPath(new URL("../../README.md", import.meta.url));
const START = "<!-- tools:start: generated from the tool definitions by `npm run readme` -->";
const END = "<!-- tools:end -->";

interface JsonSchema {
  type?: string;
  anyOf?: JsonSchema[];
  enum?: string[];
  exclusiveMinimum?: number;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** The README as it should be: the current one with the reference between the markers redone. */
export async function readmeWithReference(tools: readonly AnyToolDefinition[]): Promise<string> {
  const readme = readFileSync(README, "utf8");
  const [before, rest] = readme.split(START);
  const after = rest?.split(END)[1];
  if (before === undefined || after === undefined)
    throw new Error(`README.md lacks the ${START} … ${END} markers`);
  const text = `${before}${START}\n\n${renderReference(tools)}\n${END}${after}`;
  const options = (await prettier.resolveConfig(README)) ?? {};
  return prettier.format(text, { ...options, filepath: README });
}

function renderReference(tools: readonly AnyToolDefinition[]): string {
  const summary = [
    "| tool | what it does | kind |",
    "| --- | --- | --- |",
    ...tools.map(
      (tool) => `| [\`${tool.name}\`](#${tool.name}) | ${tool.title} | ${kindOf(tool)} |`,
    ),
  ];
  return [summary.join("\n"), ...tools.map(renderTool)].join("\n\n");
}

function renderTool(tool: AnyToolDefinition): string {
  const input = jsonSchema(tool.inputSchema);
  const output = jsonSchema(tool.outputSchema).properties ?? {};
  const error = output.error?.properties ?? {};
  const hints = Object.entries(tool.annotations)
    .map(([hint, value]) => `\`${hint}: ${String(value)}\``)
    .join(", ");
  const args = Object.entries(input.properties ?? {});
  const argumentsTable =
    args.length === 0
      ? "No arguments."
      : [
          "| argument | type | required | |",
          "| --- | --- | --- | --- |",
          ...args.map(
            ([name, schema]) =>
              `| \`${name}\` | ${typeOf(schema)} | ${input.required?.includes(name) ? "yes" : "no"} | ${schema.description ?? ""} |`,
          ),
        ].join("\n");
  const statuses = (output.status?.enum ?? []).filter((status) => status !== "error");
  const answers = [
    `Answers \`status\` ${list(statuses)}, or \`error\` with \`error.kind\` one of ${list(error.kind?.enum ?? [])}`,
    error.reason?.enum === undefined
      ? "."
      : `; \`error.reason\` one of ${list(error.reason.enum)}.`,
  ].join("");
  return [
    `### \`${tool.name}\``,
    `**${tool.title}** (${kindOf(tool)}). Annotations: ${hints}.`,
    tool.description,
    argumentsTable,
    answers,
  ].join("\n\n");
}

function jsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input" }) as JsonSchema;
}

function kindOf(tool: AnyToolDefinition): string {
  return tool.annotations.readOnlyHint ? "read-only" : "**deletes, cannot be undone**";
}

function typeOf(schema: JsonSchema): string {
  if (schema.anyOf !== undefined) return schema.anyOf.map(typeOf).join(" or ");
  if (schema.type === "integer" && schema.exclusiveMinimum === 0) return "positive integer";
  return schema.type ?? "any";
}

function list(values: readonly string[]): string {
  return values.map((value) => `\`${value}\``).join(", ");
}
