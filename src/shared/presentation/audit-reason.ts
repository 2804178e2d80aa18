import { AUDIT_REASON_MAX_LENGTH } from "../kernel/audit-log";
import { invalidField } from "../kernel/domain-error";

const HEADER = "x-audit-log-reason";

/** A percent-decoded reason; text that is not valid percent-encoding (a bare `%`) is taken as it came. */
const decoded = (raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

/**
 * The reason a request gives for its change, for the audit log: its `X-Audit-Log-Reason` header, URL-encoded as
 * Discord's clients send it (headers carry no raw non-ASCII text). Undefined when absent or blank; a 400 past
 * Discord's 512 characters.
 */
export const auditReason = (request: Request): string | undefined => {
  const raw = request.headers.get(HEADER);
  if (raw === null) return undefined;
  const reason = decoded(raw).trim();
  if (reason.length === 0) return undefined;
  if ([...reason].length > AUDIT_REASON_MAX_LENGTH) {
    throw invalidField("X-Audit-Log-Reason", `Must be ${AUDIT_REASON_MAX_LENGTH} or fewer in length.`);
  }
  return reason;
};
