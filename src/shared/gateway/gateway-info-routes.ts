import { Elysia, t } from "elysia";
import { type RouteSettings, routeDeps, routesTagged } from "../presentation/route-kit";
import type { IdentifyBudget } from "./identify-budget";

const GatewayUrl = t.String({ description: "ws:// or wss:// URL ending in /gateway: XCord's own gateway", examples: ["ws://127.0.0.1:3000/gateway"] });

/** `GET /api/v1/gateway` (no auth): where clients open the WebSocket. */
export const gatewayInfoRoutes = (url: () => string) =>
  new Elysia({ name: "xcord.gateway-info", detail: { tags: ["Gateway"] } }).get("/gateway", () => ({ url: url() }), {
    response: {
      200: t.Object({ url: GatewayUrl }, { title: "GatewayUrl", description: "OK — where to open the gateway WebSocket" }),
    },
    detail: { summary: "The gateway's WebSocket URL" },
  });

export const GatewayBotBody = t.Object(
  {
    url: GatewayUrl,
    shards: t.Integer({ minimum: 1, description: "Recommended shard count: one per 1000 guilds of the caller" }),
    session_start_limit: t.Object(
      {
        total: t.Integer({ description: "IDENTIFYs allowed per 24 h" }),
        remaining: t.Integer({ description: "IDENTIFYs left in the current window" }),
        reset_after: t.Integer({ description: "Milliseconds until the window ends (0 when none of it is used)" }),
        max_concurrency: t.Integer({ description: "IDENTIFYs that may start at once (always 1)" }),
      },
      { title: "SessionStartLimit" },
    ),
  },
  {
    title: "GatewayBot",
    description: "OK — where to connect, how many shards to use, and the caller's session start budget",
    examples: [{ url: "ws://127.0.0.1:3000/gateway", shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_399_000, max_concurrency: 1 } }],
  },
);

/** Guilds per recommended shard (Discord's: a shard may hold up to 2500; it recommends about 1000). */
const GUILDS_PER_SHARD = 1000;

export interface GatewayBotDeps extends RouteSettings {
  readonly url: () => string;
  readonly budget: IdentifyBudget;
  /** How many guilds the user is in. */
  readonly guildCount: (userId: string) => Promise<number>;
}

const { group, route } = routesTagged(["Gateway"]);

/** `GET /api/v1/gateway/bot` (Bot or Bearer): the URL, a shard count and the caller's session start limit (Discord's). */
export const gatewayBotRoutes = (deps: GatewayBotDeps) =>
  group(routeDeps(undefined, deps)).get(
    "/gateway/bot",
    async ({ caller }) => {
      const [limit, guilds] = await Promise.all([deps.budget.status(caller.userId), deps.guildCount(caller.userId)]);
      return { url: deps.url(), shards: Math.max(1, Math.ceil(guilds / GUILDS_PER_SHARD)), session_start_limit: limit };
    },
    route({ summary: "The gateway URL, the recommended shard count and the caller's session start limit (IDENTIFYs per day)", schemas: {}, ok: { 200: GatewayBotBody } }),
  );

/** The gateway URL for a public HTTP base URL. */
export const gatewayUrlOf = (publicUrl: string) => `${publicUrl.replace(/^http/, "ws").replace(/\/$/, "")}/gateway`;
