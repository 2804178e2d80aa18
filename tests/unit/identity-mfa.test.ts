import { describe, expect, test } from "bun:test";
import { Secret, TOTP } from "otpauth";
import { hashBackupCode, matchingTotpStep, newBackupCodes, newTotpSecret, otpauthUri, totpStep } from "../../src/domains/identity/application/mfa-codes";
import { isLockedOut, lockedOut, normalizeTotpSecret, parseMfaCode } from "../../src/domains/identity/domain/mfa";

const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const NOW = Date.UTC(2026, 10, 21, 12, 0, 10);
const codeAt = (timestamp: number, secret = SECRET) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp });

describe("TOTP secrets", () => {
  test("base32 in any case, with spaces and padding, becomes upper case without them", () => {
    expect(normalizeTotpSecret("jbsw y3dp ehpk 3pxp")).toBe("JBSWY3DPEHPK3PXP");
    expect(normalizeTotpSecret("JBSWY3DPEHPK3PXP====")).toBe("JBSWY3DPEHPK3PXP");
  });

  test("fewer than 16 or more than 64 characters, or letters outside A-Z 2-7, are 60005", () => {
    for (const bad of ["JBSWY3DPEHPK3PX", "A".repeat(65), "JBSWY3DPEHPK3PX1", "JBSWY3DPEHPK3PX!", ""]) {
      expect(() => normalizeTotpSecret(bad)).toThrow(expect.objectContaining({ code: "INVALID_MFA_SECRET" }));
    }
  });

  test("a new secret is 160 bits of base32, and its URI carries it with XCord as issuer", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = otpauthUri(secret, "alice", "XCord");
    expect(uri).toStartWith("otpauth://totp/XCord:alice?");
    expect(new URL(uri).searchParams.get("secret")).toBe(secret);
    expect(new URL(uri).searchParams.get("period")).toBe("30");
  });
});

describe("TOTP codes", () => {
  test("the current step's code and its neighbours' match, each to its own step", () => {
    const step = totpStep(NOW);
    expect(step).toBe(Math.floor(NOW / 30_000));
    expect(matchingTotpStep(SECRET, codeAt(NOW), NOW)).toBe(step);
    expect(matchingTotpStep(SECRET, codeAt(NOW - 30_000), NOW)).toBe(step - 1);
    expect(matchingTotpStep(SECRET, codeAt(NOW + 30_000), NOW)).toBe(step + 1);
  });

  test("codes two steps away, or of another secret, do not", () => {
    expect(matchingTotpStep(SECRET, codeAt(NOW - 60_000), NOW)).toBeNull();
    expect(matchingTotpStep(SECRET, codeAt(NOW + 60_000), NOW)).toBeNull();
    expect(matchingTotpStep(SECRET, codeAt(NOW, "ABCDEFGHIJKLMNOP"), NOW)).toBeNull();
  });
});

describe("what a typed code is", () => {
  test("six digits are a TOTP code; eight letters or digits a backup code, in any case and with dashes or spaces", () => {
    expect(parseMfaCode("123 456")).toEqual({ kind: "totp", code: "123456" });
    expect(parseMfaCode("AB12-CD34")).toEqual({ kind: "backup", code: "ab12cd34" });
    expect(parseMfaCode("12345678")).toEqual({ kind: "backup", code: "12345678" });
  });

  test("anything else is no code at all", () => {
    for (const bad of ["12345", "1234567", "abc", "ab12cd3!", "", "123456789"]) expect(parseMfaCode(bad)).toBeNull();
  });
});

describe("backup codes", () => {
  test("ten distinct codes of eight characters a-z 0-9", () => {
    const codes = newBackupCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z0-9]{8}$/);
  });

  test("the stored hash depends on the account, so one code of two users is two hashes", () => {
    expect(hashBackupCode("1", "ab12cd34")).not.toBe(hashBackupCode("2", "ab12cd34"));
    expect(hashBackupCode("1", "ab12cd34")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("lockout", () => {
  const enrolment = (lockedUntil: Date | null) => ({ secret: SECRET, lastStep: 0, lockedUntil });

  test("an enrolment is locked until its lockout time, not after", () => {
    const now = new Date(NOW);
    expect(isLockedOut(enrolment(null), now)).toBe(false);
    expect(isLockedOut(enrolment(new Date(NOW + 1)), now)).toBe(true);
    expect(isLockedOut(enrolment(new Date(NOW)), now)).toBe(false);
  });

  test("the refusal is 60008 and says how many minutes are left, rounded up", () => {
    const error = lockedOut(enrolment(new Date(NOW + 14 * 60_000 + 1)), new Date(NOW));
    expect(error.code).toBe("INVALID_MFA_CODE");
    expect(error.message).toBe("Too many wrong two-factor codes: try again in 15 minutes.");
    expect(lockedOut(enrolment(new Date(NOW + 1000)), new Date(NOW)).message).toContain("1 minute.");
  });
});
