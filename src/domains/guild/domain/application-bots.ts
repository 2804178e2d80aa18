import type { Snowflake } from "../../../shared/kernel/snowflake";

/** An application as adding its bot to a guild needs it (owned by the identity domain). */
export interface ApplicationBot {
  readonly applicationId: Snowflake;
  readonly name: string;
  /** Null until the application's bot account is created. */
  readonly botUserId: Snowflake | null;
}

/** Applications, owned by the identity domain; the guild domain only adds their bots to guilds. */
export interface ApplicationBots {
  /** The application with this id, or null. */
  applicationBot(applicationId: Snowflake): Promise<ApplicationBot | null>;
}
