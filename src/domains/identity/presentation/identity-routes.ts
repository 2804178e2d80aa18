import { Elysia } from "elysia";
import { errorResponses, fails } from "../../../shared/presentation/error-schemas";
import { clientIp } from "../../../shared/presentation/client-ip";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, security } from "../../../shared/presentation/route-kit";
import type { IdentityUseCases } from "../application/identity-use-cases";
import { t } from "elysia";
import { AuthBody, LoginBody, RefreshBody, RegisterBody, TokensBody, toAuthBody, toTokensBody } from "./identity-schemas";
import { MfaTicketBody, MfaTotpLoginBody, toMfaTicketBody } from "./mfa-schemas";

/**
 * Per-IP limits before RATE_LIMIT_SCALE. Discord does not publish its numbers; these stop guessing and sign-up
 * floods while leaving room for a household or office behind one NAT: registrations are rare, logins retry a few
 * times, and refreshes come from every tab and device every 15 minutes.
 */
export const REGISTER_LIMIT: RateLimitRule = { bucket: "auth.register", limit: 5, periodMs: 60_000, by: "ip" };
export const LOGIN_LIMIT: RateLimitRule = { bucket: "auth.login", limit: 10, periodMs: 60_000, by: "ip" };
export const REFRESH_LIMIT: RateLimitRule = { bucket: "auth.refresh", limit: 30, periodMs: 60_000, by: "ip" };
/** Two-factor codes per IP; each ticket also dies after 5 wrong codes and each account locks after 10 (domain/mfa.ts). */
export const MFA_LOGIN_LIMIT: RateLimitRule = { bucket: "auth.mfa", limit: 10, periodMs: 60_000, by: "ip" };

/** POST /auth/register, /auth/login, /auth/mfa/totp, /auth/refresh and /auth/logout. */
export const identityRoutes = (deps: RouteDeps<IdentityUseCases> & { readonly trustProxy: boolean }) => {
  const { useCases } = deps;
  const client = (request: Request, server: Parameters<typeof clientIp>[1]) => ({
    userAgent: request.headers.get("user-agent"),
    ip: clientIp(request, server, deps.trustProxy),
  });
  return new Elysia({ detail: { tags: ["Identity"] } })
    .use(deps.rateLimits)
    .use(deps.auth)
    .post(
      "/auth/register",
      async ({ body, request, server, status }) =>
        status(201, toAuthBody(await useCases.registerUser({ ...body, ...client(request, server) }))),
      {
        body: RegisterBody,
        response: { 201: AuthBody, ...errorResponses({ auth: false, rateLimit: REGISTER_LIMIT }, fails("VALIDATION", "the username has characters other than a-z 0-9 _ . (after lower-casing) or is reserved, or the email is not well formed"), fails("CONFLICT", "the username or email is taken, in any case; `errors` names the field")) },
        rateLimit: REGISTER_LIMIT,
        detail: { summary: "Create an account and log it in" },
      },
    )
    .post(
      "/auth/login",
      async ({ body, request, server }) => {
        const result = await useCases.logIn({ ...body, ...client(request, server) });
        return "mfa" in result ? toMfaTicketBody(result) : toAuthBody(result);
      },
      {
        body: LoginBody,
        response: { 200: t.Union([AuthBody, MfaTicketBody]), ...errorResponses({ auth: false, rateLimit: LOGIN_LIMIT }, fails("UNAUTHORIZED", "wrong login or password (one answer for both)")) },
        rateLimit: LOGIN_LIMIT,
        detail: { summary: "Log in with email or username and password; an account with two-factor login gets a ticket (`mfa: true`) instead of tokens" },
      },
    )
    .post(
      "/auth/mfa/totp",
      async ({ body, request, server }) => toAuthBody(await useCases.completeMfaLogin({ ticket: body.ticket, code: body.code, ...client(request, server) })),
      {
        body: MfaTotpLoginBody,
        response: {
          200: AuthBody,
          ...errorResponses(
            { auth: false, rateLimit: MFA_LOGIN_LIMIT },
            fails("INVALID_MFA_TICKET", "the ticket is unknown, expired (5 minutes), already used, or had 5 wrong codes"),
            fails("INVALID_MFA_CODE", "the code is wrong, already used, or the account is locked for 15 minutes after 10 wrong codes"),
          ),
        },
        rateLimit: MFA_LOGIN_LIMIT,
        detail: { summary: "Finish a two-factor login: the ticket of /auth/login and a TOTP code or a backup code" },
      },
    )
    .post("/auth/refresh", async ({ body }) => toTokensBody(await useCases.refreshSession(body.refresh_token)), {
      body: RefreshBody,
      response: { 200: TokensBody, ...errorResponses({ auth: false, rateLimit: REFRESH_LIMIT }, fails("UNAUTHORIZED", "the refresh token is unknown, expired or already used (a reused one ends its session)")) },
      rateLimit: REFRESH_LIMIT,
      detail: { summary: "Trade a refresh token for a new pair; reusing one ends its session" },
    })
    .post(
      "/auth/logout",
      async ({ caller }) => useCases.logOut(caller).then(noContent),
      {
        auth: true,
        response: { 204: NoContent, ...errorResponses({ auth: true }, fails("BOTS_FORBIDDEN", "the caller is a bot account: its token ends only by reset")) },
        detail: { summary: "End this session; its tokens stop working at once on every node", security },
      },
    );
};

