import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Mode, TestServer } from "./server";

/** The body of a successful register or login. */
export interface AuthBody {
  user: { id: string; username: string; display_name: string | null; discriminator: "0"; global_name: string | null; avatar: string | null; bot: boolean; created_at: string; email: string | null; mfa_enabled: boolean };
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/** A registered account with what it was registered with, for logging in again. */
export interface TestUser extends AuthBody {
  username: string;
  email: string;
  password: string;
}

let counter = 0;

/** A username no other test (or earlier run against the same database) has: `<prefix>_<counter>_<random>`, ≤ 32 chars. */
export const uniqueUsername = (prefix = "user"): string =>
  `${prefix.slice(0, 12)}_${(++counter).toString(36)}_${randomBytes(6).toString("hex")}`;

/** Registers a fresh account (username, email and password unique unless overridden) and returns it with its tokens. */
export const registerUser = async (
  server: TestServer,
  overrides: Partial<{ username: string; email: string; password: string; userAgent: string; headers: Record<string, string> }> = {},
): Promise<TestUser> => {
  const username = overrides.username ?? uniqueUsername();
  const input = {
    username,
    email: overrides.email ?? `${username}@example.test`,
    password: overrides.password ?? `pw-${randomBytes(9).toString("base64url")}`,
  };
  const response = await server.request("/api/v1/auth/register", {
    method: "POST",
    json: input,
    headers: { ...(overrides.userAgent ? { "user-agent": overrides.userAgent } : {}), ...overrides.headers },
  });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return { ...((await response.json()) as AuthBody), ...input };
};

/** Logs in (a new session) and returns the body; throws unless 200. */
export const logIn = async (server: TestServer, login: string, password: string, userAgent?: string): Promise<AuthBody> => {
  const response = await server.request("/api/v1/auth/login", {
    method: "POST",
    json: { login, password },
    headers: userAgent ? { "user-agent": userAgent } : {},
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as AuthBody;
};

/** POST /auth/refresh. */
export const refresh = (server: TestServer, refreshToken: string): Promise<Response> =>
  server.request("/api/v1/auth/refresh", { method: "POST", json: { refresh_token: refreshToken } });

/** GET /users/@me's status with this access token. */
export const meStatus = async (server: TestServer, token: string): Promise<number> => {
  const response = await server.request("/api/v1/users/@me", { token });
  await response.arrayBuffer();
  return response.status;
};

let keyFiles: { privateKey: string; publicKey: string; dir: string } | undefined;

/** One Ed25519 key pair per test process, as PEM files, so several nodes (and the tests) share the signing key. */
export const jwtKeyFiles = () => {
  if (!keyFiles) {
    const dir = mkdtempSync(join(tmpdir(), "xcord-jwt-"));
    const pair = generateKeyPairSync("ed25519");
    const privateKey = join(dir, "private.pem");
    const publicKey = join(dir, "public.pem");
    writeFileSync(privateKey, pair.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    writeFileSync(publicKey, pair.publicKey.export({ type: "spki", format: "pem" }));
    keyFiles = { privateKey, publicKey, dir };
  }
  return keyFiles;
};

/** Env for identity API tests: limits scaled out of the way, and in multi-node mode a key pair all nodes share. */
export const identityEnv = (mode: Mode, extra: Record<string, string> = {}): Record<string, string> => {
  const keys = jwtKeyFiles();
  return {
    RATE_LIMIT_SCALE: "1000",
    ...(mode.name === "postgres+redis" ? { JWT_PRIVATE_KEY_FILE: keys.privateKey, JWT_PUBLIC_KEY_FILE: keys.publicKey } : {}),
    ...extra,
  };
};

/** An application created with its bot: the owner's view of it, the bot account and its token. */
export interface TestBot {
  readonly application: { id: string; name: string; flags: number };
  readonly user: { id: string; username: string; bot: boolean };
  readonly token: string;
}

/** A call with `Authorization: Bot <token>`, as Discord's libraries make it: status and parsed body. */
export const asBot = async <T = any>(server: TestServer, token: string, method: string, path: string, json?: unknown): Promise<{ status: number; body: T }> => {
  const headers: Record<string, string> = { authorization: `Bot ${token}` };
  if (json !== undefined) headers["content-type"] = "application/json";
  const response = await server.request(`/api/v1${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
};

/** POST /applications then POST /applications/{id}/bot as `owner`; throws unless both succeed. */
export const createBot = async (server: TestServer, owner: AuthBody, name = `Bot ${randomBytes(3).toString("hex")}`): Promise<TestBot> => {
  const created = await server.request("/api/v1/applications", { method: "POST", json: { name }, token: owner.access_token });
  if (created.status !== 201) throw new Error(`application failed: ${created.status} ${await created.text()}`);
  const application = (await created.json()) as TestBot["application"];
  const bot = await server.request(`/api/v1/applications/${application.id}/bot`, { method: "POST", token: owner.access_token });
  if (bot.status !== 201) throw new Error(`bot failed: ${bot.status} ${await bot.text()}`);
  const { token, user } = (await bot.json()) as { token: string; user: TestBot["user"] };
  return { application, user, token };
};
