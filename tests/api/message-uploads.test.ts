import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fieldErrors } from "../support/errors";
import { type ApiClient, createGuild, expectError, expectStatus, generalOf, joinAll, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { type MessageBody, createTextChannel, history, overwriteMember, pngBytes, send } from "../support/message";
import { MODES, type TestServer } from "../support/server";

const LIMIT = 64 * 1024;

/** A part of a multipart body: a file (`files[n]`) or a text field. */
type Part = { name: string; bytes: Uint8Array | string; filename: string; type?: string } | { name: string; text: string };

/** Discord's multipart form, as @discordjs/rest and discord.py build it: payload_json and files[n]. */
const formOf = (payload: unknown, parts: readonly Part[] = []): FormData => {
  const form = new FormData();
  if (payload !== undefined) form.append("payload_json", JSON.stringify(payload));
  for (const part of parts) {
    if ("text" in part) form.append(part.name, part.text);
    else form.append(part.name, new Blob([part.bytes], { type: part.type ?? "application/octet-stream" }), part.filename);
  }
  return form;
};

interface PinsPage {
  items: Array<{ pinned_at: string; message: MessageBody }>;
  has_more: boolean;
}

for (const mode of MODES) {
  describe(`multipart messages and Discord's pins routes (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let alice: TestUser;
    let bob: TestUser;
    let guildId: string;
    let general: string;

    const multipart = (method: "POST" | "PATCH", path: string, as: TestUser, form: FormData) =>
      server.request(`/api/v1${path}`, { method, body: form, token: as.access_token });

    const reply = async <T>(response: Response): Promise<{ status: number; body: T }> => ({ status: response.status, body: (await response.json()) as T });

    beforeAll(async () => {
      ({ server, api, users: [owner, alice, bob] } = await startGuildServer(mode, 3, { MAX_UPLOAD_BYTES: String(LIMIT) }));
      const guild = await createGuild(api, owner, "Uploads");
      guildId = guild.id;
      general = generalOf(guild).id;
      await joinAll(api, owner, guild, [alice, bob]);
    });
    afterAll(() => server.stop());

    test("a send with payload_json and two files carries both, with the names and descriptions of its attachments entries", async () => {
      const form = formOf(
        { content: "two files", attachments: [{ id: 0, filename: "chart.png", description: "a chart" }, { id: "1", description: "raw notes" }] },
        [
          { name: "files[0]", bytes: pngBytes(4, 3), filename: "upload.png" },
          { name: "files[1]", bytes: "some notes", filename: "notes.txt" },
        ],
      );
      const sent = await reply<MessageBody>(await multipart("POST", `/channels/${general}/messages`, alice, form));
      expect(sent.status).toBe(201);
      expect(sent.body.content).toBe("two files");
      expect(sent.body.attachments.map(({ filename, content_type, size, width, height, description }) => ({ filename, content_type, size, width, height, description }))).toEqual([
        { filename: "chart.png", content_type: "image/png", size: pngBytes(4, 3).byteLength, width: 4, height: 3, description: "a chart" },
        { filename: "notes.txt", content_type: "text/plain", size: 10, width: undefined, height: undefined, description: "raw notes" },
      ]);
      const file = await fetch(sent.body.attachments[1]!.url);
      expect(await file.text()).toBe("some notes");
      expect((await history(api, bob, general))[0]!.attachments.map((attachment) => attachment.id)).toEqual(sent.body.attachments.map((attachment) => attachment.id));
    });

    test("files alone, without payload_json or attachments entries, make a message of files", async () => {
      const sent = await reply<MessageBody>(await multipart("POST", `/channels/${general}/messages`, alice, formOf(undefined, [{ name: "files[0]", bytes: "only a file", filename: "a.txt" }])));
      expect(sent.status).toBe(201);
      expect(sent.body.attachments.map((attachment) => attachment.filename)).toEqual(["a.txt"]);
    });

    test("an edit keeps the attachments its attachments array names, removes the others, and may add files", async () => {
      const form = formOf({ content: "edit me" }, [
        { name: "files[0]", bytes: "first", filename: "first.txt" },
        { name: "files[1]", bytes: "second", filename: "second.txt" },
      ]);
      const sent = (await reply<MessageBody>(await multipart("POST", `/channels/${general}/messages`, alice, form))).body;
      const [first, second] = sent.attachments as [MessageBody["attachments"][0], MessageBody["attachments"][0]];
      // discord.py echoes whole attachment objects: their other fields are ignored.
      const kept = expectStatus(await api.patch<MessageBody>(`/channels/${general}/messages/${sent.id}`, alice, { attachments: [{ ...first }] }), 200);
      expect(kept.attachments.map((attachment) => attachment.id)).toEqual([first.id]);
      expect(kept.content).toBe("edit me");
      expect((await fetch(second.url)).status).toBe(404);
      const added = await reply<MessageBody>(
        await multipart("PATCH", `/channels/${general}/messages/${sent.id}`, alice, formOf({ attachments: [{ id: first.id }, { id: 0, description: "new" }] }, [{ name: "files[0]", bytes: "third", filename: "third.txt" }])),
      );
      expect(added.status).toBe(200);
      expect(added.body.attachments.map((attachment) => [attachment.filename, attachment.description])).toEqual([["first.txt", undefined], ["third.txt", "new"]]);
      expect((await history(api, bob, general)).find((message) => message.id === sent.id)?.attachments.map((attachment) => attachment.filename)).toEqual(["first.txt", "third.txt"]);
      const unknown = await api.patch(`/channels/${general}/messages/${sent.id}`, alice, { attachments: [{ id: second.id }] });
      expectError(unknown, 400, 50035);
      expect(Object.keys(fieldErrors(unknown.body))).toEqual(["attachments.0.id"]);
      // Removing every attachment of a message without content leaves it empty: refused.
      const onlyFile = (await reply<MessageBody>(await multipart("POST", `/channels/${general}/messages`, alice, formOf(undefined, [{ name: "files[0]", bytes: "x", filename: "x.txt" }])))).body;
      expectError(await api.patch(`/channels/${general}/messages/${onlyFile.id}`, alice, { attachments: [] }), 400, 50035);
    });

    test("one bad file fails the whole request and writes nothing", async () => {
      const before = await history(api, bob, general);
      const empty = await reply<{ code: number; errors: unknown }>(
        await multipart("POST", `/channels/${general}/messages`, alice, formOf({ content: "bad" }, [
          { name: "files[0]", bytes: "good", filename: "good.txt" },
          { name: "files[1]", bytes: new Uint8Array(0), filename: "empty.txt" },
        ])),
      );
      expect(empty.status).toBe(400);
      expect(Object.keys(fieldErrors(empty.body))).toEqual(["files[1]"]);
      const large = await multipart("POST", `/channels/${general}/messages`, alice, formOf({ content: "big" }, [
        { name: "files[0]", bytes: "good", filename: "good.txt" },
        { name: "files[1]", bytes: new Uint8Array(LIMIT + 1), filename: "big.bin" },
      ]));
      expect(large.status).toBe(413);
      const badEmbed = await multipart("POST", `/channels/${general}/messages`, alice, formOf({ content: "x", embeds: [{ title: "x".repeat(300) }] }, [{ name: "files[0]", bytes: "good", filename: "good.txt" }]));
      expect(badEmbed.status).toBe(400);
      expect(fieldErrors(await badEmbed.json())).toEqual({ "embeds.0.title": "Must be 256 or fewer in length." });
      expect(await history(api, bob, general)).toEqual(before);
    });

    test("the form is payload_json and files[n] only; payload_json must be a JSON object; more than 10 files is 400", async () => {
      expect((await multipart("POST", `/channels/${general}/messages`, alice, formOf({ content: "x" }, [{ name: "other", text: "y" }]))).status).toBe(400);
      const broken = new FormData();
      broken.append("payload_json", "{not json");
      const malformed = await reply<{ code: number }>(await multipart("POST", `/channels/${general}/messages`, alice, broken));
      expect(malformed).toMatchObject({ status: 400, body: { code: 50109 } });
      const parts = Array.from({ length: 11 }, (_, index): Part => ({ name: `files[${index}]`, bytes: `file ${index}`, filename: `${index}.txt` }));
      expect((await multipart("POST", `/channels/${general}/messages`, alice, formOf({}, parts))).status).toBe(400);
      expect((await multipart("POST", `/channels/${general}/messages`, alice, formOf({ content: "x", bogus: true }))).status).toBe(400);
      // A NUL escaped in payload_json (\u0000) is one once parsed: refused by name, as in a JSON body, never a 500.
      const nul = await reply<unknown>(await multipart("POST", `/channels/${general}/messages`, alice, formOf({ content: "a\u0000b" })));
      expect({ status: nul.status, errors: fieldErrors(nul.body) }).toEqual({ status: 400, errors: { content: "Must not contain NUL characters." } });
    });

    test("the OpenAPI document describes send and edit as JSON and as the multipart form", async () => {
      const document = (await (await server.request("/swagger/json")).json()) as {
        paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>>;
      };
      for (const [path, method] of [["/api/v1/channels/{id}/messages", "post"], ["/api/v1/channels/{id}/messages/{message_id}", "patch"]] as const) {
        const content = document.paths[path]?.[method]?.requestBody?.content ?? {};
        expect(Object.keys(content).sort()).toEqual(["application/json", "multipart/form-data"]);
        expect(Object.keys(content["multipart/form-data"]?.schema?.properties ?? {})).toEqual(["payload_json", "files[0]"]);
        expect(Object.keys(content["application/json"]?.schema?.properties ?? {})).toContain("embeds");
      }
    });

    test("files need ATTACH_FILES (403 50013)", async () => {
      const channel = (await createTextChannel(api, owner, guildId, "no-files")).id;
      await overwriteMember(api, owner, channel, bob.user.id, { deny: ["ATTACH_FILES"] });
      const refused = await reply<{ code: number }>(await multipart("POST", `/channels/${channel}/messages`, bob, formOf({ content: "x" }, [{ name: "files[0]", bytes: "f", filename: "f.txt" }])));
      expect(refused).toMatchObject({ status: 403, body: { code: 50013 } });
      expect(await history(api, bob, channel)).toEqual([]);
    });

    test("Discord's pins routes: PUT and DELETE /messages/pins/{id}, and the list of {pinned_at, message} with before and limit", async () => {
      const channel = (await createTextChannel(api, owner, guildId, "pins")).id;
      const messages: MessageBody[] = [];
      for (const text of ["one", "two", "three"]) {
        const message = await send(api, alice, channel, text);
        messages.push(message);
        expectStatus(await api.put(`/channels/${channel}/messages/pins/${message.id}`, owner), 204);
      }
      const page = expectStatus(await api.get<PinsPage>(`/channels/${channel}/messages/pins`, bob), 200);
      expect(page.has_more).toBe(false);
      expect(page.items.map((item) => item.message.content)).toEqual(["three", "two", "one"]);
      expect(page.items.every((item) => item.message.pinned && !Number.isNaN(Date.parse(item.pinned_at)))).toBe(true);
      const first = expectStatus(await api.get<PinsPage>(`/channels/${channel}/messages/pins?limit=2`, bob), 200);
      expect({ contents: first.items.map((item) => item.message.content), has_more: first.has_more }).toEqual({ contents: ["three", "two"], has_more: true });
      const rest = expectStatus(await api.get<PinsPage>(`/channels/${channel}/messages/pins?limit=2&before=${encodeURIComponent(first.items[1]!.pinned_at)}`, bob), 200);
      expect({ contents: rest.items.map((item) => item.message.content), has_more: rest.has_more }).toEqual({ contents: ["one"], has_more: false });
      expectStatus(await api.delete(`/channels/${channel}/messages/pins/${messages[1]!.id}`, owner), 204);
      expect(expectStatus(await api.get<PinsPage>(`/channels/${channel}/messages/pins`, bob), 200).items.map((item) => item.message.content)).toEqual(["three", "one"]);
      // The old routes see the same pins.
      expect(expectStatus(await api.get<MessageBody[]>(`/channels/${channel}/pins`, bob), 200).map((message) => message.content)).toEqual(["three", "one"]);
      expectError(await api.put(`/channels/${channel}/messages/pins/${messages[1]!.id}`, alice), 403, 50013);
      expectError(await api.put(`/channels/${channel}/messages/pins/123`, owner), 404, 10008);
      expectError(await api.get(`/channels/${channel}/messages/pins?limit=51`, bob), 400, 50035);
      expectError(await api.get(`/channels/${channel}/messages/pins?before=yesterday`, bob), 400, 50035);
    });
  });
}
