import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { missingPermissions, unknownMember, unknownRole } from "../../../shared/kernel/common-errors";
import { type Overwrite, OverwriteType } from "../domain/overwrite";
import type { ChannelDeps } from "./channel-deps";

/**
 * Overwrites may only allow or deny bits their author holds (owners and administrators hold all), so that nobody
 * hands out, or takes away, more than they have. `bits` are those the edit changes (see `changedBits`).
 */
export const checkGrantable = (authorPermissions: bigint, bits: bigint): void => {
  const missing = bits & ~authorPermissions;
  if (missing !== 0n) throw missingPermissions(missing);
};

/** True when the overwrite's target, a role or a member, exists in the guild. */
const targetExists = (deps: Pick<ChannelDeps, "guilds">, guildId: Snowflake, overwrite: Pick<Overwrite, "id" | "type">) =>
  overwrite.type === OverwriteType.ROLE ? deps.guilds.hasRole(guildId, overwrite.id) : deps.guilds.hasMember(guildId, overwrite.id);

/** Each overwrite of a request body must target a role or member of the guild: a 400 on the first that does not. */
export const checkTargetsInBody = async (
  deps: Pick<ChannelDeps, "guilds">,
  guildId: Snowflake,
  overwrites: readonly Overwrite[],
  field = "permission_overwrites",
): Promise<void> => {
  const found = await Promise.all(overwrites.map((overwrite) => targetExists(deps, guildId, overwrite)));
  const index = found.indexOf(false);
  if (index >= 0) throw invalidField(`${field}.${index}.id`, "Must be a role or member of the guild.");
};

/** The target named in the path must exist: UNKNOWN_ROLE or UNKNOWN_MEMBER otherwise. */
export const checkTarget = async (deps: Pick<ChannelDeps, "guilds">, guildId: Snowflake, overwrite: Pick<Overwrite, "id" | "type">): Promise<void> => {
  if (await targetExists(deps, guildId, overwrite)) return;
  throw overwrite.type === OverwriteType.ROLE ? unknownRole() : unknownMember();
};
