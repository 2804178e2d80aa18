import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GatewayClient, connectGateway, identify } from "../support/gateway";
import { type GuildBody, apiClient, createGuild, joinAll, registerUsers } from "../support/guild";
import { type TestUser, identityEnv, jwtKeyFiles } from "../support/identity";
import { openDm } from "../support/message";
import { spawnNode } from "../support/process";
import { MODES, type TestServer, modeNamed, startServer, waitFor } from "../support/server";

const presenceOf = (client: GatewayClient, userId: string) =>
  client.dispatches("PRESENCE_UPDATE").filter((frame) => frame.d.user.id === userId).map((frame) => frame.d.status);

for (const mode of MODES) {
  describe(`presence and session lifecycle (${mode.name})`, () => {
    let server: TestServer;
    let alice: TestUser, bob: TestUser, outsider: TestUser;
    let guild: GuildBody;
    beforeAll(async () => {
      server = await startServer(
        mode,
        identityEnv(mode, { PRESENCE_OFFLINE_GRACE_MS: "300", GATEWAY_RESUME_WINDOW_MS: "400", GATEWAY_LARGE_GUILD_THRESHOLD: "2" }),
      );
      const api = apiClient(server);
      [alice, bob, outsider] = await registerUsers(server, 3);
      guild = await createGuild(api, alice, "Presence Guild");
      await joinAll(api, alice, guild, [bob]);
      await openDm(api, alice, outsider);
    });
    afterAll(() => server.stop());

    test("members of a shared guild see a user come online, change status, and go offline after the grace", async () => {
      const { client: watcher } = await identify(server.url, bob.access_token);
      const { client: stranger } = await identify(server.url, outsider.access_token);
      const { client: aliceClient } = await identify(server.url, alice.access_token);
      const online = await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id);
      expect(online.d).toEqual({ user: { id: alice.user.id }, guild_id: guild.id, status: "online", activities: [], client_status: { desktop: "online" } });

      aliceClient.send({ op: 3, d: { status: "dnd" } });
      await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.status === "dnd");

      const closedAt = Date.now();
      aliceClient.close();
      await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.status === "offline");
      // Not before the grace: a reconnect within it would have kept the user online.
      expect(Date.now() - closedAt).toBeGreaterThanOrEqual(300);
      expect(presenceOf(watcher, alice.user.id)).toEqual(["online", "dnd", "offline"]);
      // Someone who shares no guild with Alice hears none of it (a DM is not a guild).
      await server.request("/api/v1/users/@me", { method: "PATCH", token: outsider.access_token, json: { display_name: "Marker" } });
      await stranger.dispatch("USER_UPDATE");
      expect(presenceOf(stranger, alice.user.id)).toEqual([]);
      watcher.close();
      stranger.close();
    });

    test("a session that comes back within the grace never shows offline; invisible shows as offline", async () => {
      const { client: watcher } = await identify(server.url, bob.access_token);
      const first = await identify(server.url, alice.access_token);
      await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.status === "online");
      first.client.close();
      await first.client.closed();
      const second = await identify(server.url, alice.access_token, { status: "invisible" });
      await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.status === "offline");
      second.client.send({ op: 3, d: { status: "online" } });
      await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.status === "online");
      expect(presenceOf(watcher, alice.user.id)).toEqual(["online", "offline", "online"]);
      second.client.close();
      watcher.close();
    });

    test("a status set with op 3 survives a resume: the session comes back as it left, never as online", async () => {
      const { client: watcher } = await identify(server.url, bob.access_token);
      const first = await identify(server.url, alice.access_token);
      first.client.send({ op: 3, d: { status: "idle", since: null, afk: false, activities: [{ name: "Chess", type: 0 }] } });
      await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.status === "idle");
      // The socket drops straight after the change, as a flaky network does; the client resumes within the grace.
      const seq = Math.max(0, ...first.client.frames.map((frame) => frame.s ?? 0));
      first.client.close();
      await first.client.closed();
      const resumed = await connectGateway(server.url);
      resumed.send({ op: 6, d: { token: alice.access_token, session_id: first.ready.session_id, seq } });
      await resumed.dispatch("RESUMED");
      // The next change is the marker: nothing between idle and it.
      resumed.send({ op: 3, d: { status: "dnd", since: null, afk: false, activities: [{ name: "Chess", type: 0 }] } });
      const marker = await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.status === "dnd");
      expect(marker.d.activities).toMatchObject([{ name: "Chess", type: 0 }]);
      const seen = presenceOf(watcher, alice.user.id);
      // Idle (announced once or, when IDENTIFY's own announcement races op 3, twice), then dnd: never online or offline.
      expect([...new Set(seen.slice(seen.indexOf("idle")))]).toEqual(["idle", "dnd"]);
      // Back as the other tests expect Alice: online, no activity.
      resumed.send({ op: 3, d: { status: "online", since: null, afk: false, activities: [] } });
      await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.status === "online");
      resumed.close();
      watcher.close();
    });

    test("READY lists the user's DM channels and the presences of guild peers", async () => {
      const { client: aliceClient } = await identify(server.url, alice.access_token);
      const { client, ready } = await identify(server.url, bob.access_token);
      expect(ready.presences).toContainEqual({ user: { id: alice.user.id }, status: "online", activities: [], client_status: { desktop: "online" } });
      const dmReady = await identify(server.url, outsider.access_token);
      const dms = (dmReady.ready as unknown as { private_channels: Array<{ type: number; recipients: Array<{ id: string }> }> }).private_channels;
      expect(dms).toHaveLength(1);
      expect(dms[0]).toMatchObject({ type: 1, recipients: [{ id: alice.user.id }] });
      for (const c of [aliceClient, client, dmReady.client]) c.close();
    });

    test("presence is not broadcast in a large guild (above GATEWAY_LARGE_GUILD_THRESHOLD, 2 here)", async () => {
      const api = apiClient(server);
      const [owner, peer, third] = await registerUsers(server, 3);
      const large = await createGuild(api, owner, "Large Guild");
      await joinAll(api, owner, large, [peer, third]);
      const { client: watcher, ready } = await identify(server.url, peer.access_token);
      const { client: ownerClient } = await identify(server.url, owner.access_token);
      // The owner's own change, committed after their presence would have been announced, is the marker.
      await api.patch("/users/@me", peer, { display_name: "Large Marker" });
      await watcher.dispatch("USER_UPDATE");
      expect(presenceOf(watcher, owner.user.id)).toEqual([]);
      expect(ready.presences).toEqual([]);
      ownerClient.close();
      watcher.close();
    });

    test("RESUME with a sequence number never sent closes with 4007", async () => {
      const { client, ready } = await identify(server.url, bob.access_token);
      client.close();
      await client.closed();
      const resumed = await connectGateway(server.url);
      resumed.send({ op: 6, d: { token: bob.access_token, session_id: ready.session_id, seq: 999 } });
      expect((await resumed.closed()).code).toBe(4007);
    });

    test("a session past the resume window gets INVALID_SESSION false", async () => {
      const { client, ready } = await identify(server.url, bob.access_token);
      client.close();
      await client.closed();
      await waitFor(async () => (await server.app.adapters.kv.get(`gw:session:${ready.session_id}`)) === null, {
        what: "the session's resume window to pass",
      });
      const resumed = await connectGateway(server.url);
      resumed.send({ op: 6, d: { token: bob.access_token, session_id: ready.session_id, seq: 1 } });
      expect((await resumed.next((frame) => frame.op === 9, "INVALID_SESSION")).d).toBe(false);
      resumed.close();
    });
  });
}

