import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GatewayClient, identify } from "../support/gateway";
import { type ApiClient, type GuildBody, type Reply, expectError, expectStatus, guildWith, registerUsers } from "../support/guild";
import { type TestUser, identityEnv } from "../support/identity";
import { type MessageBody, createTextChannel, send } from "../support/message";
import { MODES, type TestServer, startServer } from "../support/server";
import { apiClient } from "../support/guild";

/** The Webhook object of docs/rest.md, as far as these tests read it. */
interface WebhookBody {
  id: string;
  type: number;
  guild_id: string;
  channel_id: string;
  user?: { id: string };
  name: string;
  avatar: string | null;
  application_id: null;
  token?: string;
  url?: string;
}

type WebhookMessage = MessageBody & { webhook_id?: string; author: MessageBody["author"] & { bot: boolean; discriminator: string; avatar: string | null } };

/** A plain HTTP client with no credentials: how CI systems and scripts call a webhook. */
const anonymous = (server: TestServer) => {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<Reply<T>> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
  };
  return {
    execute: <T = WebhookMessage>(hook: { id: string; token?: string }, body: unknown, query = "?wait=true") => call<T>("POST", `/webhooks/${hook.id}/${hook.token}${query}`, body),
    get: <T = unknown>(path: string) => call<T>("GET", path),
    patch: <T = unknown>(path: string, body: unknown) => call<T>("PATCH", path, body),
    delete: <T = unknown>(path: string) => call<T>("DELETE", path),
  };
};

/** A discord.py 2 script (Debian's python3-discord, run with /usr/bin/python3) using its Webhook as a CI job would. */
const DISCORD_PY_WEBHOOK = `
import asyncio, json, sys
import aiohttp, discord
discord.http.Route.BASE = sys.argv[1] + "/api/v10"

async def main():
    async with aiohttp.ClientSession() as session:
        hook = discord.Webhook.partial(int(sys.argv[2]), sys.argv[3], session=session)
        msg = await hook.send("from discord.py", username="dpy", wait=True, embed=discord.Embed(title="py embed"))
        seen = {"id": str(msg.id), "author": msg.author.name, "webhook_id": str(msg.webhook_id), "embeds": [e.title for e in msg.embeds]}
        seen["edited"] = (await msg.edit(content="edited by discord.py")).content
        seen["fetched"] = (await hook.fetch_message(msg.id)).content
        await msg.delete()
        seen["no_wait"] = await hook.send("no wait") is None
        seen["name"] = (await hook.fetch()).name
        seen["renamed"] = (await hook.edit(name="renamed by dpy")).name
        print(json.dumps(seen))

asyncio.run(main())
`;

