import { AuditLogEvent, auditEntry } from "../../../shared/kernel/audit-log";
import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import type { Unrecorded } from "../../../shared/kernel/domain-event";
import { parsePermissions } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Caller, UserProfile } from "../../../shared/kernel/users";
import type { ApplicationBots } from "../domain/application-bots";
import { botBanned, botsCannotJoin, missingPermissions } from "../domain/guild-errors";
import { type GuildEvent, memberAdded, memberUpdated, roleCreated, roleUpdated } from "../domain/guild-events";
import { memberPayload } from "../domain/guild-payloads";
import type { GuildRepositories } from "../domain/guild-unit-of-work";
import { ungrantable } from "../domain/hierarchy";
import { type Member, newMember } from "../domain/member";
import { type Role, checkRoleCount, managedRoleOf } from "../domain/role";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext, profileOf, requirePermission } from "./guild-context";

export interface AuthorizeBotInput {
  readonly applicationId: Snowflake;
  readonly guildId: Snowflake;
  /** What the bot's managed role holds, a decimal string bitfield; absent or 0 makes no role (as on Discord). */
  readonly permissions?: string;
}

type AuthorizeDeps = Pick<GuildDeps, "repositories" | "unitOfWork" | "users" | "ids" | "clock"> & { readonly bots: ApplicationBots };

/** Thrown inside the transaction when a concurrent authorization added the bot first: the next attempt updates it. */
class AlreadyAdded extends Error {}

const unknownApplication = () => new DomainError(ErrorCode.UNKNOWN_APPLICATION, "Unknown Application");

/** Gives an existing bot member the permissions: its managed role changes, or is made and given when it had none. */
const updateBotMember = async (repositories: GuildRepositories, deps: AuthorizeDeps, member: Member, bot: UserProfile, roles: readonly Role[], permissions: bigint) => {
  const managed = roles.find((role) => role.botId === bot.id);
  const events: Unrecorded<GuildEvent>[] = [];
  if (managed) {
    if (managed.permissions === permissions) return;
    const updated: Role = { ...managed, permissions };
    await repositories.roles.update([updated]);
    events.push(roleUpdated(updated));
  } else if (permissions !== 0n) {
    checkRoleCount(roles.length);
    const role = managedRoleOf(deps.ids.next(), member.guildId, { id: bot.id, name: bot.username }, permissions);
    await repositories.roles.insert(role);
    await repositories.members.addRole(member.guildId, bot.id, role.id);
    events.push(roleCreated(role), memberUpdated(member.guildId, memberPayload({ ...member, roleIds: [...member.roleIds, role.id] }, bot)));
  }
  await repositories.record(events);
};

/** Adds the bot as a new member, with its managed role (GUILD_ROLE_CREATE, then GUILD_MEMBER_ADD) unless `permissions` is 0. */
const addBotMember = async (repositories: GuildRepositories, deps: AuthorizeDeps, guildId: Snowflake, bot: UserProfile, roles: readonly Role[], permissions: bigint) => {
  const events: Unrecorded<GuildEvent>[] = [];
  let role: Role | null = null;
  if (permissions !== 0n) {
    checkRoleCount(roles.length);
    role = managedRoleOf(deps.ids.next(), guildId, { id: bot.id, name: bot.username }, permissions);
    await repositories.roles.insert(role);
    events.push(roleCreated(role));
  }
  const member: Member = { ...newMember(guildId, bot.id, new Date(deps.clock.now())), roleIds: role ? [role.id] : [] };
  if (!(await repositories.members.insert(member))) throw new AlreadyAdded();
  events.push(memberAdded(guildId, memberPayload(member, bot)));
  await repositories.record(events);
};

/**
 * Adds an application's bot to a guild (Discord's bot authorization, POST /oauth2/authorize with scope `bot`): the
 * caller needs MANAGE_GUILD there and may grant only permissions they hold (the owner and administrators any). The
 * bot joins as a join does (GUILD_MEMBER_ADD to the guild, GUILD_CREATE to the bot's sessions) with a managed role
 * named after it holding the permissions, made in the same transaction. A bot already there gets its managed role's
 * permissions changed instead; a banned bot is refused. Bots are not held to the 200-guild limit of people.
 */
export const authorizeBot =
  (deps: AuthorizeDeps) =>
  async (caller: Caller, input: AuthorizeBotInput): Promise<void> => {
    if (caller.bot) throw botsCannotJoin();
    const userId = caller.userId;
    const application = await deps.bots.applicationBot(input.applicationId);
    if (!application) throw unknownApplication();
    const botUserId = application.botUserId;
    if (!botUserId) throw invalidField("client_id", "This application has no bot.");
    const context = await loadGuildContext(deps.repositories, input.guildId, userId);
    requirePermission(context, "MANAGE_GUILD");
    const permissions = parsePermissions(input.permissions ?? "0");
    if (permissions === undefined) throw invalidField("permissions", "Must be a decimal string bitfield.");
    const missing = ungrantable(context.actor, permissions);
    if (missing !== 0n) throw missingPermissions(missing);
    const bot = await profileOf(deps.users, botUserId);
    const attempt = () =>
      deps.unitOfWork(async (repositories) => {
        if (await repositories.bans.find(input.guildId, bot.id)) throw botBanned();
        const roles = await repositories.roles.listByGuild(input.guildId);
        const member = await repositories.members.find(input.guildId, bot.id);
        if (member) await updateBotMember(repositories, deps, member, bot, roles, permissions);
        else {
          await addBotMember(repositories, deps, input.guildId, bot, roles, permissions);
          await repositories.audit([auditEntry({ userId }, input.guildId, AuditLogEvent.BOT_ADD, { targetId: bot.id })]);
        }
      });
    await attempt().catch((error: unknown) => {
      if (!(error instanceof AlreadyAdded)) throw error;
      return attempt();
    });
  };
