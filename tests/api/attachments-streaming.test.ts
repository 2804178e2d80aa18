/**
 * Uploads stream from the request into the blob store (issue 17, item 3): a file of many 256 KiB chunks comes back
 * byte for byte; a file over MAX_UPLOAD_BYTES is stopped while it streams, with the documented 413 40005 and nothing
 * left in the store; a client that goes away mid-upload leaves nothing either. Embedded mode runs on a DATA_DIR on
 * disk here (the filesystem store, whose files the test can list); the PostgreSQL mode on its chunk rows.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { type ApiClient, createGuild, expectError, expectStatus, generalOf, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { type AttachmentBody, upload } from "../support/message";
import { MODES, type TestServer, waitFor } from "../support/server";

const MAX = 4 * 1024 * 1024;

/** Bytes that differ at every position modulo a prime, so a misplaced or repeated chunk cannot go unnoticed. */
const patterned = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) % 251);

for (const mode of MODES) {
  describe(`streamed uploads (${mode.name})`, () => {
    const dataDir = mode.name === "embedded" ? mkdtempSync(join(tmpdir(), "xcord-uploads-")) : undefined;
    let server: TestServer;
    let alice: TestUser;
    let channel: string;

    /** What the node's blob store holds, finished or not: files (temporary ones too) or keys with chunk rows. */
    const stored = async (): Promise<Set<string>> => {
      if (dataDir) {
        const root = join(dataDir, "attachments");
        const entries = readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
        return new Set(entries.map((entry) => entry.name));
      }
      const rows = (await server.app.database.db.execute(sql`SELECT DISTINCT key FROM blob_chunks`)) as unknown as Array<{ key: string }>;
      return new Set(rows.map((row) => row.key));
    };
    const added = async (before: Set<string>) => [...(await stored())].filter((key) => !before.has(key));

    beforeAll(async () => {
      const env: Record<string, string> = { MAX_UPLOAD_BYTES: String(MAX), ...(dataDir ? { DATA_DIR: dataDir } : {}) };
      let api: ApiClient;
      ({ server, api, users: [alice] } = await startGuildServer(mode, 1, env));
      channel = generalOf(await createGuild(api, alice, "Streams")).id;
      // The store's directory exists once something was stored.
      expectStatus(await upload(server, alice, channel, "warm", "warm.txt"), 201);
    });
    afterAll(async () => {
      await server.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    test("a 3 MB file (a dozen 256 KiB chunks and a tail) downloads byte for byte, typed from its first bytes", async () => {
      const bytes = patterned(3_000_000);
      // A PDF signature up front: the type is detected from the start of the stream, not from the whole file.
      bytes.set(new TextEncoder().encode("%PDF-1.4\n"));
      const file = expectStatus(await upload(server, alice, channel, bytes, "big.pdf"), 201) as AttachmentBody;
      expect({ size: file.size, content_type: file.content_type }).toEqual({ size: bytes.byteLength, content_type: "application/pdf" });
      const download = await fetch(file.url);
      expect(download.status).toBe(200);
      expect(Buffer.compare(Buffer.from(await download.arrayBuffer()), Buffer.from(bytes))).toBe(0);
    });

    test("text is told from every byte, not only the first ones: a NUL past the head makes it octet-stream", async () => {
      const text = new TextEncoder().encode("line of text\n".repeat(40_000));
      expect((expectStatus(await upload(server, alice, channel, text, "notes.txt"), 201) as AttachmentBody).content_type).toBe("text/plain");
      text[text.byteLength - 10] = 0;
      expect((expectStatus(await upload(server, alice, channel, text, "notes.txt"), 201) as AttachmentBody).content_type).toBe("application/octet-stream");
    });

    test("a file over MAX_UPLOAD_BYTES is stopped while it streams: 413 40005, and nothing of it stays in the store", async () => {
      const before = await stored();
      // Within the request limit (MAX plus the form's framing), so the body is read and the store is the one to stop it.
      const response = await upload(server, alice, channel, patterned(MAX + 10_000), "too-big.bin");
      expectError(response, 413, 40005);
      expect(await added(before)).toEqual([]);
      // Exactly the limit is fine.
      expect((expectStatus(await upload(server, alice, channel, patterned(MAX), "max.bin"), 201) as AttachmentBody).size).toBe(MAX);
    });

    test("a client that goes away mid-upload leaves nothing in the store, and no server error", async () => {
      const before = await stored();
      const boundary = "xcordstreamboundary";
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
      const total = head.length + 3_000_000 + `\r\n--${boundary}--\r\n`.length;
      const { hostname, port } = new URL(server.url);
      let drained = Promise.withResolvers<void>();
      const socket = await Bun.connect({
        hostname,
        port: Number(port),
        socket: {
          data() {},
          drain() {
            drained.resolve();
          },
        },
      });
      /** Writes all of `bytes`, waiting for the socket to drain whenever the kernel's buffer is full. */
      const send = async (bytes: Uint8Array) => {
        for (let sent = 0; sent < bytes.byteLength; ) {
          const written = socket.write(bytes.subarray(sent));
          sent += written;
          if (sent < bytes.byteLength) {
            await drained.promise;
            drained = Promise.withResolvers<void>();
          }
        }
      };
      await send(
        new TextEncoder().encode(
          `POST /api/v1/channels/${channel}/attachments HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${alice.access_token}\r\n` +
            `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${total}\r\n\r\n${head}`,
        ),
      );
      // A megabyte of the three announced: the store is writing the file when the client disappears.
      await send(patterned(1024 * 1024));
      await waitFor(async () => (await added(before)).length > 0, { what: "the upload to reach the store", timeoutMs: 10_000 });
      socket.terminate();
      await waitFor(async () => (await added(before)).length === 0, { what: "the partial upload to be removed", timeoutMs: 10_000 });
      expect(server.logs.filter((line) => line.includes('"level":50') || line.includes("unexpected error"))).toEqual([]);
    });
  });
}
