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

/** pino JSON logs; pretty-printed only when asked (LOG_PRETTY=true). */
export const createLogger = (options: {
  level: LogLevel;
  pretty?: boolean;
  nodeId: number;
  destination?: pino.DestinationStream;
}): Logger =>
  pino(
    {
      level: options.level,
      base: { node: options.nodeId },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(options.pretty && !options.destination ? { transport: { target: "pino-pretty" } } : {}),
    },
    options.destination,
  );
