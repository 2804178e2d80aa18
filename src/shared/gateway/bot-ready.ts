import type { Topic } from "../kernel/domain-event";
import { type Viewer, completeGuildCreate } from "./gateway-ports";
import { DISCORD_GATEWAY_VERSION } from "./gateway-protocol";
import type { GatewaySession } from "./gateway-session";
import type { GatheredReady, HandlerDeps } from "./handler-context";
import { Intent } from "./intents";
import { DEFAULT_LARGE_THRESHOLD, type SessionProfile } from "./session-profile";

/** A bot's viewer: its application known. */
export type BotReadyViewer = Viewer & { readonly bot: NonNullable<Viewer["bot"]> };

/** A guild as READY's guild contributor builds it: the full guild the viewer sees, with its member count. */
interface ReadyGuild {
  readonly id: string;
  readonly member_count?: number;
}

/** READY as narrowed to a session's shard: only its guilds, and only their topics. */
export const inShard = (ready: GatheredReady, profile: SessionProfile | undefined): GatheredReady => {
  if (profile?.options.shard === undefined || profile.options.shard[1] === 1) return ready;
  const guildIds = new Set((ready.guilds as ReadyGuild[]).map((guild) => guild.id).filter((id) => profile.hasGuild(id)));
  const kept = (guildId: unknown) => typeof guildId !== "string" || guildIds.has(guildId);
  const dms = profile.options.shard[0] === 0;
  return {
    ...ready,
    guilds: (ready.guilds as ReadyGuild[]).filter((guild) => guildIds.has(guild.id)),
    private_channels: dms ? ready.private_channels : [],
    voice_states: ready.voice_states.filter((state) => kept((state as { guild_id?: unknown }).guild_id)),
    topics: ready.topics.filter((topic: Topic) => !topic.startsWith("guild:") || guildIds.has(topic.slice("guild:".length))),
  };
};

/**
 * A bot's READY (Discord's): its guilds as `{id, unavailable: true}`, its application, and no user-only parts;
 * GUILD_CREATE for each guild follows (botGuildCreates).
 */
export const botReady = (ready: GatheredReady, session: GatewaySession, viewer: BotReadyViewer, resumeUrl: string) => {
  const shard = session.profile?.options.shard;
  return {
    v: DISCORD_GATEWAY_VERSION,
    user: ready.user,
    guilds: (ready.guilds as ReadyGuild[]).map((guild) => ({ id: guild.id, unavailable: true })),
    session_id: session.id,
    session_type: "normal",
    resume_gateway_url: resumeUrl,
    ...(shard === undefined ? {} : { shard: [shard[0], shard[1]] }),
    application: { id: viewer.bot.applicationId, flags: viewer.bot.flags },
    private_channels: [],
    relationships: [],
    presences: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: [],
    user_settings: {},
    auth: {},
  };
};

/**
 * One GUILD_CREATE per guild of a bot's READY, complete as Discord sends it: joined_at, large (member_count above
 * the session's large_threshold), members (all of a guild that is not large, else the bot's own), presences of
 * those members (with GUILD_PRESENCES), voice_states, and the lists XCord has no such thing for, empty.
 */
export const botGuildCreates = async (deps: HandlerDeps, ready: GatheredReady, viewer: Viewer, profile: SessionProfile | undefined) => {
  const largeThreshold = profile?.options.largeThreshold ?? DEFAULT_LARGE_THRESHOLD;
  const withPresences = ((profile?.intents ?? 0) & Intent.GUILD_PRESENCES) !== 0;
  const voiceByGuild = new Map<string, unknown[]>();
  for (const state of ready.voice_states as Array<{ guild_id?: string }>) {
    if (state.guild_id === undefined) continue;
    const list = voiceByGuild.get(state.guild_id) ?? [];
    list.push(state);
    voiceByGuild.set(state.guild_id, list);
  }
  const creates = await Promise.all(
    (ready.guilds as ReadyGuild[]).map(async (guild) => {
      const memberCount = guild.member_count ?? 0;
      const listed = (await deps.members?.forGuildCreate(viewer.userId, guild.id, largeThreshold)) ?? null;
      const members = listed?.members ?? [];
      const presences = withPresences && members.length > 0 ? await deps.presence.presencesOf(viewer, members.map((member) => member.user.id)) : [];
      return completeGuildCreate(
        { ...guild, member_count: memberCount },
        { joined_at: listed?.self.joined_at ?? null, large: memberCount > largeThreshold, members, presences, voice_states: voiceByGuild.get(guild.id) ?? [] },
      );
    }),
  );
  return creates;
};
