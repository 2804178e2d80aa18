import { t } from "elysia";

/** The error body of API.md, for the OpenAPI document. */
export const ErrorBody = t.Object(
  {
    code: t.Integer({ description: "API error code (API.md)" }),
    message: t.String(),
    errors: t.Optional(t.Record(t.String(), t.String(), { description: "field path → reason" })),
  },
  { $id: "#/components/schemas/Error", title: "Error" },
);

export const RateLimitedBody = t.Object(
  {
    code: t.Literal(0),
    message: t.String(),
    retry_after: t.Number({ description: "seconds" }),
    global: t.Boolean(),
  },
  { title: "RateLimited" },
);

/** The error responses every route can give, to spread into a route's `response`. */
export const commonErrors = {
  400: ErrorBody,
  413: ErrorBody,
  429: RateLimitedBody,
  500: ErrorBody,
} as const;

export const authErrors = { ...commonErrors, 401: ErrorBody } as const;
