import type { Snowflake } from "../../../shared/kernel/snowflake";
import { ATTACHMENT_URL_TTL_MS, type Attachment } from "../domain/attachment";
import { badAttachmentSignature } from "../domain/message-errors";
import type { MessageDeps } from "./message-deps";

// Expiries are rounded up to the hour so that a file's URL stays the same for an hour: clients and proxies can cache it.
const ROUND_MS = 3600_000;

const payloadOf = (id: Snowflake, filename: string, expiresAt: number) => `${id}\n${filename}\n${expiresAt}`;

/** A signed, expiring URL for an attachment: valid for about 24 hours from now, for this id and filename only. */
export const attachmentUrl = (deps: Pick<MessageDeps, "signer" | "clock" | "publicUrl">, attachment: Attachment): string => {
  const expiresAt = Math.ceil((deps.clock.now() + ATTACHMENT_URL_TTL_MS) / ROUND_MS) * (ROUND_MS / 1000);
  const signature = deps.signer.sign(payloadOf(attachment.id, attachment.filename, expiresAt));
  const path = `/api/v1/attachments/${attachment.id}/${encodeURIComponent(attachment.filename)}`;
  return `${deps.publicUrl()}${path}?ex=${expiresAt}&sig=${signature}`;
};

/** Checks a URL's signature and expiry (unix seconds); 403 when either fails. */
export const checkAttachmentLink = (
  deps: Pick<MessageDeps, "signer" | "clock">,
  link: { id: Snowflake; filename: string; ex: string; sig: string },
): void => {
  const expiresAt = /^[0-9]{1,12}$/.test(link.ex) ? Number(link.ex) : Number.NaN;
  if (!Number.isFinite(expiresAt) || expiresAt * 1000 <= deps.clock.now()) throw badAttachmentSignature();
  if (!deps.signer.verify(payloadOf(link.id, link.filename, expiresAt), link.sig)) throw badAttachmentSignature();
};
