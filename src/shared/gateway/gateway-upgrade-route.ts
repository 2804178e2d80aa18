import { Elysia } from "elysia";
import type { ConnectionAdmission, Refusal } from "./connection-admission";
import { type ConnectionEvents, GatewayConnection, ZlibStreamConnection } from "./gateway-connection";
import { ACCEPTED_VERSIONS } from "./gateway-protocol";

/** While the node does not hear its event bus, a new client would be served half-deaf: it is told to come back. */
const BUS_DOWN: Refusal = { status: 503, retryAfterS: 1, message: "The gateway is reconnecting to its event bus; retry shortly." };

type ResponseSet = { status?: number | string; headers: Record<string, unknown> };

const refuse = (set: ResponseSet, refusal: Refusal) => {
  set.status = refusal.status;
  set.headers["retry-after"] = String(refusal.retryAfterS);
  return { code: 0, message: refusal.message, retry_after: refusal.retryAfterS, global: false };
};

/**
 * What the query string asks for (Discord's `v`, `encoding`, `compress`): whether the stream is zlib-compressed, or
 * why the request is refused. Discord's libraries append `?v=10&encoding=json`, and `&compress=zlib-stream` at will.
 */
export const transportOf = (url: string): { zlibStream: boolean } | { refused: string } => {
  const query = new URL(url).searchParams;
  const version = query.get("v");
  const encoding = query.get("encoding");
  const compress = query.get("compress");
  if (version !== null && !ACCEPTED_VERSIONS.has(version)) return { refused: `Unsupported gateway version v=${version}: use 10 (Discord's; 6 to 10 are accepted) or 1.` };
  if (encoding === "etf") return { refused: "encoding=etf is not supported: XCord's gateway speaks JSON only (encoding=json)." };
  if (encoding !== null && encoding !== "json") return { refused: `Unknown encoding=${encoding}: use encoding=json.` };
  if (compress !== null && compress !== "zlib-stream") return { refused: `Unknown compress=${compress}: use compress=zlib-stream, or leave it out.` };
  return { zlibStream: compress === "zlib-stream" };
};

/**
 * GET /gateway: refuses (429, 503) without ever opening a socket, or admits the connection and hands it to Bun's
 * own WebSocket upgrade as the socket's data. Elysia's server-wide WebSocket handler hands open, message and close
 * to `data`, so a gateway socket carries no Elysia context, wrapper or closures: one small object and the session.
 */
export const gatewayUpgradeRoute = (deps: { busUp: () => boolean; admission: ConnectionAdmission; events: ConnectionEvents }) => {
  const { busUp, admission, events } = deps;
  const plain = (ip: string | undefined, admittedAt: number) => new GatewayConnection(events, ip, admittedAt);
  const zlibStream = (ip: string | undefined, admittedAt: number) => new ZlibStreamConnection(events, ip, admittedAt);
  return new Elysia({ name: "xcord.gateway" }).get(
    "/gateway",
    async ({ request, server, set }) => {
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        set.status = 400;
        return { code: 0, message: "Expected a WebSocket upgrade request (GET /gateway with Upgrade: websocket)." };
      }
      const transport = transportOf(request.url);
      if ("refused" in transport) {
        set.status = 400;
        return { code: 0, message: transport.refused };
      }
      if (!busUp()) return refuse(set, BUS_DOWN);
      const admitted = await admission.admit(request, server, transport.zlibStream ? zlibStream : plain);
      if (!(admitted instanceof GatewayConnection)) return refuse(set, admitted);
      if (server?.upgrade(request, { data: admitted })) return undefined;
      admission.release(admitted);
      set.status = 400;
      return { code: 0, message: "The WebSocket upgrade failed: check the Sec-WebSocket-Key and Sec-WebSocket-Version headers." };
    },
    { detail: { hide: true } },
  );
};
