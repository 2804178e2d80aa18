import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import S3rver from "s3rver";
import { BlobTooLargeError, type BlobStore, type StoredBlob } from "../../src/domains/message/domain/blob-store";
import { FilesystemBlobStore } from "../../src/shared/infrastructure/filesystem-blob-store";
import { MemoryBlobStore } from "../../src/shared/infrastructure/memory/memory-blob-store";
import { type Database, type Db, createPostgresDatabase } from "../../src/shared/infrastructure/postgres/database";
import { BLOB_CHUNK_BYTES, PostgresBlobStore } from "../../src/shared/infrastructure/postgres/postgres-blob-store";
import { S3BlobStore, createS3Client } from "../../src/shared/infrastructure/s3-blob-store";

const root = mkdtempSync(join(tmpdir(), "xcord-blobs-"));

const MISSING_DATABASE = "DATABASE_URL is not set: run the suite with `bun run test`, which starts PostgreSQL";
const databaseUrl = process.env.DATABASE_URL;
const pgBouncerUrl = process.env.PGBOUNCER_URL;

/** The harness's PostgreSQL (migrated), and the same database through PgBouncer in transaction mode when it runs. */
let postgresDb: Database;
let bouncedDb: Database | undefined;

/**
 * An S3-protocol server (s3rver: the fake S3 server of the npm registry, in-process, files under a temporary
 * directory) on a free loopback port, with one bucket. It answers the calls Bun's S3 client makes (PUT, multipart
 * upload, HEAD, GET with streaming, DELETE) the way S3 does, NoSuchKey included.
 */
let s3: { server: S3rver; endpoint: string };
const S3_BUCKET = "xcord-contract";
const s3Client = () =>
  createS3Client({
    endpoint: s3.endpoint,
    bucket: S3_BUCKET,
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    sessionToken: undefined,
    forcePathStyle: true,
    keyPrefix: "",
  });

/** Rejects after `ms` so that a server that never answers fails the hook instead of hanging the run. */
const within = <T>(ms: number, what: string, work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what} took more than ${ms} ms`)), ms).unref())]);

beforeAll(async () => {
  if (!databaseUrl) throw new Error(MISSING_DATABASE);
  postgresDb = createPostgresDatabase(databaseUrl, 4);
  await within(20_000, "migrating PostgreSQL", postgresDb.migrate());
  // PGBOUNCER_URL carries `?pgbouncer=true` (no named prepared statements), as an operator's DATABASE_URL would.
  if (pgBouncerUrl) bouncedDb = createPostgresDatabase(pgBouncerUrl, 4);
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: join(root, "s3"), configureBuckets: [{ name: S3_BUCKET, configs: [] }] });
  const { port } = await within(10_000, "starting s3rver", server.run());
  s3 = { server, endpoint: `http://127.0.0.1:${port}` };
});

afterAll(async () => {
  // Bun's S3 client keeps its connections alive, and an upload cut off midway may leave one open: close() would wait
  // for them, so they are ended first.
  s3?.server.httpServer?.closeAllConnections();
  await Promise.all([postgresDb?.close(), bouncedDb?.close(), s3 ? within(5000, "stopping s3rver", s3.server.close()) : undefined]);
  rmSync(root, { recursive: true, force: true });
});

/** A store, and a unique key maker (stores that share a database or bucket must not collide across runs). */
const stores: Array<[string, () => BlobStore]> = [
  ["MemoryBlobStore", () => new MemoryBlobStore()],
  ["FilesystemBlobStore", () => new FilesystemBlobStore(join(root, crypto.randomUUID()))],
  ["PostgresBlobStore", () => new PostgresBlobStore(postgresDb.db)],
  ...(pgBouncerUrl ? [["PostgresBlobStore through PgBouncer (transaction mode)", () => new PostgresBlobStore(bouncedDb!.db)] as [string, () => BlobStore]] : []),
  ["S3BlobStore (s3rver)", () => new S3BlobStore(s3Client(), `run-${crypto.randomUUID()}/`)],
];

/** Keys are snowflakes in XCord; each test takes fresh ones so that shared databases and buckets never collide. */
let counter = 0;
const key = () => `${Date.now()}${String(++counter).padStart(4, "0")}${Math.floor(Math.random() * 1000)}`;

const bytesOf = async (blob: StoredBlob | null): Promise<Uint8Array> => {
  if (!blob) throw new Error("blob is absent");
  return new Uint8Array(await new Response(blob.stream()).arrayBuffer());
};
const textOf = async (blob: StoredBlob | null) => new TextDecoder().decode(await bytesOf(blob));

/** Bytes that differ at every position modulo a prime, so a misplaced or repeated chunk cannot go unnoticed. */
const patterned = (length: number, seed = 7) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 251);

