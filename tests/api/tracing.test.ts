import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { identify } from "../support/gateway";
import { type ApiClient, apiClient, createGuild, expectStatus, generalOf, joinAll } from "../support/guild";
import { type TestUser, identityEnv, jwtKeyFiles, registerUser } from "../support/identity";
import type { MessageBody } from "../support/message";
import { type ReceivedSpan, SPAN_KIND, startOtlpReceiver } from "../support/otlp-receiver";
import { type NodeProcess, spawnNode } from "../support/process";
import { type Mode, type TestServer, modeNamed, startServer, waitFor } from "../support/server";

const SEND_ROUTE = "/api/v1/channels/:id/messages";

/** A client's own trace context: the W3C traceparent a traced caller (or a balancer) sends. */
const callerContext = () => {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
};

/** Each span's chain of parents, up to the caller's span: the trace is one tree hanging from it. */
const expectConnected = (spans: readonly ReceivedSpan[], rootParent: string) => {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  for (const span of spans) {
    let current: ReceivedSpan | undefined = span;
    for (let hops = 0; current && current.parentSpanId !== rootParent; hops++) {
      expect(hops).toBeLessThan(50);
      const parent: ReceivedSpan | undefined = current.parentSpanId ? byId.get(current.parentSpanId) : undefined;
      if (!parent) throw new Error(`span "${span.name}" of node ${span.node} hangs from ${current.parentSpanId}, which is not in the trace`);
      current = parent;
    }
  }
};

const tracingEnv = (mode: Mode, receiverUrl: string, nodeId: string) =>
  identityEnv(mode, { NODE_ID: nodeId, OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_BSP_SCHEDULE_DELAY: "50", OTEL_EXPORTER_OTLP_HEADERS: "x-collector-key=secret%20value" });

const sendWithContext = async (server: TestServer, as: TestUser, channelId: string, traceparent: string, content: string, requestId = crypto.randomUUID()) => {
  const headers = { traceparent, "x-request-id": requestId };
  const response = await server.request(`/api/v1/channels/${channelId}/messages`, { method: "POST", token: as.access_token, json: { content }, headers });
  expect(response.status).toBe(201);
  return (await response.json()) as MessageBody;
};

