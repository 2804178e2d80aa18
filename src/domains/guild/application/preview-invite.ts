import type { InvitePayload } from "../domain/guild-payloads";
import { unknownInvite } from "../domain/guild-errors";
import { isUsable } from "../domain/invite";
import type { GuildDeps } from "./guild-deps";
import { describeInvite } from "./invite-view";

/** What an invite leads to, for anyone holding the code (no login needed); expired or used-up codes are unknown. */
export const previewInvite =
  (deps: Pick<GuildDeps, "repositories" | "users" | "channels" | "clock">) =>
  async (code: string): Promise<InvitePayload & { approximate_member_count: number }> => {
    const invite = await deps.repositories.invites.find(code);
    if (!invite || !isUsable(invite, new Date(deps.clock.now()))) throw unknownInvite();
    const [payload, members] = await Promise.all([describeInvite(deps, invite), deps.repositories.members.count(invite.guildId)]);
    return { ...payload, approximate_member_count: members };
  };
