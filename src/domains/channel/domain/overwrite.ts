import { invalidField } from "../../../shared/kernel/domain-error";
import { parsePermissions } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** Whom an overwrite targets: a role (0) or one member (1). */
export const OverwriteType = { ROLE: 0, MEMBER: 1 } as const;

/** A channel's adjustment of a role's or member's permissions: `deny` bits removed, then `allow` bits added. */
export interface Overwrite {
  readonly id: Snowflake;
  readonly type: 0 | 1;
  readonly allow: bigint;
  readonly deny: bigint;
}

/** An overwrite as a client sends it. */
export interface OverwriteInput {
  readonly id: Snowflake;
  readonly type: number;
  readonly allow?: string;
  readonly deny?: string;
}

export const MAX_OVERWRITES = 100;

const bits = (raw: string | undefined, field: string): bigint => {
  if (raw === undefined) return 0n;
  const parsed = parsePermissions(raw);
  if (parsed === undefined) throw invalidField(field, "Must be a decimal string bitfield.");
  return parsed;
};

/** Checks one overwrite; unknown permission bits are dropped. */
export const parseOverwrite = (input: OverwriteInput, field: string): Overwrite => {
  if (input.type !== OverwriteType.ROLE && input.type !== OverwriteType.MEMBER) {
    throw invalidField(`${field}type`, "Must be 0 (role) or 1 (member).");
  }
  return { id: input.id, type: input.type, allow: bits(input.allow, `${field}allow`), deny: bits(input.deny, `${field}deny`) };
};

/** Checks a channel's whole overwrite list: at most 100, one per target. */
export const parseOverwrites = (inputs: readonly OverwriteInput[], field = "permission_overwrites"): Overwrite[] => {
  if (inputs.length > MAX_OVERWRITES) throw invalidField(field, `At most ${MAX_OVERWRITES} overwrites.`);
  const seen = new Set<Snowflake>();
  return inputs.map((input, index) => {
    if (seen.has(input.id)) throw invalidField(`${field}.${index}.id`, "Duplicate overwrite target.");
    seen.add(input.id);
    return parseOverwrite(input, `${field}.${index}.`);
  });
};

/**
 * The bits an edit of overwrites changes, target by target: what the editor must hold. Bits an unchanged overwrite
 * already carries are not counted, so editing one target never needs the permissions another target's holds.
 */
export const changedBits = (before: readonly Overwrite[], after: readonly Overwrite[]): bigint => {
  const old = new Map(before.map((overwrite) => [overwrite.id, overwrite]));
  const next = new Map(after.map((overwrite) => [overwrite.id, overwrite]));
  let bits = 0n;
  for (const id of new Set([...old.keys(), ...next.keys()])) {
    const a = old.get(id);
    const b = next.get(id);
    bits |= ((a?.allow ?? 0n) ^ (b?.allow ?? 0n)) | ((a?.deny ?? 0n) ^ (b?.deny ?? 0n));
  }
  return bits;
};
