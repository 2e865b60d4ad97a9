// Arguments are a few short strings and numbers. Anything far beyond that is refused before it is
// validated, walked or echoed: a call nested 20,000 levels deep would overflow the stack of every
// recursive walk, and one with 99,000 argument names would get an answer listing each of them.

/** How deep arguments may nest: objects and arrays within each other. */
export const MAX_ARGUMENT_DEPTH = 16;
/** How many values (objects, arrays, strings, numbers…) arguments may hold in all. */
export const MAX_ARGUMENT_VALUES = 256;
/** How many characters of names and strings arguments may hold in all. */
export const MAX_ARGUMENT_CHARACTERS = 64 * 1024;

/**
 * Why the arguments are too large to look at, in words; undefined when they are not. Walks them
 * without recursion, and stops at the first limit passed.
 */
export function argumentsTooLarge(args: unknown): string | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value: args, depth: 0 }];
  let values = 0;
  let characters = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth } = next;
    values += 1;
    if (values > MAX_ARGUMENT_VALUES) {
      return `they hold more than ${MAX_ARGUMENT_VALUES} values; this tool takes a few`;
    }
    if (typeof value === "string") characters += value.length;
    if (typeof value === "object" && value !== null) {
      if (depth >= MAX_ARGUMENT_DEPTH) {
        return `they nest deeper than ${MAX_ARGUMENT_DEPTH} levels`;
      }
      for (const [name, item] of Object.entries(value)) {
        characters += name.length;
        pending.push({ value: item, depth: depth + 1 });
      }
    }
    if (characters > MAX_ARGUMENT_CHARACTERS) {
      return `they hold more than ${MAX_ARGUMENT_CHARACTERS} characters; this tool takes a few short values`;
    }
  }
  return undefined;
}