/**
 * `bytes` as a stream of `chunk`-byte pieces, pulled one at a time, recording how far it was read and whether it was
 * cancelled; with `failAt`, the stream errors once that many bytes have gone out (a client cut off mid-upload).
 */
const streamOf = (bytes: Uint8Array, chunk: number, failAt?: number) => {
  const seen = { read: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (failAt !== undefined && seen.read >= failAt) return controller.error(new Error("client went away"));
        if (seen.read >= bytes.byteLength) return controller.close();
        const piece = bytes.slice(seen.read, seen.read + chunk);
        seen.read += piece.byteLength;
        controller.enqueue(piece);
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
};

for (const [name, make] of stores) {
  describe(`BlobStore contract: ${name}`, () => {
    test("putStream stores a stream of many uneven chunks byte for byte, answers its size, and replaces", async () => {
      const store = make();
      const id = key();
      const bytes = patterned(BLOB_CHUNK_BYTES * 3 + 777);
      await store.put(id, patterned(10, 1));
      expect(await store.putStream(id, streamOf(bytes, 100_003).stream, bytes.byteLength)).toBe(bytes.byteLength);
      const blob = await store.get(id);
      expect(blob?.size).toBe(bytes.byteLength);
      expect(Buffer.compare(Buffer.from(await bytesOf(blob)), Buffer.from(bytes))).toBe(0);
      const empty = key();
      expect(await store.putStream(empty, streamOf(new Uint8Array(0), 1).stream, 10)).toBe(0);
      expect((await store.get(empty))?.size).toBe(0);
    });

    test("putStream past maxBytes stops reading, throws BlobTooLargeError and stores nothing; the old content stays", async () => {
      const store = make();
      const [fresh, existing] = [key(), key()];
      await store.put(existing, new TextEncoder().encode("kept"));
      const max = BLOB_CHUNK_BYTES * 2;
      for (const id of [fresh, existing]) {
        const source = streamOf(patterned(max * 4), 64 * 1024);
        const error = await store.putStream(id, source.stream, max).catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(BlobTooLargeError);
        // Stopped at the limit: the rest of the upload is never pulled.
        expect(source.seen.cancelled).toBe(true);
        expect(source.seen.read).toBeLessThanOrEqual(max + 64 * 1024);
      }
      expect(await store.get(fresh)).toBeNull();
      expect(await textOf(await store.get(existing))).toBe("kept");
      // Exactly maxBytes is within the limit.
      expect(await store.putStream(fresh, streamOf(patterned(max), 64 * 1024).stream, max)).toBe(max);
    });

    test("putStream of a stream that fails midway (a client gone) throws its error and stores nothing", async () => {
      const store = make();
      const [fresh, existing] = [key(), key()];
      await store.put(existing, new TextEncoder().encode("kept"));
      for (const id of [fresh, existing]) {
        const source = streamOf(patterned(BLOB_CHUNK_BYTES * 4), 64 * 1024, BLOB_CHUNK_BYTES * 2 + 100);
        await expect(store.putStream(id, source.stream, BLOB_CHUNK_BYTES * 10)).rejects.toThrow("client went away");
      }
      expect(await store.get(fresh)).toBeNull();
      expect(await textOf(await store.get(existing))).toBe("kept");
    });

    test("put, get and delete round-trip the exact bytes", async () => {
      const store = make();
      const id = key();
      const bytes = Uint8Array.from([0, 1, 2, 255, 128]);
      await store.put(id, bytes);
      const blob = await store.get(id);
      expect(blob?.size).toBe(5);
      expect(await bytesOf(blob)).toEqual(bytes);
      await store.delete(id);
      expect(await store.get(id)).toBeNull();
    });

    test("absent keys read as null and delete quietly; a put replaces", async () => {
      const store = make();
      const [absent, replaced] = [key(), key()];
      expect(await store.get(absent)).toBeNull();
      await store.delete(absent);
      await store.put(replaced, new TextEncoder().encode("first"));
      await store.put(replaced, new TextEncoder().encode("second"));
      const blob = await store.get(replaced);
      expect(blob?.size).toBe(6);
      expect(await textOf(blob)).toBe("second");
    });

    test("a stored blob does not change when the caller reuses its buffer", async () => {
      const store = make();
      const id = key();
      const bytes = new TextEncoder().encode("stable");
      await store.put(id, bytes);
      bytes.fill(0);
      expect(await textOf(await store.get(id))).toBe("stable");
    });

    test("a file of several chunks (and an odd tail) comes back byte for byte, and can be read twice", async () => {
      const store = make();
      const id = key();
      const bytes = patterned(BLOB_CHUNK_BYTES * 3 + 12_345);
      await store.put(id, bytes);
      const blob = await store.get(id);
      expect(blob?.size).toBe(bytes.byteLength);
      expect(Buffer.compare(Buffer.from(await bytesOf(blob)), Buffer.from(bytes))).toBe(0);
      expect(Buffer.compare(Buffer.from(await bytesOf(blob)), Buffer.from(bytes))).toBe(0);
      await store.delete(id);
      expect(await store.get(id)).toBeNull();
    });

    test("a file of exactly one chunk, and an empty one, keep their length", async () => {
      const store = make();
      const [whole, empty] = [key(), key()];
      await store.put(whole, patterned(BLOB_CHUNK_BYTES, 3));
      await store.put(empty, new Uint8Array(0));
      expect(await bytesOf(await store.get(whole))).toEqual(patterned(BLOB_CHUNK_BYTES, 3));
      const none = await store.get(empty);
      expect(none?.size).toBe(0);
      expect((await bytesOf(none)).byteLength).toBe(0);
    });

    test("blobs are independent: deleting one leaves the others whole", async () => {
      const store = make();
      const ids = [key(), key(), key()];
      await Promise.all(ids.map((id, i) => store.put(id, patterned(1000 + i, i))));
      await store.delete(ids[1]!);
      expect(await bytesOf(await store.get(ids[0]!))).toEqual(patterned(1000, 0));
      expect(await store.get(ids[1]!)).toBeNull();
      expect(await bytesOf(await store.get(ids[2]!))).toEqual(patterned(1002, 2));
    });
  });
}

describe("PostgresBlobStore", () => {
  /** How many SELECTs the store issues through `db`. */
  const countingSelects = (db: Db) => {
    const counter = { selects: 0 };
    const proxy = new Proxy(db, {
      get(target, property, receiver) {
        if (property === "select") counter.selects++;
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    return { db: proxy as Db, counter };
  };

  const chunkRows = async (id: string) => {
    const rows = (await postgresDb.db.execute(
      sql`SELECT seq, octet_length(data) AS length FROM blob_chunks WHERE key = ${id} ORDER BY generation, seq`,
    )) as unknown as Array<{ seq: number; length: number }>;
    return rows.map((row) => ({ seq: Number(row.seq), length: Number(row.length) }));
  };

  test("stores a file as rows of at most 256 KiB, and a replacement leaves only the new generation's rows", async () => {
    const store = new PostgresBlobStore(postgresDb.db);
    const id = key();
    await store.put(id, patterned(BLOB_CHUNK_BYTES * 2 + 10));
    expect(await chunkRows(id)).toEqual([
      { seq: 0, length: BLOB_CHUNK_BYTES },
      { seq: 1, length: BLOB_CHUNK_BYTES },
      { seq: 2, length: 10 },
    ]);
    await store.put(id, patterned(20));
    expect(await chunkRows(id)).toEqual([{ seq: 0, length: 20 }]);
    await store.delete(id);
    expect(await chunkRows(id)).toEqual([]);
  });

  test("reads a chunk only when the reader asks for it", async () => {
    const chunk = 1024;
    const id = key();
    await new PostgresBlobStore(postgresDb.db, chunk).put(id, patterned(chunk * 20));
    const { db, counter } = countingSelects(postgresDb.db);
    const blob = await new PostgresBlobStore(db, chunk).get(id);
    expect(counter.selects).toBe(1); // the blob's row only
    const reader = blob!.stream().getReader();
    const first = await reader.read();
    expect(first.value).toEqual(patterned(chunk * 20).subarray(0, chunk));
    // One chunk handed over and at most one read ahead: far from the twenty of the whole file.
    expect(counter.selects).toBeLessThanOrEqual(1 + 2);
    await reader.cancel();
  });

  test("a blob deleted while it is read ends the stream with an error, never a shorter file", async () => {
    const chunk = 1024;
    const store = new PostgresBlobStore(postgresDb.db, chunk);
    const id = key();
    await store.put(id, patterned(chunk * 8));
    const blob = await store.get(id);
    const reader = blob!.stream().getReader();
    await reader.read();
    await store.delete(id);
    const drain = async () => {
      for (let part = await reader.read(); !part.done; part = await reader.read());
    };
    await expect(drain()).rejects.toThrow("changed while it was read");
  });

  test("a streamed write inserts chunk rows as the bytes arrive, and one stopped midway leaves no rows", async () => {
    const chunk = 1024;
    const store = new PostgresBlobStore(postgresDb.db, chunk);
    const id = key();
    let rowsWhileStreaming = -1;
    const bytes = patterned(chunk * 6);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          // Before the fifth chunk goes out, the first four are rows already: nothing waits for the whole file.
          if (sent === chunk * 4) rowsWhileStreaming = (await chunkRows(id)).length;
          if (sent === bytes.byteLength) return controller.close();
          controller.enqueue(bytes.slice(sent, sent + chunk));
          sent += chunk;
        },
      },
      { highWaterMark: 0 },
    );
    expect(await store.putStream(id, stream, bytes.byteLength)).toBe(bytes.byteLength);
    expect(rowsWhileStreaming).toBeGreaterThanOrEqual(3);
    const stopped = key();
    await expect(store.putStream(stopped, streamOf(patterned(chunk * 10), 700).stream, chunk * 5)).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await chunkRows(stopped)).toEqual([]);
  });

  test("a failed put leaves the previous content readable and no rows of its own", async () => {
    const store = new PostgresBlobStore(postgresDb.db);
    const id = key();
    await store.put(id, patterned(100));
    // The connection fails at the second chunk of the replacement.
    let inserts = 0;
    const failing = new PostgresBlobStore(
      new Proxy(postgresDb.db, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (property !== "insert") return typeof value === "function" ? value.bind(target) : value;
          return (table: never) => {
            const builder = target.insert(table);
            return inserts++ === 1 ? { values: () => Promise.reject(new Error("connection lost")) } : builder;
          };
        },
      }) as Db,
      1024,
    );
    await expect(failing.put(id, patterned(5000))).rejects.toThrow("connection lost");
    expect(await bytesOf(await store.get(id))).toEqual(patterned(100));
    expect(await chunkRows(id)).toEqual([{ seq: 0, length: 100 }]);
  });
});

