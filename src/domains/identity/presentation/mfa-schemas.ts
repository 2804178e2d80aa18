import { t } from "elysia";
import { Ignored, SnowflakeString, ignoredDiscordFields } from "../../../shared/presentation/schema-types";
import type { MfaChallenge } from "../application/two-factor";
import { BACKUP_CODE_COUNT, TOTP_SECRET_MAX } from "../domain/mfa";

const strict = { additionalProperties: false } as const;
/** A 6-digit TOTP code or an 8-character backup code; spaces and dashes are ignored, so allow some room. */
const code = (description: string) => t.String({ description, minLength: 1, maxLength: 32 });
const password = t.String({ description: "the account password", maxLength: 1024 });
const EXAMPLE_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

export const MfaTicketBody = t.Object(
  {
    user_id: SnowflakeString,
    mfa: t.Literal(true, { description: "the password was right; finish with POST /auth/mfa/totp" }),
    ticket: t.String({ description: "single-use, valid 5 minutes, dead after 5 wrong codes" }),
    totp: t.Literal(true, { description: "a code of the authenticator app is accepted" }),
    backup: t.Boolean({ description: "whether an unused backup code is left" }),
    sms: t.Literal(false, { description: "Discord's SMS codes: XCord has none" }),
    webauthn: t.Null({ description: "Discord's security keys: XCord has none" }),
  },
  {
    title: "MfaTicket",
    examples: [{ user_id: "1234567890123456700", mfa: true, ticket: "q8Jb2mXv0cR4tY6uW9zA1sD3fG5hK7lPq8Jb2mXv0cR", totp: true, backup: true, sms: false, webauthn: null }],
  },
);

export const MfaTotpLoginBody = t.Object(
  {
    ticket: t.String({ description: "the ticket of POST /auth/login", minLength: 1, maxLength: 256 }),
    code: code("the authenticator's current 6-digit code, or an unused 8-character backup code"),
    ...ignoredDiscordFields({ login_source: Ignored.string(64), gift_code_sku_id: Ignored.snowflake() }),
  },
  { ...strict, examples: [{ ticket: "q8Jb2mXv0cR4tY6uW9zA1sD3fG5hK7lPq8Jb2mXv0cR", code: "123456" }] },
);

export const TotpSecretBody = t.Object(
  {
    secret: t.String({ description: "base32, 160 bits; show it, or the URI as a QR code, and send it back to enable" }),
    uri: t.String({ description: "otpauth://totp/… for authenticator apps (SHA1, 6 digits, 30 s)" }),
  },
  { title: "TotpSecret", examples: [{ secret: EXAMPLE_SECRET, uri: `otpauth://totp/XCord:alice?issuer=XCord&secret=${EXAMPLE_SECRET}&algorithm=SHA1&digits=6&period=30` }] },
);

export const EnableTotpBody = t.Object(
  {
    secret: t.String({ description: "base32 (16–64 characters of A-Z 2-7 once spaces and = are dropped), from the client or GET /users/@me/mfa/totp/secret", maxLength: TOTP_SECRET_MAX * 2 }),
    code: code("the current 6-digit code of that secret"),
    password,
  },
  { ...strict, examples: [{ secret: EXAMPLE_SECRET, code: "123456", password: "correct horse battery" }] },
);

export const DisableTotpBody = t.Object(
  { code: code("a current 6-digit code or an unused backup code") },
  { ...strict, examples: [{ code: "123456" }] },
);

export const BackupCodesRequestBody = t.Object(
  {
    password,
    regenerate: t.Optional(t.Literal(true, { description: "Discord's flag; codes are always new here, since only their hashes are kept" })),
  },
  { ...strict, examples: [{ password: "correct horse battery", regenerate: true }] },
);

const BackupCode = t.Object(
  {
    user_id: SnowflakeString,
    code: t.String({ description: "8 characters a-z 0-9; shown only now" }),
    consumed: t.Boolean(),
  },
  { title: "BackupCode" },
);

export const BackupCodesBody = t.Object(
  { backup_codes: t.Array(BackupCode, { description: `${BACKUP_CODE_COUNT} single-use codes, each in place of one TOTP code` }) },
  { title: "BackupCodes", examples: [{ backup_codes: [{ user_id: "1234567890123456700", code: "k3x9m2qa", consumed: false }] }] },
);

export const toMfaTicketBody = (challenge: MfaChallenge): typeof MfaTicketBody.static => ({
  user_id: challenge.mfa.userId,
  mfa: true,
  ticket: challenge.mfa.ticket,
  totp: true,
  backup: challenge.mfa.backup,
  sms: false,
  webauthn: null,
});

export const toBackupCodesBody = (userId: string, codes: readonly string[]): typeof BackupCodesBody.static => ({
  backup_codes: codes.map((code) => ({ user_id: userId, code, consumed: false })),
});
