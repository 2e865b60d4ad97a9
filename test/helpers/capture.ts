import { Writable } from "node:stream";

/** The JSON objects among a log's lines (pino writes one per line). */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
}

/** A stream that keeps what is written to it, line by line: a logger's destination in tests. */
export function captureLines() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(
        ...String(chunk)
          .split("\n")
          .filter((line) => line !== ""),
      );
      done();
    },
  });
  return {
    stream,
    lines,
    /** Every line parsed as JSON (pino writes one object per line). */
    entries: () => jsonLines(lines.join("\n")),
  };
}
