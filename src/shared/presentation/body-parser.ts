import { DomainError, ErrorCode } from "../kernel/domain-error";
import { MalformedJsonError } from "./http-errors";
import { MAX_JSON_DEPTH, jsonNestsDeeperThan, tooDeep } from "./input-guards";

export const DEFAULT_JSON_LIMIT = 1024 * 1024;

const tooLarge = (limit: number) =>
  new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `Request entity too large (limit ${limit} bytes).`);

/** Refuses a declared Content-Length over `limit` before a byte of the body is read. */
export const checkDeclaredLength = (request: Request, limit: number): void => {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
};

/** Reads a body as text, stopping as soon as it passes `limit` bytes (chunked bodies have no length). */
export const readLimitedText = async (request: Request, limit: number): Promise<string> => {
  checkDeclaredLength(request, limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
};

/** JSON bodies: size-limited, depth-limited, and malformed JSON becomes 400 50109 rather than a validation error. */
export const parseJsonBody = async (request: Request, limit: number): Promise<unknown> => {
  const text = await readLimitedText(request, limit);
  if (text.trim() === "") return undefined;
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) throw tooDeep();
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedJsonError("malformed JSON");
  }
};
