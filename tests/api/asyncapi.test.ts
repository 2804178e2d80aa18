import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { VoiceClose } from "../../src/domains/voice/application/voice-rooms";
import { DISPATCH_NAMES } from "../../src/app-events";
import { CloseCode, Op } from "../../src/shared/gateway/gateway-protocol";
import { type TestServer, modeNamed, startServer } from "../support/server";

type Doc = Record<string, any>;

const SRC = resolve(import.meta.dir, "../../src");
const source = (path: string) => readFileSync(resolve(SRC, path), "utf8");

/** What the code can send or take, read from the source so that a new one fails here until it is documented. */
const fromSource = {
  /** Keys of voice-signaling.ts's METHODS table, and `identify`, which it handles before the table. */
  voiceMethods: () => {
    const text = source("domains/voice/presentation/voice-signaling.ts");
    const table = text.slice(text.indexOf("const METHODS"), text.indexOf("const checkRequest"));
    const methods = [...table.matchAll(/^ {2}([a-z_]+): method\(/gm)].map((match) => match[1]!);
    expect(text).toContain('request.method === "identify"');
    return ["identify", ...methods];
  },
  /** Events the voice rooms and the socket notify: `notify("x", ...)` and `broadcast("x", ...)`. */
  voiceEvents: () => {
    const files = [...new Bun.Glob("domains/voice/application/*.ts").scanSync(SRC), "domains/voice/presentation/voice-signaling.ts"];
    const text = files.map(source).join("\n");
    return [...new Set([...text.matchAll(/(?:notify|broadcast)\(\s*"([a-z_]+)"/g)].map((match) => match[1]!))];
  },
  /** The dispatch name of every domain event, and those written in the gateway's handlers and each domain's dispatch rules. */
  dispatchNames: () => {
    const files = [
      "shared/gateway/gateway-handlers.ts",
      "shared/gateway/member-requests.ts",
      "shared/gateway/bot-ready.ts",
      ...new Bun.Glob("domains/*/presentation/*-gateway.ts").scanSync(SRC),
    ];
    const quoted = files.flatMap((file) => [...source(file).matchAll(/"([A-Z]+(?:_[A-Z]+)*)"/g)].map((match) => match[1]!));
    const ofEvents = Object.values(DISPATCH_NAMES).filter((name): name is NonNullable<typeof name> => name !== null);
    return [...new Set([...quoted, ...ofEvents])].sort();
  },
};

/** Every `$ref` in the document, with where it is. */
const refsIn = (value: unknown, path = "#"): Array<{ ref: string; at: string }> => {
  if (Array.isArray(value)) return value.flatMap((item, index) => refsIn(item, `${path}/${index}`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === "$ref" && typeof child === "string" ? [{ ref: child, at: path }] : refsIn(child, `${path}/${key}`),
  );
};

/** What a local `$ref` points at, following a chain of references (a channel's message refers to a component). */
const resolvePointer = (doc: Doc, ref: string): unknown => {
  const target = ref
    .slice(2)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Doc)[part] : undefined), doc);
  const next = (target as Doc | undefined)?.$ref;
  return typeof next === "string" && next !== ref ? resolvePointer(doc, next) : target;
};

