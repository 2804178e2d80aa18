import { DomainError, ErrorCode, type FieldErrors, isDomainError } from "./domain-error";

/**
 * Runs every field check and reports all failures in one 400 (as Discord does), instead of one per round trip.
 * Returns the checked values under the same keys.
 */
export const checkFields = <T extends Record<string, () => unknown>>(checks: T): { [K in keyof T]: ReturnType<T[K]> } => {
  const errors: FieldErrors = {};
  const values: Record<string, unknown> = {};
  for (const [field, check] of Object.entries(checks)) {
    try {
      values[field] = check();
    } catch (error) {
      if (!isDomainError(error) || error.code !== ErrorCode.VALIDATION) throw error;
      Object.assign(errors, error.fields);
    }
  }
  if (Object.keys(errors).length > 0) throw new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", errors);
  return values as { [K in keyof T]: ReturnType<T[K]> };
};
