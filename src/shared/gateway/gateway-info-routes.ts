import { Elysia, t } from "elysia";

/** `GET /api/v1/gateway` (no auth): where clients open the WebSocket. */
export const gatewayInfoRoutes = (url: () => string) =>
  new Elysia({ name: "xcord.gateway-info", detail: { tags: ["Gateway"] } }).get("/gateway", () => ({ url: url() }), {
    response: {
      200: t.Object(
        { url: t.String({ description: "ws:// or wss:// URL ending in /gateway", examples: ["ws://127.0.0.1:3000/gateway"] }) },
        { title: "GatewayUrl", description: "OK — where to open the gateway WebSocket" },
      ),
    },
    detail: { summary: "The gateway's WebSocket URL" },
  });

/** The gateway URL for a public HTTP base URL. */
export const gatewayUrlOf = (publicUrl: string) => `${publicUrl.replace(/^http/, "ws").replace(/\/$/, "")}/gateway`;
