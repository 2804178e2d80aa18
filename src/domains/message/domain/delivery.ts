import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { DeliveryState } from "./read-state-repository";

/**
 * A DM's status for its sender, an XCord extension (Discord has none): `sent` once stored, `delivered` once some
 * gateway session of the recipient was sent its MESSAGE_CREATE, `read` once the recipient's read state reached it.
 */
export type DeliveryStatus = "sent" | "delivered" | "read";

/** True when snowflake `a` is after `b` (both decimal strings without leading zeros). */
export const isAfter = (a: Snowflake, b: Snowflake): boolean => (a.length === b.length ? a > b : a.length > b.length);

/** The status of message `id` for the recipient's `state`. */
export const deliveryStatus = (id: Snowflake, state: DeliveryState): DeliveryStatus => {
  if (state.readUpTo !== null && !isAfter(id, state.readUpTo)) return "read";
  if (state.deliveredUpTo !== null && !isAfter(id, state.deliveredUpTo)) return "delivered";
  return "sent";
};
