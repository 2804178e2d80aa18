import { expect } from "bun:test";
import { Permission, type PermissionName, permissionsOf } from "../../src/shared/kernel/permissions";
import { type TestUser, identityEnv, registerUser } from "./identity";
import { type Mode, type TestServer, startServer } from "./server";

/** Wire shapes of API.md, as far as the tests read them. */
export interface RoleBody {
  id: string;
  name: string;
  color: number;
  position: number;
  permissions: string;
  hoist: boolean;
  mentionable: boolean;
  /** A bot's role, made when it was added to the guild. */
  managed?: boolean;
}
export interface OverwriteBody {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}
export interface ChannelBody {
  id: string;
  type: number;
  guild_id?: string;
  name?: string;
  position?: number;
  parent_id?: string | null;
  topic?: string | null;
  /** Text channels and threads: slow mode in seconds. */
  rate_limit_per_user?: number;
  permission_overwrites: OverwriteBody[];
  last_message_id: string | null;
  recipients?: Array<{ id: string; username: string }>;
}
export interface GuildBody {
  id: string;
  name: string;
  icon: string | null;
  owner_id: string;
  created_at: string;
  /** 0 none, 1 elevated (absent from partial guilds). */
  mfa_level?: number;
  roles: RoleBody[];
  channels: ChannelBody[];
  /** The guild's custom emoji (tests/api/guild-emojis.test.ts has their shape). */
  emojis: Array<{ id: string; name: string; roles: string[]; animated: boolean }>;
}
export interface MemberBody {
  user: { id: string; username: string };
  nick: string | null;
  roles: string[];
  joined_at: string;
}
export interface InviteBody {
  code: string;
  guild: { id: string; name: string; icon: string | null };
  channel: { id: string; name: string | null; type: number };
  inviter: { id: string };
  uses: number;
  max_uses: number;
  max_age: number;
  created_at: string;
  expires_at: string | null;
  approximate_member_count?: number;
}
export interface ErrorBody {
  code: number;
  message: string;
  errors?: Record<string, string>;
}

/** A JSON response: status and parsed body (undefined for 204). */
export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** A small client over /api/v1 that parses every answer. */
export const apiClient = (server: TestServer) => {
  const call = async <T = unknown>(method: string, path: string, as?: TestUser | null, json?: unknown, headers?: Record<string, string>): Promise<Reply<T>> => {
    const response = await server.request(`/api/v1${path}`, { method, json, headers, ...(as ? { token: as.access_token } : {}) });
    const text = await response.text();
    return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
  };
  return {
    get: <T = unknown>(path: string, as?: TestUser | null) => call<T>("GET", path, as),
    // `headers`: extra request headers, such as X-Audit-Log-Reason.
    post: <T = unknown>(path: string, as: TestUser | null, json?: unknown, headers?: Record<string, string>) => call<T>("POST", path, as, json, headers),
    patch: <T = unknown>(path: string, as: TestUser | null, json?: unknown, headers?: Record<string, string>) => call<T>("PATCH", path, as, json, headers),
    put: <T = unknown>(path: string, as: TestUser | null, json?: unknown, headers?: Record<string, string>) => call<T>("PUT", path, as, json, headers),
    delete: <T = unknown>(path: string, as: TestUser | null, json?: unknown, headers?: Record<string, string>) => call<T>("DELETE", path, as, json, headers),
  };
};

export type ApiClient = ReturnType<typeof apiClient>;

/** Asserts an error reply of API.md: this status and code. */
export const expectError = (reply: Reply, status: number, code: number): void => {
  expect({ status: reply.status, code: (reply.body as ErrorBody | undefined)?.code }).toEqual({ status, code });
};

/** Asserts a success reply, printing the body when it is not. */
export const expectStatus = <T>(reply: Reply<T>, status: number): T => {
  if (reply.status !== status) throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
};

type Tuple<T, N extends number, R extends T[] = []> = R["length"] extends N ? R : Tuple<T, N, [...R, T]>;

/** Registers `count` users at once (argon2 is slow: do it once per file, in beforeAll). */
export const registerUsers = <N extends number>(server: TestServer, count: N): Promise<Tuple<TestUser, N>> =>
  Promise.all(Array.from({ length: count }, () => registerUser(server))) as Promise<Tuple<TestUser, N>>;

