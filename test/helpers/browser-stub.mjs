// Stands in for the person's browser command (BROWSER): the server runs it with the approval
// page's address, and it hands the address to the test, which opens it in Chromium.
import { appendFileSync } from "node:fs";

appendFileSync(process.env.APPROVAL_URLS ?? "", `${process.argv.at(-1)}\n`);
