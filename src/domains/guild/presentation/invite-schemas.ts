import { t } from "elysia";
import { UserBody } from "../../identity/presentation/identity-schemas";
import { SnowflakeString, Timestamp, strict } from "./guild-schemas";

const inviteFields = {
  code: t.String(),
  guild: t.Object({ id: SnowflakeString, name: t.String(), icon: t.Nullable(t.String()) }, { title: "InviteGuild" }),
  channel: t.Object({ id: SnowflakeString, name: t.Nullable(t.String()), type: t.Integer() }, { title: "InviteChannel" }),
  inviter: UserBody,
  uses: t.Integer(),
  max_uses: t.Integer({ description: "0 means unlimited" }),
  max_age: t.Integer({ description: "seconds; 0 means never expires" }),
  created_at: Timestamp,
  expires_at: t.Nullable(Timestamp),
};

export const InviteBody = t.Object(inviteFields, { title: "Invite" });
export const InvitePreviewBody = t.Object(
  { ...inviteFields, approximate_member_count: t.Integer() },
  { title: "InvitePreview" },
);

export const InviteParams = t.Object({ code: t.String({ minLength: 1, maxLength: 64 }) });

export const CreateInviteBody = t.Object(
  {
    max_age: t.Optional(t.Integer({ description: "seconds, 0–604800; 0 never expires; 86400 by default" })),
    max_uses: t.Optional(t.Integer({ description: "0–100; 0 (the default) is unlimited" })),
  },
  strict,
);
