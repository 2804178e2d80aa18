import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { sessions } from "../../src/shared/infrastructure/postgres/identity-schema";
import { createManualClock } from "../../src/shared/kernel/clock";
import { identityEnv, logIn, refresh, registerUser } from "../support/identity";
import { MODES, type TestServer, startServer } from "../support/server";

const DAY = 24 * 3600_000;

for (const mode of MODES) {
  describe(`session purge (${mode.name})`, () => {
    const clock = createManualClock(Date.now());
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode), { clock });
    });
    afterAll(() => server.stop());

    const sessionCount = async (userId: string) =>
      (await server.app.database.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).length;

    test("a purge keeps used tokens that have not expired, so reuse is still detected afterwards", async () => {
      const user = await registerUser(server);
      const rotated = (await (await refresh(server, user.refresh_token)).json()) as { refresh_token: string; access_token: string };
      await server.app.identity.purgeSessions();
      // The first token was used but has not expired: presenting it again is theft, and ends the session.
      expect((await refresh(server, user.refresh_token)).status).toBe(401);
      expect((await refresh(server, rotated.refresh_token)).status).toBe(401);
    });

    test("expired tokens and sessions dead for a day go; live sessions stay", async () => {
      const user = await registerUser(server);
      const second = await logIn(server, user.username, user.password);
      expect((await server.request("/api/v1/auth/logout", { method: "POST", token: second.access_token })).status).toBe(204);
      expect(await sessionCount(user.user.id)).toBe(2);

      // A day later the revoked session is still kept (support cases); eight days later every token has expired.
      clock.advance(DAY / 2);
      await server.app.identity.purgeSessions();
      expect(await sessionCount(user.user.id)).toBe(2);
      clock.advance(8 * DAY);
      const fresh = await logIn(server, user.username, user.password);
      const purged = await server.app.identity.purgeSessions();
      expect(purged.sessions).toBeGreaterThanOrEqual(2);
      expect(await sessionCount(user.user.id)).toBe(1);
      // The live session is untouched and works.
      expect((await refresh(server, fresh.refresh_token)).status).toBe(200);
    });
  });
}
