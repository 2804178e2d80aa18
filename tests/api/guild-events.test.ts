import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGuild as createGuildUseCase } from "../../src/domains/guild/application/create-guild";
import { drizzleGuildRepositories, drizzleGuildUnitOfWork } from "../../src/shared/infrastructure/postgres/drizzle-guild-unit-of-work";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";
import { type ApiClient, type GuildBody, type InviteBody, type RoleBody, createGuild, expectStatus, generalOf, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer, waitFor } from "../support/server";

for (const mode of MODES) {
  describe(`guild events (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let joiner: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [owner, joiner] } = await startGuildServer(mode, 2));
    });
    afterAll(() => server.stop());

    /** Collects every event published on `topic` while `run` runs, then until `until` is seen. */
    const listen = async (topic: string, run: () => Promise<void>, until: (events: DomainEvent[]) => boolean) => {
      const seen: DomainEvent[] = [];
      const stop = await server.app.adapters.pubSub.subscribe(topic, (message) => void seen.push(JSON.parse(message)));
      try {
        await run();
        await waitFor(() => until(seen), { what: `events on ${topic}` });
        return seen;
      } finally {
        await stop();
      }
    };

    test("SERVER_CREATED reaches the owner's topic with the whole guild plus guild_id", async () => {
      let guild: GuildBody | undefined;
      const events = await listen(
        `user:${owner.user.id}`,
        async () => void (guild = await createGuild(api, owner, "Evented")),
        (seen) => seen.some((e) => e.type === "SERVER_CREATED"),
      );
      const created = events.find((e) => e.type === "SERVER_CREATED")!;
      expect(created.topics).toEqual([`guild:${guild!.id}`, `user:${owner.user.id}`]);
      expect(created.data).toEqual({ ...guild, guild_id: guild!.id });
    });

    test("the guild's topic hears members join and change, roles and invites come and go, and the guild's end", async () => {
      const guild = await createGuild(api, owner, "Busy");
      let role: RoleBody | undefined;
      let invite: InviteBody | undefined;
      const heard = await listen(
        `guild:${guild.id}`,
        async () => {
          expectStatus(await api.patch(`/guilds/${guild.id}`, owner, { name: "Busier" }), 200);
          role = expectStatus(await api.post<RoleBody>(`/guilds/${guild.id}/roles`, owner, { name: "Evented" }), 201);
          expectStatus(await api.patch(`/guilds/${guild.id}/roles/${role.id}`, owner, { color: 7 }), 200);
          invite = expectStatus(await api.post<InviteBody>(`/channels/${generalOf(guild).id}/invites`, owner, {}), 201);
          expectStatus(await api.post(`/invites/${invite.code}`, joiner), 200);
          expectStatus(await api.put(`/guilds/${guild.id}/members/${joiner.user.id}/roles/${role.id}`, owner), 204);
          expectStatus(await api.delete(`/invites/${invite.code}`, owner), 204);
          expectStatus(await api.delete(`/guilds/${guild.id}/roles/${role.id}`, owner), 204);
          expectStatus(await api.delete(`/users/@me/guilds/${guild.id}`, joiner), 204);
          expectStatus(await api.delete(`/guilds/${guild.id}`, owner), 204);
        },
        (seen) => seen.some((e) => e.type === "SERVER_DELETED"),
      );
      // SERVER_CREATED may still be on its way when the subscription starts.
      const events = heard.filter((e) => e.type !== "SERVER_CREATED" && e.type !== "AUDIT_LOG_ENTRY_CREATED");
      // Each moderation or configuration change also wrote its audit log entry, on the same topic (joins and leaves do not).
      const audited = heard.filter((e) => e.type === "AUDIT_LOG_ENTRY_CREATED").map((e) => (e.data as { action_type: number }).action_type);
      expect(audited).toEqual([1, 30, 31, 40, 25, 42, 32]);
      expect(events.map((e) => e.type)).toEqual([
        "SERVER_UPDATED",
        "ROLE_CREATED",
        "ROLE_UPDATED",
        "INVITE_CREATED",
        "MEMBER_ADDED",
        "MEMBER_UPDATED",
        "INVITE_DELETED",
        "ROLE_DELETED",
        "MEMBER_REMOVED",
        "SERVER_DELETED",
      ]);
      const data = Object.fromEntries(events.map((e) => [e.type, e.data as Record<string, unknown>]));
      for (const event of events) expect((event.data as { guild_id: string }).guild_id).toBe(guild.id);
      expect(data.SERVER_UPDATED).toMatchObject({ id: guild.id, name: "Busier", roles: [expect.objectContaining({ id: guild.id })] });
      expect(data.ROLE_CREATED).toEqual({ guild_id: guild.id, role });
      expect(data.ROLE_UPDATED).toEqual({ guild_id: guild.id, role: { ...role, color: 7 } });
      expect(data.INVITE_CREATED).toEqual({ ...invite, guild_id: guild.id, channel_id: generalOf(guild).id });
      expect(data.MEMBER_ADDED).toMatchObject({ user: expect.objectContaining({ id: joiner.user.id }), nick: null, roles: [] });
      expect(data.MEMBER_UPDATED).toMatchObject({ user: expect.objectContaining({ id: joiner.user.id }), roles: [role!.id] });
      expect(data.INVITE_DELETED).toEqual({ guild_id: guild.id, code: invite!.code, channel_id: generalOf(guild).id });
      expect(data.ROLE_DELETED).toEqual({ guild_id: guild.id, role_id: role!.id });
      expect(data.MEMBER_REMOVED).toEqual({ guild_id: guild.id, user: expect.objectContaining({ id: joiner.user.id }) });
      expect(data.SERVER_DELETED).toEqual({ id: guild.id, guild_id: guild.id });
      const joins = events.filter((e) => e.type === "MEMBER_ADDED" || e.type === "MEMBER_REMOVED");
      for (const event of joins) expect(event.topics).toEqual([`guild:${guild.id}`, `user:${joiner.user.id}`]);
    });

    test("creating a guild is one transaction: a failure after the guild row leaves nothing behind, events included", async () => {
      const { app } = server;
      const failing = drizzleGuildUnitOfWork(app.transact, app.ids, { now: () => Date.now() });
      const create = createGuildUseCase({
        unitOfWork: (work) =>
          failing((repositories) =>
            work({ ...repositories, channels: { createDefaults: () => Promise.reject(new Error("channel store down")) } }),
          ),
        clock: { now: () => Date.now() },
        ids: app.ids,
      });
      const before = await drizzleGuildRepositories(app.database.db).guilds.listForMember(owner.user.id);
      await expect(create(owner.user.id, { name: "Half made" })).rejects.toThrow("channel store down");
      const after = await drizzleGuildRepositories(app.database.db).guilds.listForMember(owner.user.id);
      expect(after.map((g) => g.id)).toEqual(before.map((g) => g.id));
      const { sql } = await import("drizzle-orm");
      const result = await app.database.db.execute(sql`SELECT count(*)::int AS n FROM guilds WHERE name = 'Half made'`);
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ n: number }>;
      expect(rows[0]?.n).toBe(0);
    });
  });
}
