import { credentialProblem, domainProblem } from "./page-bodies.js";

// Which endpoint a request is for: the paths and methods of the API pages, and nothing else.

export const BASE_PATH = "/rest/v2";
const DOMAINS = /^\/rest\/v2\/domains$/;
const DOMAIN = /^\/rest\/v2\/domains\/([^/]+)$/;
const DOMAIN_MAILBOXES = /^\/rest\/v2\/domains\/([^/]+)\/mailboxes$/;
const DOMAIN_MAILBOX = /^\/rest\/v2\/domains\/([^/]+)\/mailboxes\/([^/]+)$/;
const CREDENTIALS = /^\/rest\/v2\/mailboxes\/microsoft\/credentials$/;
const CREDENTIAL = /^\/rest\/v2\/mailboxes\/microsoft\/credentials\/([^/]+)$/;

export type RouteName =
  | "list_domains"
  | "get_domain"
  | "list_mailboxes"
  | "delete_domain"
  | "delete_mailbox"
  | "list_credentials"
  | "delete_credential";

export interface Route {
  name: RouteName;
  /** The decoded path parameter; undefined when it is absent or not valid percent-encoding. */
  segment: string | undefined;
  /** The mailbox's email, decoded, on the mailbox route. */
  email?: string | undefined;
}

export function routeOf(method: string, path: string): Route | "method_not_allowed" | undefined {
  const routes: [RegExp, Partial<Record<string, RouteName>>][] = [
    [DOMAINS, { GET: "list_domains" }],
    [DOMAIN, { GET: "get_domain", DELETE: "delete_domain" }],
    [DOMAIN_MAILBOXES, { GET: "list_mailboxes" }],
    [DOMAIN_MAILBOX, { DELETE: "delete_mailbox" }],
    [CREDENTIALS, { GET: "list_credentials" }],
    [CREDENTIAL, { DELETE: "delete_credential" }],
  ];
  for (const [pattern, byMethod] of routes) {
    const match = pattern.exec(path);
    if (match === null) continue;
    const name = byMethod[method];
    if (name === undefined) return "method_not_allowed";
    const decoded = (segment: string | undefined) =>
      segment === undefined ? undefined : decodeSegment(segment);
    return {
      name,
      segment: decoded(match[1]),
      ...(match[2] === undefined ? {} : { email: decoded(match[2]) }),
    };
  }
  return undefined;
}

/** The domain routes answer in the domain page's shape, the others in the credential page's. */
export function routeProblem(path: string): (status: number, text: string) => object {
  return path.startsWith(`${BASE_PATH}/domains`) ? domainProblem : credentialProblem;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
