import { t } from "elysia";
import { Ignored, IntegerInput, PermissionBitfield, SnowflakeString, annotated, ignoredDiscordFields } from "../../../shared/presentation/schema-types";
import { LOWEST_POSITION, MAX_COLOR, ROLE_NAME_MAX } from "../domain/role";
import { strict } from "./guild-schemas";

export { RoleBody } from "./guild-schemas";

export const RoleParams = t.Object({ id: SnowflakeString, role_id: SnowflakeString });

export const RoleInputBody = t.Object(
  {
    name: t.Optional(t.String({ description: `1–${ROLE_NAME_MAX} characters`, minLength: 1, maxLength: ROLE_NAME_MAX })),
    permissions: t.Optional(annotated(PermissionBitfield, { description: "decimal string bitfield; only bits the caller holds" })),
    color: t.Optional(IntegerInput({ minimum: 0, maximum: MAX_COLOR, description: "RGB integer, 0–16777215" })),
    hoist: t.Optional(t.Boolean()),
    mentionable: t.Optional(t.Boolean()),
    ...ignoredDiscordFields({ icon: Ignored.string(1024 * 1024), unicode_emoji: Ignored.string(64), colors: Ignored.object() }),
  },
  { ...strict, examples: [{ name: "Moderators", permissions: "8192", color: 3447003, hoist: true, mentionable: false }] },
);

export const RolePositionsBody = t.Array(
  t.Object({ id: SnowflakeString, position: IntegerInput({ minimum: LOWEST_POSITION, description: "1 or more" }) }, strict),
  { minItems: 1, maxItems: 250, examples: [[{ id: "1234567890123456791", position: 1 }]] },
);

/** The body's snake_case fields as the use cases take them. */
export const toRoleInput = (body: typeof RoleInputBody.static) => ({
  name: body.name,
  permissions: body.permissions,
  color: body.color,
  hoist: body.hoist,
  mentionable: body.mentionable,
});
