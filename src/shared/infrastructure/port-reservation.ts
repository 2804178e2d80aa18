import { ConfigError } from "./config";

/** The listening port, held from before anything else starts until the real server takes it over. */
export interface PortReservation {
  /** Frees the port, right before the real server binds it. */
  release(): void;
}

/**
 * Binds HOST:PORT with Bun's own server (so the kernel applies exactly the rules the real listen will) and answers
 * 503 while the node starts. A busy port is found before DATA_DIR or the database is touched, so a start that cannot
 * serve changes nothing on disk. Port 0 (any free port) cannot be busy and is not reserved.
 */
export const reservePort = (host: string, port: number, reusePort: boolean): PortReservation => {
  if (port === 0) return { release: () => {} };
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: host,
      port,
      reusePort,
      fetch: () => Response.json({ code: 0, message: "XCord is starting; try again shortly." }, { status: 503, headers: { "retry-after": "1" } }),
    });
  } catch (error) {
    throw listenProblem(error, host, port) ?? error;
  }
  return { release: () => void server.stop(true) };
};

/** A listen failure an operator can fix, as a one-line configuration problem; undefined for anything else. */
export const listenProblem = (error: unknown, host: string, port: number): ConfigError | undefined => {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case "EADDRINUSE":
      return new ConfigError([`PORT: ${port} on ${host} is already in use by another process; stop it or set PORT to a free port`]);
    case "EACCES":
      return new ConfigError([`PORT: ${port} needs privileges this user lacks; use a port above 1023`]);
    case "EADDRNOTAVAIL":
      return new ConfigError([`HOST: ${host} is not an address of this machine`]);
    default:
      return undefined;
  }
};
