import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GatewayClient, identify } from "../support/gateway";
import { type ApiClient, type InviteBody, type RoleBody, expectError, expectStatus, generalOf, guildWith, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { pngBytes, send } from "../support/message";
import { MODES, type TestServer } from "../support/server";

interface Change {
  key: string;
  old_value?: unknown;
  new_value?: unknown;
}
interface Entry {
  id: string;
  user_id: string;
  target_id: string | null;
  action_type: number;
  changes?: Change[];
  options?: Record<string, string>;
  reason?: string;
}
interface AuditLog {
  audit_log_entries: Entry[];
  users: Array<{ id: string; username: string }>;
  webhooks: unknown[];
  threads: unknown[];
  integrations: unknown[];
  application_commands: unknown[];
  auto_moderation_rules: unknown[];
  guild_scheduled_events: unknown[];
}

const reasonHeader = (reason: string) => ({ "X-Audit-Log-Reason": encodeURIComponent(reason) });
const PNG = `data:image/png;base64,${Buffer.from(pngBytes()).toString("base64")}`;

for (const mode of MODES) {
  describe(`audit log (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, auditor: TestUser, member: TestUser, outsider: TestUser;
    const clients: GatewayClient[] = [];
    beforeAll(async () => {
      ({ server, api, users: [owner, auditor, member, outsider] } = await startGuildServer(mode, 4));
    });
    afterAll(async () => {
      for (const client of clients) client.close();
      await server.stop();
    });

    /** A guild where `auditor` holds Auditors (VIEW_AUDIT_LOG) and `member` is a plain member. */
    const auditedGuild = () =>
      guildWith(api, owner, { members: [auditor, member], roles: { auditors: { name: "Auditors", permissions: ["VIEW_AUDIT_LOG"], holders: [auditor] } } });

    const auditLog = async (guildId: string, query = "", as: TestUser = owner) => expectStatus(await api.get<AuditLog>(`/guilds/${guildId}/audit-logs${query}`, as), 200);
    /** The newest entry of `actionType`. */
    const latest = async (guildId: string, actionType: number) => {
      const [entry] = (await auditLog(guildId, `?action_type=${actionType}&limit=1`)).audit_log_entries;
      if (!entry) throw new Error(`no entry of action ${actionType}`);
      return entry;
    };

    test("a guild update is recorded with the actor, the target, old → new and the URL-decoded X-Audit-Log-Reason", async () => {
      const { guild } = await auditedGuild();
      expectStatus(await api.patch(`/guilds/${guild.id}`, owner, { name: "Renamed" }, reasonHeader("tidy ✓ name")), 200);
      const log = await auditLog(guild.id, "?action_type=1");
      expect(log.audit_log_entries).toEqual([
        { id: expect.any(String), user_id: owner.user.id, target_id: guild.id, action_type: 1, changes: [{ key: "name", old_value: guild.name, new_value: "Renamed" }], reason: "tidy ✓ name" },
      ]);
      expect(log.users.map((user) => user.id)).toEqual([owner.user.id]);
      expect(log).toMatchObject({ webhooks: [], threads: [], integrations: [], application_commands: [], auto_moderation_rules: [], guild_scheduled_events: [] });
      // A PATCH that changes nothing records nothing.
      expectStatus(await api.patch(`/guilds/${guild.id}`, owner, { name: "Renamed" }), 200);
      expect((await auditLog(guild.id, "?action_type=1")).audit_log_entries).toHaveLength(1);
    });

    test("roles: create, update and delete are recorded with their changes", async () => {
      const { guild } = await auditedGuild();
      const role = expectStatus(await api.post<RoleBody>(`/guilds/${guild.id}/roles`, owner, { name: "Mods", permissions: "2", color: 5 }, reasonHeader("new team")), 201);
      expect(await latest(guild.id, 30)).toMatchObject({
        target_id: role.id,
        reason: "new team",
        changes: [
          { key: "name", new_value: "Mods" },
          { key: "permissions", new_value: "2" },
          { key: "color", new_value: 5 },
          { key: "hoist", new_value: false },
          { key: "mentionable", new_value: false },
        ],
      });
      expectStatus(await api.patch(`/guilds/${guild.id}/roles/${role.id}`, owner, { name: "Moderators", permissions: "6" }), 200);
      const updated = await latest(guild.id, 31);
      expect(updated.changes).toEqual([
        { key: "name", old_value: "Mods", new_value: "Moderators" },
        { key: "permissions", old_value: "2", new_value: "6" },
      ]);
      expect(updated.reason).toBeUndefined();
      expectStatus(await api.delete(`/guilds/${guild.id}/roles/${role.id}`, owner), 204);
      expect(await latest(guild.id, 32)).toMatchObject({ target_id: role.id, changes: expect.arrayContaining([{ key: "name", old_value: "Moderators" }]) });
    });

    test("members: nick (MEMBER_UPDATE) and roles (MEMBER_ROLE_UPDATE $add / $remove), kick, ban and unban", async () => {
      const { guild, roles } = await auditedGuild();
      expectStatus(await api.patch(`/guilds/${guild.id}/members/${member.user.id}`, owner, { nick: "Nicky" }, reasonHeader("display")), 200);
      expect(await latest(guild.id, 24)).toMatchObject({ user_id: owner.user.id, target_id: member.user.id, changes: [{ key: "nick", new_value: "Nicky" }], reason: "display" });
      expectStatus(await api.put(`/guilds/${guild.id}/members/${member.user.id}/roles/${roles.auditors.id}`, owner, undefined, reasonHeader("trusted")), 204);
      expect(await latest(guild.id, 25)).toMatchObject({ target_id: member.user.id, changes: [{ key: "$add", new_value: [{ id: roles.auditors.id, name: "Auditors" }] }], reason: "trusted" });
      expectStatus(await api.patch(`/guilds/${guild.id}/members/${member.user.id}`, owner, { roles: [] }), 200);
      expect((await latest(guild.id, 25)).changes).toEqual([{ key: "$remove", new_value: [{ id: roles.auditors.id, name: "Auditors" }] }]);

      expectStatus(await api.delete(`/guilds/${guild.id}/members/${member.user.id}`, owner, undefined, reasonHeader("rude")), 204);
      expect(await latest(guild.id, 20)).toMatchObject({ user_id: owner.user.id, target_id: member.user.id, reason: "rude" });
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${member.user.id}`, owner, { delete_message_seconds: 2 * 86_400 }, reasonHeader("spam")), 204);
      expect(await latest(guild.id, 22)).toMatchObject({ target_id: member.user.id, reason: "spam", options: { delete_member_days: "2" } });
      // The header's reason is the ban's too, as on Discord.
      expect(expectStatus(await api.get<Array<{ reason: string }>>(`/guilds/${guild.id}/bans`, owner), 200)).toEqual([expect.objectContaining({ reason: "spam" })]);
      expectStatus(await api.delete(`/guilds/${guild.id}/bans/${member.user.id}`, owner), 204);
      expect(await latest(guild.id, 23)).toMatchObject({ target_id: member.user.id });
      const users = (await auditLog(guild.id, "?action_type=22")).users.map((user) => user.id);
      expect(users.sort()).toEqual([owner.user.id, member.user.id].sort());
    });

    test("invites and emoji are recorded", async () => {
      const { guild } = await auditedGuild();
      const invite = expectStatus(await api.post<InviteBody>(`/channels/${generalOf(guild).id}/invites`, member, { max_uses: 3 }), 201);
      expect(await latest(guild.id, 40)).toMatchObject({
        user_id: member.user.id,
        changes: expect.arrayContaining([{ key: "code", new_value: invite.code }, { key: "max_uses", new_value: 3 }, { key: "channel_id", new_value: generalOf(guild).id }]),
      });
      expectStatus(await api.delete(`/invites/${invite.code}`, owner, undefined, reasonHeader("leaked")), 204);
      expect(await latest(guild.id, 42)).toMatchObject({ user_id: owner.user.id, reason: "leaked", changes: expect.arrayContaining([{ key: "code", old_value: invite.code }]) });

      const emoji = expectStatus(await api.post<{ id: string }>(`/guilds/${guild.id}/emojis`, owner, { name: "blob", image: PNG }), 201);
      expect(await latest(guild.id, 60)).toMatchObject({ target_id: emoji.id, changes: [{ key: "name", new_value: "blob" }] });
      expectStatus(await api.patch(`/guilds/${guild.id}/emojis/${emoji.id}`, owner, { name: "blobby" }), 200);
      expect((await latest(guild.id, 61)).changes).toEqual([{ key: "name", old_value: "blob", new_value: "blobby" }]);
      expectStatus(await api.delete(`/guilds/${guild.id}/emojis/${emoji.id}`, owner), 204);
      expect(await latest(guild.id, 62)).toMatchObject({ target_id: emoji.id, changes: [{ key: "name", old_value: "blobby" }] });
    });

    test("channels and overwrites: create, update, delete and each overwrite change as its own entry", async () => {
      const { guild, roles } = await auditedGuild();
      const channel = expectStatus(
        await api.post<{ id: string }>(`/guilds/${guild.id}/channels`, owner, { name: "ops", topic: "t", permission_overwrites: [{ id: member.user.id, type: 1, allow: "0", deny: "1024" }] }, reasonHeader("new room")),
        201,
      );
      expect(await latest(guild.id, 10)).toMatchObject({
        target_id: channel.id,
        reason: "new room",
        changes: expect.arrayContaining([
          { key: "name", new_value: "ops" },
          { key: "type", new_value: 0 },
          { key: "topic", new_value: "t" },
          { key: "permission_overwrites", new_value: [{ id: member.user.id, type: 1, allow: "0", deny: "1024" }] },
        ]),
      });
      expectStatus(await api.patch(`/channels/${channel.id}`, owner, { name: "ops-2", topic: null, rate_limit_per_user: 5 }), 200);
      expect((await latest(guild.id, 11)).changes).toEqual([
        { key: "name", old_value: "ops", new_value: "ops-2" },
        { key: "topic", old_value: "t" },
        { key: "rate_limit_per_user", new_value: 5 },
      ]);
      expectStatus(await api.put(`/channels/${channel.id}/permissions/${roles.auditors.id}`, owner, { type: 0, allow: "2048", deny: "0" }, reasonHeader("let them talk")), 204);
      expect(await latest(guild.id, 13)).toMatchObject({
        target_id: channel.id,
        reason: "let them talk",
        options: { id: roles.auditors.id, type: "0" },
        changes: [{ key: "id", new_value: roles.auditors.id }, { key: "type", new_value: 0 }, { key: "allow", new_value: "2048" }, { key: "deny", new_value: "0" }],
      });
      expectStatus(await api.put(`/channels/${channel.id}/permissions/${roles.auditors.id}`, owner, { type: 0, allow: "3072", deny: "0" }), 204);
      expect(await latest(guild.id, 14)).toMatchObject({ options: { id: roles.auditors.id, type: "0" }, changes: [{ key: "allow", old_value: "2048", new_value: "3072" }] });
      // A PATCH replacing the list: the member's overwrite goes (15), the role's stays unchanged (no entry).
      expectStatus(await api.patch(`/channels/${channel.id}`, owner, { permission_overwrites: [{ id: roles.auditors.id, type: 0, allow: "3072", deny: "0" }] }), 200);
      expect(await latest(guild.id, 15)).toMatchObject({ options: { id: member.user.id, type: "1" }, changes: expect.arrayContaining([{ key: "deny", old_value: "1024" }]) });
      expect((await auditLog(guild.id, "?action_type=14")).audit_log_entries).toHaveLength(1);
      expectStatus(await api.delete(`/channels/${channel.id}/permissions/${roles.auditors.id}`, owner), 204);
      expect((await auditLog(guild.id, "?action_type=15")).audit_log_entries).toHaveLength(2);
      expectStatus(await api.delete(`/channels/${channel.id}`, owner, undefined, reasonHeader("done")), 200);
      expect(await latest(guild.id, 12)).toMatchObject({ target_id: channel.id, reason: "done", changes: expect.arrayContaining([{ key: "name", old_value: "ops-2" }]) });
    });

    test("threads: create, update and delete", async () => {
      const { guild } = await auditedGuild();
      const thread = expectStatus(await api.post<{ id: string }>(`/channels/${generalOf(guild).id}/threads`, member, { name: "plans", type: 11 }, reasonHeader("planning")), 201);
      expect(await latest(guild.id, 110)).toMatchObject({ user_id: member.user.id, target_id: thread.id, reason: "planning", changes: expect.arrayContaining([{ key: "name", new_value: "plans" }, { key: "type", new_value: 11 }]) });
      expectStatus(await api.patch(`/channels/${thread.id}`, owner, { locked: true, name: "plans-2" }), 200);
      expect((await latest(guild.id, 111)).changes).toEqual([
        { key: "name", old_value: "plans", new_value: "plans-2" },
        { key: "locked", old_value: false, new_value: true },
      ]);
      expectStatus(await api.delete(`/channels/${thread.id}`, owner), 200);
      expect(await latest(guild.id, 112)).toMatchObject({ user_id: owner.user.id, target_id: thread.id, changes: expect.arrayContaining([{ key: "name", old_value: "plans-2" }]) });
    });

    test("webhooks are recorded when a member changes them; a moderator's message deletes too, an author's own not", async () => {
      const { guild } = await auditedGuild();
      const channelId = generalOf(guild).id;
      const hook = expectStatus(await api.post<{ id: string; token: string }>(`/channels/${channelId}/webhooks`, owner, { name: "Hooky" }, reasonHeader("ci")), 201);
      expect(await latest(guild.id, 50)).toMatchObject({ target_id: hook.id, reason: "ci", changes: expect.arrayContaining([{ key: "name", new_value: "Hooky" }, { key: "channel_id", new_value: channelId }, { key: "type", new_value: 1 }]) });
      expectStatus(await api.patch(`/webhooks/${hook.id}`, owner, { name: "Hooked" }), 200);
      expect((await latest(guild.id, 51)).changes).toEqual([{ key: "name", old_value: "Hooky", new_value: "Hooked" }]);
      // With its own token no member acts: nothing is recorded.
      expectStatus(await api.patch(`/webhooks/${hook.id}/${hook.token}`, null, { name: "Self" }), 200);
      expect((await auditLog(guild.id, "?action_type=51")).audit_log_entries).toHaveLength(1);
      expectStatus(await api.delete(`/webhooks/${hook.id}`, owner), 204);
      expect(await latest(guild.id, 52)).toMatchObject({ target_id: hook.id, changes: expect.arrayContaining([{ key: "name", old_value: "Self" }]) });

      const own = await send(api, member, channelId, { content: "mine" });
      expectStatus(await api.delete(`/channels/${channelId}/messages/${own.id}`, member), 204);
      const theirs = await send(api, member, channelId, { content: "theirs" });
      expectStatus(await api.delete(`/channels/${channelId}/messages/${theirs.id}`, owner, undefined, reasonHeader("off topic")), 204);
      const deletes = (await auditLog(guild.id, "?action_type=72")).audit_log_entries;
      expect(deletes).toEqual([expect.objectContaining({ user_id: owner.user.id, target_id: member.user.id, options: { channel_id: channelId, count: "1" }, reason: "off topic" })]);
      const many = await Promise.all(["a", "b"].map((content) => send(api, member, channelId, { content })));
      expectStatus(await api.post(`/channels/${channelId}/messages/bulk-delete`, owner, { messages: many.map((message) => message.id) }), 204);
      expect(await latest(guild.id, 73)).toMatchObject({ user_id: owner.user.id, target_id: channelId, options: { count: "2" } });
    });

    test("filters and paging: user_id, action_type, limit, before and after (newest first)", async () => {
      const { guild } = await auditedGuild();
      for (const name of ["one", "two", "three"]) expectStatus(await api.patch(`/guilds/${guild.id}`, owner, { name }), 200);
      const all = (await auditLog(guild.id, "?action_type=1")).audit_log_entries;
      expect(all.map((entry) => entry.changes?.[0]?.new_value)).toEqual(["three", "two", "one"]);
      const [newest, middle, oldest] = all as [Entry, Entry, Entry];
      expect((await auditLog(guild.id, "?action_type=1&limit=1")).audit_log_entries.map((entry) => entry.id)).toEqual([newest.id]);
      expect((await auditLog(guild.id, `?action_type=1&before=${newest.id}`)).audit_log_entries.map((entry) => entry.id)).toEqual([middle.id, oldest.id]);
      // After: the entries just above the id, still newest first.
      expect((await auditLog(guild.id, `?action_type=1&after=${oldest.id}&limit=1`)).audit_log_entries.map((entry) => entry.id)).toEqual([middle.id]);
      expect((await auditLog(guild.id, `?action_type=1&after=${oldest.id}`)).audit_log_entries.map((entry) => entry.id)).toEqual([newest.id, middle.id]);
      // The owner's role grant from the fixture is theirs; nothing is the auditor's.
      expect((await auditLog(guild.id, `?user_id=${owner.user.id}`)).audit_log_entries.length).toBeGreaterThanOrEqual(4);
      expect((await auditLog(guild.id, `?user_id=${auditor.user.id}`)).audit_log_entries).toEqual([]);
      expectError(await api.get(`/guilds/${guild.id}/audit-logs?limit=0`, owner), 400, 50035);
      expectError(await api.get(`/guilds/${guild.id}/audit-logs?limit=101`, owner), 400, 50035);
      expectError(await api.get(`/guilds/${guild.id}/audit-logs?action_type=9`, owner), 400, 50035);
      expectError(await api.get(`/guilds/${guild.id}/audit-logs?before=x`, owner), 400, 50035);
    });

    test("VIEW_AUDIT_LOG is required: a plain member 403 50013, an outsider 403 50001, a holder 200", async () => {
      const { guild } = await auditedGuild();
      expectError(await api.get(`/guilds/${guild.id}/audit-logs`, member), 403, 50013);
      expectError(await api.get(`/guilds/${guild.id}/audit-logs`, outsider), 403, 50001);
      expect((await auditLog(guild.id, "", auditor)).audit_log_entries.length).toBeGreaterThan(0);
      expectError(await api.get(`/guilds/${guild.id}/audit-logs`, null), 401, 40001);
    });

    test("X-Audit-Log-Reason: over 512 characters is a 400 and changes nothing; bad percent-encoding is taken as sent", async () => {
      const { guild } = await auditedGuild();
      expectError(await api.patch(`/guilds/${guild.id}`, owner, { name: "Too long" }, { "X-Audit-Log-Reason": "x".repeat(513) }), 400, 50035);
      expect(expectStatus(await api.get<{ name: string }>(`/guilds/${guild.id}`, owner), 200).name).toBe(guild.name);
      expectStatus(await api.patch(`/guilds/${guild.id}`, owner, { name: "Raw" }, { "X-Audit-Log-Reason": "100%sure" }), 200);
      expect((await latest(guild.id, 1)).reason).toBe("100%sure");
      expectStatus(await api.patch(`/guilds/${guild.id}`, owner, { name: "Max" }, { "X-Audit-Log-Reason": "y".repeat(512) }), 200);
      expect((await latest(guild.id, 1)).reason).toBe("y".repeat(512));
    });

    test("GUILD_AUDIT_LOG_ENTRY_CREATE reaches VIEW_AUDIT_LOG holders only", async () => {
      const { guild } = await auditedGuild();
      const sessions = await Promise.all([auditor, member].map((user) => identify(server.url, user.access_token)));
      clients.push(...sessions.map((session) => session.client));
      const [auditorClient, memberClient] = sessions.map((session) => session.client) as [GatewayClient, GatewayClient];
      expectStatus(await api.patch(`/guilds/${guild.id}`, owner, { name: "Watched" }, reasonHeader("watch")), 200);
      const frame = await auditorClient.dispatch("GUILD_AUDIT_LOG_ENTRY_CREATE", (d) => d.guild_id === guild.id);
      expect(frame.d).toMatchObject({ guild_id: guild.id, action_type: 1, user_id: owner.user.id, target_id: guild.id, reason: "watch", changes: [{ key: "name", new_value: "Watched" }] });
      // The member heard the guild update itself and a later message, but never the entry.
      await memberClient.dispatch("GUILD_UPDATE", (d) => d.id === guild.id && d.name === "Watched");
      await send(api, owner, generalOf(guild).id, { content: "after the entry" });
      await memberClient.dispatch("MESSAGE_CREATE", (d) => d.content === "after the entry");
      expect(memberClient.dispatches("GUILD_AUDIT_LOG_ENTRY_CREATE")).toEqual([]);
    });
  });
}
