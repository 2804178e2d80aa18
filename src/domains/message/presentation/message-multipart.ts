import { invalidField } from "../../../shared/kernel/domain-error";
import { MalformedJsonError } from "../../../shared/presentation/http-errors";
import { MultipartForm } from "../../../shared/presentation/body-parser";
import { MAX_JSON_DEPTH, jsonNestsDeeperThan, refuseNul, tooDeep } from "../../../shared/presentation/input-guards";
import type { FilePart } from "../application/message-files";

/*
 * Discord's multipart form of a send or edit, as discord.js (@discordjs/rest) and discord.py send it: the JSON body
 * as the field `payload_json`, and the files as `files[0]`, `files[1]`, …, described by `attachments: [{id: n, …}]`
 * inside payload_json. The route's transform turns the form into the JSON body before validation, so both forms meet
 * the same schema, and keeps the files aside for the handler.
 *
 * These forms are read whole into memory (within MAX_UPLOAD_BYTES plus the form's framing), unlike the upload route's,
 * which streams its file to the blob store: discord.js sends payload_json after the files, so the body cannot be
 * validated, nor the sender's permissions checked, before every file has been read.
 */

const FILE_FIELD = /^files\[([0-9]{1,2})\]$/;

/** The file parts of each multipart request, by request, until its handler takes them. */
const partsOf = new WeakMap<Request, { index: number; file: File }[]>();

const isFile = (value: unknown): value is File => value instanceof Blob && typeof (value as File).name === "string";

/**
 * For a multipart request: checks its fields (payload_json and files[n] only, each once), parses payload_json
 * (400 50109 when it is not a JSON object) and answers it as the body; the files wait for `takeFiles`. A JSON body
 * is answered unchanged.
 */
export const multipartToJson = async (request: Request, body: unknown): Promise<unknown> => {
  if (!(body instanceof MultipartForm)) return body;
  const fields = await body.fields();
  // http-core's NUL check ran on the unread form: it is made here, on the field names and on payload_json parsed
  // (`\u0000` escapes only become NUL there; PostgreSQL text cannot hold one).
  refuseNul({ body: fields });
  const parts: { index: number; file: File }[] = [];
  let json: unknown = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name === "payload_json") {
      if (typeof value !== "string") throw invalidField("payload_json", "Must be sent once, as a string.");
      if (jsonNestsDeeperThan(value, MAX_JSON_DEPTH)) throw tooDeep();
      try {
        json = JSON.parse(value);
      } catch {
        throw new MalformedJsonError("payload_json is not valid JSON.");
      }
      if (typeof json !== "object" || json === null || Array.isArray(json)) throw new MalformedJsonError("payload_json must be a JSON object.");
      continue;
    }
    const index = FILE_FIELD.exec(name)?.[1];
    if (index === undefined) throw invalidField(name, "Unknown multipart field: only payload_json and files[n] are read.");
    if (!isFile(value)) throw invalidField(name, "Must be a single file.");
    parts.push({ index: Number(index), file: value });
  }
  refuseNul({ body: json });
  partsOf.set(request, parts);
  return json;
};

/** The files of a multipart request, read; none for a JSON one. */
export const takeFiles = async (request: Request): Promise<FilePart[]> => {
  const parts = partsOf.get(request) ?? [];
  partsOf.delete(request);
  return Promise.all(parts.map(async ({ index, file }) => ({ index, filename: file.name || "unknown", bytes: new Uint8Array(await file.arrayBuffer()) })));
};
