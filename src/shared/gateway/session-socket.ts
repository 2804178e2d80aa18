/** The WebSocket a session writes to (Bun's ServerWebSocket is one, a zlib-stream transport wraps one). */
export interface SessionSocket {
  /** Bun's send status: bytes sent, -1 when queued behind unread data (backpressure), 0 when dropped. */
  sendText(text: string): number;
  /** Runs `callback` with the socket's writes gathered into one (Bun's ServerWebSocket.cork). */
  cork?(callback: () => void): unknown;
  getBufferedAmount(): number;
  close(code: number, reason: string): void;
  /** Every frame already goes through the connection's zlib stream (`?compress=zlib-stream`). */
  readonly transportCompressed?: boolean;
}