for (const mode of MODES) {
  describe(`incoming webhooks (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let web: ReturnType<typeof anonymous>;
    let owner: TestUser;
    let manager: TestUser;
    let member: TestUser;
    let stranger: TestUser;
    let guild: GuildBody;
    let channel: string;
    let memberSession: GatewayClient;

    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode));
      api = apiClient(server);
      web = anonymous(server);
      [owner, manager, member, stranger] = await registerUsers(server, 4);
      const made = await guildWith(api, owner, { name: "Hooks", members: [manager, member], roles: { hooks: { name: "Hooks", permissions: ["MANAGE_WEBHOOKS"], holders: [manager] } } });
      guild = made.guild;
      channel = made.general.id;
      memberSession = (await identify(server.url, member.access_token)).client;
    }, 60_000);
    afterAll(async () => {
      memberSession.close();
      await server.stop();
    });

    const create = async (as: TestUser, name: string, channelId = channel) => expectStatus(await api.post<WebhookBody>(`/channels/${channelId}/webhooks`, as, { name }), 201);

    test("creating answers Discord's Webhook with its token and execute URL once, and members hear WEBHOOKS_UPDATE", async () => {
      const hook = await create(manager, "CI");
      expect(hook).toMatchObject({ type: 1, guild_id: guild.id, channel_id: channel, name: "CI", avatar: null, application_id: null, user: { id: manager.user.id } });
      expect(hook.token).toMatch(/^[A-Za-z0-9_-]{68}$/);
      expect(hook.url).toBe(`${server.url}/api/v1/webhooks/${hook.id}/${hook.token}`);
      await memberSession.dispatch("WEBHOOKS_UPDATE", (d) => d.channel_id === channel && d.guild_id === guild.id);
      // The token is never readable again: only its hash is kept.
      const listed = expectStatus(await api.get<WebhookBody[]>(`/channels/${channel}/webhooks`, manager), 200);
      expect(listed.find((entry) => entry.id === hook.id)).toMatchObject({ name: "CI", user: { id: manager.user.id } });
      expect(listed.every((entry) => entry.token === undefined && entry.url === undefined)).toBe(true);
      expect(expectStatus(await api.get<WebhookBody[]>(`/guilds/${guild.id}/webhooks`, owner), 200).map((entry) => entry.id)).toContain(hook.id);
      expect(expectStatus(await api.get<WebhookBody>(`/webhooks/${hook.id}`, owner), 200)).toMatchObject({ id: hook.id, name: "CI" });
    });

    test("without MANAGE_WEBHOOKS every management route is 403 50013; outside the guild 403 50001", async () => {
      const hook = await create(owner, "Guarded");
      expectError(await api.post(`/channels/${channel}/webhooks`, member, { name: "x" }), 403, 50013);
      expectError(await api.get(`/channels/${channel}/webhooks`, member), 403, 50013);
      expectError(await api.get(`/guilds/${guild.id}/webhooks`, member), 403, 50013);
      expectError(await api.get(`/webhooks/${hook.id}`, member), 403, 50013);
      expectError(await api.patch(`/webhooks/${hook.id}`, member, { name: "mine" }), 403, 50013);
      expectError(await api.delete(`/webhooks/${hook.id}`, member), 403, 50013);
      expectError(await api.get(`/webhooks/${hook.id}`, stranger), 403, 50001);
      expectError(await api.get(`/guilds/${guild.id}/webhooks`, stranger), 403, 50001);
      expectError(await api.get(`/webhooks/${hook.id}`, null), 401, 40001);
      expectError(await api.get("/webhooks/1234567890123", owner), 404, 10015);
      expect(expectStatus(await api.get<WebhookBody>(`/webhooks/${hook.id}`, owner), 200).name).toBe("Guarded");
    });

    test("names are 1–80 characters without Discord's forbidden words; 15 webhooks per channel", async () => {
      expectError(await api.post(`/channels/${channel}/webhooks`, owner, { name: "" }), 400, 50035);
      expectError(await api.post(`/channels/${channel}/webhooks`, owner, { name: "x".repeat(81) }), 400, 50035);
      expectError(await api.post(`/channels/${channel}/webhooks`, owner, { name: "My Clyde" }), 400, 50035);
      expectError(await api.post(`/channels/${channel}/webhooks`, owner, { name: "discord bot" }), 400, 50035);
      expectError(await api.post(`/channels/${channel}/webhooks`, owner, { name: "ok", avatar: "ftp://example.com/a.png" }), 400, 50035);
      const full = (await createTextChannel(api, owner, guild.id, "full")).id;
      for (let i = 0; i < 15; i++) await create(owner, `hook ${i}`, full);
      expectError(await api.post(`/channels/${full}/webhooks`, owner, { name: "sixteenth" }), 400, 30007);
      expect(expectStatus(await api.get<WebhookBody[]>(`/channels/${full}/webhooks`, owner), 200)).toHaveLength(15);

      // Creations at once cannot pass the limit together: each counts under the channel's lock.
      const racing = (await createTextChannel(api, owner, guild.id, "racing")).id;
      for (let i = 0; i < 13; i++) await create(owner, `early ${i}`, racing);
      const statuses = (await Promise.all(Array.from({ length: 6 }, (_, i) => api.post(`/channels/${racing}/webhooks`, owner, { name: `racer ${i}` })))).map((reply) => reply.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(2);
      expect(statuses.filter((status) => status === 400)).toHaveLength(4);
      expect(expectStatus(await api.get<WebhookBody[]>(`/channels/${racing}/webhooks`, owner), 200)).toHaveLength(15);
    });

    test("PATCH renames and moves a webhook within its guild, with MANAGE_WEBHOOKS in both channels", async () => {
      const hook = await create(manager, "Mover");
      const other = (await createTextChannel(api, owner, guild.id, "elsewhere")).id;
      const avatar = "https://example.com/hook.png";
      const moved = expectStatus(await api.patch<WebhookBody>(`/webhooks/${hook.id}`, manager, { name: "Moved", avatar, channel_id: other }), 200);
      expect(moved).toMatchObject({ id: hook.id, name: "Moved", avatar, channel_id: other });
      await memberSession.dispatch("WEBHOOKS_UPDATE", (d) => d.channel_id === other);
      const foreign = await guildWith(api, owner, { name: "Other guild" });
      expectError(await api.patch(`/webhooks/${hook.id}`, owner, { channel_id: foreign.general.id }), 400, 50035);
      expectError(await api.patch(`/webhooks/${hook.id}`, owner, { channel_id: "1234567890123" }), 404, 10003);
      expect(expectStatus(await api.get<WebhookBody>(`/webhooks/${hook.id}`, owner), 200).channel_id).toBe(other);
    });

    test("an execute by a plain fetch arrives as MESSAGE_CREATE, authored by the webhook under the overridden name", async () => {
      const hook = await create(manager, "Builds");
      const avatarUrl = "https://example.com/override.png";
      const sent = expectStatus(await web.execute(hook, { content: "build #1 passed", username: "Build Bot", avatar_url: avatarUrl, tts: false }), 200);
      expect(sent).toMatchObject({ channel_id: channel, guild_id: guild.id, content: "build #1 passed", webhook_id: hook.id });
      expect(sent.author).toMatchObject({ id: hook.id, username: "Build Bot", avatar: avatarUrl, discriminator: "0000", bot: true, global_name: null });
      const created = await memberSession.dispatch("MESSAGE_CREATE", (d) => d.id === sent.id);
      expect(created.d).toMatchObject({ webhook_id: hook.id, author: { id: hook.id, username: "Build Bot", bot: true } });
      // Without `wait`, 204 and no body; the message is in history like any other, under the webhook's own name.
      expect((await web.execute(hook, { content: "quiet" }, "")).status).toBe(204);
      const quiet = await memberSession.dispatch("MESSAGE_CREATE", (d) => d.content === "quiet" && d.webhook_id === hook.id);
      const page = expectStatus(await api.get<WebhookMessage[]>(`/channels/${channel}/messages?limit=5`, member), 200);
      expect(page.find((message) => message.id === quiet.d.id)).toMatchObject({ webhook_id: hook.id, author: { username: "Builds", bot: true } });
      expect(page.find((message) => message.id === sent.id)?.author.username).toBe("Build Bot");
    });

    test("execute refuses what Discord refuses: nothing to send, a forbidden username, an unknown thread", async () => {
      const hook = await create(owner, "Strict");
      expectError(await web.execute(hook, {}), 400, 50035);
      expectError(await web.execute(hook, { content: "   " }), 400, 50035);
      expectError(await web.execute(hook, { content: "hi", username: "clyde" }), 400, 50035);
      expectError(await web.execute(hook, { content: "hi", unknown_field: 1 }), 400, 50035);
      expectError(await web.execute(hook, { content: "hi" }, "?thread_id=1234567890123"), 404, 10003);
    });

    test("@everyone pings only when allowed_mentions parses it", async () => {
      const hook = await create(owner, "Pinger");
      const plain = expectStatus(await web.execute(hook, { content: `@everyone look <@${member.user.id}>` }), 200);
      expect(plain.mention_everyone).toBe(false);
      expect(plain.mentions.map((user) => user.id)).toEqual([member.user.id]);
      const allowed = expectStatus(await web.execute(hook, { content: "@everyone now", allowed_mentions: { parse: ["everyone"] } }), 200);
      expect(allowed.mention_everyone).toBe(true);
    });

    test("its token reads, edits and deletes the webhook without a login, as Discord's token routes (no `user`)", async () => {
      const hook = await create(owner, "Self-managed");
      const read = expectStatus(await web.get<WebhookBody>(`/webhooks/${hook.id}/${hook.token}`), 200);
      expect(read).toMatchObject({ id: hook.id, name: "Self-managed", token: hook.token });
      expect(read.user).toBeUndefined();
      expect(expectStatus(await web.patch<WebhookBody>(`/webhooks/${hook.id}/${hook.token}`, { name: "Renamed" }), 200).name).toBe("Renamed");
      // No channel move without a user who holds MANAGE_WEBHOOKS in the target.
      expectError(await web.patch(`/webhooks/${hook.id}/${hook.token}`, { channel_id: channel }), 400, 50035);
      expect((await web.delete(`/webhooks/${hook.id}/${hook.token}`)).status).toBe(204);
      expectError(await web.get(`/webhooks/${hook.id}/${hook.token}`), 404, 10015);
    });

    test("a wrong token is 401 50027; a deleted webhook's token is 404 10015; so is one whose channel was deleted", async () => {
      const hook = await create(owner, "Doomed");
      const wrong = { id: hook.id, token: `${hook.token!.slice(0, -1)}${hook.token!.endsWith("A") ? "B" : "A"}` };
      expectError(await web.execute(wrong, { content: "guess" }), 401, 50027);
      expectError(await web.get(`/webhooks/${wrong.id}/${wrong.token}`), 401, 50027);
      expect(expectStatus(await web.execute(hook, { content: "last words" }), 200).webhook_id).toBe(hook.id);
      expectStatus(await api.delete(`/webhooks/${hook.id}`, owner), 204);
      expectError(await web.execute(hook, { content: "after death" }), 404, 10015);
      expectError(await api.get(`/webhooks/${hook.id}`, owner), 404, 10015);

      const doomed = (await createTextChannel(api, owner, guild.id, "doomed")).id;
      const orphan = await create(owner, "Orphan", doomed);
      expectStatus(await api.delete(`/channels/${doomed}`, owner), 200);
      expectError(await web.execute(orphan, { content: "nobody home" }), 404, 10015);
    });

    test("execute takes embeds, and files as Discord's multipart form (payload_json + files[n])", async () => {
      const hook = await create(owner, "Reporter");
      const embed = { title: "Build #7 failed", description: "see the log", color: 15548997, fields: [{ name: "branch", value: "main" }] };
      const withEmbed = expectStatus(await web.execute(hook, { embeds: [embed] }), 200);
      expect(withEmbed).toMatchObject({ content: "", webhook_id: hook.id, embeds: [embed] });
      expectError(await web.execute(hook, { embeds: [{ title: "x".repeat(257) }] }), 400, 50035);
      // As Discord's edits: null empties the embeds (discord.py sends it so), with content left as it was.
      const path = `/webhooks/${hook.id}/${hook.token}/messages/${withEmbed.id}`;
      const cleared = expectStatus(await web.patch<WebhookMessage>(path, { content: "no embed now", embeds: null }), 200);
      expect(cleared).toMatchObject({ content: "no embed now", embeds: [] });

      const form = new FormData();
      form.append("payload_json", JSON.stringify({ content: "the log", username: "Uploader", attachments: [{ id: 0, filename: "build.log", description: "full log" }] }));
      form.append("files[0]", new File(["line 1\nline 2\n"], "whatever.txt", { type: "text/plain" }));
      const response = await fetch(`${server.url}/api/v1/webhooks/${hook.id}/${hook.token}?wait=true`, { method: "POST", body: form });
      expect(response.status).toBe(200);
      const uploaded = (await response.json()) as WebhookMessage;
      expect(uploaded).toMatchObject({ content: "the log", webhook_id: hook.id, author: { username: "Uploader" } });
      expect(uploaded.attachments).toHaveLength(1);
      expect(uploaded.attachments[0]).toMatchObject({ filename: "build.log", content_type: "text/plain", size: 14 });
      const file = await fetch(uploaded.attachments[0]!.url);
      expect(await file.text()).toBe("line 1\nline 2\n");
    });

    test("discord.js's WebhookClient, unmodified, sends, edits and deletes through XCord", async () => {
      const { WebhookClient } = await import("discord.js");
      const hook = await create(owner, "Library");
      const client = new WebhookClient({ id: hook.id, token: hook.token! }, { rest: { api: `${server.url}/api`, version: "10" } });
      try {
        const sent = await client.send({ content: "from discord.js", username: "djs", embeds: [{ title: "an embed" }], files: [{ attachment: Buffer.from("hello"), name: "hello.txt" }] });
        expect(typeof sent.id).toBe("string");
        expect(sent).toMatchObject({ content: "from discord.js", webhook_id: hook.id, author: { username: "djs", bot: true } });
        expect(sent.attachments).toHaveLength(1);
        const created = await memberSession.dispatch("MESSAGE_CREATE", (d) => d.id === sent.id);
        expect(created.d.embeds).toEqual([expect.objectContaining({ title: "an embed" })]);
        const edited = await client.editMessage(sent.id, { content: "edited by discord.js" });
        expect(edited).toMatchObject({ id: sent.id, content: "edited by discord.js" });
        expect(await client.fetchMessage(sent.id)).toMatchObject({ id: sent.id, content: "edited by discord.js" });
        await client.deleteMessage(sent.id);
        expectError(await api.get(`/channels/${channel}/messages/${sent.id}`, owner), 404, 10008);
      } finally {
        client.destroy();
      }
    });

    test("discord.py's Webhook, unmodified (only its base URL set), sends, edits, fetches and deletes through XCord", async () => {
      const hook = await create(owner, "PyHook");
      const python = Bun.spawn(["/usr/bin/python3", "-c", DISCORD_PY_WEBHOOK, server.url, hook.id, hook.token!], { stdout: "pipe", stderr: "pipe" });
      const [out, err, code] = await Promise.all([new Response(python.stdout).text(), new Response(python.stderr).text(), python.exited]);
      if (code !== 0) throw new Error(`discord.py exited ${code}: ${err.slice(-2000)}`);
      const { id, ...seen } = JSON.parse(out) as Record<string, unknown>;
      expect(seen).toEqual({ author: "dpy", webhook_id: hook.id, embeds: ["py embed"], edited: "edited by discord.py", fetched: "edited by discord.py", no_wait: true, name: "PyHook", renamed: "renamed by dpy" });
      await memberSession.dispatch("MESSAGE_CREATE", (d) => d.id === id && d.webhook_id === hook.id);
      await memberSession.dispatch("MESSAGE_DELETE", (d) => d.id === id);
      expect(expectStatus(await api.get<WebhookBody>(`/webhooks/${hook.id}`, owner), 200).name).toBe("renamed by dpy");
    }, 30_000);

    test("its token reads, edits and deletes only the messages that webhook sent", async () => {
      const hook = await create(owner, "Editor");
      const other = await create(owner, "Other");
      const mine = expectStatus(await web.execute(hook, { content: "draft" }), 200);
      const theirs = expectStatus(await web.execute(other, { content: "not yours" }), 200);
      const human = await send(api, owner, channel, "a human wrote this");
      const path = (id: string) => `/webhooks/${hook.id}/${hook.token}/messages/${id}`;

      expect(expectStatus(await web.get<WebhookMessage>(path(mine.id)), 200)).toMatchObject({ id: mine.id, content: "draft", webhook_id: hook.id });
      const edited = expectStatus(await web.patch<WebhookMessage>(path(mine.id), { content: "final" }), 200);
      expect(edited).toMatchObject({ id: mine.id, content: "final", webhook_id: hook.id, author: { id: hook.id, username: "Editor" } });
      expect(edited.edited_timestamp).not.toBeNull();
      await memberSession.dispatch("MESSAGE_UPDATE", (d) => d.id === mine.id && d.content === "final");

      for (const id of [theirs.id, human.id, "1234567890123"]) {
        expectError(await web.get(path(id)), 404, 10008);
        expectError(await web.patch(path(id), { content: "hijack" }), 404, 10008);
        expectError(await web.delete(path(id)), 404, 10008);
      }
      expect(expectStatus(await api.get<MessageBody>(`/channels/${channel}/messages/${theirs.id}`, owner), 200).content).toBe("not yours");

      expect((await web.delete(path(mine.id))).status).toBe(204);
      await memberSession.dispatch("MESSAGE_DELETE", (d) => d.id === mine.id);
      expectError(await api.get(`/channels/${channel}/messages/${mine.id}`, owner), 404, 10008);
    });
  });

  describe(`webhook rate limit at RATE_LIMIT_SCALE=1 (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let channel: string;

    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode, { RATE_LIMIT_SCALE: "1" }));
      api = apiClient(server);
      [owner] = await registerUsers(server, 1);
      channel = (await guildWith(api, owner, { name: "Limited" })).general.id;
    });
    afterAll(() => server.stop());

    test("5 executes per 2 s per webhook, then 429 with the shared scope; another webhook has its own bucket", async () => {
      const web = anonymous(server);
      const hook = expectStatus(await api.post<WebhookBody>(`/channels/${channel}/webhooks`, owner, { name: "Burst" }), 201);
      const other = expectStatus(await api.post<WebhookBody>(`/channels/${channel}/webhooks`, owner, { name: "Calm" }), 201);
      const url = `${server.url}/api/v1/webhooks/${hook.id}/${hook.token}`;
      for (let i = 0; i < 5; i++) {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ content: `burst ${i}` }) });
        expect(response.status).toBe(204);
        expect(response.headers.get("x-ratelimit-bucket")).toBe("webhooks.execute");
        expect(response.headers.get("x-ratelimit-remaining")).toBe(String(4 - i));
      }
      const limited = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ content: "one too many" }) });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("x-ratelimit-scope")).toBe("shared");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await limited.json()).toMatchObject({ code: 0, global: false, retry_after: expect.any(Number) });
      expect((await web.execute(other, { content: "unaffected" }, "")).status).toBe(204);
    });
  });
}
