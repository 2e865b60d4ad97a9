import { Writable } from "node:stream";

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
    entries: (): Record<string, unknown>[] => lines.map((line) => JSON.parse(line)),
  };
}
