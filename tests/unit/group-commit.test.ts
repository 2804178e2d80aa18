import { describe, expect, test } from "bun:test";
import { createGroupCommit } from "../../src/shared/infrastructure/group-commit";

/** A commit function whose calls are held until the test releases them, recording each batch. */
const heldCommits = (fails: (writes: readonly number[]) => boolean = () => false) => {
  const batches: number[][] = [];
  const held: Array<() => void> = [];
  const commit = (writes: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push([...writes]);
      held.push(() => (fails(writes) ? reject(new Error(`batch ${writes.join(",")} failed`)) : resolve()));
    });
  const releaseAll = async () => {
    while (held.length > 0) {
      held.shift()!();
      await Bun.sleep(0); // let the committer start the next batch
    }
  };
  return { batches, commit, releaseAll };
};

describe("group commit", () => {
  test("writes submitted while the slots are busy are committed together, in order, when a slot frees", async () => {
    const { batches, commit, releaseAll } = heldCommits();
    const submit = createGroupCommit({ commit, inFlight: 1, maxBatch: 10 });
    const results = [1, 2, 3, 4].map((n) => submit(n));
    expect(batches).toEqual([[1]]); // the first goes at once, alone
    await releaseAll();
    await Promise.all(results);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  test("with two slots, two writes go at once; a batch never exceeds maxBatch", async () => {
    const { batches, commit, releaseAll } = heldCommits();
    const submit = createGroupCommit({ commit, inFlight: 2, maxBatch: 2 });
    const results = [1, 2, 3, 4, 5, 6].map((n) => submit(n));
    expect(batches).toEqual([[1], [2]]);
    await releaseAll();
    await Promise.all(results);
    expect(batches).toEqual([[1], [2], [3, 4], [5, 6]]);
  });

  test("a failed batch is retried write by write: only the write that fails gets the error", async () => {
    const { batches, commit, releaseAll } = heldCommits((writes) => writes.includes(3));
    const submit = createGroupCommit({ commit, inFlight: 1, maxBatch: 10 });
    const results = [1, 2, 3, 4].map((n) => submit(n).then(() => "ok", (error: Error) => error.message));
    await releaseAll();
    expect(await Promise.all(results)).toEqual(["ok", "ok", "batch 3 failed", "ok"]);
    expect(batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });
});
