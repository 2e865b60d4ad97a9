// No typo in a setting is silently ignored: a misspelled WOODPECKER_DRY_RUN would delete for
// real. A variable whose name is close to one of this server's stops it at start; another
// WOODPECKER_* name (another Woodpecker tool may use the prefix) gets a warning.

export interface NameCheck {
  /** One entry per variable whose name is close to a known one: the server must not start. */
  misspelled: string[];
  /** Other WOODPECKER_* variables, which this server ignores. */
  ignored: string[];
}

/**
 * Names that Woodpecker CI, another product, reads: close as some are to ours, they are someone
 * else's settings, and only warned about.
 */
const WOODPECKER_CI_NAMES = new Set([
  "WOODPECKER_HOST",
  "WOODPECKER_SERVER",
  "WOODPECKER_TOKEN",
  "WOODPECKER_AGENT_SECRET",
  "WOODPECKER_LOG_LEVEL",
]);

export function checkVariableNames(names: Iterable<string>, known: readonly string[]): NameCheck {
  const misspelled: string[] = [];
  const ignored: string[] = [];
  for (const name of [...names].sort()) {
    if (known.includes(name)) continue;
    const meant = WOODPECKER_CI_NAMES.has(name) ? undefined : closest(name, known);
    if (meant !== undefined) {
      misspelled.push(`${name}: unknown variable; did you mean ${meant}?`);
    } else if (/^WOODPECKER_/i.test(name)) {
      const unprefixed = known.find((candidate) => squash(candidate) === squash(name.slice(11)));
      const hint = unprefixed === undefined ? "" : `; did you mean ${unprefixed}?`;
      ignored.push(`${name} is not a setting of this server and is ignored${hint}`);
    }
  }
  return { misspelled, ignored };
}

/** Of the known names close to this one, the one with the fewest letters changed. */
export function closest(name: string, known: readonly string[]): string | undefined {
  const squashed = squash(name);
  const read = { name, squashed, singular: singular(squashed) };
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = closeness(read, candidate);
    if (distance !== undefined && (best === undefined || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

/** A name as closeness compares it: squashed (case and separators gone), and made singular. */
interface ReadName {
  name: string;
  squashed: string;
  singular: string;
}

/**
 * How far a name is from a known one when it is close: the same but for case, underscores, a
 * plural, one or two letters (one for a short name) added, dropped, changed or swapped, one word
 * after WOODPECKER_ added or dropped (WOODPECKER_BASE_URL for WOODPECKER_API_BASE_URL), or cut
 * short (WOODPECKER_CONFIRM for WOODPECKER_CONFIRMATION). Undefined when it is not close. Cheap
 * tests first: this runs on every variable at every start.
 */
function closeness(read: ReadName, known: string): number | undefined {
  const a = read.squashed;
  const { squashed: b, singular: bSingular } = readKnown(known);
  if (a === b || read.singular === bSingular) return 0;
  if (a.startsWith("WOODPECKER") && a.length >= "WOODPECKER".length + 4 && b.startsWith(a)) {
    return b.length - a.length;
  }
  const edits = editsWithin(a, b, b.length >= 12 ? 2 : 1);
  if (edits !== undefined) return edits;
  if (!a.startsWith("WOODPECKER") || !b.startsWith("WOODPECKER")) return undefined;
  const [nameWords, knownWords] = [words(read.name), words(known)];
  return oneWordMore(nameWords, knownWords) || oneWordMore(knownWords, nameWords)
    ? Math.abs(a.length - b.length)
    : undefined;
}

function words(name: string): string[] {
  return name
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/** Whether `longer` is `shorter` with one word inserted somewhere. */
function oneWordMore(longer: string[], shorter: string[]): boolean {
  if (longer.length !== shorter.length + 1) return false;
  return longer.some(
    (_, skip) => longer.filter((_, i) => i !== skip).join("_") === shorter.join("_"),
  );
}

function squash(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

const KNOWN_READ = new Map<string, ReadName>();

/** A known name read once: every variable of the environment is held against each. */
function readKnown(known: string): ReadName {
  let read = KNOWN_READ.get(known);
  if (read === undefined) {
    const squashed = squash(known);
    read = { name: known, squashed, singular: singular(squashed) };
    KNOWN_READ.set(known, read);
  }
  return read;
}

function singular(word: string): string {
  return word.replace(/IES$/, "Y").replace(/S$/, "");
}

/**
 * The edits (insert, delete, substitute, swap two neighbours) that turn a into b, when there are
 * at most `limit`; it gives up as soon as a whole row of the table is past the limit.
 */
function editsWithin(a: string, b: string, limit: number): number | undefined {
  if (Math.abs(a.length - b.length) > limit) return undefined;
  let twoBack: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitute = (previous[j - 1] ?? i) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min((previous[j] ?? i) + 1, (current[j - 1] ?? i) + 1, substitute);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (twoBack[j - 2] ?? i) + 1);
      }
      current.push(best);
    }
    if (Math.min(...current) > limit) return undefined;
    [twoBack, previous] = [previous, current];
  }
  const edits = previous[b.length] ?? limit + 1;
  return edits <= limit ? edits : undefined;
}
