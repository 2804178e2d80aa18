import { createHash, randomInt } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import {
  BACKUP_CODE_ALPHABET,
  BACKUP_CODE_COUNT,
  BACKUP_CODE_LENGTH,
  MFA_FAILURE_POLICY,
  TOTP_DIGITS,
  TOTP_PERIOD_SECONDS,
  TOTP_WINDOW,
  type TotpEnrolment,
  invalidMfaCode,
  isLockedOut,
  lockedOut,
  parseMfaCode,
} from "../domain/mfa";
import type { IdentityRepositories } from "../domain/identity-unit-of-work";

/** The RFC 6238 step (30-second period since the epoch) of a moment. */
export const totpStep = (nowMs: number): number => TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: nowMs });

/**
 * The step whose code `code` is for `secret`, searching the current step and one on each side (otpauth compares
 * in constant time), or null for a wrong code.
 */
export const matchingTotpStep = (secret: string, code: string, nowMs: number): number | null => {
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    timestamp: nowMs,
    window: TOTP_WINDOW,
  });
  return delta === null ? null : totpStep(nowMs) + delta;
};

/** The otpauth:// URI an authenticator app scans (as a QR code) for this secret. */
export const otpauthUri = (secret: string, account: string, issuer: string): string =>
  new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS }).toString();

/** A fresh 160-bit secret (RFC 4226's recommended length), base32. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** How a backup code is stored: the SHA-256 of the account id and the code, so equal codes of two users differ. */
export const hashBackupCode = (userId: Snowflake, code: string): string => createHash("sha256").update(`${userId}:${code}`).digest("hex");

/** Ten new backup codes, uniformly random over a-z 0-9 (crypto's randomInt has no modulo bias). */
export const newBackupCodes = (): string[] => {
  const codes = new Set<string>();
  while (codes.size < BACKUP_CODE_COUNT) {
    codes.add(Array.from({ length: BACKUP_CODE_LENGTH }, () => BACKUP_CODE_ALPHABET[randomInt(BACKUP_CODE_ALPHABET.length)]).join(""));
  }
  return [...codes];
};

/**
 * Checks a code the user typed against their enrolment: a TOTP code of the current step ±1 that is later than the
 * last accepted one (never the same code twice), or an unused backup code (used up by this). A wrong code counts
 * towards the lockout; during a lockout every code is refused. Throws INVALID_MFA_CODE; returns the kind used.
 */
export const checkMfaCode = async (
  mfa: IdentityRepositories["mfa"],
  userId: Snowflake,
  enrolment: TotpEnrolment,
  raw: string,
  now: Date,
): Promise<"totp" | "backup"> => {
  if (isLockedOut(enrolment, now)) throw lockedOut(enrolment, now);
  const code = parseMfaCode(raw);
  let accepted = false;
  if (code?.kind === "totp") {
    const step = matchingTotpStep(enrolment.secret, code.code, now.getTime());
    accepted = step !== null && (await mfa.acceptStep(userId, step));
  } else if (code?.kind === "backup") {
    accepted = await mfa.useBackupCode(userId, hashBackupCode(userId, code.code), now);
  }
  if (!code || !accepted) {
    const failures = await mfa.recordFailure(userId, now, MFA_FAILURE_POLICY);
    if (failures >= MFA_FAILURE_POLICY.maxFailures) {
      throw lockedOut({ ...enrolment, lockedUntil: new Date(now.getTime() + MFA_FAILURE_POLICY.lockMs) }, now);
    }
    throw invalidMfaCode();
  }
  await mfa.clearFailures(userId);
  return code.kind;
};
