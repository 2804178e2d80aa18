import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type RouteSettings, mountRoutes, routeDeps } from "../../../shared/presentation/route-kit";
import type { GuildDeps } from "../application/guild-deps";
import { authorizeBot } from "../application/authorize-bot";
import { purgeAuditLog } from "../application/audit-log-retention";
import { guildUseCases } from "../application/guild-use-cases";
import type { ApplicationBots } from "../domain/application-bots";
import { presenceAudience } from "../application/presence-audience";
import { LARGE_GUILD_THRESHOLD } from "../domain/guild";
import { auditLogRoutes } from "./audit-log-routes";
import { banRoutes } from "./ban-routes";
import { emojiImageRoutes, emojiRoutes } from "./emoji-routes";
import { guildRoutes } from "./guild-routes";
import { inviteRoutes } from "./invite-routes";
import { memberRoutes } from "./member-routes";
import { oauth2Routes } from "./oauth2-routes";
import { roleRoutes } from "./role-routes";

/** The adapters app.ts builds for the guild domain, plus the auth plugin and rate-limit settings. */
export interface GuildModuleDeps extends GuildDeps, RouteSettings {
  /** Applications' bots (the identity domain's), for adding them to guilds. */
  readonly bots: ApplicationBots;
  /** Members above which a guild is large (no presence broadcast); Discord's 250 when unset. */
  readonly largeGuildThreshold?: number;
}

/** The guild domain, wired: its REST routes (mount under /api/v1) and its use cases for the gateway and tools. */
export const createGuildModule = (deps: GuildModuleDeps) => {
  const useCases = { ...guildUseCases(deps), authorizeBot: authorizeBot(deps) };
  return {
    routes: mountRoutes(routeDeps(useCases, deps), guildRoutes, memberRoutes, roleRoutes, banRoutes, inviteRoutes, oauth2Routes, emojiRoutes, emojiImageRoutes, auditLogRoutes),
    useCases,
    /** How many members a guild has (GUILD_CREATE's member_count). */
    memberCount: (guildId: Snowflake): Promise<number> => deps.repositories.members.count(guildId),
    /** The custom emoji a user may react with (the message domain's EmojiAccess), or null. */
    usableEmoji: useCases.usableEmoji,
    /** Deletes the audit log entries older than `retentionDays` (the worker's hourly job). */
    purgeAuditLog: (retentionDays: number) => purgeAuditLog({ auditLog: deps.repositories.auditLog, clock: deps.clock, retentionDays })(),
    ...presenceAudience(deps, useCases, deps.largeGuildThreshold ?? LARGE_GUILD_THRESHOLD),
  };
};

export type GuildModule = ReturnType<typeof createGuildModule>;
