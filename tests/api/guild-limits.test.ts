import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ApiClient, type InviteBody, createGuild, expectError, expectStatus, generalOf, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer } from "../support/server";

for (const mode of MODES) {
  describe(`guild limits (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let busy: TestUser;
    let host: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [busy, host] } = await startGuildServer(mode, 2));
    });
    afterAll(() => server.stop());

    test("200 guilds per user: the 201st, created or joined, is 400 30001 with a clear message", async () => {
      const elsewhere = await createGuild(api, host, "Elsewhere");
      const invite = expectStatus(await api.post<InviteBody>(`/channels/${generalOf(elsewhere).id}/invites`, host, {}), 201);
      for (let i = 0; i < 200; i++) expectStatus(await api.post("/guilds", busy, { name: `Guild ${i}` }), 201);
      const created = await api.post("/guilds", busy, { name: "One too many" });
      expectError(created, 400, 30001);
      expect((created.body as { message: string }).message).toMatch(/Maximum number of guilds reached \(200\)/);
      const joined = await api.post(`/invites/${invite.code}`, busy);
      expectError(joined, 400, 30001);
      expect(expectStatus(await api.get<InviteBody>(`/invites/${invite.code}`), 200).uses).toBe(0);
      expect(expectStatus(await api.get<unknown[]>("/users/@me/guilds", busy), 200)).toHaveLength(200);
    }, 60_000);

    test("500 channels per guild: the next one is 400 30001", async () => {
      const guild = await createGuild(api, host, "Crowded");
      for (let i = guild.channels.length; i < 500; i++) expectStatus(await api.post(`/guilds/${guild.id}/channels`, host, { name: `c${i}` }), 201);
      const reply = await api.post(`/guilds/${guild.id}/channels`, host, { name: "one-too-many" });
      expectError(reply, 400, 30001);
      expect((reply.body as { message: string }).message).toContain("500");
    }, 60_000);
  });
}
