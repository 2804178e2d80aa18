import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fieldErrors } from "../support/errors";
import { type ApiClient, createGuild, expectError, expectStatus, generalOf, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { type MessageBody, history, send } from "../support/message";
import { MODES, type TestServer } from "../support/server";

const full = {
  title: "Build passed",
  description: "main @ 3f2a9c",
  url: "https://ci.example.com/builds/1",
  timestamp: "2025-01-01T12:00:00+01:00",
  color: 0x57f287,
  footer: { text: "CI", icon_url: "https://ci.example.com/icon.png" },
  image: { url: "https://ci.example.com/graph.png" },
  thumbnail: { url: "attachment://thumb.png" },
  author: { name: "ci-bot", url: "https://ci.example.com", icon_url: "https://ci.example.com/bot.png" },
  fields: [
    { name: "Tests", value: "1,204 passed", inline: true },
    { name: "Time", value: "3m 12s" },
  ],
};

for (const mode of MODES) {
  describe(`message embeds (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let alice: TestUser;
    let general: string;

    /** The field reasons of a send that must fail with 400 50035. */
    const refused = async (body: Record<string, unknown>): Promise<Record<string, string>> => {
      const reply = await api.post(`/channels/${general}/messages`, alice, body);
      expectError(reply, 400, 50035);
      return fieldErrors(reply.body);
    };

    beforeAll(async () => {
      ({ server, api, users: [alice] } = await startGuildServer(mode, 1));
      general = generalOf(await createGuild(api, alice, "Embeds")).id;
    });
    afterAll(() => server.stop());

    test("a rich embed is stored as sent and answered with type rich, on the send, a read and in history; content may be empty", async () => {
      const sent = await send(api, alice, general, { embeds: [full, { description: "second", type: "rich" }] });
      expect(sent.content).toBe("");
      const expected = [{ type: "rich", ...full, timestamp: "2025-01-01T11:00:00.000Z" }, { type: "rich", description: "second" }];
      expect(sent.embeds).toEqual(expected);
      expect(expectStatus(await api.get<MessageBody>(`/channels/${general}/messages/${sent.id}`, alice), 200).embeds).toEqual(expected);
      expect((await history(api, alice, general))[0]!.embeds).toEqual(expected);
    });

    test("an edit replaces or removes the embeds; a message with neither content nor embeds is refused", async () => {
      const sent = await send(api, alice, general, { content: "text", embeds: [{ title: "one" }] });
      const replaced = expectStatus(await api.patch<MessageBody>(`/channels/${general}/messages/${sent.id}`, alice, { embeds: [{ title: "two" }] }), 200);
      expect(replaced.embeds).toEqual([{ type: "rich", title: "two" }]);
      expect(replaced.content).toBe("text");
      const removed = expectStatus(await api.patch<MessageBody>(`/channels/${general}/messages/${sent.id}`, alice, { embeds: null }), 200);
      expect(removed.embeds).toEqual([]);
      const embedOnly = await send(api, alice, general, { embeds: [{ title: "only" }] });
      expectError(await api.patch(`/channels/${general}/messages/${embedOnly.id}`, alice, { embeds: [] }), 400, 50035);
    });

    test("each of Discord's limits is a 400 naming its field", async () => {
      expect(await refused({ embeds: [{ title: "x".repeat(257) }] })).toEqual({ "embeds.0.title": "Must be 256 or fewer in length." });
      expect(await refused({ embeds: [{ description: "x".repeat(4097) }] })).toEqual({ "embeds.0.description": "Must be 4096 or fewer in length." });
      expect(Object.keys(await refused({ embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: "n", value: "v" })) }] }))).toEqual(["embeds.0.fields"]);
      expect(Object.keys(await refused({ embeds: [{ fields: [{ name: "x".repeat(257), value: "v" }] }] }))).toEqual(["embeds.0.fields.0.name"]);
      expect(Object.keys(await refused({ embeds: [{ fields: [{ name: "n", value: "x".repeat(1025) }] }] }))).toEqual(["embeds.0.fields.0.value"]);
      expect(Object.keys(await refused({ embeds: [{ footer: { text: "x".repeat(2049) } }] }))).toEqual(["embeds.0.footer.text"]);
      expect(Object.keys(await refused({ embeds: [{ author: { name: "x".repeat(257) } }] }))).toEqual(["embeds.0.author.name"]);
      expect(Object.keys(await refused({ embeds: Array.from({ length: 11 }, () => ({ title: "t" })) }))).toEqual(["embeds"]);
      // 6000 characters across all embeds: three descriptions of 2,001 each are each fine, together too many.
      expect(await refused({ embeds: Array.from({ length: 3 }, () => ({ description: "x".repeat(2001) })) })).toEqual({ embeds: "Embed size exceeds maximum size of 6000." });
      expect(Object.keys(await refused({ embeds: [{ url: "javascript:alert(1)" }] }))).toEqual(["embeds.0.url"]);
      expect(Object.keys(await refused({ embeds: [{ image: { url: "ftp://example.com/a.png" } }] }))).toEqual(["embeds.0.image.url"]);
      expect(Object.keys(await refused({ embeds: [{ color: 0x1000000 }] }))).toEqual(["embeds.0.color"]);
      expect(Object.keys(await refused({ embeds: [{ timestamp: "yesterday" }] }))).toEqual(["embeds.0.timestamp"]);
      expect(Object.keys(await refused({ embeds: [{ title: "t", bogus: 1 }] }))).toEqual(["embeds.0.bogus"]);
      expect(Object.keys(await refused({ embeds: [{ fields: [{ name: "", value: "v" }] }] }))).toEqual(["embeds.0.fields.0.name"]);
      // Nothing was written by any of them.
      expect((await history(api, alice, general)).every((message) => message.embeds.every((embed) => (embed.title as string | undefined)?.length !== 257))).toBe(true);
    });

    test("emoji count as one character toward the limits, as Discord counts", async () => {
      const sent = await send(api, alice, general, { embeds: [{ title: "😀".repeat(256) }] });
      expect(sent.embeds[0]!.title).toBe("😀".repeat(256));
    });
  });
}
