import type { TSchema } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { CloseCode, FRAME_LIMIT, MAX_FRAME_BYTES, Op } from "../gateway/gateway-protocol";
import { type MessageDoc, gatewayCloseCodes, gatewayOpcodes } from "./asyncapi-gateway";
import { VOICE_UNKNOWN_ERROR, VoiceClose, voiceCloseCodes, voiceErrorMessage, voiceMethodMessages, voiceNotifications } from "./asyncapi-voice";

/** JSON as the document holds it. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface AsyncApiOptions {
  readonly version: string;
  /** PUBLIC_URL; without it the server's host is a variable defaulting to localhost:3000. */
  readonly publicUrl: string | undefined;
}

const isObject = (value: Json | undefined): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** Elysia's `t.Integer` and `t.Numeric` accept numeric strings too (for query strings); in a socket payload they are numbers. */
const coercedNumber = (node: JsonObject): JsonObject | undefined => {
  const anyOf = node.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return undefined;
  const [text, number] = anyOf;
  if (!isObject(text) || !isObject(number) || text.type !== "string" || (text.format !== "integer" && text.format !== "numeric")) return undefined;
  if (number.type !== "integer" && number.type !== "number") return undefined;
  const { anyOf: _anyOf, ...rest } = node;
  return { ...number, ...rest };
};

/**
 * A TypeBox schema as plain JSON Schema: TypeBox's symbols and Elysia's `$id`/`nullable` dropped, coerced numbers made
 * numbers, and every titled object moved to `components.schemas` behind a `$ref` (each title names one schema).
 */
const toJsonSchema = (schema: TSchema, shared: Map<string, JsonObject>): JsonObject => {
  const visit = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(visit);
    if (!isObject(value)) return value;
    const node = coercedNumber(value) ?? value;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(node)) if (key !== "$id" && key !== "nullable") out[key] = visit(child);
    const title = out.title;
    if (typeof title !== "string" || out.type !== "object") return out;
    const existing = shared.get(title);
    if (existing && JSON.stringify(existing) !== JSON.stringify(out)) throw new Error(`AsyncAPI: two different schemas are titled ${title}`);
    shared.set(title, out);
    return { $ref: `#/components/schemas/${title}` };
  };
  return visit(JSON.parse(JSON.stringify(schema)) as Json) as JsonObject;
};

/** The server entry: PUBLIC_URL's host and path, or a host variable. */
const serverOf = (publicUrl: string | undefined): JsonObject => {
  if (!publicUrl) {
    return {
      host: "{host}",
      protocol: "ws",
      description: "An XCord node. `GET /api/v1/gateway` answers the gateway's exact URL; VOICE_SERVER_UPDATE gives the voice endpoint.",
      variables: { host: { default: "localhost:3000", description: "host and port of the node (PUBLIC_URL when set)" } },
    };
  }
  const url = new URL(publicUrl);
  const pathname = url.pathname.replace(/\/$/, "");
  return {
    host: url.host,
    protocol: url.protocol === "https:" ? "wss" : "ws",
    ...(pathname ? { pathname } : {}),
    description: "This deployment (PUBLIC_URL). `GET /api/v1/gateway` answers the gateway's exact URL.",
  };
};

const closeCodeList = <K extends string>(codes: Record<K, number>, describe: (name: K) => JsonObject): Json[] =>
  (Object.keys(codes) as K[]).map((name) => ({ code: codes[name], name, ...describe(name) }));

/**
 * The AsyncAPI 3.0.0 document of XCord's two WebSockets, described from the server's side: `send` is a frame the
 * server sends, `receive` one it receives. Built from the gateway protocol's tables and schemas (asyncapi-gateway.ts,
 * asyncapi-voice.ts).
 */
