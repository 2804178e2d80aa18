import type { RateLimiter } from "../kernel/ports";
import { clientIp, type PeerAddressSource } from "../presentation/client-ip";

/** Connection-flood protection: how many sockets one IP may hold on this node, and how fast it may open them. */
export interface GatewayConnectionLimits {
  /** Concurrent gateway connections per client IP on this node; 0 for no cap. */
  readonly maxPerIp: number;
  /** New connections per client IP per minute, across the cluster (the shared rate limiter); 0 for no limit. */
  readonly connectsPerMinute: number;
  /** Take the client IP from X-Forwarded-For (TRUST_PROXY). */
  readonly trustProxy: boolean;
  readonly rateLimiter: RateLimiter;
}

/** An upgrade refused before any socket opens: the HTTP status, when to retry (Retry-After), and why. */
export interface Refusal {
  readonly status: number;
  readonly retryAfterS: number;
  readonly message: string;
}

/** What admission counts: `ip` is the address a connection counts against, undefined once released or with no limits. */
export interface CountedConnection {
  ip: string | undefined;
  readonly admittedAt: number;
}

/** An upgrade that passed the checks but has not opened yet counts against its IP this long at most. */
const RESERVATION_MS = 10_000;
const CONNECT_PERIOD_MS = 60_000;

/**
 * Admission of gateway upgrades against the per-IP limits of this node. It owns the count of sockets per IP (open,
 * plus upgrades on their way) and the reservations of upgrades not opened yet; a connection counts from `admit`
 * until `release`, or until its reservation lapses.
 */
export const createConnectionAdmission = (limits: GatewayConnectionLimits | undefined, now: () => number) => {
  /** Sockets per IP, with the IP's string that every connection from it shares (not one string per connection). */
  const perIp = new Map<string, { readonly ip: string; count: number }>();
  /** Admitted upgrades whose socket has not opened yet; each counts against its IP for RESERVATION_MS at most. */
  const reserved = new Set<CountedConnection>();
  /** Counts one more socket for `ip`; returns the IP's shared string. */
  const countIp = (ip: string): string => {
    const counted = perIp.get(ip);
    if (counted === undefined) perIp.set(ip, { ip, count: 1 });
    else counted.count++;
    return counted?.ip ?? ip;
  };
  const uncountIp = (ip: string) => {
    const counted = perIp.get(ip);
    if (counted !== undefined && --counted.count <= 0) perIp.delete(ip);
  };
  /** Stops counting `connection` against its IP (once). */
  const release = (connection: CountedConnection) => {
    if (connection.ip === undefined) return;
    reserved.delete(connection);
    uncountIp(connection.ip);
    connection.ip = undefined;
  };

  return {
    /**
     * Checks the upgrade's IP against the cap and the connect rate: a refusal, or the connection made by `connect`
     * and counted. `connect` is the node's one factory, so admitting allocates nothing but the connection.
     */
    async admit<C extends CountedConnection>(
      request: Request,
      server: PeerAddressSource | null,
      connect: (ip: string | undefined, admittedAt: number) => C,
    ): Promise<C | Refusal> {
      if (!limits) return connect(undefined, now());
      const ip = clientIp(request, server, limits.trustProxy);
      if (limits.maxPerIp > 0 && (perIp.get(ip)?.count ?? 0) >= limits.maxPerIp) {
        return { status: 429, retryAfterS: 5, message: "Too many gateway connections from this address." };
      }
      if (limits.connectsPerMinute > 0) {
        const decision = await limits.rateLimiter.consume(`rl:gateway-connect:ip:${ip}`, { limit: limits.connectsPerMinute, periodMs: CONNECT_PERIOD_MS });
        if (!decision.allowed) {
          return { status: 429, retryAfterS: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)), message: "You are connecting too fast." };
        }
      }
      // Without a cap there is nothing to count: the connection keeps no address.
      if (limits.maxPerIp === 0) return connect(undefined, now());
      // Counted from now, so that a burst of simultaneous upgrades cannot slip past the cap before any opens.
      const connection = connect(countIp(ip), now());
      reserved.add(connection);
      return connection;
    },

    /** The socket opened: its reservation ends, and it keeps counting unless that reservation had lapsed already. */
    opened(connection: CountedConnection): void {
      if (reserved.delete(connection) === false) connection.ip = undefined;
    },

    /** Its socket closed, or its upgrade failed: it stops counting. */
    release,

    /** Releases the reservations older than RESERVATION_MS at `t`: upgrades that never opened. */
    expireReservations(t: number): void {
      for (const connection of reserved) {
        if (t - connection.admittedAt > RESERVATION_MS) release(connection);
      }
    },
  };
};

export type ConnectionAdmission = ReturnType<typeof createConnectionAdmission>;
