import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { snowflakeFromTimestamp } from "../../src/shared/kernel/snowflake";
import { historyRangeQuery } from "../../src/shared/infrastructure/postgres/drizzle-message-history";
import { rowsOf } from "../../src/shared/infrastructure/postgres/drizzle-message-rows";
import { type TestUser, identityEnv } from "../support/identity";
import { type ApiClient, type GuildBody, apiClient, createGuild, expectError, registerUsers } from "../support/guild";
import { type MessageBody, createTextChannel, history, sendMany } from "../support/message";
import { MODES, type TestServer, startServer } from "../support/server";

const COUNT = 130;
const ids = (messages: readonly MessageBody[]) => messages.map((message) => message.id);

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Scan Direction"?: string;
  "Parent Relationship"?: string;
  Plans?: PlanNode[];
}
const allNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(allNodes)];
/** The plan without its subplans (the per-message attachment and reaction lookups, which sort a handful of rows). */
const mainNodes = (node: PlanNode): PlanNode[] => [
  node,
  ...(node.Plans ?? []).filter((child) => !/^(SubPlan|InitPlan)$/.test(child["Parent Relationship"] ?? "")).flatMap(mainNodes),
];

for (const mode of MODES) {
  describe(`message history pagination (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let guild: GuildBody;
    let channel: string;
    /** Oldest first. */
    let all: MessageBody[];
    let newestFirst: string[];

    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode));
      api = apiClient(server);
      [owner] = (await registerUsers(server, 1)) as [TestUser];
      guild = await createGuild(api, owner, "History");
      channel = (await createTextChannel(api, owner, guild.id, "long-history")).id;
      all = await sendMany(api, owner, channel, COUNT);
      newestFirst = ids(all).reverse();
    }, 120_000);
    afterAll(() => server.stop());

    test("without an anchor: the newest 50 by default, newest first; limit 1–100", async () => {
      expect(ids(await history(api, owner, channel))).toEqual(newestFirst.slice(0, 50));
      expect(ids(await history(api, owner, channel, "limit=100"))).toEqual(newestFirst.slice(0, 100));
      expect(ids(await history(api, owner, channel, "limit=1"))).toEqual(newestFirst.slice(0, 1));
    });

    test("walking `before` from the newest visits every message once, in order", async () => {
      const seen: string[] = [];
      let page = await history(api, owner, channel, "limit=47");
      while (page.length > 0) {
        seen.push(...ids(page));
        page = await history(api, owner, channel, `limit=47&before=${page.at(-1)!.id}`);
      }
      expect(seen).toEqual(newestFirst);
    });

    test("walking `after` from the start visits every message once; each page is the `limit` just after the anchor", async () => {
      const seen: string[] = [];
      let anchor = "0";
      for (;;) {
        const page = await history(api, owner, channel, `limit=40&after=${anchor}`);
        if (page.length === 0) break;
        expect(ids(page)).toEqual([...ids(page)].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1)));
        seen.unshift(...ids(page));
        anchor = page[0]!.id;
      }
      expect(seen).toEqual(newestFirst);
      expect(ids(await history(api, owner, channel, `limit=3&after=${all[10]!.id}`))).toEqual(ids(all.slice(11, 14)).reverse());
    });

    test("`around` is a contiguous window: limit/2 older, the anchor and the rest newer, newest first", async () => {
      const window = (index: number, limit: number) => {
        const older = Math.floor(limit / 2);
        return ids(all.slice(Math.max(0, index - older), index + (limit - older))).reverse();
      };
      expect(ids(await history(api, owner, channel, `limit=11&around=${all[60]!.id}`))).toEqual(window(60, 11));
      expect(ids(await history(api, owner, channel, `limit=10&around=${all[60]!.id}`))).toEqual(window(60, 10));
      expect(ids(await history(api, owner, channel, `around=${all[60]!.id}`))).toEqual(window(60, 50));
      expect(ids(await history(api, owner, channel, `limit=1&around=${all[5]!.id}`))).toEqual([all[5]!.id]);
      expect(ids(await history(api, owner, channel, `limit=11&around=${all[2]!.id}`))).toEqual(window(2, 11));
      expect(ids(await history(api, owner, channel, `limit=11&around=${all[COUNT - 2]!.id}`))).toEqual(window(COUNT - 2, 11));
    });

    test("bad pages are 400: limit out of range, two anchors, a non-id anchor", async () => {
      for (const query of ["limit=0", "limit=101", "limit=x", `before=${all[5]!.id}&after=${all[1]!.id}`, `around=${all[5]!.id}&before=${all[9]!.id}`, "before=abc"]) {
        expectError(await api.get(`/channels/${channel}/messages?${query}`, owner), 400, 50035);
      }
    });

    if (mode.name === "postgres+redis") {
      test("EXPLAIN: a page deep in a large channel is a range scan of the (channel_id, id) index, no sort, no seq scan", async () => {
        const db = server.app.database.db;
        const base = BigInt(snowflakeFromTimestamp(Date.now() - 30 * 24 * 3600_000));
        const other = (await createTextChannel(api, owner, guild.id, "noise")).id;
        for (const target of [channel, other]) {
          await db.execute(sql`INSERT INTO messages (id, channel_id, guild_id, author_id, content)
            SELECT ${(base + (target === channel ? 0n : 1n << 21n)).toString()}::bigint + g, ${target}::bigint, ${guild.id}::bigint, ${owner.user.id}::bigint, 'filler ' || g
            FROM generate_series(1, 40000) AS g`);
        }
        await db.execute(sql`ANALYZE messages`);
        const explain = async (range: Parameters<typeof historyRangeQuery>[2]) => {
          const query = historyRangeQuery(db, channel, range, owner.user.id).toSQL();
          const inlined = query.sql.replace(/\$(\d+)/g, (_, n: string) => {
            const value = query.params[Number(n) - 1];
            return typeof value === "number" ? String(value) : `'${String(value)}'`;
          });
          const [row] = rowsOf<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(await db.execute(sql.raw(`EXPLAIN (FORMAT JSON) ${inlined}`)));
          return row!["QUERY PLAN"][0].Plan;
        };
        const deep = (base + 20_000n).toString();
        for (const [range, direction] of [
          [{ before: deep, limit: 50 }, "Backward"],
          [{ limit: 50 }, "Backward"],
          [{ after: deep, limit: 50 }, "Forward"],
          [{ from: deep, limit: 25 }, "Forward"],
        ] as const) {
          const plan = await explain(range);
          expect(plan["Node Type"]).toBe("Limit");
          const scan = (plan.Plans ?? []).find((child) => child["Parent Relationship"] === "Outer")!;
          expect({ type: scan["Node Type"], index: scan["Index Name"], relation: scan["Relation Name"], direction: scan["Scan Direction"] }).toEqual({
            type: expect.stringMatching(/^Index (Only )?Scan$/),
            index: "messages_channel_id_pkey",
            relation: "messages",
            direction,
          });
          const onMessages = allNodes(plan).filter((node) => node["Relation Name"] === "messages");
          expect(onMessages.map((node) => node["Node Type"])).not.toContain("Seq Scan");
          expect(mainNodes(plan).map((node) => node["Node Type"])).toEqual(["Limit", scan["Node Type"]]);
        }
        const page = await history(api, owner, channel, `limit=5&before=${deep}`);
        expect(page.map((message) => message.content)).toEqual(["filler 19999", "filler 19998", "filler 19997", "filler 19996", "filler 19995"]);
      }, 60_000);
    }
  });
}