export const buildAsyncApiDocument = (options: AsyncApiOptions): JsonObject => {
  const schemas = new Map<string, JsonObject>();
  const messages: JsonObject = {};
  const channelMessages = { gateway: {} as JsonObject, voice: {} as JsonObject };
  const operations: JsonObject = {};

  const register = (channel: keyof typeof channelMessages, doc: MessageDoc): JsonObject => {
    messages[doc.name] = { name: doc.title, title: doc.title, summary: doc.summary, contentType: "application/json", payload: toJsonSchema(doc.payload, schemas) };
    channelMessages[channel][doc.name] = { $ref: `#/components/messages/${doc.name}` };
    return { $ref: `#/channels/${channel}/messages/${doc.name}` };
  };
  const channelRef = (channel: keyof typeof channelMessages) => ({ $ref: `#/channels/${channel}` });

  for (const [name, opcode] of Object.entries(gatewayOpcodes)) {
    const refs = opcode.messages.map((doc) => register("gateway", doc));
    const action = opcode.sender === "client" ? "receive" : "send";
    operations[`gateway${action === "send" ? "Send" : "Receive"}${name}`] = {
      action,
      channel: channelRef("gateway"),
      title: `${name} (op ${Op[name as keyof typeof Op]})`,
      summary: opcode.messages.length === 1 ? opcode.messages[0]!.summary : "Every dispatch event; `t` names it.",
      messages: refs,
    };
  }

  const errorRef = register("voice", voiceErrorMessage);
  for (const { method, request, response } of voiceMethodMessages) {
    operations[`voiceReceive_${method}`] = {
      action: "receive",
      channel: channelRef("voice"),
      title: method,
      summary: request.summary,
      messages: [register("voice", request)],
      reply: { channel: channelRef("voice"), messages: [register("voice", response), errorRef] },
    };
  }
  for (const doc of voiceNotifications) {
    operations[`voiceSend_${doc.title}`] = { action: "send", channel: channelRef("voice"), title: doc.title, summary: doc.summary, messages: [register("voice", doc)] };
  }

  return {
    asyncapi: "3.0.0",
    id: "urn:xcord:realtime",
    info: {
      title: "XCord gateway and voice signaling",
      version: options.version,
      description: [
        "The two WebSockets of an XCord node, described from the server's side (`send`: the server sends it; `receive`: the client does).",
        "Frames are JSON text. The gateway (`/gateway`) carries `{op, d, s, t}` frames; voice signaling (`/voice`, the endpoint of",
        "VOICE_SERVER_UPDATE) carries requests `{id, method, data}`, responses `{id, ok, data|error}` and notifications `{event, data}`.",
        `Gateway client frames: at most ${MAX_FRAME_BYTES} bytes and ${FRAME_LIMIT.limit} per ${FRAME_LIMIT.periodMs / 1000} s.`,
        "The prose reference is docs/gateway.md and docs/voice.md in the repository; REST is the OpenAPI document at /swagger/json.",
      ].join(" "),
    },
    defaultContentType: "application/json",
    servers: { xcord: serverOf(options.publicUrl) },
    channels: {
      gateway: {
        address: "/gateway",
        title: "Gateway",
        description: "Real-time events: HELLO, then IDENTIFY or RESUME, heartbeats, dispatches. Close codes in `x-close-codes`.",
        servers: [{ $ref: "#/servers/xcord" }],
        messages: channelMessages.gateway,
        "x-close-codes": closeCodeList(CloseCode, (name) => ({ ...gatewayCloseCodes[name] })),
      },
      voice: {
        address: "/voice",
        title: "Voice signaling",
        description: "WebRTC negotiation with the SFU (mediasoup) for one voice channel. Close codes in `x-close-codes`.",
        servers: [{ $ref: "#/servers/xcord" }],
        messages: channelMessages.voice,
        "x-close-codes": [
          { code: VOICE_UNKNOWN_ERROR, name: "UnknownError", meaning: "an unexpected server error: reconnect" },
          ...closeCodeList(VoiceClose, (name) => ({ meaning: voiceCloseCodes[name] })),
        ],
      },
    },
    operations,
    components: { messages, schemas: Object.fromEntries(schemas) },
  };
};

/** The AsyncAPI document at GET /swagger/asyncapi.json, next to the OpenAPI one (built once). */
export const asyncApiDocs = (options: AsyncApiOptions) => {
  const body = JSON.stringify(buildAsyncApiDocument(options));
  return new Elysia({ name: "xcord.asyncapi-docs" }).get(
    "/swagger/asyncapi.json",
    ({ set }) => {
      set.headers["content-type"] = "application/json";
      return body;
    },
    { detail: { hide: true } },
  );
};
