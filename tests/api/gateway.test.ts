import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connectGateway, identify } from "../support/gateway";
import { type TestUser, identityEnv, registerUser } from "../support/identity";
import { MODES, type TestServer, startServer } from "../support/server";

const renameTo = (server: TestServer, user: TestUser, displayName: string) =>
  server.request("/api/v1/users/@me", { method: "PATCH", token: user.access_token, json: { display_name: displayName } });

for (const mode of MODES) {
  describe(`gateway (${mode.name})`, () => {
    let server: TestServer;
    let alice: TestUser;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode));
      alice = await registerUser(server);
    });
    afterAll(() => server.stop());

    test("GET /api/v1/gateway gives the WebSocket URL", async () => {
      const body = (await (await server.request("/api/v1/gateway")).json()) as { url: string };
      expect(body.url).toBe(`${server.url.replace("http", "ws")}/gateway`);
    });

    test("GET /gateway without a WebSocket upgrade is refused with 400 and a JSON message", async () => {
      const response = await server.request("/gateway");
      expect(response.status).toBe(400);
      const body = (await response.json()) as { code: number; message: string };
      expect(body.message).toContain("WebSocket upgrade");
    });

    test("HELLO comes first; IDENTIFY gets READY with the user, a session id and the resume URL", async () => {
      const client = await connectGateway(server.url);
      const hello = await client.next((frame) => frame.op === 10, "HELLO");
      expect(client.frames[0]).toBe(hello);
      expect(hello.d.heartbeat_interval).toBe(41_250);
      client.send({ op: 2, d: { token: alice.access_token } });
      const ready = await client.dispatch("READY");
      expect(ready.s).toBe(1);
      expect(ready.d.v).toBe(1);
      expect(ready.d.user).toMatchObject({ id: alice.user.id, username: alice.username, email: alice.email });
      expect(ready.d.session_id).toMatch(/^[0-9a-f]{32}$/);
      expect(ready.d.resume_gateway_url).toBe(`${server.url.replace("http", "ws")}/gateway`);
      for (const list of ["guilds", "private_channels", "read_state", "presences"]) expect(Array.isArray(ready.d[list])).toBe(true);
      client.close();
    });

    test("heartbeats are acknowledged", async () => {
      const { client } = await identify(server.url, alice.access_token);
      client.send({ op: 1, d: 1 });
      await client.next((frame) => frame.op === 11, "HEARTBEAT_ACK");
      client.close();
    });

    test("the user's own sessions receive USER_UPDATE, in sequence", async () => {
      const { client } = await identify(server.url, alice.access_token);
      expect((await renameTo(server, alice, "Alice One")).status).toBe(200);
      expect((await renameTo(server, alice, "Alice Two")).status).toBe(200);
      const first = await client.dispatch("USER_UPDATE");
      const second = await client.dispatch("USER_UPDATE");
      expect(first.d.display_name).toBe("Alice One");
      expect(second.d.display_name).toBe("Alice Two");
      expect(second.s).toBe(first.s! + 1);
      client.close();
    });

    test("another user's sessions do not receive USER_UPDATE", async () => {
      const bob = await registerUser(server);
      const { client } = await identify(server.url, bob.access_token);
      await renameTo(server, alice, "Alice Private");
      // Bob's own update is the marker: anything of Alice's would have been dispatched before it.
      await renameTo(server, bob, "Bob Marker");
      await client.dispatch("USER_UPDATE", (d) => d.display_name === "Bob Marker");
      expect(client.dispatches("USER_UPDATE").map((frame) => frame.d.id)).toEqual([bob.user.id]);
      client.close();
    });

    test("bad tokens close with 4004", async () => {
      const client = await connectGateway(server.url);
      client.send({ op: 2, d: { token: `${alice.access_token}x` } });
      expect((await client.closed()).code).toBe(4004);
    });

    test("protocol errors close with their codes", async () => {
      const cases: Array<[string, number]> = [
        ["{not json", 4002],
        [JSON.stringify({ op: 99, d: null }), 4001],
        [JSON.stringify({ op: 2, d: { token: 5 } }), 4002],
        [JSON.stringify({ op: 2 }), 4002],
        [JSON.stringify({ op: 3, d: { status: "online" } }), 4003],
        [JSON.stringify({ op: "2", d: {} }), 4002],
        [JSON.stringify(JSON.stringify({ op: 1, d: null })), 4002],
        ["[1]", 4002],
        ["42", 4002],
        [` ${JSON.stringify({ op: 1, d: null })}`, 4002],
      ];
      for (const [frame, code] of cases) {
        const client = await connectGateway(server.url);
        client.sendRaw(frame);
        expect({ frame, code: (await client.closed()).code }).toEqual({ frame, code });
      }
    });

    test("a second IDENTIFY closes with 4005", async () => {
      const { client } = await identify(server.url, alice.access_token);
      client.send({ op: 2, d: { token: alice.access_token } });
      expect((await client.closed()).code).toBe(4005);
    });

    test("more than 120 frames in a minute close with 4008", async () => {
      const { client } = await identify(server.url, alice.access_token);
      for (let i = 0; i < 125; i++) client.send({ op: 1, d: null });
      expect((await client.closed()).code).toBe(4008);
    });

    test("frames over the size limit are refused", async () => {
      const client = await connectGateway(server.url);
      client.sendRaw(JSON.stringify({ op: 2, d: { token: "x".repeat(10_000) } }));
      expect((await client.closed()).code).not.toBe(1000);
    });

    test("logout closes the session's gateway connections with 4004", async () => {
      const carol = await registerUser(server);
      const { client } = await identify(server.url, carol.access_token);
      expect((await server.request("/api/v1/auth/logout", { method: "POST", token: carol.access_token })).status).toBe(204);
      expect((await client.closed()).code).toBe(4004);
    });

    test("RESUME replays what was missed, in order, then RESUMED; the sequence continues", async () => {
      const dave = await registerUser(server);
      const { client, ready } = await identify(server.url, dave.access_token);
      await renameTo(server, dave, "Dave 1");
      const seen = await client.dispatch("USER_UPDATE");
      client.close();
      await client.closed();
      await renameTo(server, dave, "Dave 2");
      await renameTo(server, dave, "Dave 3");

      const resumed = await connectGateway(server.url);
      await resumed.next((frame) => frame.op === 10, "HELLO");
      resumed.send({ op: 6, d: { token: dave.access_token, session_id: ready.session_id, seq: seen.s } });
      await resumed.dispatch("RESUMED");
      // An event still in the relay when RESUMED went out arrives live right after it.
      await resumed.dispatch("USER_UPDATE", (d) => d.display_name === "Dave 3");
      expect(resumed.dispatches("USER_UPDATE").map((frame) => frame.d.display_name)).toEqual(["Dave 2", "Dave 3"]);
      await renameTo(server, dave, "Dave 4");
      await resumed.dispatch("USER_UPDATE", (d) => d.display_name === "Dave 4");
      // The sequence continues without a gap, RESUMED included.
      const sequence = resumed.dispatches().map((frame) => frame.s);
      expect(sequence).toEqual([seen.s! + 1, seen.s! + 2, seen.s! + 3, seen.s! + 4]);
      resumed.close();
    });

    test("RESUME of an unknown session gets INVALID_SESSION false", async () => {
      const client = await connectGateway(server.url);
      client.send({ op: 6, d: { token: alice.access_token, session_id: "0".repeat(32), seq: 1 } });
      const invalid = await client.next((frame) => frame.op === 9, "INVALID_SESSION");
      expect(invalid.d).toBe(false);
      // The connection stays usable: the client identifies afresh.
      client.send({ op: 2, d: { token: alice.access_token } });
      await client.dispatch("READY");
      client.close();
    });

    test("another user's session cannot be resumed", async () => {
      const { client, ready } = await identify(server.url, alice.access_token);
      client.close();
      const eve = await registerUser(server);
      const thief = await connectGateway(server.url);
      thief.send({ op: 6, d: { token: eve.access_token, session_id: ready.session_id, seq: 1 } });
      expect((await thief.next((frame) => frame.op === 9, "INVALID_SESSION")).d).toBe(false);
      thief.close();
    });
  });
}

describe("gateway timers", () => {
  let server: TestServer;
  let user: TestUser;
  beforeAll(async () => {
    server = await startServer(MODES[0]!, identityEnv(MODES[0]!, { GATEWAY_IDENTIFY_TIMEOUT_MS: "300", GATEWAY_HEARTBEAT_INTERVAL_MS: "400" }));
    user = await registerUser(server);
  });
  afterAll(() => server.stop());

  test("no IDENTIFY within the timeout closes with 4003", async () => {
    const client = await connectGateway(server.url);
    expect((await client.closed()).code).toBe(4003);
  });

  test("missed heartbeats close with 4009", async () => {
    const { client } = await identify(server.url, user.access_token);
    expect((await client.closed()).code).toBe(4009);
  });

  test("heartbeats keep the session open past the deadline", async () => {
    const { client } = await identify(server.url, user.access_token);
    // Heartbeat on every ACK-paced turn until well past 1.5 × the interval.
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      client.send({ op: 1, d: null });
      await client.next((frame) => frame.op === 11, "HEARTBEAT_ACK");
      await Bun.sleep(150);
    }
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.close();
  });
});
