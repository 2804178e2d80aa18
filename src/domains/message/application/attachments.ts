import { isUtf8 } from "node:buffer";
import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { StoredBlob } from "../domain/blob-store";
import { type Attachment, UPLOAD_CLAIM_WINDOW_MS, newAttachment, resolveContentType, servesInline } from "../domain/attachment";
import { NONCE_WINDOW_MS } from "../domain/message";
import { tooLarge, unknownAttachment } from "../domain/message-errors";
import { type AttachmentPayload, attachmentPayload } from "../domain/message-payloads";
import { attachmentUrl, checkAttachmentLink } from "./attachment-links";
import { channelWith } from "./message-access";
import type { MessageDeps } from "./message-deps";
import { type StreamedUploadInput, storeStreamedUpload } from "./streamed-upload";

export interface UploadInput {
  readonly filename: string;
  readonly bytes: Uint8Array;
}

/** Text is valid UTF-8 without NUL bytes; binary formats without a magic number fail one or the other. */
const isUtf8Text = (bytes: Uint8Array): boolean => isUtf8(bytes) && !bytes.includes(0);

/** A file checked and typed, not stored yet. */
export interface PreparedUpload {
  readonly attachment: Attachment;
  readonly bytes: Uint8Array;
}

type PrepareDeps = Pick<MessageDeps, "detector" | "clock" | "ids" | "maxUploadBytes">;

/**
 * Checks and types one file without writing anything: at most MAX_UPLOAD_BYTES (413 40005), not empty, typed from
 * its bytes (see `resolveContentType`), images with their size.
 */
export const prepareUpload = async (
  deps: PrepareDeps,
  userId: Snowflake,
  channelId: Snowflake,
  input: UploadInput & { readonly description?: string | null },
  field = "file",
): Promise<PreparedUpload> => {
  if (input.bytes.byteLength > deps.maxUploadBytes) throw tooLarge(deps.maxUploadBytes);
  if (input.bytes.byteLength === 0) throw invalidField(field, "Cannot upload an empty file.");
  // Taken before the detection awaits: files prepared together get ids in their order, the order reads list them in.
  const id = deps.ids.next();
  const attachment = newAttachment({
    id,
    channelId,
    uploaderId: userId,
    filename: input.filename,
    contentType: resolveContentType(await deps.detector.detect(input.bytes), isUtf8Text(input.bytes)),
    size: input.bytes.byteLength,
    head: input.bytes,
    description: input.description ?? null,
    createdAt: new Date(deps.clock.now()),
  });
  return { attachment, bytes: input.bytes };
};

/**
 * Stores checked files as unused uploads of their uploader. The row first: should storing the bytes fail, the row
 * is an unused upload that the purge removes in an hour.
 */
export const storeUploads = async (deps: Pick<MessageDeps, "repositories" | "blobs">, uploads: readonly PreparedUpload[]): Promise<void> => {
  await Promise.all(
    uploads.map(async ({ attachment, bytes }) => {
      await deps.repositories.attachments.insert(attachment);
      await deps.blobs.put(attachment.id, bytes);
    }),
  );
};

/**
 * Uploads a file for a later message in this channel (VIEW_CHANNEL, ATTACH_FILES), streamed into the blob store as
 * it arrives: see `storeStreamedUpload`. The permission is checked before a byte of the file is read. The upload
 * must be used by its uploader, in this channel, within an hour, once; otherwise it is purged.
 */
export const uploadAttachment =
  (deps: Pick<MessageDeps, "permissions" | "repositories" | "blobs" | "detector" | "signer" | "clock" | "ids" | "maxUploadBytes" | "publicUrl">) =>
  async (userId: Snowflake, channelId: Snowflake, input: StreamedUploadInput): Promise<AttachmentPayload> => {
    await channelWith(deps, userId, channelId, "ATTACH_FILES");
    const attachment = await storeStreamedUpload(deps, userId, channelId, input);
    return attachmentPayload(attachment, attachmentUrl(deps, attachment));
  };

/** An attachment's bytes with how to serve them. */
export interface AttachmentFile {
  readonly attachment: Attachment;
  readonly body: StoredBlob;
  /** False: the browser must download it rather than render it (stored-XSS defence). */
  readonly inline: boolean;
}

/** The file behind a signed URL: 403 when the signature is bad or expired, 404 when the file is gone. */
export const openAttachment =
  (deps: Pick<MessageDeps, "repositories" | "blobs" | "signer" | "clock">) =>
  async (link: { id: Snowflake; filename: string; ex: string; sig: string }): Promise<AttachmentFile> => {
    checkAttachmentLink(deps, link);
    const attachment = await deps.repositories.attachments.findServable(link.id);
    if (!attachment || attachment.filename !== link.filename) throw unknownAttachment();
    const body = await deps.blobs.get(attachment.id);
    if (!body) throw unknownAttachment();
    return { attachment, body, inline: servesInline(attachment.contentType) };
  };

/**
 * Deletes the bytes and rows of attachments nobody needs any more: uploads unused for an hour, and those whose
 * message was deleted. Also forgets expired send nonces. Safe on several nodes at once (deletes are idempotent).
 */
export const purgeUnused =
  (deps: Pick<MessageDeps, "repositories" | "blobs" | "clock">) =>
  async (batch = 500): Promise<number> => {
    const now = deps.clock.now();
    const ids = await deps.repositories.attachments.purgeable(new Date(now - UPLOAD_CLAIM_WINDOW_MS), batch);
    await Promise.all(ids.map((id) => deps.blobs.delete(id)));
    await deps.repositories.attachments.delete(ids);
    await deps.repositories.messages.purgeNonces(new Date(now - NONCE_WINDOW_MS));
    return ids.length;
  };
