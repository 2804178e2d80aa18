import { SpanKind } from "@opentelemetry/api";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { decodeFrame } from "./frame-codec";
import { type HandlerContext, type HandlerDeps, OP_HANDLERS } from "./gateway-handlers";
import { CloseCode, FRAME_LIMIT, Op } from "./gateway-protocol";
import type { GatewaySession } from "./gateway-session";

/** Each opcode's payload schema, compiled once for the process. */
const payloadCheckers = new Map(Object.entries(OP_HANDLERS).map(([op, handler]) => [Number(op), TypeCompiler.Compile(handler.schema)]));

/**
 * What becomes of one client frame: it is counted against the session's frame rate, decoded, checked against its
 * opcode's schema and phase, and handed to the opcode's handler; anything refused closes the socket with the close
 * code API.md gives it. The checks come in that order so a flood is cut off before any parsing.
 */
export const createFrameHandler = (deps: HandlerDeps) => async (session: GatewaySession, raw: string | Buffer): Promise<void> => {
  const close = (code: number, reason: string) => session.close(code, reason);
  if (!session.countFrame(deps.now(), FRAME_LIMIT.limit, FRAME_LIMIT.periodMs)) return close(CloseCode.RateLimited, "Rate limited");
  const frame = decodeFrame(raw);
  if (!frame) return close(CloseCode.DecodeError, "Decode error");
  const handler = OP_HANDLERS[frame.op];
  if (!handler) return close(CloseCode.UnknownOpcode, "Unknown opcode");
  if (!payloadCheckers.get(frame.op)!.Check(frame.d ?? null)) return close(CloseCode.DecodeError, `Invalid payload for op ${frame.op}`);
  const authenticated = session.viewer !== undefined || session.authenticating;
  if (handler.phase === "authenticated" && !session.viewer) return close(CloseCode.NotAuthenticated, "Not authenticated");
  if (handler.phase === "unauthenticated" && authenticated) return close(CloseCode.AlreadyAuthenticated, "Already authenticated");
  if (handler.phase === "unauthenticated") session.authenticating = true;
  const context: HandlerContext = { session, deps, close };
  if (!deps.tracing?.enabled || frame.op === Op.Heartbeat) return handler.handle(context, (frame.d ?? null) as never);
  // IDENTIFY, RESUME and the others are a client's requests on the socket: each is traced like an HTTP request.
  const attributes = { "xcord.gateway.op": frame.op, ...(session.viewer ? { "enduser.id": session.viewer.userId } : {}) };
  await deps.tracing.inSpan(`gateway ${OP_NAMES[frame.op] ?? frame.op}`, { kind: SpanKind.SERVER, parent: null, attributes }, () =>
    handler.handle(context, (frame.d ?? null) as never),
  );
};

const OP_NAMES: Readonly<Record<number, string>> = {
  [Op.Identify]: "IDENTIFY",
  [Op.PresenceUpdate]: "PRESENCE_UPDATE",
  [Op.VoiceStateUpdate]: "VOICE_STATE_UPDATE",
  [Op.Resume]: "RESUME",
  [Op.RequestGuildMembers]: "REQUEST_GUILD_MEMBERS",
};
