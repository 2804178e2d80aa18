import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ApiClient, type GuildBody, bits, createGuild, createRole, expectError, expectStatus, grantRole, guildWith, joinAll, startGuildServer } from "../support/guild";
import { connectGateway, identify } from "../support/gateway";
import type { TestUser } from "../support/identity";
import { type MessageBody, pngBytes, send } from "../support/message";
import { fieldErrors } from "../support/errors";
import { MODES, type TestServer } from "../support/server";
import { eq } from "drizzle-orm";
import { Intent } from "../../src/shared/gateway/intents";
import { blobs } from "../../src/shared/infrastructure/postgres/blob-schema";

interface EmojiBody {
  id: string;
  name: string;
  roles: string[];
  user?: { id: string };
  require_colons: boolean;
  managed: boolean;
  animated: boolean;
  available: boolean;
}

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
/** A WebP's RIFF header with a VP8X chunk whose flags byte has the animation bit (2) or not. */
const webp = (flags: number) => {
  const bytes = new Uint8Array(30);
  bytes.set(Buffer.from("RIFF"), 0);
  new DataView(bytes.buffer).setUint32(4, 22, true);
  bytes.set(Buffer.from("WEBPVP8X"), 8);
  new DataView(bytes.buffer).setUint32(16, 10, true);
  bytes[20] = flags;
  return bytes;
};
const dataUri = (bytes: Uint8Array, type = "image/png") => `data:${type};base64,${Buffer.from(bytes).toString("base64")}`;
const PNG = dataUri(pngBytes());

