// npm run demo: scripted agent sessions against the sandbox, printed as a transcript: a client
// that cannot show a confirmation form (the agent relays the person's yes with the preview
// token), one that can (the person types the name), and a cleanup: a batch of domains, then
// single mailboxes.
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const SERVER = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const write = (line = "") => process.stdout.write(`${line}\n`);
const indent = (text, by = "   ") => text.replace(/\n/g, `\n${by}`);

async function connect(capabilities = {}, onPrompt) {
  const client = new Client({ name: "demo-agent", version: "1.0.0" }, { capabilities });
  if (onPrompt)
    client.setRequestHandler(ElicitRequestSchema, (request) => onPrompt(request.params));
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [SERVER, "--sandbox"],
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent" },
      stderr: "ignore",
    }),
  );
  return client;
}

/** One tool call as an agent sees it; `detail` prints the hint and Woodpecker's fields too. */
async function call(client, name, args, { detail = true } = {}) {
  write(`   agent  → ${name} ${JSON.stringify(args)}`);
  const response = await client.callTool({ name, arguments: args });
  const result = response.structuredContent;
  const { error, confirmation } = result;
  const outcome = error
    ? `${error.kind}${error.reason ? `, reason ${error.reason}` : ""}`
    : result.status;
  const http = result.http_status ? ` (HTTP ${result.http_status})` : "";
  const by = result.confirmed_by ? `, confirmed by ${result.confirmed_by}` : "";
  const answer = response.isError
    ? `isError: ${outcome}`
    : result.ok
      ? outcome === "ok"
        ? "ok"
        : `ok: ${outcome}${by}`
      : `${outcome} (a question for the user, not an error)`;
  write(`   server → ${answer}${http}`);
  if (detail) {
    write(`   message: ${result.message}`);
    if (error) write(`   hint:    ${error.hint}`);
    if (confirmation) write(`   hint:    ${confirmation.hint}`);
  }
  return result;
}

async function twoStepSession() {
  const client = await connect();
  const { tools } = await client.listTools();
  write("── tools/list");
  for (const tool of tools) {
    write(
      `   ${tool.name.padEnd(28)} ${tool.annotations?.readOnlyHint ? "read-only  " : "DESTRUCTIVE"} ${tool.title}`,
    );
  }
  write();
  write('── 1. User: "Delete the MS Graph app credential." The agent finds it and asks to.');
  await call(client, "list_microsoft_credentials", {});
  const credential = await call(client, "delete_microsoft_credential", { credential_id: 22334455 });
  write();
  write("── 2. The user said yes; Woodpecker refuses while mailboxes still use it.");
  await call(client, "delete_microsoft_credential", {
    credential_id: 22334455,
    confirm: "22334455",
    preview_token: credential.confirmation.preview_token,
  });
  write();
  write('── 3. User: "Then delete piedpiper.com." First the server shows what goes with it.');
  const preview = await call(client, "delete_domain", { domain_name: "piedpiper.com" });
  write();
  write(
    "── 4. The user agreed to exactly that list: the agent confirms, with the preview's token.",
  );
  await call(client, "delete_domain", {
    domain_name: "piedpiper.com",
    confirm: "piedpiper.com",
    preview_token: preview.confirmation.preview_token,
  });
  write();
  write("── 5. The agent follows the deletion until the domain is gone.");
  for (let poll = 0; ; poll += 1) {
    const detail = poll === 0;
    const result = await call(client, "get_domain", { domain_name: "piedpiper.com" }, { detail });
    if (!result.ok) {
      write(`   message: ${result.message}`);
      write(`   hint:    ${result.error.hint}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  write();
  write(
    "── 6. Its mailboxes went with it, so the credential is free now; the user is asked again.",
  );
  const again = await call(
    client,
    "delete_microsoft_credential",
    { credential_id: 22334455 },
    { detail: false },
  );
  await call(client, "delete_microsoft_credential", {
    credential_id: 22334455,
    confirm: "22334455",
    preview_token: again.confirmation.preview_token,
  });
  await client.close();
}

async function formSession() {
  const client = await connect({ elicitation: {} }, (params) => {
    write("   client shows the person a form:");
    write(`   │ ${indent(params.message, "   │ ")}`);
    write("   person types: hooli.com");
    return { action: "accept", content: { confirmation: "hooli.com" } };
  });
  write(
    '── 7. A client that can show a form. User: "Delete hooli.com." One call; the person is asked.',
  );
  await call(client, "delete_domain", { domain_name: "hooli.com" });
  await client.close();
}

async function cleanupSession() {
  const client = await connect();
  write(
    '── 8. User: "Clean up the agency\'s burned domains, and aviato.com." One question for the set.',
  );
  // The agent finds them as it would: the account's domains named after the agency.
  const { domains } = await call(client, "list_domains", {}, { detail: false });
  const burned = domains
    .map((domain) => domain.domain_name)
    .filter((name) => name.includes("bachmanity"));
  const batch = await call(client, "delete_domains", { domain_names: [...burned, "aviato.com"] });
  write();
  write("── 9. The user agreed to the twelve: the agent confirms with the count and the token.");
  await call(client, "delete_domains", {
    domain_names: [...burned, "aviato.com"],
    confirm: `delete ${burned.length} domains`,
    preview_token: batch.confirmation.preview_token,
  });
  write();
  write("── 10. User: \"Remove Jack's and Ed's mailboxes from endframe.com, keep the domain.\"");
  await call(client, "delete_mailbox", { domain_name: "endframe.com", email: "jack@endframe.com" });
  const mailbox = await call(client, "delete_mailbox", {
    domain_name: "endframe.com",
    email: "ed@endframe.com",
  });
  await call(client, "delete_mailbox", {
    domain_name: "endframe.com",
    email: "ed@endframe.com",
    confirm: "ed@endframe.com",
    preview_token: mailbox.confirmation.preview_token,
  });
  await client.close();
}

write("Woodpecker MCP server, sandbox demo: a built-in simulation of an account.");
write("No key, no network, nothing real is deleted.");
write();
await twoStepSession();
write();
await formSession();
write();
await cleanupSession();
