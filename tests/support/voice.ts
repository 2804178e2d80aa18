/** Voice helpers for tests: op 4 through a gateway client, and a signaling-socket client (docs/voice.md). */
import type { GatewayClient, GatewayFrame } from "./gateway";
import { type ApiClient, expectStatus } from "./guild";
import type { TestUser } from "./identity";
import { openRecordingSocket } from "./recording-socket";

export interface VoiceServerUpdate {
  guild_id: string;
  channel_id: string;
  endpoint: string;
  token: string;
}

export interface VoiceStateBody {
  guild_id: string;
  channel_id: string | null;
  user_id: string;
  session_id: string;
  self_mute: boolean;
  self_deaf: boolean;
  mute: boolean;
  deaf: boolean;
  suppress: boolean;
  previous_channel_id?: string;
}

/** Sends op 4. */
export const sendVoiceState = (client: GatewayClient, guildId: string, channelId: string | null, self: { mute?: boolean; deaf?: boolean } = {}): void =>
  client.send({ op: 4, d: { guild_id: guildId, channel_id: channelId, self_mute: self.mute ?? false, self_deaf: self.deaf ?? false } });

/** Op 4 into a channel; resolves with the VOICE_SERVER_UPDATE (throws on VOICE_STATE_REJECTED). */
export const joinVoice = async (client: GatewayClient, guildId: string, channelId: string, self: { mute?: boolean; deaf?: boolean } = {}): Promise<VoiceServerUpdate> => {
  sendVoiceState(client, guildId, channelId, self);
  const frame = await client.next(
    (candidate) => candidate.op === 0 && (candidate.t === "VOICE_SERVER_UPDATE" || candidate.t === "VOICE_STATE_REJECTED") && candidate.d.channel_id === channelId,
    "VOICE_SERVER_UPDATE",
  );
  if (frame.t === "VOICE_STATE_REJECTED") throw new Error(`voice join rejected: ${JSON.stringify(frame.d)}`);
  return frame.d as VoiceServerUpdate;
};

/** Op 4 expected to be refused; resolves with VOICE_STATE_REJECTED's payload. */
export const rejectedJoin = async (client: GatewayClient, guildId: string, channelId: string): Promise<{ status: number; code: number; message: string }> => {
  sendVoiceState(client, guildId, channelId);
  const frame = await client.next(
    (candidate) => candidate.op === 0 && (candidate.t === "VOICE_SERVER_UPDATE" || candidate.t === "VOICE_STATE_REJECTED") && candidate.d.channel_id === channelId,
    "VOICE_STATE_REJECTED",
  );
  if (frame.t !== "VOICE_STATE_REJECTED") throw new Error("voice join was not rejected");
  return frame.d;
};

/** The next VOICE_STATE_UPDATE about `userId` matching `filter`. */
export const voiceStateOf = async (client: GatewayClient, userId: string, filter: (d: VoiceStateBody) => boolean = () => true): Promise<VoiceStateBody> =>
  (await client.dispatch("VOICE_STATE_UPDATE", (d: VoiceStateBody) => d.user_id === userId && filter(d))).d;

/** A voice channel created by `owner` in the guild. */
export const createVoiceChannel = async (api: ApiClient, owner: TestUser, guildId: string, name: string, userLimit = 0): Promise<{ id: string }> =>
  expectStatus(await api.post<{ id: string }>(`/guilds/${guildId}/channels`, owner, { name, type: 2, user_limit: userLimit }), 201);

export interface SignalingMessage {
  id?: number;
  ok?: boolean;
  data?: any;
  error?: { status: number; code: number; message: string };
  event?: string;
}

/** A client of the voice signaling socket that records every message and waits for the ones a test expects. */
export const connectSignaling = async (endpoint: string) => {
  const { socket, messages, closeInfo, waitUntil } = await openRecordingSocket<SignalingMessage>(endpoint, (all) => JSON.stringify(all).slice(0, 500));
  const taken = new Set<SignalingMessage>();
  let nextId = 1;
  const client = {
    socket,
    messages,
    sendRaw: (text: string) => socket.send(text),
    /** Sends a request and resolves with its response. */
    async request(method: string, data: unknown = {}): Promise<SignalingMessage> {
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, data }));
      return waitUntil(() => messages.find((message) => message.id === id), `response to ${method}`);
    },
    /** The next notification `event` (not taken before) matching `filter`. */
    notification(event: string, filter: (data: any) => boolean = () => true, timeoutMs = 5000): Promise<any> {
      return waitUntil(
        () => {
          const found = messages.find((message) => !taken.has(message) && message.event === event && filter(message.data));
          if (found) taken.add(found);
          return found?.data;
        },
        `notification ${event}`,
        timeoutMs,
      );
    },
    closed: (timeoutMs = 5000) => waitUntil(closeInfo, "the signaling socket to close", timeoutMs),
    close: () => socket.close(),
  };
  return client;
};

export type SignalingClient = Awaited<ReturnType<typeof connectSignaling>>;

/** Dispatches of `t` received so far. */
export const dispatchesOf = (client: GatewayClient, t: string): GatewayFrame[] => client.dispatches(t);
