/**
 * Attachments on every node (issue 17, item 3): two nodes on one PostgreSQL and Redis, each with a DATA_DIR of its
 * own (nothing shared on disk), once with the PostgreSQL blob store (the default with DATABASE_URL) and once with
 * an S3-compatible bucket (s3rver on loopback, started here). A file uploaded through node A is served byte for byte
 * by node B through the signed link A handed out; once its message is deleted neither node serves it, and the purge
 * run by either node removes the bytes from the shared store.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import S3rver from "s3rver";
import { type ApiClient, apiClient, createGuild, expectStatus, generalOf, joinAll, registerUsers } from "../support/guild";
import { type TestUser, identityEnv } from "../support/identity";
import { type AttachmentBody, type MessageBody, send, upload } from "../support/message";
import { type TestServer, modeNamed, startServer } from "../support/server";

const mode = modeNamed("postgres+redis");
const root = mkdtempSync(join(tmpdir(), "xcord-shared-blobs-"));
const BUCKET = "xcord-shared";

let s3: S3rver;
let s3Endpoint: string;

beforeAll(async () => {
  s3 = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: join(root, "s3"), configureBuckets: [{ name: BUCKET, configs: [] }] });
  const started = await Promise.race([s3.run(), Bun.sleep(10_000).then(() => Promise.reject(new Error("s3rver did not start within 10 s")))]);
  s3Endpoint = `http://127.0.0.1:${started.port}`;
});
afterAll(async () => {
  // Bun's S3 client keeps its connections alive: close() would wait for them.
  s3.httpServer?.closeAllConnections();
  await s3.close();
  rmSync(root, { recursive: true, force: true });
});

/** Whether the shared store still holds the attachment's bytes, asked of the store itself (not of a node). */
interface Backend {
  readonly name: string;
  env(): Record<string, string>;
  holds(server: TestServer, id: string): Promise<boolean>;
}

const backends: Backend[] = [
  {
    name: "PostgreSQL blob store (default with DATABASE_URL)",
    env: () => ({}),
    async holds(server, id) {
      const rows = (await server.app.database.db.execute(sql`SELECT count(*)::int AS n FROM blob_chunks WHERE key = ${id}`)) as unknown as Array<{ n: number }>;
      return rows[0]!.n > 0;
    },
  },
  {
    name: "S3-compatible bucket (S3_BUCKET)",
    env: () => ({
      S3_ENDPOINT: s3Endpoint,
      S3_BUCKET: BUCKET,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_KEY_PREFIX: `shared-test-${crypto.randomUUID()}/`,
    }),
    holds: async (server, id) =>
      new Bun.S3Client({ endpoint: s3Endpoint, bucket: BUCKET, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1" }).exists(
        `${server.app.config.s3!.keyPrefix}${id}`,
      ),
  },
];

/** Bytes that differ at every position modulo a prime, several 256 KiB chunks long with an odd tail. */
const payload = Uint8Array.from({ length: 700_001 }, (_, i) => (i * 31 + 11) % 251);

/** The signed link `url` (made by one node) pointed at another node's address. */
const onNode = (url: string, server: TestServer) => {
  const link = new URL(url);
  return `${server.url}${link.pathname}${link.search}`;
};

for (const backend of backends) {
  describe(`attachments shared by two nodes: ${backend.name}`, () => {
    let nodeA: TestServer;
    let nodeB: TestServer;
    let apiA: ApiClient;
    let apiB: ApiClient;
    let owner: TestUser;
    let member: TestUser;
    let channel: string;

    beforeAll(async () => {
      const env = backend.env();
      // Each node a disk of its own: a file kept there would not be found by the other.
      nodeA = await startServer(mode, identityEnv(mode, { ...env, NODE_ID: "41", DATA_DIR: join(root, `a-${crypto.randomUUID()}`) }));
      nodeB = await startServer(mode, identityEnv(mode, { ...env, NODE_ID: "42", DATA_DIR: join(root, `b-${crypto.randomUUID()}`) }));
      [apiA, apiB] = [apiClient(nodeA), apiClient(nodeB)];
      [owner, member] = await registerUsers(nodeA, 2);
      const guild = await createGuild(apiA, owner, "Shared files");
      await joinAll(apiA, owner, guild, [member]);
      channel = generalOf(guild).id;
    });
    afterAll(async () => {
      await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    });

    test("uploaded through node A, served by node B byte for byte; gone from both once deleted and purged", async () => {
      expect(nodeA.app.config.blobStore).toBe(backend.name.startsWith("S3") ? "s3" : "postgres");
      const file = expectStatus(await upload(nodeA, member, channel, payload, "data.bin"), 201) as AttachmentBody;
      expect(file.size).toBe(payload.byteLength);
      expect(new URL(file.url).origin).toBe(nodeA.url);
      const message = await send(apiA, member, channel, { content: "shared", attachments: [file.id] });
      expect(message.attachments.map((attachment) => attachment.id)).toEqual([file.id]);

      // The link node A signed opens on node B (one signing key for the cluster), streamed in full.
      for (const node of [nodeB, nodeA]) {
        const response = await fetch(onNode(file.url, node));
        expect(response.status).toBe(200);
        expect(response.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''data.bin");
        expect(Buffer.compare(Buffer.from(await response.arrayBuffer()), Buffer.from(payload))).toBe(0);
      }
      // Node B's view of the message links the same file, signed by B, which node A serves.
      const seenByB = expectStatus(await apiB.get<MessageBody>(`/channels/${channel}/messages/${message.id}`, owner), 200);
      const viaA = await fetch(onNode(seenByB.attachments[0]!.url, nodeA));
      expect(Buffer.compare(Buffer.from(await viaA.arrayBuffer()), Buffer.from(payload))).toBe(0);
      // Neither node kept the file on its own disk.
      for (const node of [nodeA, nodeB]) expect(existsSync(join(node.app.config.dataDir, "attachments"))).toBe(false);
      expect(await backend.holds(nodeA, file.id)).toBe(true);

      expectStatus(await apiB.delete(`/channels/${channel}/messages/${message.id}`, member), 204);
      for (const node of [nodeA, nodeB]) expect((await fetch(onNode(file.url, node))).status).toBe(404);
      expect(await nodeB.app.message.useCases.purgeUnused()).toBeGreaterThanOrEqual(1);
      expect(await backend.holds(nodeA, file.id)).toBe(false);
      for (const node of [nodeA, nodeB]) expect((await fetch(onNode(file.url, node))).status).toBe(404);
    });
  });
}
