import { invalidField } from "../../../shared/kernel/domain-error";
import { parsePermissions } from "../../../shared/kernel/permissions";
import { checkColor, normalizeRoleName } from "../domain/role";
import { checkFields } from "../../../shared/kernel/field-checks";

/** The editable fields of a role as a client sends them; undefined leaves a field as it is. */
export interface RoleInput {
  readonly name?: string;
  /** A decimal string bitfield. */
  readonly permissions?: string;
  readonly color?: number;
  readonly hoist?: boolean;
  readonly mentionable?: boolean;
}

const checkPermissionsField = (raw: string): bigint => {
  const bits = parsePermissions(raw);
  if (bits === undefined) throw invalidField("permissions", "Must be a decimal string bitfield.");
  return bits;
};

/** Checks every given field, reporting all problems at once. */
export const checkRoleInput = (input: RoleInput) =>
  checkFields({
    name: () => (input.name === undefined ? undefined : normalizeRoleName(input.name)),
    permissions: () => (input.permissions === undefined ? undefined : checkPermissionsField(input.permissions)),
    color: () => (input.color === undefined ? undefined : checkColor(input.color)),
  });
