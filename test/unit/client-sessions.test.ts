import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ClientSessions } from "../../src/remote/client-sessions.js";
import { Sealer } from "../../src/remote/seal.js";

// Remote mode's sessions carry what a client declared, sealed: nothing else can say it did.

const sealer = new Sealer(randomBytes(32));
const sessions = new ClientSessions(sealer);

describe("client sessions", () => {
  it("say whether the client declared URL-mode elicitation, and are each their own", () => {
    const showing = sessions.issue({ elicitation: { url: {} } });
    expect(sessions.showsUrl(showing)).toBe(true);
    expect(sessions.showsUrl(sessions.issue({ elicitation: { form: {} } }))).toBe(false);
    expect(sessions.showsUrl(sessions.issue(undefined))).toBe(false);
    expect(sessions.issue({ elicitation: { url: {} } })).not.toBe(showing);
    // Visible ASCII only, as the Streamable HTTP transport requires of a session id.
    expect(showing).toMatch(/^[\x21-\x7e]+$/);
  });

  it("a session made up, changed, sealed under another secret or as something else says no", () => {
    const showing = sessions.issue({ elicitation: { url: {} } });
    const changed = `${showing.slice(0, 20)}${showing[20] === "A" ? "B" : "A"}${showing.slice(21)}`;
    const elsewhere = new ClientSessions(new Sealer(randomBytes(32))).issue({
      elicitation: { url: {} },
    });
    const cookie = sealer.seal("cookie", { showsUrl: true });
    for (const forged of [undefined, "", "made-up", changed, elsewhere, cookie]) {
      expect(sessions.showsUrl(forged)).toBe(false);
    }
  });
});
