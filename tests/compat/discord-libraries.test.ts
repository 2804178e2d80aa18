import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { snowflakeTimestamp } from "../../src/shared/kernel/snowflake";
import { type GatewayClient, identify } from "../support/gateway";
import { type ApiClient, type GuildBody, bits, createGuild, expectStatus, generalOf, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import type { MessageBody } from "../support/message";
import { type TestServer, modeNamed } from "../support/server";

/**
 * Issue 14's acceptance test: real Discord libraries, unmodified, against a started XCord, each configured only with
 * XCord's URLs and a bot token. The bot runs in its own process (discord.js under Node, discord.py under Debian's
 * Python); it reports what the library saw, and this test checks the same facts from a user's side through XCord.
 */

const HERE = import.meta.dir;
/** Node runs discord.js as its users do; npm (which installs Bun on a fresh machine) brings it. */
const NODE = Bun.which("node") ?? "node";
/** Debian's Python, where the harness installs python3-discord (a pyenv `python3` earlier on PATH would not see it). */
const PYTHON = "/usr/bin/python3";
const STEP_TIMEOUT_MS = 30_000;

interface BotEvent {
  readonly ev: string;
  readonly [key: string]: any;
}

/** A bot process and the JSON lines it printed. */
interface BotProcess {
  readonly events: BotEvent[];
  readonly stderr: () => string;
  next(ev: string, timeoutMs?: number): Promise<BotEvent>;
  readonly exited: Promise<number>;
  kill(): void;
}

const startBot = (command: string[], env: Record<string, string>): BotProcess => {
  const child: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(command, { env: { ...process.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const events: BotEvent[] = [];
  let errors = "";
  void (async () => {
    let buffer = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        const line = buffer.slice(0, end).trim();
        buffer = buffer.slice(end + 1);
        if (line.startsWith("{")) events.push(JSON.parse(line) as BotEvent);
      }
    }
  })();
  void (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) errors = (errors + chunk).slice(-20_000);
  })();
  const taken = new Set<BotEvent>();
  return {
    events,
    stderr: () => errors,
    async next(ev, timeoutMs = STEP_TIMEOUT_MS) {
      const started = Date.now();
      for (;;) {
        const failure = events.find((event) => event.ev === "error" || event.ev === "discord-host");
        if (failure) throw new Error(`the bot reported ${JSON.stringify(failure)}\n${errors}`);
        const found = events.find((event) => event.ev === ev && !taken.has(event));
        if (found) {
          taken.add(found);
          return found;
        }
        if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}) before "${ev}"\n${errors}`);
        if (Date.now() - started > timeoutMs) throw new Error(`no "${ev}" from the bot in ${timeoutMs} ms; it printed ${JSON.stringify(events)}\n${errors}`);
        await Bun.sleep(20); // polling the child's output, not waiting for time to pass
      }
    },
    exited: child.exited,
    kill: () => child.kill(),
  };
};

interface Library {
  readonly name: string;
  readonly command: (server: TestServer) => string[];
  readonly env: (server: TestServer, token: string) => Record<string, string>;
  readonly fileText: string;
}

const LIBRARIES: readonly Library[] = [
  {
    name: "discord.js 14",
    command: () => [NODE, "--require", join(HERE, "no-discord-hosts.cjs"), join(HERE, "discordjs-bot.cjs")],
    env: (server, token) => ({ XCORD_API: `${server.url}/api`, BOT_TOKEN: token }),
    fileText: "hello from discord.js\n",
  },
  {
    name: "discord.py 2 (python3-discord)",
    command: () => [PYTHON, join(HERE, "discordpy_bot.py")],
    env: (server, token) => ({ XCORD_URL: server.url, BOT_TOKEN: token, PYTHONUNBUFFERED: "1" }),
    fileText: "hello from discord.py\n",
  },
];

/** The privileged intents the bots ask for: GATEWAY_PRESENCE, GATEWAY_GUILD_MEMBERS, GATEWAY_MESSAGE_CONTENT. */
const PRIVILEGED_INTENT_FLAGS = (1 << 12) | (1 << 14) | (1 << 18);

for (const library of LIBRARIES) {
  describe(`${library.name}, unmodified, runs against XCord`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let guild: GuildBody;
    let channelId: string;
    let applicationId: string;
    let botToken: string;
    let watcher: GatewayClient;
    let bot: BotProcess;
    let botUserId: string;

    const post = async (content: string) => expectStatus(await api.post<MessageBody>(`/channels/${channelId}/messages`, owner, { content }), 201);

    beforeAll(async () => {
      ({ server, api, users: [owner] } = await startGuildServer(modeNamed("postgres+redis"), 1));
      guild = await createGuild(api, owner, "Compat Guild");
      channelId = generalOf(guild).id;
      const application = expectStatus(await api.post<{ id: string }>("/applications", owner, { name: "Compat Bot" }), 201);
      applicationId = application.id;
      expectStatus(await api.patch(`/applications/${applicationId}`, owner, { flags: PRIVILEGED_INTENT_FLAGS }), 200);
      const created = expectStatus(await api.post<{ token: string; user: { id: string } }>(`/applications/${applicationId}/bot`, owner), 201);
      botToken = created.token;
      botUserId = created.user.id;
      const permissions = bits("VIEW_CHANNEL", "SEND_MESSAGES", "READ_MESSAGE_HISTORY", "ADD_REACTIONS", "MANAGE_MESSAGES", "ATTACH_FILES");
      const authorized = await api.post(`/oauth2/authorize?client_id=${applicationId}&scope=bot&permissions=${permissions}`, owner, {
        guild_id: guild.id,
        permissions,
        authorize: true,
      });
      expect(authorized.status).toBeLessThan(300);
      ({ client: watcher } = await identify(server.url, owner.access_token));
      bot = startBot(library.command(server), library.env(server, botToken));
    });

    afterAll(async () => {
      bot?.kill();
      watcher?.close();
      await server?.stop();
    });

    test("logs in with its bot token and is ready with its guild and channels", async () => {
      const ready = await bot.next("ready");
      expect(ready).toMatchObject({ user: botUserId, bot: true, application: applicationId });
      expect(ready.guilds).toEqual([guild.id]);
      expect(ready.channels).toContain(channelId);
    }, 60_000);

    test("gets a user's message and replies, edits, reacts, pins, sends an embed and a file, fetches members, sets its presence", async () => {
      const ping = await post("ping");
      const seen = await bot.next("scenario");
      // The library read the content (MESSAGE_CONTENT), the author and the creation time from the id (Discord's epoch).
      expect(seen).toMatchObject({ pingAuthor: owner.user.id, pingContent: "ping", member: owner.user.id, replyReference: ping.id, edited: "pong (edited)" });
      expect(seen.pingCreatedAt).toBe(snowflakeTimestamp(ping.id));
      expect(Math.abs(seen.pingCreatedAt - Date.now())).toBeLessThan(120_000);
      expect(seen.editedTimestamp).not.toBeNull();
      expect(seen.embedTitle).toBe("Status");
      expect(seen.attachment).toBe("hello.txt");
      expect([...seen.members].sort()).toEqual([owner.user.id, botUserId].sort());

      // The same facts, from the user's side.
      const messages = expectStatus(await api.get<MessageBody[]>(`/channels/${channelId}/messages?limit=10`, owner), 200) as any[];
      const reply = messages.find((message) => message.id === seen.reply);
      expect(reply).toMatchObject({
        content: "pong (edited)",
        type: 19,
        author: { id: botUserId, bot: true },
        message_reference: { message_id: ping.id },
        referenced_message: { id: ping.id, content: "ping" },
        reactions: [{ emoji: { name: "👍" }, count: 1 }],
      });
      expect(reply.edited_timestamp).not.toBeNull();
      const embed = messages.find((message) => message.id === seen.embed);
      expect(embed.embeds[0]).toMatchObject({ title: "Status", description: "All systems go", color: 0x5865f2, fields: [{ name: "uptime", value: "1 s" }] });
      const file = messages.find((message) => message.id === seen.file);
      expect(file.attachments[0]).toMatchObject({ filename: "hello.txt" });
      expect(await (await fetch(file.attachments[0].url)).text()).toBe(library.fileText);
      const pins = expectStatus(await api.get<any[]>(`/channels/${channelId}/pins`, owner), 200);
      expect(pins.map((message) => message.id)).toContain(ping.id);
      const presence = await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user?.id === botUserId && d.status === "dnd", STEP_TIMEOUT_MS);
      expect(presence.d.activities).toMatchObject([{ name: "with XCord", type: 0 }]);
    }, 90_000);

    test("resumes after its socket drops and misses nothing", async () => {
      await post("drop");
      await bot.next("dropping");
      // Sent while the socket is down or coming back: the resume delivers it, once.
      const away = await post("while away");
      await bot.next("resumed");
      expect((await bot.next("while-away")).id).toBe(away.id);
      const after = await post("after resume");
      expect((await bot.next("after-resume")).id).toBe(after.id);
      expect(bot.events.filter((event) => event.ev === "while-away")).toHaveLength(1);
      expect(await bot.exited).toBe(0);
      expect(bot.events.filter((event) => event.ev === "discord-host")).toEqual([]);
    }, 60_000);
  });
}
