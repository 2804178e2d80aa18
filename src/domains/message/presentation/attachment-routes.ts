import { t } from "elysia";
import { invalidField } from "../../../shared/kernel/domain-error";
import { MultipartForm } from "../../../shared/presentation/body-parser";
import { errorResponses, fails, lacks } from "../../../shared/presentation/error-schemas";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { type RouteDeps, routesTagged, security } from "../../../shared/presentation/route-kit";
import type { MessageUseCases } from "../application/message-use-cases";
import { AttachmentBody, AttachmentFileParams, ChannelParams, SignedQuery, UploadBody, channelFailures, tags } from "./message-schemas";

export const UPLOAD_LIMIT: RateLimitRule = { bucket: "attachments.upload", limit: 10, periodMs: 10_000, by: "user" };

const { group } = routesTagged(tags, { authenticated: false });

/** RFC 6266 `filename*`: the UTF-8 name percent-encoded, so no quoting trick can break out of the header. */
const disposition = (inline: boolean, filename: string) =>
  `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(filename)}`;

/** POST /channels/{id}/attachments (upload) and GET /attachments/{id}/{filename} (signed download, no auth). */
export const attachmentRoutes = ({ useCases, ...deps }: RouteDeps<MessageUseCases>) => {
  return group(deps)
    .post(
      "/channels/:id/attachments",
      async ({ caller, params, body, status }) => {
        // Read up to the file part's headers only: its bytes go to the blob store as they arrive (uploadAttachment).
        const file = await body.file.openFile();
        try {
          if (file?.field !== "file") throw invalidField("file", "Must be sent as a file part named `file`.");
          return status(201, await useCases.uploadAttachment(caller.userId, params.id, { filename: file.filename || "unknown", stream: file.stream }));
        } finally {
          // Whatever happened (refused, too large, stored), the rest of the request is not read.
          file?.close();
        }
      },
      {
        auth: true,
        rateLimit: UPLOAD_LIMIT,
        params: ChannelParams,
        body: UploadBody,
        type: "multipart/form-data",
        // The form is handed to the handler unread (http-core's parser): as the schema's `file`, streamed there.
        transform: (context: { body: unknown }) => {
          if (context.body instanceof MultipartForm) context.body = { file: context.body };
        },
        response: { 201: AttachmentBody, ...errorResponses({ auth: true, rateLimit: UPLOAD_LIMIT }, lacks("ATTACH_FILES"), ...channelFailures, fails("VALIDATION", "the multipart field `file` is missing or empty")) },
        detail: {
          summary: "Upload a file (multipart field `file`; ATTACH_FILES) to reference by id in a message within an hour",
          tags,
          security,
        },
      },
    )
    .get(
      "/attachments/:id/:filename",
      async ({ params, query, set }) => {
        const file = await useCases.openAttachment({ id: params.id, filename: params.filename, ex: query.ex, sig: query.sig });
        const type = file.attachment.contentType;
        set.headers["content-type"] = type === "text/plain" ? "text/plain; charset=utf-8" : type;
        set.headers["content-disposition"] = disposition(file.inline, file.attachment.filename);
        set.headers["x-content-type-options"] = "nosniff";
        // Embeddable by web clients on other origins, yet never a document that can run anything.
        set.headers["cross-origin-resource-policy"] = "cross-origin";
        set.headers["content-security-policy"] = "default-src 'none'; sandbox";
        set.headers["cache-control"] = "private, max-age=3600";
        // A Blob (a file on disk) goes with its Content-Length; a shared store's stream is read a chunk at a time as
        // the client takes it, sent chunked (Bun drops a Content-Length set on a streamed body: oven-sh/bun#10507).
        const body = file.body instanceof Blob ? file.body : file.body.stream();
        return new Response(body, { headers: set.headers as Record<string, string> });
      },
      {
        params: AttachmentFileParams,
        query: SignedQuery,
        response: { 200: t.Any({ description: "OK — the file's bytes, with its detected Content-Type" }), ...errorResponses({ auth: false }, fails("MISSING_ACCESS", "the link is invalid or has expired"), fails("NOT_FOUND", "Unknown Attachment")) },
        detail: { summary: "Download an attachment through its signed, expiring URL (no auth: the URL is the capability)", tags },
      },
    );
};
