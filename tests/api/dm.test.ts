import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";
import { type ApiClient, type ChannelBody, expectError, expectStatus, registerUsers, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer, waitFor } from "../support/server";

for (const mode of MODES) {
  describe(`direct messages (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let alice: TestUser;
    let bob: TestUser;
    let carol: TestUser;
    let dave: TestUser;
    let erin: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [alice, bob, carol, dave, erin] } = await startGuildServer(mode, 5));
    });
    afterAll(() => server.stop());

    const open = (as: TestUser, recipient: TestUser | string) =>
      api.post<ChannelBody>("/users/@me/channels", as, { recipient_id: typeof recipient === "string" ? recipient : recipient.user.id });

    test("POST /users/@me/channels opens a DM showing the other user; B→A gets the same channel", async () => {
      const fromAlice = expectStatus(await open(alice, bob), 200);
      expect(fromAlice).toEqual({
        id: expect.stringMatching(/^[0-9]+$/),
        type: 1,
        permission_overwrites: [],
        last_message_id: null,
        recipients: [expect.objectContaining({ id: bob.user.id, username: bob.user.username })],
      });
      expect(JSON.stringify(fromAlice)).not.toContain("email");
      expect(expectStatus(await open(alice, bob), 200).id).toBe(fromAlice.id);
      const fromBob = expectStatus(await open(bob, alice), 200);
      expect(fromBob.id).toBe(fromAlice.id);
      expect(fromBob.recipients?.map((u) => u.id)).toEqual([alice.user.id]);
    });

    test("concurrent opens of one pair, from both sides, all get the same single channel", async () => {
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? open(carol, dave) : open(dave, carol))));
      const ids = new Set(replies.map((reply) => expectStatus(reply, 200).id));
      expect(ids.size).toBe(1);
      const carolsDms = expectStatus(await api.get<ChannelBody[]>("/users/@me/channels", carol), 200);
      expect(carolsDms.filter((dm) => dm.recipients?.[0]?.id === dave.user.id)).toHaveLength(1);
    });

    test("GET /users/@me/channels lists the caller's DMs, newest first", async () => {
      const [solo, x, y] = await registerUsers(server, 3);
      const first = expectStatus(await open(solo!, x!), 200);
      const second = expectStatus(await open(y!, solo!), 200);
      const listed = expectStatus(await api.get<ChannelBody[]>("/users/@me/channels", solo), 200);
      expect(listed.map((dm) => [dm.id, dm.recipients?.[0]?.id])).toEqual([
        [second.id, y!.user.id],
        [first.id, x!.user.id],
      ]);
      expect(expectStatus(await api.get<ChannelBody[]>("/users/@me/channels", erin), 200)).toEqual([]);
    });

    test("GET /channels/{id} shows a DM to its two users only: others get 403 50001", async () => {
      const dm = expectStatus(await open(alice, erin), 200);
      expect(expectStatus(await api.get<ChannelBody>(`/channels/${dm.id}`, alice), 200)).toEqual(dm);
      expect(expectStatus(await api.get<ChannelBody>(`/channels/${dm.id}`, erin), 200).recipients?.[0]?.id).toBe(alice.user.id);
      expectError(await api.get(`/channels/${dm.id}`, bob), 403, 50001);
      expectError(await api.patch(`/channels/${dm.id}`, bob, { name: "x" }), 403, 50001);
      expectError(await api.delete(`/channels/${dm.id}`, bob), 403, 50001);
    });

    test("DMs cannot be edited or deleted like guild channels: 403 50013 for their users", async () => {
      const dm = expectStatus(await open(alice, carol), 200);
      expectError(await api.patch(`/channels/${dm.id}`, alice, { name: "ours" }), 403, 50013);
      expectError(await api.delete(`/channels/${dm.id}`, alice), 403, 50013);
      expectError(await api.put(`/channels/${dm.id}/permissions/${carol.user.id}`, alice, { type: 1 }), 403, 50013);
    });

    test("unknown recipients are 404 10013; oneself is 400; bad ids are 400", async () => {
      expectError(await open(alice, "1"), 404, 10013);
      expectError(await open(alice, "99999999999999999999"), 404, 10013);
      expectError(await open(alice, alice), 400, 50035);
      expectError(await open(alice, "not-an-id"), 400, 50035);
      expectError(await api.post("/users/@me/channels", alice, { recipient_id: bob.user.id, recipients: [] }), 400, 50035);
    });

    test("a deleted account cannot be messaged anew: 404 10013", async () => {
      const [leaving] = await registerUsers(server, 1);
      expectStatus(await api.delete("/users/@me", leaving!, { password: leaving!.password }), 204);
      expectError(await open(alice, leaving!), 404, 10013);
    });

    test("CHANNEL_CREATED reaches each participant on their own topic, showing the other one", async () => {
      const [x, y] = await registerUsers(server, 2);
      const seen: DomainEvent[] = [];
      const stops = await Promise.all(
        [x!, y!].map((user) => server.app.adapters.pubSub.subscribe(`user:${user.user.id}`, (message) => void seen.push(JSON.parse(message)))),
      );
      try {
        const dm = expectStatus(await open(x!, y!), 200);
        const events = await waitFor(() => {
          const found = seen.filter((event) => event.type === "CHANNEL_CREATED");
          return found.length === 2 && found;
        }, { what: "two CHANNEL_CREATED" });
        const byTopic: Record<string, ChannelBody> = Object.fromEntries(events.map((event) => [event.topics[0], event.data as ChannelBody]));
        expect(byTopic[`user:${x!.user.id}`]).toEqual(dm);
        expect(byTopic[`user:${y!.user.id}`]?.recipients?.map((u) => u.id)).toEqual([x!.user.id]);
        // Reopening creates nothing: a later event (a new DM of x's) arrives, with no second event for this one before it.
        expectStatus(await open(y!, x!), 200);
        const later = expectStatus(await open(x!, erin), 200);
        await waitFor(() => seen.some((event) => (event.data as ChannelBody).id === later.id), { what: "the later CHANNEL_CREATED" });
        expect(seen.filter((event) => (event.data as ChannelBody).id === dm.id)).toHaveLength(2);
      } finally {
        await Promise.all(stops.map((stop) => stop()));
      }
    });
  });
}
