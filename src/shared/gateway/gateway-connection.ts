import type { GatewaySession } from "./gateway-session";
import type { SessionSocket } from "./session-socket";
import { type BinarySocket, zlibStreamSocket } from "./zlib-transport";

/** What the gateway does when a connection opens, sends a frame, or closes. */
export interface ConnectionEvents {
  open(connection: GatewayConnection, socket: SessionSocket): void;
  message(connection: GatewayConnection, message: string | Buffer): void;
  close(connection: GatewayConnection): void;
}

/**
 * One upgraded socket, kept by Bun as the ServerWebSocket's `data`; Elysia's server-wide handler calls these three
 * methods. `ip` is the address the connection counts against (undefined once released, or with no per-IP limits).
 * One per socket, so it holds no more than this: the node's events are one object shared by every connection.
 */
export class GatewayConnection {
  session: GatewaySession | undefined;
  constructor(
    protected readonly events: ConnectionEvents,
    public ip: string | undefined,
    readonly admittedAt: number,
  ) {}

  open(socket: SessionSocket): void {
    this.events.open(this, socket);
  }

  message(_socket: SessionSocket, message: string | Buffer): void {
    this.events.message(this, message);
  }

  close(): void {
    this.events.close(this);
  }
}

/**
 * A connection opened with `?compress=zlib-stream`: its session writes through one zlib stream, made when the
 * socket opens and released when it closes. A subclass, so that other connections carry nothing for it.
 */
export class ZlibStreamConnection extends GatewayConnection {
  private transport: ReturnType<typeof zlibStreamSocket> | undefined;

  override open(socket: SessionSocket): void {
    this.transport = zlibStreamSocket(socket as BinarySocket);
    this.events.open(this, this.transport);
  }

  override close(): void {
    this.events.close(this);
    this.transport?.end();
    this.transport = undefined;
  }
}
