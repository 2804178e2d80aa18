import { nestedErrorsProblem } from "./errors";
import type { TestServer } from "./server";

/**
 * What the hostile-input suites assert about a server, whatever they sent it: no 5xx, errors in the contract's
 * shape, no error logged, no unhandled rejection in the process, the node still alive, memory flat.
 */

/** Why a response breaks API.md ("Errors"), or undefined when it does not. */
export const contractProblem = (response: Response, text: string): string | undefined => {
  if (response.status >= 500) return `status ${response.status}: ${text.slice(0, 300)}`;
  if (!response.headers.get("x-request-id")) return "no X-Request-Id";
  if (response.status < 400) return undefined;
  if (!(response.headers.get("content-type") ?? "").startsWith("application/json")) return `${response.status} with content-type ${response.headers.get("content-type")}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `${response.status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  const { code, message, errors } = (body ?? {}) as { code?: unknown; message?: unknown; errors?: unknown };
  if (!Number.isInteger(code) || typeof message !== "string") return `${response.status} without {code, message}: ${text.slice(0, 200)}`;
  const errorsProblem = errors === undefined ? undefined : nestedErrorsProblem(errors);
  if (errorsProblem) return `${response.status} with malformed errors (${errorsProblem}): ${text.slice(0, 200)}`;
  // 40001 for a bearer token; 50027 for a webhook token that is not the webhook's own (Discord's).
  if (response.status === 401 && code !== 40001 && code !== 50027) return `401 with code ${code}`;
  if (response.status === 413 && code !== 40005) return `413 with code ${code}`;
  if (response.status === 429 && (code !== 0 || !response.headers.get("retry-after"))) return `429 without code 0 and Retry-After`;
  return undefined;
};

/** Collects unhandled rejections and uncaught exceptions of this process (the server runs in it) while installed. */
export const watchProcessFaults = () => {
  const faults: string[] = [];
  const onRejection = (reason: unknown) => faults.push(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  const onException = (error: Error) => faults.push(`uncaught exception: ${error.stack ?? error.message}`);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    faults,
    stop() {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
    },
  };
};

/** Log lines at error level or above (pino: 50 error, 60 fatal). */
export const errorLogs = (server: TestServer): string[] =>
  server.logs.filter((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return false;
    }
  });

/** Heap and RSS after a full collection, in MiB. */
export const memoryAfterGc = (): { heapMiB: number; rssMiB: number } => {
  Bun.gc(true);
  const { heapUsed, rss } = process.memoryUsage();
  return { heapMiB: heapUsed / 2 ** 20, rssMiB: rss / 2 ** 20 };
};

/** GET /health is 200 {status: "ok"}. */
export const healthy = async (server: TestServer): Promise<boolean> => {
  const response = await server.request("/health");
  const body = (await response.json().catch(() => undefined)) as { status?: string } | undefined;
  return response.status === 200 && body?.status === "ok";
};

/** Sends one fuzz request; a request the client itself cannot send (an invalid URL) resolves undefined. */
export const sendRaw = async (
  server: TestServer,
  request: { method: string; target: string; headers: Record<string, string>; body?: string | FormData | Uint8Array },
  token?: string,
): Promise<{ response: Response; text: string } | undefined> => {
  let url: string;
  try {
    url = new URL(server.url + request.target).href;
  } catch {
    return undefined;
  }
  const headers = new Headers(request.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const response = await fetch(url, { method: request.method, headers, body: request.body });
  return { response, text: await response.text() };
};
