import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gatewaySessions } from "../support/gateway";
import {
  type ApiClient,
  type GuildBody,
  Permission,
  bits,
  createGuild,
  createRole,
  expectStatus,
  generalOf,
  guildWith,
  joinAll,
  registerUsers,
  startGuildServer,
} from "../support/guild";
import type { TestUser } from "../support/identity";
import { createTextChannel, overwriteMember, send } from "../support/message";
import { MODES, type TestServer } from "../support/server";

for (const mode of MODES) {
  describe(`gateway dispatch of guild, channel and message events (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, member: TestUser, outsider: TestUser, newcomer: TestUser, target: TestUser;
    let guild: GuildBody;
    const sessions = gatewaySessions(() => server.url);
    const connect = sessions.connect;

    beforeAll(async () => {
      ({ server, api, users: [owner, member, outsider, newcomer, target] } = await startGuildServer(mode, 5));
      ({ guild } = await guildWith(api, owner, { name: "Gateway Guild", members: [member, target] }));
    });
    afterAll(async () => {
      sessions.closeAll();
      await server.stop();
    });

    test("READY carries the user's guilds with roles, visible channels and member counts", async () => {
      const { ready } = await connect(member);
      const entry = (ready.guilds as Array<{ id: string; roles: unknown[]; channels: Array<{ name: string }>; member_count: number }>).find(
        (candidate) => candidate.id === guild.id,
      );
      expect(entry?.roles.length).toBeGreaterThanOrEqual(1);
      expect(entry?.channels.map((channel) => channel.name)).toContain("general");
      expect(entry?.member_count).toBe(3);
      const { ready: outsiderReady } = await connect(outsider);
      expect(outsiderReady.guilds).toEqual([]);
    });

    test("a message reaches members who can see the channel, in order, and never outsiders", async () => {
      const [{ client: memberClient }, { client: outsiderClient }] = await Promise.all([connect(member), connect(outsider)]);
      const general = generalOf(guild).id;
      for (const content of ["first", "second", "third"]) await send(api, owner, general, { content });
      await memberClient.dispatch("MESSAGE_CREATE", (d) => d.content === "third");
      const received = memberClient.dispatches("MESSAGE_CREATE").map((frame) => frame.d.content);
      expect(received).toEqual(["first", "second", "third"]);
      // A marker on the outsider's own topic, committed after the messages, proves nothing else was coming.
      await api.patch("/users/@me", outsider, { display_name: "Outsider Marker" });
      await outsiderClient.dispatch("USER_UPDATE");
      expect(outsiderClient.dispatches("MESSAGE_CREATE")).toEqual([]);
    });

    test("creating a guild sends GUILD_CREATE to the owner's sessions, which then hear that guild", async () => {
      const { client } = await connect(newcomer);
      const created = await createGuild(api, newcomer, "Fresh Guild");
      const frame = await client.dispatch("GUILD_CREATE", (d) => d.id === created.id);
      expect(frame.d.member_count).toBe(1);
      await createRole(api, newcomer, created.id, { name: "fresh-role" });
      expect((await client.dispatch("GUILD_ROLE_CREATE")).d.role.name).toBe("fresh-role");
    });

    test("joining by invite sends GUILD_CREATE to the joiner and GUILD_MEMBER_ADD to the members", async () => {
      const [joiner] = await registerUsers(server, 1);
      const { client: joinerClient } = await connect(joiner);
      const { client: ownerClient } = await connect(owner);
      await joinAll(api, owner, guild, [joiner]);
      const created = await joinerClient.dispatch("GUILD_CREATE", (d) => d.id === guild.id);
      expect(created.d.channels.map((channel: { name: string }) => channel.name)).toContain("general");
      expect((await ownerClient.dispatch("GUILD_MEMBER_ADD", (d) => d.user.id === joiner.user.id)).d.guild_id).toBe(guild.id);
      await send(api, owner, generalOf(guild).id, { content: "welcome" });
      await joinerClient.dispatch("MESSAGE_CREATE", (d) => d.content === "welcome");
    });

    test("a channel hidden by an overwrite is not dispatched to the member, and hiding takes effect on the next event", async () => {
      const secret = await createTextChannel(api, owner, guild.id, "secret-plans");
      const { client: memberClient } = await connect(member);
      await send(api, owner, secret.id, { content: "visible before" });
      await memberClient.dispatch("MESSAGE_CREATE", (d) => d.content === "visible before");

      await overwriteMember(api, owner, secret.id, member.user.id, { deny: ["VIEW_CHANNEL"] });
      await send(api, owner, secret.id, { content: "hidden after" });
      await send(api, owner, generalOf(guild).id, { content: "marker in general" });
      await memberClient.dispatch("MESSAGE_CREATE", (d) => d.content === "marker in general");
      expect(memberClient.dispatches("MESSAGE_CREATE").map((frame) => frame.d.content)).not.toContain("hidden after");
      // The channel update itself is not shown to someone who can no longer see the channel.
      expect(memberClient.dispatches("CHANNEL_UPDATE").filter((frame) => frame.d.id === secret.id)).toEqual([]);
    });

    test("a new private channel reaches only those who can view it", async () => {
      const { client: ownerClient } = await connect(owner);
      const { client: memberClient } = await connect(member);
      const hidden = expectStatus(
        await api.post<{ id: string }>(`/guilds/${guild.id}/channels`, owner, {
          name: "staff-only",
          type: 0,
          permission_overwrites: [{ id: guild.id, type: 0, allow: "0", deny: bits("VIEW_CHANNEL") }],
        }),
        201,
      );
      await ownerClient.dispatch("CHANNEL_CREATE", (d) => d.id === hidden.id);
      await send(api, owner, generalOf(guild).id, { content: "after staff-only" });
      await memberClient.dispatch("MESSAGE_CREATE", (d) => d.content === "after staff-only");
      expect(memberClient.dispatches("CHANNEL_CREATE").filter((frame) => frame.d.id === hidden.id)).toEqual([]);

      expectStatus(await api.delete(`/channels/${hidden.id}`, owner), 200);
      await ownerClient.dispatch("CHANNEL_DELETE", (d) => d.id === hidden.id);
      await send(api, owner, generalOf(guild).id, { content: "after delete" });
      await memberClient.dispatch("MESSAGE_CREATE", (d) => d.content === "after delete");
      expect(memberClient.dispatches("CHANNEL_DELETE").filter((frame) => frame.d.id === hidden.id)).toEqual([]);
    });

    test("a kicked member gets GUILD_DELETE and hears nothing of the guild afterwards; bans go only to moderators", async () => {
      const { client: targetClient } = await connect(target);
      const { client: memberClient } = await connect(member);
      const { client: ownerClient } = await connect(owner);
      expectStatus(await api.delete(`/guilds/${guild.id}/members/${target.user.id}`, owner), 204);
      expect((await targetClient.dispatch("GUILD_DELETE")).d.id).toBe(guild.id);
      await memberClient.dispatch("GUILD_MEMBER_REMOVE", (d) => d.user.id === target.user.id);

      await send(api, owner, generalOf(guild).id, { content: "after the kick" });
      await api.patch("/users/@me", target, { display_name: "Kicked Marker" });
      await targetClient.dispatch("USER_UPDATE");
      expect(targetClient.dispatches("MESSAGE_CREATE").map((frame) => frame.d.content)).not.toContain("after the kick");

      expectStatus(await api.put(`/guilds/${guild.id}/bans/${target.user.id}`, owner, {}), 204);
      await ownerClient.dispatch("GUILD_BAN_ADD", (d) => d.user.id === target.user.id);
      await send(api, owner, generalOf(guild).id, { content: "after the ban" });
      await memberClient.dispatch("MESSAGE_CREATE", (d) => d.content === "after the ban");
      expect(memberClient.dispatches("GUILD_BAN_ADD")).toEqual([]);
      expect(Permission.BAN_MEMBERS).toBeGreaterThan(0n);
    });
  });
}