for (const mode of MODES) {
  describe(`guild emojis (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, manager: TestUser, creator: TestUser, plain: TestUser, outsider: TestUser;
    beforeAll(async () => {
      // Uploads are limited to 5 per 10 s per user; the count limit below takes 50 of them.
      ({ server, api, users: [owner, manager, creator, plain, outsider] } = await startGuildServer(mode, 5, { RATE_LIMIT_SCALE: "1000" }));
    });
    afterAll(() => server.stop());

    /** A guild where `manager` holds MANAGE_GUILD_EXPRESSIONS, `creator` CREATE_GUILD_EXPRESSIONS, `plain` nothing more. */
    const expressionsGuild = async () => {
      const { guild, general, roles } = await guildWith(api, owner, {
        members: [manager, creator, plain],
        roles: {
          managers: { name: "Managers", permissions: ["MANAGE_GUILD_EXPRESSIONS"], holders: [manager] },
          creators: { name: "Creators", permissions: ["CREATE_GUILD_EXPRESSIONS"], holders: [creator] },
        },
      });
      return { guild, general, ...roles };
    };
    const upload = (guildId: string, as: TestUser, body: Record<string, unknown>) => api.post<EmojiBody>(`/guilds/${guildId}/emojis`, as, body);
    const created = async (guildId: string, as: TestUser, name: string, image = PNG, roles?: string[]) =>
      expectStatus(await upload(guildId, as, { name, image, ...(roles ? { roles } : {}) }), 201);

    test("POST uploads (201), GET lists and reads, PATCH renames and restricts, DELETE removes; GET /guilds/{id} carries them", async () => {
      const { guild, managers } = await expressionsGuild();
      const emoji = await created(guild.id, owner, "blob_wave");
      expect(emoji).toEqual({
        id: expect.stringMatching(/^[0-9]+$/),
        name: "blob_wave",
        roles: [],
        user: expect.objectContaining({ id: owner.user.id }),
        require_colons: true,
        managed: false,
        animated: false,
        available: true,
      });
      const list = expectStatus(await api.get<EmojiBody[]>(`/guilds/${guild.id}/emojis`, manager), 200);
      expect(list).toEqual([emoji]);
      expect(expectStatus(await api.get<EmojiBody>(`/guilds/${guild.id}/emojis/${emoji.id}`, owner), 200)).toEqual(emoji);
      // Members without MANAGE_ or CREATE_GUILD_EXPRESSIONS see emoji without their uploader, as on Discord.
      const { user: _user, ...anonymous } = emoji;
      expect(expectStatus(await api.get<EmojiBody[]>(`/guilds/${guild.id}/emojis`, plain), 200)).toEqual([anonymous]);
      expect(expectStatus(await api.get<GuildBody>(`/guilds/${guild.id}`, plain), 200).emojis as unknown[]).toEqual([anonymous]);

      const edited = expectStatus(await api.patch<EmojiBody>(`/guilds/${guild.id}/emojis/${emoji.id}`, manager, { name: "wave", roles: [managers.id] }), 200);
      expect(edited).toMatchObject({ id: emoji.id, name: "wave", roles: [managers.id], user: { id: owner.user.id } });
      expect(expectStatus(await api.patch<EmojiBody>(`/guilds/${guild.id}/emojis/${emoji.id}`, manager, { roles: null }), 200).roles).toEqual([]);

      expectStatus(await api.delete(`/guilds/${guild.id}/emojis/${emoji.id}`, manager), 204);
      expectError(await api.get(`/guilds/${guild.id}/emojis/${emoji.id}`, owner), 404, 10014);
      expectError(await api.delete(`/guilds/${guild.id}/emojis/${emoji.id}`, owner), 404, 10014);
      expect(expectStatus(await api.get<EmojiBody[]>(`/guilds/${guild.id}/emojis`, owner), 200)).toEqual([]);
      const served = await server.request(`/api/v1/emojis/${emoji.id}.png`);
      expect(served.status).toBe(404);
      expect(((await served.json()) as { code: number }).code).toBe(10014);
    });

    test("an emoji of another guild is 404 10014 under this one; non-members get 403 50001", async () => {
      const { guild } = await expressionsGuild();
      const other = await createGuild(api, owner, "Other");
      const emoji = await created(other.id, owner, "elsewhere");
      expectError(await api.get(`/guilds/${guild.id}/emojis/${emoji.id}`, owner), 404, 10014);
      expectError(await api.patch(`/guilds/${guild.id}/emojis/${emoji.id}`, owner, { name: "mine" }), 404, 10014);
      expectError(await api.get(`/guilds/${guild.id}/emojis`, outsider), 403, 50001);
      expectError(await upload(guild.id, outsider, { name: "nope", image: PNG }), 403, 50001);
    });

    test("names, images and roles are checked as Discord does (400 50035 naming the field)", async () => {
      const { guild } = await expressionsGuild();
      const other = await createGuild(api, owner, "Other");
      const refused = async (body: Record<string, unknown>, field: string) => {
        const reply = await upload(guild.id, owner, { name: "fine_name", image: PNG, ...body });
        expectError(reply, 400, 50035);
        expect(Object.keys(fieldErrors(reply.body))).toContain(field);
        return fieldErrors(reply.body)[field]!;
      };
      await refused({ name: "x" }, "name");
      await refused({ name: "a".repeat(33) }, "name");
      await refused({ name: "no-dashes" }, "name");
      await refused({ name: "spa ce" }, "name");
      await refused({ image: "https://example.org/a.png" }, "image");
      await refused({ image: "data:image/png;base64,@@@@" }, "image");
      // The declared type is not trusted: text is refused, whatever the data URI says.
      expect(await refused({ image: dataUri(Buffer.from("just some text, not an image")) }, "image")).toContain("PNG, GIF or WebP");
      // A JPEG (Discord takes it; XCord's emoji are PNG, GIF or WebP).
      await refused({ image: dataUri(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]), "image/jpeg") }, "image");
      const big = new Uint8Array(256 * 1024 + 1);
      big.set(pngBytes());
      expect(await refused({ image: dataUri(big) }, "image")).toBe("File cannot be larger than 256.0 kb.");
      await refused({ roles: [other.id] }, "roles");
      await refused({ roles: [guild.id] }, "roles");
      await refused({ bogus: true }, "bogus");
      expectError(await upload(guild.id, owner, { name: "no_image" }), 400, 50035);
      // Exactly 256 KiB is fine.
      const limit = new Uint8Array(256 * 1024);
      limit.set(pngBytes());
      expect((await created(guild.id, owner, "just_fits", dataUri(limit))).animated).toBe(false);
      expect(expectStatus(await api.get<EmojiBody[]>(`/guilds/${guild.id}/emojis`, owner), 200).map((emoji) => emoji.name)).toEqual(["just_fits"]);
    });

    test("GIFs and animated WebPs are animated; each kind has 50 slots (400 30008 past them)", async () => {
      const guild = await createGuild(api, owner);
      expect((await created(guild.id, owner, "gif", dataUri(GIF, "image/gif"))).animated).toBe(true);
      expect((await created(guild.id, owner, "moving_webp", dataUri(webp(2), "image/webp"))).animated).toBe(true);
      expect((await created(guild.id, owner, "still_webp", dataUri(webp(0), "image/webp"))).animated).toBe(false);
      for (let index = 1; index < 50; index++) await created(guild.id, owner, `static_${index}`);
      const full = await upload(guild.id, owner, { name: "one_more", image: PNG });
      expectError(full, 400, 30008);
      expect((full.body as unknown as { message: string }).message).toContain("Maximum number of emojis reached");
      // The animated slots are counted apart.
      for (let index = 2; index < 50; index++) await created(guild.id, owner, `anim_${index}`, dataUri(GIF, "image/gif"));
      expectError(await upload(guild.id, owner, { name: "anim_more", image: dataUri(GIF, "image/gif") }), 400, 30008);
      expect(expectStatus(await api.get<EmojiBody[]>(`/guilds/${guild.id}/emojis`, owner), 200)).toHaveLength(100);
    });

    test("uploading needs CREATE_ or MANAGE_GUILD_EXPRESSIONS; others' emoji need MANAGE_, one's own CREATE_", async () => {
      const { guild } = await expressionsGuild();
      expectError(await upload(guild.id, plain, { name: "nope", image: PNG }), 403, 50013);
      const mine = await created(guild.id, creator, "creators_own");
      const managers = await created(guild.id, manager, "managers_own");
      // CREATE_GUILD_EXPRESSIONS: one's own only.
      expect(expectStatus(await api.patch<EmojiBody>(`/guilds/${guild.id}/emojis/${mine.id}`, creator, { name: "renamed" }), 200).name).toBe("renamed");
      expectError(await api.patch(`/guilds/${guild.id}/emojis/${managers.id}`, creator, { name: "taken" }), 403, 50013);
      expectError(await api.delete(`/guilds/${guild.id}/emojis/${managers.id}`, creator), 403, 50013);
      // Nobody else without the permissions, uploader or not.
      expectError(await api.patch(`/guilds/${guild.id}/emojis/${mine.id}`, plain, { name: "nope" }), 403, 50013);
      expectError(await api.delete(`/guilds/${guild.id}/emojis/${mine.id}`, plain), 403, 50013);
      // The creator sees uploaders too.
      expect(expectStatus(await api.get<EmojiBody[]>(`/guilds/${guild.id}/emojis`, creator), 200).map((emoji) => emoji.user?.id)).toEqual([creator.user.id, manager.user.id]);
      // MANAGE_GUILD_EXPRESSIONS: anyone's.
      expectStatus(await api.delete(`/guilds/${guild.id}/emojis/${mine.id}`, manager), 204);
      expectStatus(await api.delete(`/guilds/${guild.id}/emojis/${managers.id}`, manager), 204);
    });

    test("a deleted role leaves the emoji restricted to it", async () => {
      const { guild, managers } = await expressionsGuild();
      const emoji = await created(guild.id, owner, "restricted", PNG, [managers.id]);
      expect(emoji.roles).toEqual([managers.id]);
      expectStatus(await api.delete(`/guilds/${guild.id}/roles/${managers.id}`, owner), 204);
      expect(expectStatus(await api.get<EmojiBody>(`/guilds/${guild.id}/emojis/${emoji.id}`, owner), 200).roles).toEqual([]);
    });

    test("deleting the guild deletes its emoji and their images", async () => {
      const { guild } = await expressionsGuild();
      const emoji = await created(guild.id, owner, "doomed");
      expect((await fetch(`${server.url}/api/v1/emojis/${emoji.id}.png`)).status).toBe(200);
      expectStatus(await api.delete(`/guilds/${guild.id}`, owner), 204);
      expect((await fetch(`${server.url}/api/v1/emojis/${emoji.id}.png`)).status).toBe(404);
      // PostgreSQL holds the images in this mode (BLOB_STORE=postgres): the bytes are gone too, not only the row.
      if (mode.name === "postgres+redis") {
        const left = await server.app.database.db.select().from(blobs).where(eq(blobs.key, `emojis/${emoji.id}`));
        expect(left).toEqual([]);
      }
    });

    test("the image is served without auth, byte for byte, with its type, nosniff and cache headers", async () => {
      const guild = await createGuild(api, owner);
      const still = await created(guild.id, owner, "still");
      const moving = await created(guild.id, owner, "moving", dataUri(GIF, "image/gif"));
      const png = await server.request(`/api/v1/emojis/${still.id}.png?size=48&quality=lossless`);
      expect(png.status).toBe(200);
      expect(png.headers.get("content-type")).toBe("image/png");
      expect(png.headers.get("x-content-type-options")).toBe("nosniff");
      expect(png.headers.get("cache-control")).toContain("public");
      expect(Buffer.from(await png.arrayBuffer()).equals(Buffer.from(pngBytes()))).toBe(true);
      const gif = await server.request(`/api/v1/emojis/${moving.id}.gif`);
      expect(gif.headers.get("content-type")).toBe("image/gif");
      expect(Buffer.from(await gif.arrayBuffer()).equals(GIF)).toBe(true);
      // Discord's other API prefixes serve it too.
      expect((await server.request(`/api/v10/emojis/${still.id}.webp`)).headers.get("content-type")).toBe("image/png");
      expect((await server.request(`/api/v1/emojis/1234567890123456789.png`)).status).toBe(404);
      expect((await server.request(`/api/v1/emojis/${still.id}.svg`)).status).toBe(400);
      expect((await server.request(`/api/v1/emojis/${still.id}`)).status).toBe(400);
    });

    test("GUILD_EMOJIS_UPDATE carries every emoji to members with GUILD_EXPRESSIONS, not to outsiders or sessions without it", async () => {
      const { guild, general } = await expressionsGuild();
      const existing = await created(guild.id, owner, "first_one");
      const [{ client: member, ready }, { client: stranger }] = await Promise.all([identify(server.url, plain.access_token), identify(server.url, outsider.access_token)]);
      // READY carries the guild's emoji.
      const readyGuild = (ready.guilds as Array<{ id: string; emojis: EmojiBody[] }>).find((candidate) => candidate.id === guild.id)!;
      expect(readyGuild.emojis.map((emoji) => emoji.id)).toEqual([existing.id]);
      const withoutIntent = await connectGateway(server.url);
      await withoutIntent.next((frame) => frame.op === 10, "HELLO");
      withoutIntent.send({ op: 2, d: { token: creator.access_token, intents: Intent.GUILDS | Intent.GUILD_MESSAGES, properties: { os: "linux", browser: "t", device: "t" } } });
      await withoutIntent.dispatch("READY");
      try {
        const second = await created(guild.id, owner, "second_one");
        const update = await member.dispatch("GUILD_EMOJIS_UPDATE", (d) => d.guild_id === guild.id);
        expect(update.d).toEqual({
          guild_id: guild.id,
          emojis: [
            { id: existing.id, name: "first_one", roles: [], require_colons: true, managed: false, animated: false, available: true },
            { id: second.id, name: "second_one", roles: [], require_colons: true, managed: false, animated: false, available: true },
          ],
        });
        expectStatus(await api.delete(`/guilds/${guild.id}/emojis/${existing.id}`, owner), 204);
        const afterDelete = await member.dispatch("GUILD_EMOJIS_UPDATE", (d) => d.guild_id === guild.id);
        expect(afterDelete.d.emojis.map((emoji: EmojiBody) => emoji.id)).toEqual([second.id]);
        // A later dispatch every session gets shows the others had their chance to receive the emoji updates.
        await send(api, owner, general.id, "after the emoji");
        await withoutIntent.dispatch("MESSAGE_CREATE", (d) => d.content === "after the emoji");
        expect(withoutIntent.dispatches("GUILD_EMOJIS_UPDATE")).toEqual([]);
        // A non-member who joins gets GUILD_CREATE with the emoji, and never heard of the updates before.
        await joinAll(api, owner, guild, [outsider]);
        const joined = await stranger.dispatch("GUILD_CREATE", (d) => d.id === guild.id);
        expect(joined.d.emojis.map((emoji: EmojiBody) => emoji.id)).toEqual([second.id]);
        expect(stranger.dispatches("GUILD_EMOJIS_UPDATE")).toEqual([]);
      } finally {
        member.close();
        stranger.close();
        withoutIntent.close();
      }
    });

    describe("reactions with custom emoji", () => {
      const react = (channelId: string, messageId: string, emoji: string, as: TestUser) =>
        api.put(`/channels/${channelId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}/@me`, as);

      test("a member reacts with `name:id`; the reaction and MESSAGE_REACTION_ADD carry {id, name, animated}", async () => {
        const { guild, general } = await expressionsGuild();
        const emoji = await created(guild.id, owner, "party", dataUri(GIF, "image/gif"));
        const message = await send(api, owner, general.id, `look <:party:${emoji.id}> and <a:party:${emoji.id}>`);
        // Custom emoji in content are text, as on Discord: nothing is parsed out of them.
        expect(message.content).toBe(`look <:party:${emoji.id}> and <a:party:${emoji.id}>`);
        expect(message.mentions).toEqual([]);
        const { client } = await identify(server.url, owner.access_token);
        try {
          expectStatus(await react(general.id, message.id, `party:${emoji.id}`, plain), 204);
          const added = await client.dispatch("MESSAGE_REACTION_ADD", (d) => d.message_id === message.id);
          expect(added.d).toMatchObject({ user_id: plain.user.id, emoji: { id: emoji.id, name: "party", animated: true } });
        } finally {
          client.close();
        }
        // The same emoji under another name (a rename since) is the same reaction.
        expectStatus(await react(general.id, message.id, `whatever:${emoji.id}`, owner), 204);
        const read = expectStatus(await api.get<MessageBody>(`/channels/${general.id}/messages/${message.id}`, plain), 200);
        expect(read.reactions as unknown[]).toEqual([{ emoji: { id: emoji.id, name: "party", animated: true }, count: 2, me: true }]);
        const users = expectStatus(await api.get<Array<{ id: string }>>(`/channels/${general.id}/messages/${message.id}/reactions/${encodeURIComponent(`party:${emoji.id}`)}`, owner), 200);
        expect(users.map((user) => user.id).sort()).toEqual([owner.user.id, plain.user.id].sort());
        expectStatus(await api.delete(`/channels/${general.id}/messages/${message.id}/reactions/${encodeURIComponent(`party:${emoji.id}`)}/@me`, plain), 204);
        const after = expectStatus(await api.get<MessageBody>(`/channels/${general.id}/messages/${message.id}`, plain), 200);
        expect(after.reactions as unknown[]).toEqual([{ emoji: { id: emoji.id, name: "party", animated: true }, count: 1, me: false }]);
      });

      test("400 10014 for an unknown emoji, one of a guild the user is not in, and one restricted to roles they lack", async () => {
        const { guild, general, managers } = await expressionsGuild();
        const message = await send(api, owner, general.id, "react to me");
        expectError(await react(general.id, message.id, "ghost:1234567890123456789", plain), 400, 10014);
        const foreign = await createGuild(api, owner, "Foreign");
        const foreignEmoji = await created(foreign.id, owner, "foreign");
        expectError(await react(general.id, message.id, `foreign:${foreignEmoji.id}`, plain), 400, 10014);
        // The owner is in both guilds: the emoji is theirs to use (Discord's Nitro rule, without Nitro).
        expectStatus(await react(general.id, message.id, `foreign:${foreignEmoji.id}`, owner), 204);
        const restricted = await created(guild.id, owner, "managers_only", PNG, [managers.id]);
        expectError(await react(general.id, message.id, `managers_only:${restricted.id}`, plain), 400, 10014);
        expectStatus(await react(general.id, message.id, `managers_only:${restricted.id}`, manager), 204);
        const role = await createRole(api, owner, guild.id, { name: "Late", permissions: bits() });
        await api.patch(`/guilds/${guild.id}/emojis/${restricted.id}`, owner, { roles: [managers.id, role.id] });
        await grantRole(api, owner, guild.id, plain.user.id, role.id);
        expectStatus(await react(general.id, message.id, `managers_only:${restricted.id}`, plain), 204);
        // Not a custom emoji's form nor a unicode emoji: 400 50035 as before.
        expectError(await react(general.id, message.id, "not an emoji", plain), 400, 50035);
      });
    });
  });
}
