/** The part of s3rver 3 (an S3-protocol server for tests; it ships no types) that the tests use. */
declare module "s3rver" {
  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    configureBuckets?: Array<{ name: string; configs: Array<string | Buffer> }>;
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    /** Listens; resolves with the bound address (port 0 picks a free one). */
    run(): Promise<{ address: string; port: number; family: string }>;
    /** Stops listening; resolves once every connection has ended (an idle keep-alive one holds it). */
    close(): Promise<void>;
    /** The listening server, once `run` resolved. */
    httpServer?: import("node:http").Server;
  }
}
