import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import { Ignored, IntegerInput, ResponseInteger, SnowflakeString, Timestamp, exampleOf, ignoredDiscordFields } from "../../../shared/presentation/schema-types";
import { UserBody } from "../../identity";
import { MAX_AGE_LIMIT, MAX_USES_LIMIT } from "../domain/invite";
import { strict } from "./guild-schemas";

const inviteFields = {
  code: t.String(),
  guild: t.Object({ id: SnowflakeString, name: t.String(), icon: t.Nullable(t.String()) }, { title: "InviteGuild" }),
  channel: t.Object({ id: SnowflakeString, name: t.Nullable(t.String()), type: ResponseInteger() }, { title: "InviteChannel" }),
  inviter: UserBody,
  uses: ResponseInteger(),
  max_uses: ResponseInteger({ description: "0 means unlimited" }),
  max_age: ResponseInteger({ description: "seconds; 0 means never expires" }),
  created_at: Timestamp,
  expires_at: t.Nullable(Timestamp),
};

const INVITE_EXAMPLE = {
  code: "aB3dE5gH",
  guild: { id: "1234567890123456789", name: "My Guild", icon: null },
  channel: { id: "1234567890123456790", name: "general", type: 0 },
  inviter: exampleOf(UserBody),
  uses: 0,
  max_uses: 0,
  max_age: 86400,
  created_at: "2025-01-01T12:00:00.000Z",
  expires_at: "2025-01-02T12:00:00.000Z",
};

export const InviteBody = t.Object(inviteFields, { title: "Invite", examples: [INVITE_EXAMPLE] });
export const InvitePreviewBody = t.Object(
  { ...inviteFields, approximate_member_count: ResponseInteger() },
  { title: "InvitePreview", examples: [{ ...INVITE_EXAMPLE, approximate_member_count: 12 }] },
);

export const UNKNOWN_INVITE = fails("UNKNOWN_INVITE", "no such invite, or it expired or was used up");

export const InviteParams = t.Object({ code: t.String({ minLength: 1, maxLength: 64 }) });

export const CreateInviteBody = t.Object(
  {
    max_age: t.Optional(IntegerInput({ minimum: 0, maximum: MAX_AGE_LIMIT, description: "seconds, 0–604800; 0 never expires; 86400 by default" })),
    max_uses: t.Optional(IntegerInput({ minimum: 0, maximum: MAX_USES_LIMIT, description: "0–100; 0 (the default) is unlimited" })),
    unique: t.Optional(t.Boolean({ description: "every call makes a new invite, so XCord's invites are always unique" })),
    ...ignoredDiscordFields({ temporary: Ignored.boolean(), target_type: Ignored.integer(), target_user_id: Ignored.snowflake(), target_application_id: Ignored.snowflake() }),
  },
  { ...strict, examples: [{ max_age: 86400, max_uses: 10 }] },
);
