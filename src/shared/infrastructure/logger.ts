import pino, { type Logger } from "pino";
import type { LogLevel } from "./config";

export type { Logger };

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACTED_PATHS = [
  "password",
  "current_password",
  "new_password",
  "token",
  "access_token",
  "refresh_token",
  "authorization",
  "cookie",
  "secret",
  "*.password",
  "*.current_password",
  "*.token",
  "*.access_token",
  "*.refresh_token",
  "*.authorization",
  "*.secret",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
];

/**
 * Human-readable lines for a terminal. pino-pretty runs in this thread (not as a pino transport, which would start a
 * worker thread at every start) and is loaded only when asked for.
 */
const prettyStream = (): pino.DestinationStream => {
  const pretty = require("pino-pretty") as typeof import("pino-pretty");
  return pretty({ sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
};

/** pino JSON logs; pretty-printed when `pretty` (LOG_PRETTY, by default when stdout is a terminal). */
export const createLogger = (options: {
  level: LogLevel;
  pretty?: boolean;
  nodeId: number;
  destination?: pino.DestinationStream;
  /** Fields added to every line (the active trace's ids, when tracing is on). */
  mixin?: () => object;
}): Logger =>
  pino(
    {
      level: options.level,
      base: { node: options.nodeId },
      ...(options.mixin ? { mixin: options.mixin } : {}),
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? (options.pretty ? prettyStream() : undefined),
  );
