import { t } from "elysia";
import { SnowflakeString, strict } from "./guild-schemas";

export { RoleBody } from "./guild-schemas";

export const RoleParams = t.Object({ id: SnowflakeString, role_id: SnowflakeString });

export const RoleInputBody = t.Object(
  {
    name: t.Optional(t.String({ description: "1–100 characters", maxLength: 1024 })),
    permissions: t.Optional(t.String({ description: "decimal string bitfield; only bits the caller holds", maxLength: 32 })),
    color: t.Optional(t.Integer({ description: "RGB integer, 0–16777215" })),
    hoist: t.Optional(t.Boolean()),
    mentionable: t.Optional(t.Boolean()),
  },
  strict,
);

export const RolePositionsBody = t.Array(t.Object({ id: SnowflakeString, position: t.Integer({ description: "1 or more" }) }, strict), {
  minItems: 1,
  maxItems: 250,
});

/** The body's snake_case fields as the use cases take them. */
export const toRoleInput = (body: typeof RoleInputBody.static) => ({
  name: body.name,
  permissions: body.permissions,
  color: body.color,
  hoist: body.hoist,
  mentionable: body.mentionable,
});
