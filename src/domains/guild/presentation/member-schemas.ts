import { t } from "elysia";
import { UserBody } from "../../identity/presentation/identity-schemas";
import { banPayload } from "../domain/guild-payloads";
import type { BanView } from "../application/bans";
import { SnowflakeString, strict } from "./guild-schemas";

export const MembersQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 1000, default: 1, description: "1–1000; 1 by default, as Discord" })),
  after: t.Optional(SnowflakeString),
});

export const UpdateMemberBody = t.Object(
  {
    nick: t.Optional(t.Nullable(t.String({ description: "1–32 characters; null or empty clears it", maxLength: 1024 }))),
    roles: t.Optional(t.Array(SnowflakeString, { description: "the complete new role set (MANAGE_ROLES)", maxItems: 250 })),
  },
  strict,
);

export const MemberRoleParams = t.Object({ id: SnowflakeString, user_id: SnowflakeString, role_id: SnowflakeString });

export const BanBody = t.Object({ user: UserBody, reason: t.Nullable(t.String()) }, { title: "Ban" });

export const CreateBanBody = t.Object(
  {
    delete_message_seconds: t.Optional(t.Integer({ description: "0–604800: how much of the user's recent history to delete" })),
    reason: t.Optional(t.Nullable(t.String({ description: "at most 512 characters", maxLength: 4096 }))),
  },
  strict,
);

export const toBanBody = (view: BanView): typeof BanBody.static => banPayload(view.ban, view.user);
