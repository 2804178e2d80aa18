import type { Clock } from "../../kernel/clock";
import type { SnowflakeGenerator } from "../../kernel/snowflake";
import { drizzleAuditLogRecorder } from "./drizzle-audit-log";
import { asc, eq, sql } from "drizzle-orm";
import type { Webhook } from "../../../domains/message/domain/webhook";
import type { WebhookRepository, WebhookUnitOfWork } from "../../../domains/message/domain/webhook-repository";
import type { DbExecutor } from "./database";
import { deleteRows } from "./delete-rows";
import { rowsOf } from "./drizzle-message-rows";
import type { Transact } from "./outbox";
import { webhooks } from "./webhook-schema";

/** Webhooks in Postgres. */
export class DrizzleWebhookRepository implements WebhookRepository {
  constructor(private readonly db: DbExecutor) {}

  async find(id: string): Promise<Webhook | null> {
    const [row] = await this.db.select().from(webhooks).where(eq(webhooks.id, id)).limit(1);
    return row ?? null;
  }

  async listByChannel(channelId: string): Promise<Webhook[]> {
    return this.db.select().from(webhooks).where(eq(webhooks.channelId, channelId)).orderBy(asc(webhooks.id));
  }

  async listByGuild(guildId: string): Promise<Webhook[]> {
    return this.db.select().from(webhooks).where(eq(webhooks.guildId, guildId)).orderBy(asc(webhooks.id));
  }

  async lockChannel(channelId: string): Promise<number> {
    // A transaction-scoped advisory lock per channel: two creations cannot both see 14 and make 16.
    await this.db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`xcord.webhooks:${channelId}`}, 0))`);
    const rows = rowsOf<{ count: number }>(await this.db.execute(sql`SELECT count(*)::int AS count FROM ${webhooks} WHERE channel_id = ${channelId}`));
    return Number(rows[0]?.count ?? 0);
  }

  async insert(webhook: Webhook): Promise<void> {
    await this.db.insert(webhooks).values(webhook);
  }

  async update(webhook: Webhook): Promise<boolean> {
    const rows = await this.db
      .update(webhooks)
      .set({ name: webhook.name, avatar: webhook.avatar, channelId: webhook.channelId })
      .where(eq(webhooks.id, webhook.id))
      .returning({ id: webhooks.id });
    return rows.length > 0;
  }

  async delete(id: string): Promise<boolean> {
    return deleteRows(this.db, webhooks, eq(webhooks.id, id));
  }
}

/** The webhook unit of work: the repository and the outbox bound to one transaction. */
export const drizzleWebhookUnitOfWork =
  (transact: Transact, ids: SnowflakeGenerator, clock: Clock): WebhookUnitOfWork =>
  (work) =>
    transact((tx, outbox) =>
      work({ webhooks: new DrizzleWebhookRepository(tx), record: async (events) => void (await outbox.write(tx, events)), ...drizzleAuditLogRecorder(tx, outbox, ids, clock) }),
    );
