import { DEFAULT_EVERYONE_PERMISSIONS, Permission, type PermissionName } from "../../src/shared/kernel/permissions";
import {
  type ApiClient,
  type ChannelBody,
  type GuildBody,
  type InviteBody,
  type RoleBody,
  apiClient,
  bits,
  createGuild,
  createRole,
  expectStatus,
  generalOf,
  grantRole,
  joinAll,
  moveRoles,
  registerUsers,
  setEveryone,
} from "./guild";
import { type TestUser, logIn } from "./identity";
import { send } from "./message";
import type { TestServer } from "./server";

/** Who calls a route in the authorization matrix. */
export const ACTORS = ["anonymous", "nonMember", "lacking", "granted", "banned", "owner"] as const;
export type Actor = (typeof ACTORS)[number];

/**
 * A guild set up so that each actor stands in one relation to it: `lacking` is a member whose @everyone gives
 * VIEW_CHANNEL and nothing else; `granted` is a member holding the Granted role, which the matrix sets to exactly
 * the permission a route names before calling it; `banned` was banned; `nonMember` never joined.
 * `victim` (a plain member) and `prebanned` (a banned stranger) are the targets of kicks, bans and role changes.
 */
export interface World {
  readonly server: TestServer;
  readonly api: ApiClient;
  readonly users: Record<Exclude<Actor, "anonymous">, TestUser> & { victim: TestUser; prebanned: TestUser };
  readonly guild: GuildBody;
  readonly channel: ChannelBody;
  readonly grantedRole: RoleBody;
  /** A role below Granted, for role routes. */
  readonly lowRole: RoleBody;
  readonly invite: InviteBody;
  /** A message of the owner's in the channel, pinned and reacted to. */
  readonly message: { id: string };
  /** Sets the Granted role to exactly these permissions (cached: only changes are sent). */
  grant(permissions: bigint): Promise<void>;
  /** Puts every actor and target back in its relation after a route that moved one (left, kicked, unbanned...). */
  heal(): Promise<void>;
}

export const EVERYONE = Permission.VIEW_CHANNEL;

export const buildWorld = async (server: TestServer): Promise<World> => {
  const api = apiClient(server);
  const [owner, granted, lacking, banned, nonMember, victim, prebanned] = await registerUsers(server, 7);
  const users = { owner, granted, lacking, banned, nonMember, victim, prebanned };
  const guild = await createGuild(api, owner, "Matrix");
  const channel = generalOf(guild);
  // Granted is created first: newer roles start at position 1 below it, so it outranks every role made later.
  const grantedRole = await createRole(api, owner, guild.id, { name: "Granted" });
  const lowRole = await createRole(api, owner, guild.id, { name: "Low" });
  const invite = expectStatus(await api.post<InviteBody>(`/channels/${channel.id}/invites`, owner, { max_age: 0 }), 201);
  await joinAll(api, owner, guild, [granted, lacking, banned, victim]);
  await grantRole(api, owner, guild.id, granted.user.id, grantedRole.id);
  // Clearly on top (not only older on an equal position), so that it may move Low anywhere below it.
  await moveRoles(api, owner, guild.id, [{ id: grantedRole.id, position: 5 }]);
  expectStatus(await api.put(`/guilds/${guild.id}/bans/${banned.user.id}`, owner, {}), 204);
  expectStatus(await api.put(`/guilds/${guild.id}/bans/${prebanned.user.id}`, owner, {}), 204);
  await setEveryone(api, owner, guild.id, EVERYONE);
  const message = await send(api, owner, channel.id, "matrix");
  let current = 0n;

  const isMember = async (user: TestUser) => (await api.get(`/guilds/${guild.id}/members/${user.user.id}`, owner)).status === 200;
  const rejoin = async (user: TestUser) => {
    if (await isMember(user)) return;
    await api.delete(`/guilds/${guild.id}/bans/${user.user.id}`, owner);
    expectStatus(await api.post(`/invites/${invite.code}`, user), 200);
  };
  return {
    server,
    api,
    users,
    guild,
    channel,
    grantedRole,
    lowRole,
    invite,
    message,
    async grant(permissions) {
      if (permissions === current) return;
      expectStatus(await api.patch(`/guilds/${guild.id}/roles/${grantedRole.id}`, owner, { permissions: permissions.toString() }), 200);
      current = permissions;
    },
    async heal() {
      for (const user of [lacking, victim]) await rejoin(user);
      if (!(await isMember(granted))) {
        await rejoin(granted);
        await grantRole(api, owner, guild.id, granted.user.id, grantedRole.id);
  // Clearly on top (not only older on an equal position), so that it may move Low anywhere below it.
  await moveRoles(api, owner, guild.id, [{ id: grantedRole.id, position: 5 }]);
      }
      if (await isMember(nonMember)) expectStatus(await api.delete(`/users/@me/guilds/${guild.id}`, nonMember), 204);
      const bans = expectStatus(await api.get<Array<{ user: { id: string } }>>(`/guilds/${guild.id}/bans`, owner), 200);
      for (const user of [banned, prebanned]) {
        if (!bans.some((ban) => ban.user.id === user.user.id)) expectStatus(await api.put(`/guilds/${guild.id}/bans/${user.user.id}`, owner, {}), 204);
      }
      expectStatus(await api.patch(`/guilds/${guild.id}/members/${victim.user.id}`, owner, { roles: [] }), 200);
    },
  };
};

/** A fresh session of `user` (for routes that end the session they are called with). */
export const freshSession = async (world: World, user: TestUser): Promise<TestUser> => ({ ...user, ...(await logIn(world.server, user.email, user.password)) });

export { DEFAULT_EVERYONE_PERMISSIONS, bits, type PermissionName };
