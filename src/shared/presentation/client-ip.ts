/** The minimal part of Bun's server that tells a request's peer address. */
export interface PeerAddressSource {
  requestIP(request: Request): { address: string } | null;
}

/** The caller's IP: the socket peer, or the first X-Forwarded-For hop behind a trusted proxy. */
export const clientIp = (request: Request, server: PeerAddressSource | null, trustProxy: boolean): string => {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return server?.requestIP(request)?.address ?? "unknown";
};
