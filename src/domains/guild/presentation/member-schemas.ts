import { t } from "elysia";
import { Ignored, IntegerInput, SnowflakeString, exampleOf, ignoredDiscordFields } from "../../../shared/presentation/schema-types";
import { UserBody } from "../../identity";
import { BAN_REASON_MAX, DELETE_MESSAGE_SECONDS_MAX } from "../domain/ban";
import { NICK_MAX } from "../domain/member";
import { banPayload } from "../domain/guild-payloads";
import type { BanView } from "../application/bans";
import { strict } from "./guild-schemas";

export const MembersQuery = t.Object({
  limit: t.Optional(IntegerInput({ minimum: 1, maximum: 1000, default: 1, description: "1–1000; 1 by default, as Discord" })),
  after: t.Optional(SnowflakeString),
});

export const UpdateMemberBody = t.Object(
  {
    nick: t.Optional(t.Nullable(t.String({ description: `1–${NICK_MAX} characters; null or empty clears it`, maxLength: NICK_MAX }))),
    roles: t.Optional(t.Array(SnowflakeString, { description: "the complete new role set (MANAGE_ROLES)", maxItems: 250 })),
    mute: t.Optional(t.Boolean({ description: "server mute (MUTE_MEMBERS), as PATCH /guilds/{id}/voice-states/{user_id}" })),
    deaf: t.Optional(t.Boolean({ description: "server deafen (DEAFEN_MEMBERS), as PATCH /guilds/{id}/voice-states/{user_id}" })),
    channel_id: t.Optional(
      t.Null({
        description: "null disconnects the member from voice (MOVE_MEMBERS); moving to another channel is not supported",
        error: "Only null (disconnect) is supported: XCord cannot move a member to another voice channel.",
      }),
    ),
    communication_disabled_until: t.Optional(
      t.Null({ description: "only null: XCord has no timeouts yet, so there is none to clear", error: "XCord has no timeouts yet: only null is accepted." }),
    ),
    ...ignoredDiscordFields({ flags: Ignored.integer() }),
  },
  { ...strict, examples: [{ nick: "Ali" }] },
);

export const MemberRoleParams = t.Object({ id: SnowflakeString, user_id: SnowflakeString, role_id: SnowflakeString });

export const BanBody = t.Object(
  { user: UserBody, reason: t.Nullable(t.String()) },
  { title: "Ban", examples: [{ user: exampleOf(UserBody), reason: "Spamming invites" }] },
);

export const CreateBanBody = t.Object(
  {
    delete_message_seconds: t.Optional(
      IntegerInput({ minimum: 0, maximum: DELETE_MESSAGE_SECONDS_MAX, description: "0–604800: how much of the user's recent history to delete" }),
    ),
    delete_message_days: t.Optional(
      IntegerInput({ minimum: 0, maximum: DELETE_MESSAGE_SECONDS_MAX / 86_400, description: "0–7, Discord's deprecated form of delete_message_seconds (days × 86400); delete_message_seconds wins when both are sent" }),
    ),
    reason: t.Optional(t.Nullable(t.String({ description: `at most ${BAN_REASON_MAX} characters`, maxLength: BAN_REASON_MAX }))),
  },
  { ...strict, examples: [{ delete_message_seconds: 3600, reason: "Spamming invites" }] },
);

export const toBanBody = (view: BanView): typeof BanBody.static => banPayload(view.ban, view.user);
