import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInChromium, launchChromium } from "../helpers/chromium.js";
import {
  clientDocument,
  describeWithOpenssl,
  makeCertificate,
  type MetadataHost,
  startMetadataHost,
  type TestCertificate,
} from "../helpers/metadata-host.js";
import {
  OPERATOR_TOKEN,
  REDIRECT_URI,
  signIn,
  TestOAuthClient,
  useOAuthReplicas,
} from "../helpers/oauth.js";
import { connectHttp } from "../helpers/remote.js";
import { TEST_KEY } from "../helpers/stand-in.js";

// A client that names itself by the https URL of its Client ID Metadata Document instead of
// registering, as the MCP authorization spec prefers: the SDK's own OAuth client, through the
// built bin, with the document on an https server of 127.0.0.1 that the bin trusts through
// NODE_EXTRA_CA_CERTS.

let certificate: TestCertificate;
let browser: Browser;
let host: MetadataHost;
beforeAll(async () => {
  certificate = makeCertificate();
  browser = await launchChromium();
  host = await startMetadataHost(certificate);
});
afterAll(async () => {
  await browser.close();
  await host.close();
});
const oauth = useOAuthReplicas({ otherKeys: [] });
const replica = () =>
  oauth.replica({
    WOODPECKER_API_KEY: TEST_KEY,
    WOODPECKER_HTTP_TOKENS: OPERATOR_TOKEN,
    NODE_EXTRA_CA_CERTS: certificate.certPath,
  });

describeWithOpenssl("OAuth: a client known by its metadata document", () => {
  describeInChromium("in Chromium", () => {
    it("signs in with no registration; the page names the client and who publishes it; its tokens call tools", async () => {
      const server = await replica();
      const metadata = (await (
        await fetch(`${server.url}/.well-known/oauth-authorization-server`)
      ).json()) as Record<string, unknown>;
      expect(metadata.client_id_metadata_document_supported).toBe(true);

      const url = host.publish("/oauth/editor.json", (at) => clientDocument(at));
      const provider = new TestOAuthClient("a name the document overrides", url);
      const back = await signIn(await browser.newContext(), server.url, provider, OPERATOR_TOKEN);
      expect(provider.registration?.client_id).toBe(url);
      expect(back.pageText).toContain(
        "Editor with a published name asks to use your Woodpecker account",
      );
      expect(back.pageText).toContain(`published by ${new URL(host.origin).host}`);

      const session = await connectHttp(server.url, {}, {}, provider);
      const deleted = await session.confirmed("delete_domain", { domain_name: "piedpiper.com" });
      expect(deleted.result.status).toBe("deletion_accepted");
      await session.close();
      expect(oauth.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
      expect(host.requested.every((path) => path === "/oauth/editor.json")).toBe(true);
    });

    it("a document that names another client, or a redirect it does not list, gets no sign-in page", async () => {
      const server = await replica();
      const authorize = (clientId: string, redirectUri = REDIRECT_URI) => {
        const url = new URL(`${server.url}/authorize`);
        url.search = new URLSearchParams({
          client_id: clientId,
          redirect_uri: redirectUri,
          response_type: "code",
          code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
          code_challenge_method: "S256",
          resource: `${server.url}/mcp`,
        }).toString();
        return fetch(url, { redirect: "manual" });
      };
      const impostor = host.publish("/impostor.json", () =>
        clientDocument("https://claude.ai/oauth/mcp-oauth-client-metadata"),
      );
      const impostorAnswer = await authorize(impostor);
      expect(impostorAnswer.status).toBe(400);
      expect(await impostorAnswer.json()).toMatchObject({ error: "invalid_client" });

      const honest = host.publish("/honest.json", (at) => clientDocument(at));
      const elsewhere = await authorize(honest, "https://attacker.example/callback");
      expect(elsewhere.status).toBe(400);
      expect(await elsewhere.json()).toMatchObject({ error: "invalid_request" });
      // The same client, sent back where its document says: the sign-in page.
      expect((await authorize(honest)).status).toBe(200);
    });
  });
});
