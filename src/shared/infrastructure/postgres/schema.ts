/** The one drizzle schema of XCord: every table, re-exported from its domain's schema file. */
export * from "./outbox-schema";
export * from "./identity-schema";
export * from "./guild-schema";
export * from "./channel-schema";
export * from "./invite-schema";
export * from "./message-schema";
export * from "./voice-schema";
export * from "./webhook-schema";
export * from "./blob-schema";
export * from "./emoji-schema";
export * from "./audit-log-schema";
