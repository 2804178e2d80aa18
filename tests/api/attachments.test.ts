import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createManualClock } from "../../src/shared/kernel/clock";
import { type TestUser, identityEnv, logIn } from "../support/identity";
import {
  type ApiClient,
  type GuildBody,
  apiClient,
  createGuild,
  expectError,
  expectStatus,
  generalOf,
  guildWith,
  registerUsers,
  startGuildServer,
} from "../support/guild";
import { type AttachmentBody, type MessageBody, createTextChannel, overwriteMember, pngBytes, send, upload } from "../support/message";
import { MODES, type TestServer, startServer } from "../support/server";

const LIMIT = 64 * 1024;

for (const mode of MODES) {
  describe(`attachments (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let alice: TestUser;
    let outsider: TestUser;
    let guild: GuildBody;
    let general: string;

    beforeAll(async () => {
      ({ server, api, users: [owner, alice, outsider] } = await startGuildServer(mode, 3, { MAX_UPLOAD_BYTES: String(LIMIT) }));
      ({ guild } = await guildWith(api, owner, { name: "Files", members: [alice] }));
      general = generalOf(guild).id;
    });
    afterAll(() => server.stop());

    const uploaded = async (as: TestUser, bytes: Uint8Array | string, name: string, claimed?: string, channel = general) =>
      expectStatus(await upload(server, as, channel, bytes, name, claimed), 201) as AttachmentBody;

    test("an image keeps its type and size, and its signed URL serves it inline with nosniff", async () => {
      const png = pngBytes(32, 16);
      const file = await uploaded(alice, png, "../../picture.png", "image/png");
      expect(file).toMatchObject({ filename: "picture.png", content_type: "image/png", size: png.byteLength, width: 32, height: 16 });
      const response = await fetch(file.url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/png");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-disposition")).toStartWith("inline");
      expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(png));
    });

    test("the type comes from the bytes: a text file claiming image/png is text/plain, served as a download", async () => {
      const file = await uploaded(alice, "<script>alert(document.cookie)</script>", "evil.png", "image/png");
      expect(file).toMatchObject({ content_type: "text/plain", filename: "evil.png" });
      expect(file.width).toBeUndefined();
      const response = await fetch(file.url);
      expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(response.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''evil.png");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-security-policy")).toContain("sandbox");
    });

    test("non-ASCII filenames survive sanitizing, signing and the URL", async () => {
      const file = await uploaded(alice, "merhaba", "Çalışma İstanbul/../ğüşıöç notları.txt");
      expect(file.filename).toBe("ğüşıöç_notları.txt");
      const response = await fetch(file.url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-disposition")).toBe(`attachment; filename*=UTF-8''${encodeURIComponent("ğüşıöç_notları.txt")}`);
      expect(await response.text()).toBe("merhaba");
    });

    test("unknown binaries and executables are octet-stream, PDFs are PDFs, and all of them downloads", async () => {
      const garbage = await uploaded(alice, Uint8Array.from([0, 159, 146, 150, 1, 2, 3, 0, 255]), "data.bin", "image/jpeg");
      expect(garbage.content_type).toBe("application/octet-stream");
      const exe = new Uint8Array(512);
      exe.set([0x4d, 0x5a]);
      exe.set(new TextEncoder().encode("PE\0\0"), 128);
      new DataView(exe.buffer).setUint32(0x3c, 128, true);
      expect((await uploaded(alice, exe, "setup.exe", "image/gif")).content_type).toBe("application/octet-stream");
      const pdf = await uploaded(alice, "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "doc.pdf", "text/plain");
      expect(pdf.content_type).toBe("application/pdf");
      for (const file of [garbage, pdf]) {
        const response = await fetch(file.url);
        expect(response.headers.get("content-disposition")).toStartWith("attachment");
        expect(response.headers.get("content-type")).toBe(file.content_type);
      }
    });

    test("uploads over the limit are 413 40005, whether declared or streamed; empty or missing files 400", async () => {
      const big = await upload(server, alice, general, new Uint8Array(LIMIT + 1), "big.bin");
      expect({ status: big.status, code: big.body.code }).toEqual({ status: 413, code: 40005 });
      // Chunked, with no Content-Length: the bytes themselves are counted.
      const boundary = "xcordboundary";
      const head = new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
      const parts = [head, new Uint8Array(LIMIT + 10), tail];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = parts.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
      const streamed = await fetch(`${server.url}/api/v1/channels/${general}/attachments`, {
        method: "POST",
        headers: { authorization: `Bearer ${alice.access_token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
        body: stream,
      });
      expect(streamed.status).toBe(413);
      expect(((await streamed.json()) as { code: number }).code).toBe(40005);
      expectError(await upload(server, alice, general, new Uint8Array(0), "empty.txt"), 400, 50035);
      const form = new FormData();
      form.append("other", "x");
      const missing = await server.request(`/api/v1/channels/${general}/attachments`, { method: "POST", body: form, token: alice.access_token });
      expect(missing.status).toBe(400);
    });

    test("ATTACH_FILES is needed (403 50013); non-members get 403 50001", async () => {
      const channel = (await createTextChannel(api, owner, guild.id, "no-files")).id;
      await overwriteMember(api, owner, channel, alice.user.id, { deny: ["ATTACH_FILES"] });
      expectError(await upload(server, alice, channel, "hi", "a.txt"), 403, 50013);
      expectError(await upload(server, outsider, general, "hi", "a.txt"), 403, 50001);
    });

    test("a message carries its uploads with fresh URLs; an upload is used once, by its uploader, in its channel", async () => {
      const image = await uploaded(alice, pngBytes(2, 3), "a.png");
      const text = await uploaded(alice, "notes", "notes.txt");
      const message = await send(api, alice, general, { attachments: [{ id: image.id }, text.id] });
      expect(message.content).toBe("");
      expect(message.attachments.map((file) => [file.id, file.content_type, file.width ?? null])).toEqual([
        [image.id, "image/png", 2],
        [text.id, "text/plain", null],
      ]);
      const read = expectStatus(await api.get<MessageBody>(`/channels/${general}/messages/${message.id}`, owner), 200);
      expect(read.attachments.map((file) => file.id)).toEqual([image.id, text.id]);
      expect(await (await fetch(read.attachments[1]!.url)).text()).toBe("notes");

      expectError(await api.post(`/channels/${general}/messages`, alice, { content: "again", attachments: [image.id] }), 400, 50035);
      const ownersFile = await uploaded(owner, "mine", "mine.txt");
      expectError(await api.post(`/channels/${general}/messages`, alice, { content: "stolen", attachments: [ownersFile.id] }), 400, 50035);
      const other = (await createTextChannel(api, owner, guild.id, "elsewhere")).id;
      const wrongChannel = await uploaded(alice, "here", "here.txt", undefined, general);
      expectError(await api.post(`/channels/${other}/messages`, alice, { content: "moved", attachments: [wrongChannel.id] }), 400, 50035);
      expectError(await api.post(`/channels/${general}/messages`, alice, { attachments: Array.from({ length: 11 }, (_, i) => String(i + 1)) }), 400, 50035);
      // A refused send claims nothing: the upload is still usable.
      expect((await send(api, alice, general, { attachments: [wrongChannel.id] })).attachments).toHaveLength(1);
    });

    test("signed URLs: a changed signature, expiry or filename is 403; a deleted message's files are 404 and then purged", async () => {
      const file = await uploaded(alice, "secret", "secret.txt");
      const message = await send(api, alice, general, { content: "file", attachments: [file.id] });
      const url = new URL(message.attachments[0]!.url);
      const variant = (change: (url: URL) => void) => {
        const copy = new URL(url);
        change(copy);
        return fetch(copy).then((response) => response.status);
      };
      expect(await variant(() => {})).toBe(200);
      expect(await variant((u) => u.searchParams.set("sig", `${u.searchParams.get("sig")!.slice(0, -2)}AA`))).toBe(403);
      expect(await variant((u) => u.searchParams.set("ex", String(Number(u.searchParams.get("ex")) + 3600)))).toBe(403);
      expect(await variant((u) => u.searchParams.set("ex", "1"))).toBe(403);
      expect(await variant((u) => (u.pathname = u.pathname.replace("secret.txt", "other.txt")))).toBe(403);
      expect(await variant((u) => u.searchParams.delete("sig"))).toBe(400);
      expectStatus(await api.delete(`/channels/${general}/messages/${message.id}`, alice), 204);
      expect(await variant(() => {})).toBe(404);
      expect(await server.app.message.useCases.purgeUnused()).toBeGreaterThanOrEqual(1);
      expect(await variant(() => {})).toBe(404);
    });
  });

  describe(`attachment and nonce expiry on a controlled clock (${mode.name})`, () => {
    const clock = createManualClock(Date.now());
    let server: TestServer;
    let api: ApiClient;
    let user: TestUser;
    let channel: string;

    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode), { clock });
      api = apiClient(server);
      [user] = (await registerUsers(server, 1)) as [TestUser];
      channel = generalOf(await createGuild(api, user, "Clock")).id;
    });
    afterAll(() => server.stop());

    const freshToken = async () => {
      user = { ...user, ...(await logIn(server, user.username, user.password)) };
    };

    test("an enforced nonce lasts 5 minutes", async () => {
      const first = expectStatus(await api.post<MessageBody>(`/channels/${channel}/messages`, user, { content: "a", nonce: "n", enforce_nonce: true }), 201);
      clock.advance(4 * 60_000);
      expect((await api.post<MessageBody>(`/channels/${channel}/messages`, user, { content: "a", nonce: "n", enforce_nonce: true })).body.id).toBe(first.id);
      clock.advance(2 * 60_000);
      const later = expectStatus(await api.post<MessageBody>(`/channels/${channel}/messages`, user, { content: "a", nonce: "n", enforce_nonce: true }), 201);
      expect(later.id).not.toBe(first.id);
    });

    test("an upload unused for an hour can no longer be used, and the purge deletes it", async () => {
      const file = expectStatus(await upload(server, user, channel, "late", "late.txt"), 201);
      clock.advance(61 * 60_000);
      await freshToken();
      expectError(await api.post(`/channels/${channel}/messages`, user, { attachments: [file.id] }), 400, 50035);
      expect(await server.app.message.useCases.purgeUnused()).toBeGreaterThanOrEqual(1);
      expect((await fetch(file.url)).status).toBe(404);
    });

    test("a signed URL stops working after about a day", async () => {
      const file = expectStatus(await upload(server, user, channel, "short-lived", "day.txt"), 201);
      await send(api, user, channel, { attachments: [file.id] });
      clock.advance(23 * 3600_000);
      expect((await fetch(file.url)).status).toBe(200);
      clock.advance(3 * 3600_000);
      expect((await fetch(file.url)).status).toBe(403);
    });
  });
}
