import { invalidField } from "../../../shared/kernel/domain-error";
import { MalformedJsonError } from "../../../shared/presentation/http-errors";
import { MAX_JSON_DEPTH, jsonNestsDeeperThan, tooDeep } from "../../../shared/presentation/input-guards";
import type { FilePart } from "../application/message-files";

/*
 * Discord's multipart form of a send or edit, as discord.js (@discordjs/rest) and discord.py send it: the JSON body
 * as the field `payload_json`, and the files as `files[0]`, `files[1]`, …, described by `attachments: [{id: n, …}]`
 * inside payload_json. The route's transform turns the form into the JSON body before validation, so both forms meet
 * the same schema, and keeps the files aside for the handler.
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
export const multipartToJson = (request: Request, body: unknown): unknown => {
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) return body;
  const fields = (body ?? {}) as Record<string, unknown>;
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
  partsOf.set(request, parts);
  return json;
};

/** The files of a multipart request, read; none for a JSON one. */
export const takeFiles = async (request: Request): Promise<FilePart[]> => {
  const parts = partsOf.get(request) ?? [];
  partsOf.delete(request);
  return Promise.all(parts.map(async ({ index, file }) => ({ index, filename: file.name || "unknown", bytes: new Uint8Array(await file.arrayBuffer()) })));
};