/** A node for `mode` (identity env plus `env`), its API client and `count` fresh users: the start of a guild suite's beforeAll. */
export const startGuildServer = async <N extends number>(mode: Mode, count: N, env: Record<string, string> = {}) => {
  const server = await startServer(mode, identityEnv(mode, env));
  return { server, api: apiClient(server), users: await registerUsers(server, count) };
};

/** POST /guilds as `owner`; throws unless 201. */
export const createGuild = async (api: ApiClient, owner: TestUser, name = "Test Guild"): Promise<GuildBody> =>
  expectStatus(await api.post<GuildBody>("/guilds", owner, { name }), 201);

/** The guild's `general` text channel. */
export const generalOf = (guild: GuildBody): ChannelBody => guild.channels.find((channel) => channel.name === "general")!;

/** Creates an invite on the guild's general channel and has every user join through it. */
export const joinAll = async (api: ApiClient, owner: TestUser, guild: GuildBody, users: readonly TestUser[]): Promise<void> => {
  const invite = expectStatus(await api.post<InviteBody>(`/channels/${generalOf(guild).id}/invites`, owner, { max_age: 0 }), 201);
  for (const user of users) expectStatus(await api.post(`/invites/${invite.code}`, user), 200);
};

/** A permission bitfield string from names. */
export const bits = (...names: PermissionName[]): string => permissionsOf(...names).toString();

/** Creates a role with these permissions (and optional other fields); throws unless 201. */
export const createRole = async (
  api: ApiClient,
  as: TestUser,
  guildId: string,
  fields: { name?: string; permissions?: string; color?: number } = {},
): Promise<RoleBody> => expectStatus(await api.post<RoleBody>(`/guilds/${guildId}/roles`, as, { name: "role", permissions: "0", ...fields }), 201);

/** Gives a member a role; throws unless 204. */
export const grantRole = async (api: ApiClient, as: TestUser, guildId: string, userId: string, roleId: string): Promise<void> => {
  expectStatus(await api.put(`/guilds/${guildId}/members/${userId}/roles/${roleId}`, as), 204);
};

/** Moves roles; throws unless 200. */
export const moveRoles = async (api: ApiClient, as: TestUser, guildId: string, moves: Array<{ id: string; position: number }>): Promise<RoleBody[]> =>
  expectStatus(await api.patch<RoleBody[]>(`/guilds/${guildId}/roles`, as, moves), 200);

/** Sets @everyone's permissions (as the owner, say). */
export const setEveryone = async (api: ApiClient, as: TestUser, guildId: string, permissions: bigint): Promise<void> => {
  expectStatus(await api.patch(`/guilds/${guildId}/roles/${guildId}`, as, { permissions: permissions.toString() }), 200);
};

/** A role of a `guildWith` guild: `permissions` by name (none by default), an optional position, who holds it. */
export interface FixtureRole {
  name?: string;
  permissions?: readonly PermissionName[];
  position?: number;
  holders?: readonly TestUser[];
}

/**
 * A fresh guild of `owner` that `members` joined by invite, then with `roles` created in the order given, those with
 * a position moved there in one PATCH, and each granted to its holders; every call throws unless it succeeds.
 */
export const guildWith = async <R extends string = never>(
  api: ApiClient,
  owner: TestUser,
  setup: { name?: string; members?: readonly TestUser[]; roles?: Record<R, FixtureRole> },
): Promise<{ guild: GuildBody; general: ChannelBody; roles: Record<R, RoleBody> }> => {
  const guild = await createGuild(api, owner, setup.name);
  if (setup.members?.length) await joinAll(api, owner, guild, setup.members);
  const specs = Object.entries(setup.roles ?? {}) as Array<[R, FixtureRole]>;
  const roles = {} as Record<R, RoleBody>;
  for (const [key, spec] of specs) roles[key] = await createRole(api, owner, guild.id, { ...(spec.name ? { name: spec.name } : {}), permissions: bits(...(spec.permissions ?? [])) });
  const moves = specs.filter(([, spec]) => spec.position !== undefined).map(([key, spec]) => ({ id: roles[key].id, position: spec.position! }));
  if (moves.length > 0) await moveRoles(api, owner, guild.id, moves);
  for (const [key, spec] of specs) for (const holder of spec.holders ?? []) await grantRole(api, owner, guild.id, holder.user.id, roles[key].id);
  return { guild, general: generalOf(guild), roles };
};

export { Permission };
