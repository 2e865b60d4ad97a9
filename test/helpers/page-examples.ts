// The example bodies printed verbatim on the two Woodpecker API reference pages this server
// implements: "Delete a Microsoft Graph credential" and "Delete domain" (REST API v2).

export const CREDENTIAL_PAGE = {
  401: {
    title: "Unauthorized",
    status: 401,
    detail: "Invalid api key",
    timestamp: "2025-03-05 17:57:00",
  },
  404: {
    title: "Not Found",
    status: 404,
    detail: "Requested resource does not exist",
    timestamp: "2025-03-05 17:57:00",
  },
  422: { message: "MICROSOFT_GRAPH_CREDENTIAL_IN_USE" },
  500: {
    title: "Internal server error",
    status: 500,
    detail: "An unexpected error has occurred. Please try again later.",
    timestamp: "2025-03-05 17:57:00",
  },
} as const;

export const DOMAIN_PAGE = {
  400: {
    title: "Bad Request",
    status: 400,
    details: "error details",
    timestamp: "2026-05-06T12:00:00Z",
  },
  401: {
    title: "Unauthorized",
    status: 401,
    details: "error details",
    timestamp: "2026-05-06T12:00:00Z",
  },
  422: {
    type: "validation_error",
    message: "Invalid field(s)",
    code: "invalid_fields",
    request_id: "dc4faa0f-78bf-54e9-9d5d-ce9538f2eec5",
    fields: [{ field: "domain_name", issue: "not_found", value: "piedpiper.com" }],
  },
  500: {
    title: "Internal Server Error",
    status: 500,
    details: "error details",
    timestamp: "2026-05-06T12:00:00Z",
  },
  503: {
    title: "Service Unavailable",
    status: 503,
    details: "error details",
    timestamp: "2026-05-06T12:00:00Z",
  },
} as const;
