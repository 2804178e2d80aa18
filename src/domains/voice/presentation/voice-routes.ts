import { auditReason } from "../../../shared/presentation/audit-reason";
import { t } from "elysia";
import { guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { SnowflakeString as Snowflake } from "../../../shared/presentation/schema-types";
import { GuildParams, MemberParams, UNKNOWN_MEMBER } from "../../guild";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { type RouteDeps, routesTagged } from "../../../shared/presentation/route-kit";
import type { VoiceUseCases } from "../application/voice-use-cases";
import { voiceStatePayload } from "../domain/voice-state";

const { group, route, limitedRoute } = routesTagged(["Voice"]);

export const VoiceStateBody = t.Object(
  {
    guild_id: Snowflake,
    channel_id: t.Nullable(Snowflake),
    user_id: Snowflake,
    session_id: t.String({ description: "the gateway session that joined" }),
    self_mute: t.Boolean(),
    self_deaf: t.Boolean(),
    mute: t.Boolean({ description: "server mute (MUTE_MEMBERS)" }),
    deaf: t.Boolean({ description: "server deafen (DEAFEN_MEMBERS)" }),
    suppress: t.Boolean({ description: "joined without SPEAK: may listen, not send" }),
    self_video: t.Boolean({ description: "sends camera video now (set by the server while the user's voice socket produces video)" }),
  },
  {
    title: "VoiceState",
    examples: [
      {
        guild_id: "1234567890123456789",
        channel_id: "1234567890123456792",
        user_id: "1234567890123456700",
        session_id: "9f1c2b7e4d5a6c3b8e0f1a2d3c4b5a69",
        self_mute: false,
        self_deaf: false,
        mute: false,
        deaf: false,
        suppress: false,
        self_video: false,
      },
    ],
  },
);

const MemberVoiceBody = t.Object(
  {
    guild_id: Snowflake,
    user_id: Snowflake,
    channel_id: t.Nullable(Snowflake, { description: "the voice channel the member is in; null when none" }),
    mute: t.Boolean(),
    deaf: t.Boolean(),
  },
  {
    title: "MemberVoice",
    examples: [{ guild_id: "1234567890123456789", user_id: "1234567890123456700", channel_id: "1234567890123456792", mute: true, deaf: false }],
  },
);

const ModerateBody = t.Object(
  {
    mute: t.Optional(t.Boolean({ description: "server mute; needs MUTE_MEMBERS; sticks until lifted" })),
    deaf: t.Optional(t.Boolean({ description: "server deafen; needs DEAFEN_MEMBERS; sticks until lifted" })),
    channel_id: t.Optional(t.Null({ description: "null disconnects the member from voice; needs MOVE_MEMBERS" })),
  },
  { additionalProperties: false, examples: [{ mute: true }] },
);

/** Moderation writes: 10 per 10 s per moderator and guild. */
const MODERATION_LIMIT: RateLimitRule = { bucket: "voice.moderate", limit: 10, periodMs: 10_000, by: "user-route" };

/** GET /guilds/{id}/voice-states and PATCH /guilds/{id}/voice-states/{user_id}. */
export const voiceRoutes = (deps: RouteDeps<VoiceUseCases>) =>
  group(deps)
    .get(
      "/guilds/:id/voice-states",
      async ({ caller, params }) => (await deps.useCases.listVoiceStates(caller.userId, params.id)).map((state) => voiceStatePayload(state)),
      route({ summary: "Who is in the guild's voice channels that the caller can see (members only)", schemas: { params: GuildParams }, ok: { 200: t.Array(VoiceStateBody) }, failures: guildFailures }),
    )
    .patch(
      "/guilds/:id/voice-states/:user_id",
      ({ caller, params, body, request }) =>
        deps.useCases.moderateVoice(caller.userId, params.id, params.user_id, { mute: body.mute, deaf: body.deaf, disconnect: body.channel_id === null, reason: auditReason(request) }),
      limitedRoute({ summary: "Server mute (MUTE_MEMBERS), deafen (DEAFEN_MEMBERS) or disconnect (channel_id null; MOVE_MEMBERS) a member", schemas: { params: MemberParams, body: ModerateBody }, ok: { 200: MemberVoiceBody }, failures: [lacks("MUTE_MEMBERS (mute)", "DEAFEN_MEMBERS (deaf)", "MOVE_MEMBERS (channel_id null)"), ...guildFailures, UNKNOWN_MEMBER], rateLimit: MODERATION_LIMIT }),
    );
