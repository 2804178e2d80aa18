import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { InvitePayload } from "../domain/guild-payloads";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext, requirePermission } from "./guild-context";
import { describeInvite } from "./invite-view";

/** A guild's invites that still work, oldest first; MANAGE_GUILD. */
export const listInvites =
  (deps: Pick<GuildDeps, "repositories" | "users" | "channels" | "clock">) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<InvitePayload[]> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "MANAGE_GUILD");
    const invites = await deps.repositories.invites.listUsable(guildId, new Date(deps.clock.now()));
    const payloads = await Promise.all(invites.map((invite) => describeInvite(deps, invite, { guild: context.guild }).catch(() => null)));
    return payloads.filter((payload) => payload !== null);
  };
