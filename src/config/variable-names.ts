// No typo in a setting is silently ignored: a misspelled WOODPECKER_DRY_RUN would delete for
// real. A variable whose name is close to one of this server's stops it at start; another
// WOODPECKER_* name (another Woodpecker tool may use the prefix) gets a warning.

export interface NameCheck {
  /** One entry per variable whose name is close to a known one: the server must not start. */
  misspelled: string[];
  /** Other WOODPECKER_* variables, which this server ignores. */
  ignored: string[];
}

export function checkVariableNames(names: Iterable<string>, known: readonly string[]): NameCheck {
  const misspelled: string[] = [];
  const ignored: string[] = [];
  for (const name of [...names].sort()) {
    if (known.includes(name)) continue;
    const meant = closest(name, known);
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
  const distance = (candidate: string) => editDistance(squash(name), squash(candidate));
  return known
    .filter((candidate) => isCloseTo(name, candidate))
    .sort((a, b) => distance(a) - distance(b))[0];
}

/**
 * The same name but for case, underscores, a plural, one or two letters (one for a short name)
 * added, dropped, changed or swapped, or one word after WOODPECKER_ added or dropped
 * (WOODPECKER_BASE_URL for WOODPECKER_API_BASE_URL).
 */
function isCloseTo(name: string, known: string): boolean {
  const [a, b] = [squash(name), squash(known)];
  if (a === b || singular(a) === singular(b)) return true;
  if (editDistance(a, b) <= (b.length >= 12 ? 2 : 1)) return true;
  const [nameWords, knownWords] = [words(name), words(known)];
  return (
    nameWords[0] === "WOODPECKER" &&
    knownWords[0] === "WOODPECKER" &&
    (oneWordMore(nameWords, knownWords) || oneWordMore(knownWords, nameWords))
  );
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

function singular(word: string): string {
  return word.replace(/IES$/, "Y").replace(/S$/, "");
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn a into b. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      const row = rows[i];
      if (row !== undefined) row[j] = best;
    }
  }
  return at(a.length, b.length);
}
