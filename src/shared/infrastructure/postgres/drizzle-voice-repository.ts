import type { Clock } from "../../kernel/clock";
import type { SnowflakeGenerator } from "../../kernel/snowflake";
import { drizzleAuditLogRecorder } from "./drizzle-audit-log";
import { and, asc, count, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { VoiceQueries, VoiceRepository, VoiceUnitOfWork } from "../../../domains/voice/domain/voice-repository";
import type { Moderation, VoiceCall, VoiceState } from "../../../domains/voice/domain/voice-state";
import type { Snowflake } from "../../kernel/snowflake";
import type { DbExecutor } from "./database";
import type { Transact } from "./outbox";
import { voiceCalls, voiceModeration, voiceStates } from "./voice-schema";

type StateRow = typeof voiceStates.$inferSelect;
type CallRow = typeof voiceCalls.$inferSelect;

const toState = (row: StateRow): VoiceState => ({
  userId: row.userId,
  guildId: row.guildId,
  channelId: row.channelId,
  gatewaySessionId: row.gatewaySessionId,
  authSessionId: row.authSessionId,
  selfMute: row.selfMute,
  selfDeaf: row.selfDeaf,
  mute: row.mute,
  deaf: row.deaf,
  suppress: row.suppress,
  selfVideo: row.selfVideo,
});

const toCall = (row: CallRow): VoiceCall => ({ ...row });

const NO_MODERATION: Moderation = { mute: false, deaf: false };

/** Voice states, calls and moderation on drizzle, bound to a transaction (or the pool for reads). */
class DrizzleVoiceRepository implements VoiceRepository {
  constructor(private readonly db: DbExecutor) {}

  async lockChannels(channelIds: readonly Snowflake[]): Promise<void> {
    for (const id of [...new Set(channelIds)].sort()) {
      await this.db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`xcord.voice:${id}`}, 0))`);
    }
  }

  async stateOf(userId: Snowflake): Promise<VoiceState | null> {
    const [row] = await this.db.select().from(voiceStates).where(eq(voiceStates.userId, userId)).for("update");
    return row ? toState(row) : null;
  }

  async participantCount(channelId: Snowflake): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(voiceStates).where(eq(voiceStates.channelId, channelId));
    return Number(row?.n ?? 0);
  }

  async save(state: VoiceState, joinedAt: Date, expiresAt: Date): Promise<void> {
    const values = { ...state, joinedAt, expiresAt };
    const { userId: _userId, joinedAt: _joinedAt, ...changes } = values;
    await this.db.insert(voiceStates).values(values).onConflictDoUpdate({ target: voiceStates.userId, set: changes });
  }

  async remove(userId: Snowflake): Promise<void> {
    await this.db.delete(voiceStates).where(eq(voiceStates.userId, userId));
  }

  async openCall(channelId: Snowflake): Promise<VoiceCall | null> {
    const [row] = await this.db
      .select()
      .from(voiceCalls)
      .where(and(eq(voiceCalls.channelId, channelId), isNull(voiceCalls.endedAt)));
    return row ? toCall(row) : null;
  }

  async startCall(call: VoiceCall): Promise<void> {
    await this.db.insert(voiceCalls).values(call);
  }

  async endCall(call: VoiceCall, endedAt: Date): Promise<VoiceCall> {
    await this.db.update(voiceCalls).set({ endedAt }).where(eq(voiceCalls.id, call.id));
    return { ...call, endedAt };
  }

  async moveCall(callId: Snowflake, nodeId: number, endpoint: string): Promise<void> {
    await this.db.update(voiceCalls).set({ nodeId, endpoint }).where(eq(voiceCalls.id, callId));
  }

  async moderation(guildId: Snowflake, userId: Snowflake): Promise<Moderation> {
    const [row] = await this.db
      .select({ mute: voiceModeration.mute, deaf: voiceModeration.deaf })
      .from(voiceModeration)
      .where(and(eq(voiceModeration.guildId, guildId), eq(voiceModeration.userId, userId)));
    return row ?? NO_MODERATION;
  }

  async setModeration(guildId: Snowflake, userId: Snowflake, moderation: Moderation): Promise<void> {
    if (!moderation.mute && !moderation.deaf) {
      await this.db.delete(voiceModeration).where(and(eq(voiceModeration.guildId, guildId), eq(voiceModeration.userId, userId)));
      return;
    }
    await this.db
      .insert(voiceModeration)
      .values({ guildId, userId, ...moderation })
      .onConflictDoUpdate({ target: [voiceModeration.guildId, voiceModeration.userId], set: moderation });
  }
}

/** The voice unit of work: the repository and the outbox bound to one transaction. */
export const drizzleVoiceUnitOfWork =
  (transact: Transact, ids: SnowflakeGenerator, clock: Clock): VoiceUnitOfWork =>
  (work) =>
    transact((tx, outbox) =>
      work({
        voice: new DrizzleVoiceRepository(tx),
        record: async (events) => void (await outbox.write(tx, events)),
        ...drizzleAuditLogRecorder(tx, outbox, ids, clock),
      }),
    );

/** Voice reads and expiry upkeep on the pool. */
export const drizzleVoiceQueries = (db: DbExecutor): VoiceQueries => ({
  async stateOf(userId) {
    const [row] = await db.select().from(voiceStates).where(eq(voiceStates.userId, userId));
    return row ? toState(row) : null;
  },
  async statesInGuild(guildId) {
    return (await db.select().from(voiceStates).where(eq(voiceStates.guildId, guildId)).orderBy(asc(voiceStates.joinedAt))).map(toState);
  },
  async statesInGuilds(guildIds) {
    if (guildIds.length === 0) return [];
    return (await db.select().from(voiceStates).where(inArray(voiceStates.guildId, [...guildIds]))).map(toState);
  },
  async openCall(channelId) {
    const [row] = await db
      .select()
      .from(voiceCalls)
      .where(and(eq(voiceCalls.channelId, channelId), isNull(voiceCalls.endedAt)));
    return row ? toCall(row) : null;
  },
  async statesOfAuthSession(authSessionId) {
    return (await db.select().from(voiceStates).where(eq(voiceStates.authSessionId, authSessionId))).map(toState);
  },
  async refresh(userIds, expiresAt) {
    if (userIds.length === 0) return;
    await db.update(voiceStates).set({ expiresAt }).where(inArray(voiceStates.userId, [...userIds]));
  },
  async expired(now, limit) {
    return (await db.select().from(voiceStates).where(lte(voiceStates.expiresAt, now)).orderBy(asc(voiceStates.expiresAt)).limit(limit)).map(toState);
  },
});
