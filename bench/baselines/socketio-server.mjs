/**
 * Baseline "the stack of seed 002": Node + Socket.IO with the Redis adapter, kept as small as that stack is.
 * A socket authenticates with the JWT in its handshake (`auth.token`, HS256 with JWT_SECRET, as XCord's tokens
 * are here), joins a room per guild the user is a member of, then gets `ready`. REST on the same port:
 * `POST /api/v1/channels/{id}/messages` stores the message in XCord's `messages` table and emits it to the guild's
 * room; `GET /api/v1/channels/{id}/messages?limit=50` reads the newest page. WORKERS processes share the port
 * through node:cluster, and meet through the Redis adapter.
 *
 *   PORT=4000 WORKERS=2 DATABASE_URL=... REDIS_URL=... JWT_SECRET=... node bench/baselines/socketio-server.mjs
 */
import cluster from "node:cluster";
import { createServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { jwtVerify } from "jose";
import postgres from "postgres";
import { Server } from "socket.io";

const EPOCH = BigInt(Date.UTC(2026, 0, 1));
const { PORT, WORKERS = "1", DATABASE_URL, REDIS_URL, JWT_SECRET } = process.env;

if (cluster.isPrimary) {
  const workers = Array.from({ length: Number(WORKERS) }, (_, index) => cluster.fork({ WORKER_INDEX: String(index) }));
  const stop = () => workers.forEach((worker) => worker.process.kill("SIGTERM"));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  cluster.on("exit", () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
} else {
  const sql = postgres(DATABASE_URL, { max: 10, onnotice: () => {} });
  const secret = new TextEncoder().encode(JWT_SECRET);
  const guildOf = new Map();
  const worker = BigInt(1000 + Number(process.env.WORKER_INDEX));
  let last = 0n;
  let sequence = 0n;

  /** A snowflake on this worker's id (1000 + index), as XCord's ids are laid out. */
  const nextId = () => {
    const ms = BigInt(Date.now()) - EPOCH;
    sequence = ms === last ? sequence + 1n : 0n;
    last = ms;
    return String((ms << 22n) | (worker << 12n) | (sequence & 4095n));
  };

  /** The user id of a valid bearer token, or null. */
  const userOf = async (token) => {
    try {
      return (await jwtVerify(token ?? "", secret, { algorithms: ["HS256"] })).payload.sub;
    } catch {
      return null;
    }
  };

  const reply = (response, status, body) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };

  const readBody = async (request) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    return JSON.parse(body || "{}");
  };

  const channelGuild = async (channelId) => {
    if (!guildOf.has(channelId)) guildOf.set(channelId, (await sql`select guild_id from channels where id = ${channelId}`)[0]?.guild_id ?? null);
    return guildOf.get(channelId);
  };

  const send = async (request, response, userId, channelId) => {
    const { content } = await readBody(request);
    const guildId = await channelGuild(channelId);
    const message = { id: nextId(), channel_id: channelId, guild_id: guildId, author_id: userId, content, created_at: new Date().toISOString() };
    await sql`insert into messages (id, channel_id, guild_id, author_id, content) values (${message.id}, ${channelId}, ${guildId}, ${userId}, ${content})`;
    io.to(`guild:${guildId}`).emit("message", message);
    reply(response, 201, message);
  };

  const history = async (response, channelId, limit) => {
    const rows = await sql`select id, channel_id, guild_id, author_id, content, edited_at from messages where channel_id = ${channelId} order by id desc limit ${limit}`;
    reply(response, 200, rows);
  };

  const http = createServer(async (request, response) => {
    if (request.url.startsWith("/socket.io/")) return;
    try {
      const url = new URL(request.url, "http://localhost");
      if (url.pathname === "/ready") return reply(response, 200, {});
      const channelId = /^\/api\/v1\/channels\/(\d+)\/messages$/.exec(url.pathname)?.[1];
      if (!channelId) return reply(response, 404, {});
      const userId = await userOf(request.headers.authorization?.slice("Bearer ".length));
      if (!userId) return reply(response, 401, {});
      if (request.method === "POST") return await send(request, response, userId, channelId);
      return await history(response, channelId, Math.min(100, Number(url.searchParams.get("limit") ?? 50)));
    } catch (error) {
      reply(response, 500, { message: String(error) });
    }
  });

  const pub = new Redis(REDIS_URL);
  const io = new Server(http, { transports: ["websocket"], adapter: createAdapter(pub, pub.duplicate()) });
  io.use(async (socket, next) => {
    const userId = await userOf(socket.handshake.auth?.token);
    if (!userId) return next(new Error("unauthorized"));
    socket.data.userId = userId;
    next();
  });
  io.on("connection", async (socket) => {
    const guilds = await sql`select guild_id from members where user_id = ${socket.data.userId}`;
    socket.join(guilds.map((row) => `guild:${row.guild_id}`));
    socket.emit("ready");
  });
  http.listen(Number(PORT), "127.0.0.1");
  process.on("SIGTERM", () => {
    io.close();
    void sql.end({ timeout: 2 }).finally(() => process.exit(0));
  });
}