describe("the AsyncAPI document of the gateway and voice sockets", () => {
  let server: TestServer;
  let response: Response;
  let doc: Doc;
  const messagesOf = (channel: string): Doc[] => Object.values(doc.channels[channel].messages).map((entry: any) => resolvePointer(doc, entry.$ref) as Doc);
  /** A schema with its `$ref` followed, if it is one. */
  const deref = (schema: Doc): Doc => (schema.$ref ? (resolvePointer(doc, schema.$ref) as Doc) : schema);

  beforeAll(async () => {
    server = await startServer(modeNamed("embedded"));
    response = await server.request("/swagger/asyncapi.json");
    doc = (await response.clone().json()) as Doc;
  });
  afterAll(() => server.stop());

  test("is served as JSON next to the OpenAPI document, as AsyncAPI 3.0.0", async () => {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("application/json");
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(doc.asyncapi).toBe("3.0.0");
    expect(doc.info.title).toBeTruthy();
    expect(doc.channels.gateway.address).toBe("/gateway");
    expect(doc.channels.voice.address).toBe("/voice");
    expect((await server.request("/swagger/json")).status).toBe(200);
  });

  test("every gateway opcode of the protocol's table has its frames, sent by the right side", () => {
    const opsIn = (action: string) =>
      Object.values(doc.operations)
        .filter((operation: any) => operation.channel.$ref === "#/channels/gateway" && operation.action === action)
        .flatMap((operation: any) => operation.messages.map((ref: any) => (resolvePointer(doc, ref.$ref) as Doc).payload.properties.op.const));
    const serverOps = new Set(opsIn("send"));
    const clientOps = new Set(opsIn("receive"));
    const clientOpcodes = [Op.Heartbeat, Op.Identify, Op.PresenceUpdate, Op.VoiceStateUpdate, Op.Resume, Op.RequestGuildMembers];
    for (const op of Object.values(Op)) {
      expect({ op, documented: serverOps.has(op) || clientOps.has(op) }).toEqual({ op, documented: true });
      expect({ op, sentByClient: clientOps.has(op) }).toEqual({ op, sentByClient: (clientOpcodes as number[]).includes(op) });
    }
  });

  test("every close code of both sockets is listed with its meaning", () => {
    const listed = (channel: string) => new Map<number, Doc>(doc.channels[channel]["x-close-codes"].map((entry: Doc) => [entry.code, entry]));
    const gateway = listed("gateway");
    for (const code of Object.values(CloseCode)) {
      expect(gateway.get(code)?.meaning).toBeString();
      expect(gateway.get(code)?.action).toBeString();
    }
    const voice = listed("voice");
    for (const code of [...Object.values(VoiceClose), 4000]) expect(voice.get(code)?.meaning).toBeString();
  });

  test("every dispatch the code sends is documented, and nothing else", () => {
    const documented = messagesOf("gateway")
      .filter((message) => message.payload.properties.op.const === Op.Dispatch)
      .map((message) => message.payload.properties.t.const as string)
      .sort();
    expect(documented).toEqual(fromSource.dispatchNames());
  });

  test("every voice signaling method is a request with a reply, and every notification is documented", () => {
    const methods = fromSource.voiceMethods();
    expect(methods).toContain("create_transport");
    for (const method of methods) {
      const operation = Object.values(doc.operations).find(
        (candidate: any) =>
          candidate.action === "receive" &&
          candidate.channel.$ref === "#/channels/voice" &&
          (resolvePointer(doc, candidate.messages[0].$ref) as Doc).payload.properties.method?.const === method,
      ) as Doc | undefined;
      expect({ method, documented: operation !== undefined }).toEqual({ method, documented: true });
      const replies = operation!.reply.messages.map((ref: any) => (resolvePointer(doc, ref.$ref) as Doc).payload.properties.ok.const);
      expect(replies.sort()).toEqual([false, true]);
    }
    const events = messagesOf("voice")
      .map((message) => message.payload.properties.event?.const)
      .filter(Boolean);
    expect(events.sort()).toEqual(fromSource.voiceEvents().sort());
  });

  test("every message has a payload schema; dispatches carry their event's object", () => {
    const all = Object.entries(doc.components.messages) as Array<[string, Doc]>;
    expect(all.length).toBeGreaterThan(50);
    for (const [name, message] of all) {
      expect({ name, type: message.payload?.type }).toEqual({ name, type: "object" });
      expect({ name, required: message.payload.required.length > 0 }).toEqual({ name, required: true });
    }
    const dispatch = (t: string) => deref(doc.components.messages[`gateway.dispatch.${t}`].payload.properties.d);
    // READY and GUILD_CREATE: a user's form, then a bot's (Discord's).
    const [userReady, botReady] = dispatch("READY").anyOf.map(deref);
    expect(Object.keys(userReady.properties).sort()).toEqual(
      ["guilds", "presences", "private_channels", "read_state", "relationships", "resume_gateway_url", "session_id", "user", "v", "voice_states"].sort(),
    );
    expect(botReady.required).toEqual(expect.arrayContaining(["application", "guilds", "session_id", "resume_gateway_url", "user", "v"]));
    expect(dispatch("MESSAGE_CREATE").required).toContain("author");
    const [userGuild, botGuild] = dispatch("GUILD_CREATE").anyOf.map(deref);
    expect(userGuild.required).toContain("member_count");
    expect(botGuild.required).toEqual(expect.arrayContaining(["joined_at", "large", "members", "presences", "voice_states", "threads", "unavailable"]));
    // Socket payloads are numbers, never the numeric strings Elysia's query coercion allows.
    expect(deref(dispatch("MESSAGE_CREATE").properties.attachments.items).properties.size).toEqual({ description: "bytes", type: "integer" });
  });

  test("every $ref resolves inside the document, and operations only use their channel's messages", () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter(({ ref }) => !ref.startsWith("#/") || resolvePointer(doc, ref) === undefined)).toEqual([]);
    for (const [id, operation] of Object.entries(doc.operations) as Array<[string, Doc]>) {
      const channel = operation.channel.$ref;
      for (const ref of [...operation.messages, ...(operation.reply?.messages ?? [])]) {
        expect({ id, ref: ref.$ref.startsWith(`${channel}/messages/`) }).toEqual({ id, ref: true });
      }
    }
  });
});
