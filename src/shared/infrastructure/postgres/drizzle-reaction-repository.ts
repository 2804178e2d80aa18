import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { ReactionRepository } from "../../../domains/message/domain/reaction-repository";
import type { DbExecutor } from "./database";
import { messageReactions, messages } from "./message-schema";

/** Reactions in Postgres; the primary key (message, emoji, user) makes a reaction once per user and serves the user lists. */
export class DrizzleReactionRepository implements ReactionRepository {
  constructor(private readonly db: DbExecutor) {}

  async add(channelId: string, messageId: string, emoji: string, userId: string, at: Date): Promise<boolean> {
    const rows = await this.db
      .insert(messageReactions)
      .values({ channelId, messageId, emoji, userId, createdAt: at })
      .onConflictDoNothing()
      .returning({ userId: messageReactions.userId });
    if (rows.length > 0) await this.count(channelId, messageId, 1);
    return rows.length > 0;
  }

  async remove(channelId: string, messageId: string, emoji: string, userId: string): Promise<boolean> {
    const rows = await this.db
      .delete(messageReactions)
      .where(and(eq(messageReactions.messageId, messageId), eq(messageReactions.emoji, emoji), eq(messageReactions.userId, userId)))
      .returning({ userId: messageReactions.userId });
    if (rows.length > 0) await this.count(channelId, messageId, -1);
    return rows.length > 0;
  }

  /** Keeps the message's reaction counter, which lets history reads skip messages without reactions. */
  private async count(channelId: string, messageId: string, by: 1 | -1): Promise<void> {
    await this.db
      .update(messages)
      .set({ reactionCount: sql`${messages.reactionCount} + ${by}` })
      .where(and(eq(messages.channelId, channelId), eq(messages.id, messageId)));
  }

  async emojis(messageId: string): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ emoji: messageReactions.emoji })
      .from(messageReactions)
      .where(eq(messageReactions.messageId, messageId));
    return rows.map((row) => row.emoji);
  }

  async users(messageId: string, emoji: string, page: { limit: number; after?: string }): Promise<string[]> {
    const rows = await this.db
      .select({ userId: messageReactions.userId })
      .from(messageReactions)
      .where(
        and(
          eq(messageReactions.messageId, messageId),
          eq(messageReactions.emoji, emoji),
          page.after !== undefined ? gt(messageReactions.userId, page.after) : undefined,
        ),
      )
      .orderBy(asc(messageReactions.userId))
      .limit(page.limit);
    return rows.map((row) => row.userId);
  }

  async mine(userId: string, messageIds: readonly string[]): Promise<{ messageId: string; emoji: string }[]> {
    if (messageIds.length === 0) return [];
    return this.db
      .select({ messageId: messageReactions.messageId, emoji: messageReactions.emoji })
      .from(messageReactions)
      .where(and(eq(messageReactions.userId, userId), sql`${messageReactions.messageId} = ANY(${sql.param([...messageIds])}::bigint[])`));
  }
}
