/**
 * Baseline "physical limit": a bare Bun.serve WebSocket server, no auth and no storage. Every socket subscribes to
 * one topic; `POST /api/v1/channels/{id}/messages` publishes `{op, t, d: {content}}` to all of them, and
 * `GET /api/v1/channels/{id}/messages` answers a fixed page of 50 messages. Processes share PORT (SO_REUSEPORT).
 *
 *   PORT=4000 bun bench/baselines/bare-ws.ts
 */
const TOPIC = "all";
const PAGE = JSON.stringify(
  Array.from({ length: 50 }, (_, i) => ({
    id: String(1_000_000_000_000_000n + BigInt(i)),
    channel_id: "1",
    author: { id: "1", username: "bench", display_name: null, avatar: null, bot: false },
    content: `seed message ${i} with a few words to index`,
    created_at: new Date().toISOString(),
    edited_at: null,
  })),
);

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT),
  reusePort: true,
  async fetch(request, server) {
    const { pathname } = new URL(request.url);
    if (pathname === "/ws") return server.upgrade(request) ? undefined : new Response("upgrade failed", { status: 400 });
    if (pathname === "/ready") return new Response("ok");
    if (request.method === "POST") {
      const { content } = (await request.json()) as { content: string };
      server.publish(TOPIC, JSON.stringify({ op: 0, t: "MESSAGE_CREATE", d: { content } }));
      return Response.json({ content }, { status: 201 });
    }
    return new Response(PAGE, { headers: { "content-type": "application/json" } });
  },
  websocket: {
    idleTimeout: 0,
    open: (ws) => void ws.subscribe(TOPIC),
    message: () => {},
  },
});
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
