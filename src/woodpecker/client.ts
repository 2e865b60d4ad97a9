import type * as z from "zod";
import { discardBody, readJson } from "./bodies.js";
import type { CallOptions, Reply, WoodpeckerClientOptions } from "./call-types.js";
import {
  CredentialListBody,
  type DomainDetails,
  DomainDetailsBody,
  DomainListBody,
  type DomainSummary,
  type Mailbox,
  MailboxListBody,
  type MicrosoftCredential,
} from "./responses.js";
import { WoodpeckerTransport } from "./transport.js";

export type { CallOptions, Reply, RetryNotice, WoodpeckerClientOptions } from "./call-types.js";

/**
 * The Woodpecker REST API v2 calls this server makes: each endpoint, its path, the status it
 * answers with and the shape of its body. How a request gets there is transport.ts.
 */
export class WoodpeckerClient {
  readonly #transport: WoodpeckerTransport;

  constructor(options: WoodpeckerClientOptions) {
    this.#transport = new WoodpeckerTransport(options);
  }

  /** Requests sent to Woodpecker and not answered yet. */
  get outstanding(): number {
    return this.#transport.outstanding;
  }

  get callBudgetMs(): number {
    return this.#transport.callBudgetMs;
  }

  async listDomains(options: CallOptions = {}): Promise<Reply<DomainSummary[]>> {
    const reply = await this.#get("domains", DomainListBody, options);
    return { ...reply, data: reply.data.domains };
  }

  getDomain(domainName: string, options: CallOptions = {}): Promise<Reply<DomainDetails>> {
    return this.#get(domainPath(domainName), DomainDetailsBody, options);
  }

  async listDomainMailboxes(
    domainName: string,
    options: CallOptions = {},
  ): Promise<Reply<Mailbox[]>> {
    const reply = await this.#get(`${domainPath(domainName)}/mailboxes`, MailboxListBody, options);
    return { ...reply, data: reply.data.mailboxes };
  }

  async listMicrosoftCredentials(options: CallOptions = {}): Promise<Reply<MicrosoftCredential[]>> {
    const reply = await this.#get(CREDENTIALS_PATH, CredentialListBody, options);
    return { ...reply, data: reply.data.credentials };
  }

  /** 202: the deletion was accepted and runs asynchronously. */
  deleteDomain(domainName: string, options: CallOptions = {}): Promise<Reply<undefined>> {
    return this.#transport.request("delete", domainPath(domainName), 202, discardBody, options);
  }

  /** 202: the deletion of the mailbox was accepted and runs asynchronously. */
  deleteMailbox(
    domainName: string,
    email: string,
    options: CallOptions = {},
  ): Promise<Reply<undefined>> {
    const path = `${domainPath(domainName)}/mailboxes/${encodeURIComponent(email)}`;
    return this.#transport.request("delete", path, 202, discardBody, options);
  }

  /** 204: the credential was deleted. */
  deleteMicrosoftCredential(
    credentialId: number,
    options: CallOptions = {},
  ): Promise<Reply<undefined>> {
    return this.#transport.request(
      "delete",
      `${CREDENTIALS_PATH}/${credentialId}`,
      204,
      discardBody,
      options,
    );
  }

  #get<T>(path: string, schema: z.ZodType<T>, options: CallOptions): Promise<Reply<T>> {
    return this.#transport.request(
      "get",
      path,
      200,
      (response, scrubber) => readJson(response, schema, scrubber, this.#transport.timeoutMs),
      options,
    );
  }
}

const CREDENTIALS_PATH = "mailboxes/microsoft/credentials";

/** The domain as one path segment: normalized names need no escaping, but nothing is assumed. */
function domainPath(domainName: string): string {
  return `domains/${encodeURIComponent(domainName)}`;
}
