// A process that writes to an audit file through the audit module itself (bundled by
// test/helpers/audit-processes.ts), so that tests can share one file between real processes.
//   node audit-writer.mjs MODULE FILE hold         takes the lock, says "held", and never lets go
//   node audit-writer.mjs MODULE FILE append N     says "ready", waits for a line on stdin, then
//                                                  appends N lines, waiting out the lock
import { writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";

const [modulePath, file, mode, count] = process.argv.slice(2);
const { AuditFile } = await import(pathToFileURL(modulePath).href);
const audit = AuditFile.open(file);

if (mode === "hold") {
  audit.tryAppend({
    // Read while the line is made, under the lock.
    get held() {
      writeSync(1, "held\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return true;
    },
  });
} else {
  writeSync(1, "ready\n");
  await new Promise((resolve) => process.stdin.once("data", resolve));
  for (let line = 0; line < Number(count); line += 1) {
    while (audit.tryAppend({ pid: process.pid, line }) === undefined) await sleep(1);
  }
  process.exit(0);
}
