import { DomainError, ErrorCode, type FieldErrors, invalidField } from "../../../shared/kernel/domain-error";
import { type Snowflake, isSnowflake } from "../../../shared/kernel/snowflake";
import { DESCRIPTION_MAX } from "../domain/attachment";
import { codePointLength } from "../../../shared/kernel/text";
import { ATTACHMENTS_PER_MESSAGE_MAX } from "../domain/message";
import { type PreparedUpload, prepareUpload } from "./attachments";
import type { MessageDeps } from "./message-deps";

/** A file part of a multipart send or edit: `files[index]`. */
export interface FilePart {
  readonly index: number;
  readonly filename: string;
  readonly bytes: Uint8Array;
}

/**
 * An entry of `attachments`, as Discord's libraries send it: `{id: n}` (n a file part's index, string or number)
 * describes the file `files[n]` (filename, description); any other id names an attachment already stored (an
 * earlier upload to attach on send, an attachment to keep on edit). Other fields of the entry are ignored.
 */
export interface AttachmentEntry {
  readonly id: string | number;
  readonly filename?: string;
  readonly description?: string | null;
}

/** `attachments` and `files[n]` read together. */
export interface AttachmentRequest {
  /** Ids of stored attachments, in the order given. */
  readonly storedIds: Snowflake[];
  /** Each file part with its entry's filename and description. */
  readonly files: { readonly part: FilePart; readonly filename: string; readonly description: string | null }[];
}

/**
 * Pairs `attachments` entries with file parts and checks them: at most 10 in all, no repeats, descriptions of at most
 * 1024 characters, stored ids that are snowflakes. Files no entry names are attached too, under their own names.
 */
export const readAttachmentRequest = (entries: readonly AttachmentEntry[] | undefined, parts: readonly FilePart[]): AttachmentRequest => {
  const errors: FieldErrors = {};
  const byIndex = new Map(parts.map((part) => [String(part.index), part]));
  const described = new Map<string, AttachmentEntry>();
  const storedIds: Snowflake[] = [];
  (entries ?? []).forEach((entry, position) => {
    const id = String(entry.id);
    const at = `attachments.${position}`;
    if (entry.description != null && codePointLength(entry.description) > DESCRIPTION_MAX) errors[`${at}.description`] = `Must be ${DESCRIPTION_MAX} or fewer in length.`;
    if (byIndex.has(id)) {
      if (described.has(id)) errors[`${at}.id`] = "Duplicate attachment.";
      described.set(id, entry);
    } else if (!isSnowflake(id)) errors[`${at}.id`] = "Must be the index of a file part (files[n]) or an attachment id.";
    else if (storedIds.includes(id)) errors[`${at}.id`] = "Duplicate attachment.";
    else storedIds.push(id);
  });
  if (Object.keys(errors).length > 0) throw new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", errors);
  const files = [...parts]
    .sort((a, b) => a.index - b.index)
    .map((part) => {
      const entry = described.get(String(part.index));
      return { part, filename: entry?.filename || part.filename, description: entry?.description || null };
    });
  if (storedIds.length + files.length > ATTACHMENTS_PER_MESSAGE_MAX) throw invalidField("attachments", `At most ${ATTACHMENTS_PER_MESSAGE_MAX} attachments.`);
  return { storedIds, files };
};

/**
 * Checks and types every file of a request before any is stored: one bad file (empty, too large) fails the whole
 * request with nothing written.
 */
export const prepareFiles = (
  deps: Pick<MessageDeps, "detector" | "clock" | "ids" | "maxUploadBytes">,
  userId: Snowflake,
  channelId: Snowflake,
  files: AttachmentRequest["files"],
): Promise<PreparedUpload[]> =>
  Promise.all(
    files.map((file) =>
      prepareUpload(deps, userId, channelId, { filename: file.filename, bytes: file.part.bytes, description: file.description }, `files[${file.part.index}]`),
    ),
  );
