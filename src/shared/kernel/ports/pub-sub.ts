/** Fire-and-forget fan-out between nodes (Redis pub/sub, or in process). */
export interface PubSub {
  /** Delivers `message` to every current subscriber of `topic`, on every node. */
  publish(topic: string, message: string): Promise<void>;
  /**
   * Calls `handler` for each message on `topic` until the returned function is called.
   * Subscriptions are reference-counted: the node listens to a topic while any handler wants it.
   */
  subscribe(topic: string, handler: (message: string, topic: string) => void): Promise<() => Promise<void>>;
  /**
   * Ends one subscription of `handler` to `topic`, as calling the function `subscribe` returned does: for a caller
   * holding many topics with one handler (the gateway, a topic per connected user), which then keeps no function
   * per topic. Nothing happens when `handler` is not subscribed to `topic`.
   */
  unsubscribe(topic: string, handler: (message: string, topic: string) => void): Promise<void>;
  /** True while the adapter can deliver (for /ready). */
  healthy(): Promise<boolean>;
  /**
   * Calls `listener(false)` when this node stops hearing its topics (the connection to the bus dropped: messages
   * published meanwhile are lost to it) and `listener(true)` once it hears them again; returns a stopper.
   * Absent on adapters that cannot lose messages (in process).
   */
  onConnectionChange?(listener: (connected: boolean) => void): () => void;
  close(): Promise<void>;
}
