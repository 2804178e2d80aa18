/** Close codes of the voice signaling socket (docs/voice.md). */
export const VoiceClose = {
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  SessionEnded: 4006,
  RateLimited: 4008,
  Reconnect: 4015,
} as const;

/** How the server ends one participant's signaling socket: the close code and its reason. */
export interface VoiceClosing {
  readonly code: number;
  readonly reason: string;
}

/** Why a room ends a participant's socket (docs/voice.md, close codes 4006 and 4015). */
export const Closing = {
  /** The same user identified again, from another socket. */
  replaced: { code: VoiceClose.SessionEnded, reason: "Connected again elsewhere" },
  /** Their voice state ended (left, disconnected by a moderator). */
  leftChannel: { code: VoiceClose.SessionEnded, reason: "Left the voice channel" },
  /** Their voice state is now in another channel or gateway session. */
  moved: { code: VoiceClose.SessionEnded, reason: "Voice state moved" },
  channelDeleted: { code: VoiceClose.SessionEnded, reason: "Channel deleted" },
  guildDeleted: { code: VoiceClose.SessionEnded, reason: "Guild deleted" },
  /** The room's SFU router is gone (worker died, node stopping): the client reconnects and the room opens again. */
  reconnect: { code: VoiceClose.Reconnect, reason: "Reconnect" },
} as const satisfies Record<string, VoiceClosing>;
