import { type PermissionName, permissionsOf } from "../../src/shared/kernel/permissions";
import type { TestUser } from "./identity";
import { type ApiClient, type Reply, expectStatus } from "./guild";
import type { TestServer } from "./server";

/** Wire shapes of API.md, as far as the message tests read them. */
export interface UserBody {
  id: string;
  username: string;
  display_name: string | null;
}
export interface AttachmentBody {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  url: string;
  width?: number;
  height?: number;
  description?: string;
}
export interface MessageBody {
  id: string;
  type: number;
  channel_id: string;
  guild_id?: string;
  author: UserBody;
  content: string;
  created_at: string;
  edited_at: string | null;
  mentions: UserBody[];
  mention_everyone: boolean;
  attachments: AttachmentBody[];
  reactions: Array<{ emoji: { id: null; name: string }; count: number; me: boolean }>;
  pinned: boolean;
  timestamp: string;
  edited_timestamp: string | null;
  tts: false;
  mention_roles: string[];
  embeds: Array<Record<string, unknown>>;
  components: never[];
  flags: number;
  message_reference?: { type: 0; message_id: string; channel_id: string; guild_id?: string };
  referenced_message?: MessageBody | null;
  member?: { roles: string[]; nick: string | null; joined_at: string; deaf: boolean; mute: boolean; flags: number; avatar: null };
  nonce?: string | number;
}
export interface ReadStateBody {
  channel_id: string;
  last_message_id: string | null;
  mention_count: number;
}

/** POST /channels/{id}/messages; throws unless 201. */
export const send = async (api: ApiClient, as: TestUser, channelId: string, body: Record<string, unknown> | string): Promise<MessageBody> =>
  expectStatus(await api.post<MessageBody>(`/channels/${channelId}/messages`, as, typeof body === "string" ? { content: body } : body), 201);

/** Sends `count` messages one after another ("<prefix> 0", "<prefix> 1", ...) and returns them oldest first. */
export const sendMany = async (api: ApiClient, as: TestUser, channelId: string, count: number, prefix = "message"): Promise<MessageBody[]> => {
  const sent: MessageBody[] = [];
  for (let i = 0; i < count; i++) sent.push(await send(api, as, channelId, `${prefix} ${i}`));
  return sent;
};

/** GET /channels/{id}/messages with a query string; throws unless 200. */
export const history = async (api: ApiClient, as: TestUser, channelId: string, query = ""): Promise<MessageBody[]> =>
  expectStatus(await api.get<MessageBody[]>(`/channels/${channelId}/messages${query ? `?${query}` : ""}`, as), 200);

/** Uploads bytes as multipart field `file` to POST /channels/{id}/attachments. */
export const upload = async (
  server: TestServer,
  as: TestUser,
  channelId: string,
  bytes: Uint8Array | string,
  filename: string,
  claimedType = "application/octet-stream",
): Promise<Reply<AttachmentBody & { code?: number }>> => {
  const form = new FormData();
  form.append("file", new File([typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes], filename, { type: claimedType }));
  const response = await server.request(`/api/v1/channels/${channelId}/attachments`, { method: "POST", body: form, token: as.access_token });
  return { status: response.status, body: (await response.json()) as AttachmentBody & { code?: number } };
};

/** A 1×1 PNG, and the same header claiming other dimensions, for dimension checks. */
export const pngBytes = (width = 1, height = 1): Uint8Array => {
  const bytes = Uint8Array.from(
    Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6300010000050001" + "0d0a2db40000000049454e44ae426082", "hex"),
  );
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
};

/** Creates a text channel in the guild as `owner`; throws unless 201. */
export const createTextChannel = async (api: ApiClient, owner: TestUser, guildId: string, name: string): Promise<{ id: string }> =>
  expectStatus(await api.post<{ id: string }>(`/guilds/${guildId}/channels`, owner, { name, type: 0 }), 201);

/** Sets a member overwrite on a channel denying (and allowing) the named permissions; throws unless 204. */
export const overwriteMember = async (
  api: ApiClient,
  owner: TestUser,
  channelId: string,
  userId: string,
  rule: { deny?: PermissionName[]; allow?: PermissionName[] },
): Promise<void> => {
  const body = { type: 1, allow: permissionsOf(...(rule.allow ?? [])).toString(), deny: permissionsOf(...(rule.deny ?? [])).toString() };
  expectStatus(await api.put(`/channels/${channelId}/permissions/${userId}`, owner, body), 204);
};

/** Opens (or gets) the DM between two users. */
export const openDm = async (api: ApiClient, as: TestUser, recipient: TestUser): Promise<{ id: string }> =>
  expectStatus(await api.post<{ id: string }>("/users/@me/channels", as, { recipient_id: recipient.user.id }), 200);
