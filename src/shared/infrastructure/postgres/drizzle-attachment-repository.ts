import { and, eq, gt, inArray, isNotNull, isNull, lt, or } from "drizzle-orm";
import type { Attachment } from "../../../domains/message/domain/attachment";
import type { AttachmentClaim, AttachmentRepository } from "../../../domains/message/domain/attachment-repository";
import type { DbExecutor } from "./database";
import { attachments } from "./message-schema";

type AttachmentRow = typeof attachments.$inferSelect;

const toAttachment = (row: AttachmentRow): Attachment => ({
  id: row.id,
  channelId: row.channelId,
  uploaderId: row.uploaderId,
  filename: row.filename,
  contentType: row.contentType,
  size: row.size,
  width: row.width,
  height: row.height,
  description: row.description,
  createdAt: row.createdAt,
});

/** Uploads in Postgres; a claim is one conditional UPDATE, so two messages can never take the same upload. */
export class DrizzleAttachmentRepository implements AttachmentRepository {
  constructor(private readonly db: DbExecutor) {}

  async insert(attachment: Attachment): Promise<void> {
    await this.db.insert(attachments).values(attachment);
  }

  async claim(claim: AttachmentClaim): Promise<Attachment[]> {
    if (claim.ids.length === 0) return [];
    const rows = await this.db
      .update(attachments)
      .set({ messageId: claim.messageId, consumedAt: new Date() })
      .where(
        and(
          inArray(attachments.id, [...claim.ids]),
          eq(attachments.uploaderId, claim.uploaderId),
          eq(attachments.channelId, claim.channelId),
          isNull(attachments.messageId),
          isNull(attachments.consumedAt),
          gt(attachments.createdAt, claim.uploadedAfter),
        ),
      )
      .returning();
    const byId = new Map(rows.map((row) => [row.id, toAttachment(row)]));
    return claim.ids.flatMap((id) => byId.get(id) ?? []);
  }

  async release(channelId: string, messageId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    // consumed_at stays set: a used attachment without a message is what the purge deletes.
    await this.db
      .update(attachments)
      .set({ messageId: null })
      .where(and(eq(attachments.channelId, channelId), eq(attachments.messageId, messageId), inArray(attachments.id, [...ids])));
  }

  async findServable(id: string): Promise<Attachment | null> {
    // A used upload whose message is gone waits for the purge; it is no longer served.
    const [row] = await this.db
      .select()
      .from(attachments)
      .where(and(eq(attachments.id, id), or(isNotNull(attachments.messageId), isNull(attachments.consumedAt))))
      .limit(1);
    return row ? toAttachment(row) : null;
  }

  async purgeable(uploadedBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: attachments.id })
      .from(attachments)
      .where(and(isNull(attachments.messageId), or(isNotNull(attachments.consumedAt), lt(attachments.createdAt, uploadedBefore))))
      .limit(limit);
    return rows.map((row) => row.id);
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.delete(attachments).where(inArray(attachments.id, [...ids]));
  }
}