describe("tracing: one send is one trace across nodes (postgres+redis)", () => {
  const mode = modeNamed("postgres+redis");
  const receiver = startOtlpReceiver();
  let nodeA: TestServer;
  // Its own process: nothing but the event on the bus can carry the trace from node A to it.
  let nodeB: NodeProcess;
  let api: ApiClient;
  let owner: TestUser;
  let member: TestUser;
  let channelId: string;

  beforeAll(async () => {
    nodeA = await startServer(mode, tracingEnv(mode, receiver.url, "1"));
    const keys = jwtKeyFiles();
    nodeB = await spawnNode({
      ...tracingEnv(mode, receiver.url, "2"),
      DATABASE_URL: process.env.DATABASE_URL ?? "",
      REDIS_URL: process.env.REDIS_URL ?? "",
      JWT_PRIVATE_KEY_FILE: keys.privateKey,
      JWT_PUBLIC_KEY_FILE: keys.publicKey,
    });
    api = apiClient(nodeA);
    [owner, member] = await Promise.all([registerUser(nodeA), registerUser(nodeA)]);
    const guild = await createGuild(api, owner, "Traced");
    await joinAll(api, owner, guild, [member]);
    channelId = generalOf(guild).id;
  });
  afterAll(async () => {
    await nodeA.stop();
    await nodeB.stop();
    receiver.stop();
  });

  test("the POST on node A, its SQL and Redis spans, and the dispatch on node B hang from the caller's span", async () => {
    const { client } = await identify(nodeB.url, member.access_token);
    const caller = callerContext();
    const sent = await sendWithContext(nodeA, owner, channelId, caller.traceparent, "traced hello");
    expect((await client.dispatch("MESSAGE_CREATE", (d) => d.id === sent.id)).d.content).toBe("traced hello");

    const spans = await waitFor(
      () => {
        const found = receiver.trace(caller.traceId);
        return found.some((span) => span.node === "2" && span.name.startsWith("dispatch ")) && found.some((span) => span.kind === SPAN_KIND.SERVER) ? found : undefined;
      },
      { what: "the export of node B's dispatch span and node A's request span" },
    );
    const request = spans.find((span) => span.kind === SPAN_KIND.SERVER && span.node === "1");
    expect(request).toMatchObject({
      name: `POST ${SEND_ROUTE}`,
      parentSpanId: caller.spanId,
      service: "xcord",
      attributes: { "http.request.method": "POST", "http.route": SEND_ROUTE, "http.response.status_code": 201 },
    });
    const sql = spans.filter((span) => span.node === "1" && span.attributes["db.system.name"] === "postgresql");
    expect(sql.some((span) => span.name === "INSERT messages" || String(span.attributes["db.query.text"]).includes("INSERT INTO \"messages\""))).toBe(true);
    // Parameterized text only: the message's content never reaches a span.
    expect(sql.every((span) => !String(span.attributes["db.query.text"]).includes("traced hello"))).toBe(true);
    const redis = spans.filter((span) => span.node === "1" && span.attributes["db.system.name"] === "redis").map((span) => span.name);
    expect(redis).toContain("PUBLISH");
    const dispatch = spans.find((span) => span.node === "2" && span.name.startsWith("dispatch "));
    expect(dispatch).toMatchObject({ kind: SPAN_KIND.CONSUMER, attributes: { "xcord.sessions": 1 } });
    // Node B's dispatch is a child of node A's work: the trace context travelled inside the event.
    expect(spans.find((span) => span.spanId === dispatch?.parentSpanId)?.node).toBe("1");
    expectConnected(spans, caller.spanId);
    client.close();
  });

  test("node A's request log line carries the trace id, and the collector's headers reach it", async () => {
    const caller = callerContext();
    await sendWithContext(nodeA, owner, channelId, caller.traceparent, "logged");
    const line = await waitFor(() => nodeA.logs.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.msg === "request" && entry.trace_id === caller.traceId), {
      what: "the request's log line with its trace id",
    });
    expect(line).toMatchObject({ route: SEND_ROUTE, status: 201 });
    expect(String(line.span_id)).toMatch(/^[0-9a-f]{16}$/);
    await waitFor(() => receiver.headers.length > 0, { what: "an export" });
    expect(receiver.headers[0]?.get("x-collector-key")).toBe("secret value");
    // The collector's key is a credential: no log line shows it.
    expect(nodeA.logs.some((text) => text.includes("secret value"))).toBe(false);
  });

  test("a request without a caller's context starts a trace of its own; a malformed traceparent is ignored", async () => {
    const requestId = crypto.randomUUID();
    await sendWithContext(nodeA, owner, channelId, "00-not-a-trace-01", "fresh", requestId);
    const request = await waitFor(() => receiver.spans.find((span) => span.attributes["xcord.request_id"] === requestId), { what: "the request span" });
    expect(request).toMatchObject({ kind: SPAN_KIND.SERVER, name: `POST ${SEND_ROUTE}` });
    expect(request.parentSpanId).toBeUndefined();
    expect(request.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("tracing in the embedded mode (PGlite, memory adapters)", () => {
  const mode = modeNamed("embedded");
  const receiver = startOtlpReceiver();
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(mode, tracingEnv(mode, receiver.url, "7"));
  });
  afterAll(async () => {
    await server.stop();
    receiver.stop();
  });

  test("a send's trace holds its request, its statements and its dispatch", async () => {
    const api = apiClient(server);
    const owner = await registerUser(server);
    const guild = await createGuild(api, owner, "Embedded traced");
    const { client } = await identify(server.url, owner.access_token);
    const caller = callerContext();
    const sent = await sendWithContext(server, owner, generalOf(guild).id, caller.traceparent, "embedded");
    await client.dispatch("MESSAGE_CREATE", (d) => d.id === sent.id);
    // The request's span ends last (after its response): once it and the dispatch are in, so is everything they hold.
    const spans = await waitFor(() => {
      const found = receiver.trace(caller.traceId);
      return found.some((span) => span.name.startsWith("dispatch ")) && found.some((span) => span.kind === SPAN_KIND.SERVER) ? found : undefined;
    }, { what: "the dispatch and request spans" });
    expect(spans.some((span) => span.attributes["db.system.name"] === "postgresql")).toBe(true);
    expectConnected(spans, caller.spanId);
    client.close();
  });

  test("an IDENTIFY on the gateway is a trace of its own, holding the statements READY read", async () => {
    const user = await registerUser(server);
    const { client, ready } = await identify(server.url, user.access_token);
    const span = await waitFor(() => receiver.spans.find((candidate) => candidate.name === "gateway IDENTIFY" && candidate.attributes["enduser.id"] === undefined && receiver.trace(candidate.traceId).some((child) => child.parentSpanId === candidate.spanId)), {
      what: "the IDENTIFY span and its children",
    });
    expect(span).toMatchObject({ kind: SPAN_KIND.SERVER, parentSpanId: undefined, attributes: { "xcord.gateway.op": 2 } });
    expect(receiver.trace(span.traceId).some((child) => child.attributes["db.system.name"] === "postgresql")).toBe(true);
    expect(ready.user.id).toBe(user.user.id);
    client.close();
  });
});

describe("tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)", () => {
  test("log lines carry no trace ids and nothing is wrapped", async () => {
    const mode = modeNamed("embedded");
    const server = await startServer(mode, identityEnv(mode));
    try {
      const owner = await registerUser(server);
      const guild = expectStatus(await apiClient(server).post<{ channels: { id: string; name: string }[] }>("/guilds", owner, { name: "Untraced" }), 201);
      const caller = callerContext();
      await sendWithContext(server, owner, guild.channels.find((channel) => channel.name === "general")!.id, caller.traceparent, "plain");
      const requests = server.logs.map((text) => JSON.parse(text) as Record<string, unknown>).filter((entry) => entry.msg === "request");
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.some((entry) => "trace_id" in entry)).toBe(false);
    } finally {
      await server.stop();
    }
  });
});
