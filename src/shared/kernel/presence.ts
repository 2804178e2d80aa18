/**
 * Presence as the gateway and the presence domain share it: what a session sets (op 3, IDENTIFY's presence) and
 * Discord's presence object that READY, GUILD_CREATE, GUILD_MEMBERS_CHUNK and PRESENCE_UPDATE carry.
 */

/** What a user is doing (Discord's activity object, the fields a client may set), shown with their status. */
export interface Activity {
  readonly name: string;
  readonly type: number;
  readonly url?: string | null;
  readonly state?: string | null;
  readonly details?: string | null;
  /** When it was set, in ms since the epoch. */
  readonly created_at: number;
}

/** What a session sets of its presence: a status and, when given, its activities (absent: unchanged). */
export interface PresenceInput {
  readonly status: string;
  readonly activities?: readonly Activity[];
}

/** Discord's presence object. */
export interface PresencePayload {
  readonly user: { readonly id: string };
  readonly status: string;
  readonly activities: readonly Activity[];
  readonly client_status: Readonly<Record<string, string>>;
  readonly guild_id?: string;
}
