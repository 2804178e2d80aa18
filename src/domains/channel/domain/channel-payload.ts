import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { UserPayload } from "../../../shared/kernel/users";

/** The wire shapes of API.md; events carry them as is, since the gateway dispatches event data unchanged. */
export interface OverwritePayload {
  readonly id: Snowflake;
  readonly type: 0 | 1;
  readonly allow: string;
  readonly deny: string;
}

export interface ChannelPayload {
  readonly id: Snowflake;
  readonly type: number;
  readonly guild_id?: Snowflake;
  readonly name?: string;
  readonly position?: number;
  readonly parent_id?: Snowflake | null;
  readonly topic?: string | null;
  /** Guild channels: 0 (unlimited) unless a voice channel has a limit. */
  readonly user_limit?: number;
  /** Text channels: slow mode in seconds (0: off). */
  readonly rate_limit_per_user?: number;
  /** Voice channels: Discord's field, which its libraries read (see VOICE_BITRATE). */
  readonly bitrate?: number;
  /** Voice channels: 1 auto, 2 full (VideoQualityMode). */
  readonly video_quality_mode?: number;
  /** Forums: Discord's forum fields. */
  readonly available_tags?: ForumTagPayload[];
  readonly default_reaction_emoji?: { readonly emoji_id: Snowflake | null; readonly emoji_name: string | null } | null;
  readonly default_sort_order?: number | null;
  readonly default_forum_layout?: number;
  readonly default_thread_rate_limit_per_user?: number;
  /** Forums: REQUIRE_TAG; threads: PINNED. */
  readonly flags?: number;
  /** Guild channels and DMs (empty); threads have none (their parent's apply). */
  readonly permission_overwrites?: OverwritePayload[];
  readonly last_message_id: Snowflake | null;
  /** DMs: the other participant(s), from the point of view of whoever receives the object. */
  readonly recipients?: UserPayload[];
}

export interface ForumTagPayload {
  readonly id: Snowflake;
  readonly name: string;
  readonly moderated: boolean;
  readonly emoji_id: Snowflake | null;
  readonly emoji_name: string | null;
}