describe("S3BlobStore", () => {
  test("keeps objects under its prefix, and refuses keys that are not ids", async () => {
    const prefix = `prefix-${crypto.randomUUID()}/`;
    const store = new S3BlobStore(s3Client(), prefix);
    const id = key();
    await store.put(id, new TextEncoder().encode("prefixed"));
    expect(await s3Client().file(`${prefix}${id}`).text()).toBe("prefixed");
    expect(await s3Client().exists(id)).toBe(false);
    for (const bad of ["../escape", "a/b", ""]) await expect(store.put(bad, new Uint8Array(1))).rejects.toThrow("unsafe blob key");
  });

  test("a streamed write larger than one part goes up as a multipart upload; one cut off midway leaves no object", async () => {
    const store = new S3BlobStore(s3Client(), `multipart-${crypto.randomUUID()}/`);
    const [whole, cut] = [key(), key()];
    // Bun's parts are 5 MiB: eleven make three parts.
    const bytes = patterned(11 * 1024 * 1024);
    expect(await store.putStream(whole, streamOf(bytes, 256 * 1024).stream, bytes.byteLength)).toBe(bytes.byteLength);
    expect(Buffer.compare(Buffer.from(await bytesOf(await store.get(whole))), Buffer.from(bytes))).toBe(0);
    await expect(store.putStream(cut, streamOf(bytes, 256 * 1024, 10 * 1024 * 1024).stream, bytes.byteLength)).rejects.toThrow("client went away");
    expect(await store.get(cut)).toBeNull();
    await expect(store.putStream(cut, streamOf(bytes, 256 * 1024).stream, 6 * 1024 * 1024)).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await store.get(cut)).toBeNull();
  });

  test("path-style and virtual-hosted addressing sign the URLs S3 expects", () => {
    const settings = { bucket: "files", region: "eu-west-3", accessKeyId: "AK", secretAccessKey: "SK", sessionToken: undefined, keyPrefix: "" };
    const path = new URL(createS3Client({ ...settings, endpoint: "https://objects.example", forcePathStyle: true }).presign("k"));
    expect(`${path.host}${path.pathname}`).toBe("objects.example/files/k");
    const hosted = new URL(createS3Client({ ...settings, endpoint: undefined, forcePathStyle: false }).presign("k"));
    expect(`${hosted.host}${hosted.pathname}`).toBe("files.s3.eu-west-3.amazonaws.com/k");
  });
});

describe("FilesystemBlobStore", () => {
  test("refuses keys that could leave its directory, and leaves no temporary files", async () => {
    const dir = join(root, "safety");
    const store = new FilesystemBlobStore(dir);
    for (const bad of ["../escape", "a/b", "", ".."]) await expect(store.put(bad, new Uint8Array(1))).rejects.toThrow("unsafe blob key");
    await store.put("12345", new Uint8Array(3));
    expect(readdirSync(join(dir, "45"))).toEqual(["12345"]);
    // Stopped streams leave no temporary file behind either.
    await expect(store.putStream("22245", streamOf(patterned(5000), 1000).stream, 2500)).rejects.toBeInstanceOf(BlobTooLargeError);
    await expect(store.putStream("32345", streamOf(patterned(5000), 1000, 3000).stream, 10_000)).rejects.toThrow("client went away");
    expect(readdirSync(join(dir, "45"))).toEqual(["12345"]);
  });
});
