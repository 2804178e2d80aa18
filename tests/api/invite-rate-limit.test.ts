import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ApiClient, apiClient, createGuild, generalOf, joinAll, registerUsers } from "../support/guild";
import { type TestUser, identityEnv } from "../support/identity";
import { MODES, type TestServer, startServer } from "../support/server";

for (const mode of MODES) {
  describe(`invite rate limit (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let other: TestUser;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode, { RATE_LIMIT_SCALE: "1" }));
      api = apiClient(server);
      [owner, other] = await registerUsers(server, 2);
    });
    afterAll(() => server.stop());

    test("10 invites per minute per user, then 429 with the bucket headers of API.md", async () => {
      const guild = await createGuild(api, owner);
      await joinAll(api, owner, guild, [other]);
      const path = `/api/v1/channels/${generalOf(guild).id}/invites`;
      const create = (as: TestUser) => server.request(path, { method: "POST", json: {}, token: as.access_token });
      // The owner spent one on joinAll's invite; `other` starts with a full bucket.
      for (let remaining = 9; remaining >= 0; remaining--) {
        const response = await create(other);
        expect(response.status).toBe(201);
        expect(response.headers.get("x-ratelimit-bucket")).toBe("invites.create");
        expect(response.headers.get("x-ratelimit-limit")).toBe("10");
        expect(response.headers.get("x-ratelimit-remaining")).toBe(String(remaining));
      }
      const limited = await create(other);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await limited.json()).toEqual({ code: 0, message: "You are being rate limited.", retry_after: expect.any(Number), global: false });
      expect((await create(owner)).status).toBe(201);
    });
  });
}
