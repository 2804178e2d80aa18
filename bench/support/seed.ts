/**
 * Fixtures written straight into PostgreSQL, because registering 100,000 users through the API would spend most
 * of a run in argon2. The seeded rows are the ones the API would write (users, identity sessions, guild members),
 * and access tokens are signed with the nodes' JWT_SECRET exactly as the identity domain signs them.
 */
import { createHash, randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import postgres from "postgres";
import { DISCORD_EPOCH } from "../../src/shared/kernel/snowflake";

/** Worker id no node of a run uses, so seeded snowflakes never collide with the nodes' own. */
const SEED_WORKER = 1023n;
const BATCH = 2000;

export interface SeededUser {
  readonly id: string;
  readonly token: string;
}

export interface Seeder {
  readonly secret: string;
  /** A fresh JWT_SECRET's worth of bench users: rows in users and sessions, and an access token each. */
  users(count: number): Promise<SeededUser[]>;
  /** Makes every user a member of the guild (with @everyone only). */
  join(guildId: string, userIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A new random JWT_SECRET for a run's nodes and fixtures. */
export const newJwtSecret = () => randomBytes(32).toString("base64url");

/** The kid XCord gives an HS256 secret (src/shared/infrastructure/jwt-keys.ts). */
const kidOf = (secret: string) => createHash("sha256").update(`xcord-hs256:${secret}`).digest("base64url").slice(0, 16);

/** Distinct snowflakes going back in time from now, on the seed worker. */
const snowflakes = (count: number): string[] => {
  const now = BigInt(Date.now() - DISCORD_EPOCH);
  return Array.from({ length: count }, (_, i) => String(((now - BigInt(Math.floor(i / 4096))) << 22n) | (SEED_WORKER << 12n) | BigInt(i % 4096)));
};

/** Signs an access token as JoseTokenSigner does: sub, sid, jti, iat, exp and the secret's kid. */
const accessToken = (secret: string, userId: string, sessionId: string, lifetimeS: number) => {
  const issuedAt = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: "HS256", kid: kidOf(secret), typ: "JWT" })
    .setSubject(userId)
    .setJti(randomBytes(16).toString("base64url"))
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetimeS)
    .sign(new TextEncoder().encode(secret));
};

/** In slices of BATCH rows, `insert` each. */
const inBatches = async <T>(rows: readonly T[], insert: (slice: readonly T[]) => Promise<unknown>) => {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
};

/** A seeder on the run's database; the database must already be migrated (a node has started). */
export const createSeeder = (databaseUrl: string, secret: string, onProgress: (message: string) => void = () => {}): Seeder => {
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const stamp = Date.now().toString(36);
  let seeded = 0;
  return {
    secret,
    async users(count) {
      const ids = snowflakes(count * 2);
      const now = new Date();
      // Any valid argon2id hash will do: seeded users never log in, they hold tokens.
      const users = ids.slice(0, count).map((id, i) => {
        const username = `s${stamp}_${seeded + i}`;
        return { id, username, email: `${username}@bench.test`, password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2VlZA$c2VlZA", created_at: now, updated_at: now };
      });
      const sessions = users.map((user, i) => ({ id: ids[count + i]!, user_id: user.id, created_at: now, last_used_at: now }));
      await inBatches(users, (slice) => sql`insert into users ${sql(slice as never)}`);
      await inBatches(sessions, (slice) => sql`insert into sessions ${sql(slice as never)}`);
      seeded += count;
      const tokens: SeededUser[] = [];
      for (const [i, user] of users.entries()) {
        tokens.push({ id: user.id, token: await accessToken(secret, user.id, sessions[i]!.id, 3600) });
        if (i % 10_000 === 9_999) onProgress(`signed ${i + 1}/${count} tokens`);
      }
      return tokens;
    },
    async join(guildId, userIds) {
      const now = new Date();
      await inBatches(
        userIds.map((user_id) => ({ guild_id: guildId, user_id, joined_at: now })),
        (slice) => sql`insert into members ${sql(slice as never)} on conflict do nothing`,
      );
    },
    close: () => sql.end({ timeout: 5 }),
  };
};

/** A guild of a bench run: its members (the first created it) and its general channel. */
export interface BenchGuild {
  readonly members: readonly SeededUser[];
  readonly channelId: string;
}

/** POSTs `body` as JSON with the bearer `token`; the parsed answer, or throws unless 2xx. */
export const postJson = async (url: string, token: string, body: unknown): Promise<Record<string, any>> => {
  const response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, any>;
};

/** A guild named `name` whose members are `members`: created through XCord's API by the first, the rest seeded. */
export const createBenchGuild = async (xcordUrl: string, seeder: Seeder, members: readonly SeededUser[], name: string): Promise<BenchGuild> => {
  const guild = (await postJson(`${xcordUrl}/api/v1/guilds`, members[0]!.token, { name })) as { id: string; channels: Array<{ id: string; name: string }> };
  await seeder.join(guild.id, members.slice(1).map((member) => member.id));
  return { members, channelId: guild.channels.find((channel) => channel.name === "general")!.id };
};
