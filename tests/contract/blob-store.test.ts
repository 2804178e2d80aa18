import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BlobStore } from "../../src/domains/message/domain/blob-store";
import { FilesystemBlobStore } from "../../src/shared/infrastructure/filesystem-blob-store";
import { MemoryBlobStore } from "../../src/shared/infrastructure/memory/memory-blob-store";

const root = mkdtempSync(join(tmpdir(), "xcord-blobs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const stores: Array<[string, () => BlobStore]> = [
  ["MemoryBlobStore", () => new MemoryBlobStore()],
  ["FilesystemBlobStore", () => new FilesystemBlobStore(join(root, crypto.randomUUID()))],
];

for (const [name, make] of stores) {
  describe(`BlobStore contract: ${name}`, () => {
    test("put, get and delete round-trip the exact bytes", async () => {
      const store = make();
      const bytes = Uint8Array.from([0, 1, 2, 255, 128]);
      await store.put("117558655875809280", bytes);
      const blob = await store.get("117558655875809280");
      expect(blob && new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
      await store.delete("117558655875809280");
      expect(await store.get("117558655875809280")).toBeNull();
    });

    test("absent keys read as null and delete quietly; a put replaces", async () => {
      const store = make();
      expect(await store.get("1")).toBeNull();
      await store.delete("1");
      await store.put("2", new TextEncoder().encode("first"));
      await store.put("2", new TextEncoder().encode("second"));
      expect(await (await store.get("2"))!.text()).toBe("second");
    });

    test("a stored blob does not change when the caller reuses its buffer", async () => {
      const store = make();
      const bytes = new TextEncoder().encode("stable");
      await store.put("3", bytes);
      bytes.fill(0);
      expect(await (await store.get("3"))!.text()).toBe("stable");
    });
  });
}

describe("FilesystemBlobStore", () => {
  test("refuses keys that could leave its directory, and leaves no temporary files", async () => {
    const dir = join(root, "safety");
    const store = new FilesystemBlobStore(dir);
    for (const key of ["../escape", "a/b", "", ".."]) await expect(store.put(key, new Uint8Array(1))).rejects.toThrow("unsafe blob key");
    await store.put("12345", new Uint8Array(3));
    expect(readdirSync(join(dir, "45"))).toEqual(["12345"]);
  });
});
