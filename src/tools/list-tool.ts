import * as z from "zod";
import type { CallOptions, Reply, WoodpeckerClient } from "../woodpecker/client.js";
import { explainFailures } from "./api-failure.js";
import { defineTool, READS } from "./define.js";
import type { ToolName } from "./names.js";
import { requireAccount } from "./require-account.js";
import { resultSchema, type ToolAnswer } from "../results/schema.js";
import { COMMON_ERROR_KINDS } from "../results/failure.js";
import { countOf, listSome } from "./wording.js";

const NAMED_IN_MESSAGE = 20;

/** What a list tool lists: the result's field, one entry's schema, and how entries are named. */
export interface ListedItems<Field extends string, Item extends z.ZodObject> {
  field: Field;
  schema: Item;
  noun: readonly [one: string, many: string];
  label: (item: z.output<Item>) => string;
}

/**
 * A read-only tool that lists one kind of thing on the account: no arguments, one GET, the list
 * and a message naming its first entries. An empty account is an empty list, not an error.
 */
export function defineListTool<Field extends string, Item extends z.ZodObject>(spec: {
  name: ToolName;
  title: string;
  description: string;
  items: ListedItems<Field, Item>;
  list: (client: WoodpeckerClient, call: CallOptions) => Promise<Reply<z.output<Item>[]>>;
}) {
  const { field, schema, noun, label } = spec.items;
  // A computed key of a generic type reads as a string index to TypeScript; this is its type.
  const fields = { [field]: z.array(schema).optional() } as Record<
    Field,
    z.ZodOptional<z.ZodArray<Item>>
  >;
  const outputSchema = resultSchema({ statuses: ["ok"], errorKinds: COMMON_ERROR_KINDS, fields });
  return defineTool({
    name: spec.name,
    title: spec.title,
    annotations: READS,
    description: spec.description,
    inputSchema: z.strictObject({}),
    outputSchema,
    async handler(_input, context): Promise<ToolAnswer<typeof outputSchema>> {
      const { data } = await explainFailures(
        spec.list(requireAccount(context).client, context.call),
        {
          step: "read",
          what: `the ${noun[1]} of the account`,
        },
      );
      const message =
        data.length === 0
          ? `The account has no ${noun[1]}.`
          : `The account has ${countOf(data.length, ...noun)}: ${listSome(data.map(label), NAMED_IN_MESSAGE)}.`;
      return { status: "ok", message, [field]: data } as ToolAnswer<typeof outputSchema>;
    },
  });
}