describe("presence when a node dies (postgres+redis)", () => {
  const mode = modeNamed("postgres+redis");
  test("the sessions of a SIGKILLed node lapse and their users go offline for everyone", async () => {
    const env = identityEnv(mode, { PRESENCE_OFFLINE_GRACE_MS: "300" });
    const survivor = await startServer(mode, { ...env, NODE_ID: "31" });
    const keys = jwtKeyFiles();
    const doomed = await spawnNode({
      ...env,
      // The node that records a session sets its lease: short here, so the test need not wait 60 s.
      GATEWAY_HEARTBEAT_INTERVAL_MS: "600",
      NODE_ID: "32",
      DATABASE_URL: process.env.DATABASE_URL ?? "",
      REDIS_URL: process.env.REDIS_URL ?? "",
      JWT_PRIVATE_KEY_FILE: keys.privateKey,
      JWT_PUBLIC_KEY_FILE: keys.publicKey,
    });
    try {
      const api = apiClient(survivor);
      const [carol, dave] = await registerUsers(survivor, 2);
      const guild = await createGuild(api, carol, "Mortal Guild");
      await joinAll(api, carol, guild, [dave]);
      const { client: watcher } = await identify(survivor.url, dave.access_token);
      const { client: victim } = await identify(doomed.url, carol.access_token);
      await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === carol.user.id && d.status === "online");
      doomed.process.kill("SIGKILL");
      await victim.closed();
      // No clean close reached anyone: the survivor reaps the lapsed session, then waits out the grace.
      await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === carol.user.id && d.status === "offline", 10_000);
      watcher.close();
    } finally {
      doomed.process.kill("SIGKILL");
      await survivor.stop();
    }
  }, 30_000);
});
