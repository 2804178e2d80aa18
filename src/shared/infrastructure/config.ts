/**
 * Configuration comes only from environment variables (DESIGN.md). `loadConfig` validates all of them
 * and reports every problem at once, one line per variable, so an operator fixes a bad deploy in one go.
 */
export type Role = "api" | "gateway" | "voice" | "worker";
const ROLES: readonly Role[] = ["api", "gateway", "voice", "worker"];
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const BLOB_STORES = ["postgres", "s3", "filesystem"] as const;
/** Where attachments' bytes live: `filesystem` is DATA_DIR/attachments (memory for `memory://`). */
export type BlobStoreKind = (typeof BLOB_STORES)[number];

/** An S3-compatible bucket (AWS S3, MinIO, R2, …) reached through Bun's S3 client. */
export interface S3Config {
  /** The service's base URL; unset: AWS S3 in `region`. */
  readonly endpoint: string | undefined;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string | undefined;
  /** `endpoint/bucket/key` when true, `bucket.endpoint/key` (virtual-hosted) when false. */
  readonly forcePathStyle: boolean;
  /** Prepended to every object key (e.g. `attachments/`). */
  readonly keyPrefix: string;
}

/** OpenTelemetry tracing (the standard OTEL_* variables); absent when no OTLP endpoint is set. */
export interface TracingConfig {
  /** Where spans are posted, OTLP/HTTP with JSON: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  readonly tracesUrl: string;
  /** OTEL_EXPORTER_OTLP_HEADERS (`key=value,…`, values percent-decoded): a collector's credentials, never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** OTEL_SERVICE_NAME; default `xcord`. */
  readonly serviceName: string;
  /** OTEL_TRACES_SAMPLER_ARG: the share of new traces recorded (0 to 1, default 1); a traced caller's decision is kept. */
  readonly sampleRatio: number;
  /** OTEL_BSP_SCHEDULE_DELAY: milliseconds between exports of the buffered spans; default 5,000. */
  readonly exportDelayMs: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Base URL clients reach this node at; when unset the node uses the address it listens on. */
  readonly publicUrl: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly redisUrl: string | undefined;
  /** A Redis command without a reply after this long fails (a hung Redis never stalls requests for longer). */
  readonly redisCommandTimeoutMs: number;
  readonly nodeId: number;
  /** Processes `bun run start` runs, sharing the port; each is a node with NODE_ID + its index. */
  readonly workers: number;
  readonly roles: ReadonlySet<Role>;
  readonly jwt: {
    readonly secret: string | undefined;
    readonly privateKeyFile: string | undefined;
    readonly publicKeyFile: string | undefined;
    /** Verification-only keys of earlier rotations. */
    readonly previousPublicKeyFiles: readonly string[];
  };
  readonly logLevel: LogLevel;
  readonly logPretty: boolean;
  readonly sentryDsn: string | undefined;
  readonly sentryEnvironment: string;
  readonly tracing: TracingConfig | undefined;
  readonly rateLimitScale: number;
  readonly migrateOnStart: boolean;
  readonly trustProxy: boolean;
  readonly corsOrigins: readonly string[];
  readonly databasePoolSize: number;
  readonly maxUploadBytes: number;
  /** BLOB_STORE, or by default: s3 when S3_BUCKET is set, else postgres when DATABASE_URL is set, else filesystem. */
  readonly blobStore: BlobStoreKind;
  /** Set when S3_BUCKET is. */
  readonly s3: S3Config | undefined;
  /** Memory for the node's newest history pages (bytes, estimated); 0 turns the cache off. */
  readonly historyCacheBytes: number;
  /** Days an audit log entry is kept (Discord's 45); worker nodes delete older ones. */
  readonly auditLogRetentionDays: number;
  readonly gateway: {
    readonly heartbeatIntervalMs: number;
    readonly identifyTimeoutMs: number;
    /** How long a dropped session can be resumed, on any node (API.md: 2 minutes). */
    readonly resumeWindowMs: number;
    /** How long a user stays online after the last session went (API.md: 15 s). */
    readonly offlineGraceMs: number;
    /** Members above which a guild is large: no presence broadcast to it, none of it in READY. */
    readonly largeGuildThreshold: number;
    /** Concurrent gateway connections one client IP may hold on a node (× RATE_LIMIT_SCALE); 0: no cap. */
    readonly maxConnectionsPerIp: number;
    /** Gateway connections one client IP may open per minute, cluster-wide (× RATE_LIMIT_SCALE); 0: no limit. */
    readonly connectsPerIpPerMinute: number;
  };
  readonly mediasoup: {
    readonly rtcMinPort: number;
    readonly rtcMaxPort: number;
    readonly announcedAddress: string | undefined;
    readonly listenIp: string;
    readonly workers: number;
  };
  readonly voice: {
    /** How long a voice state outlives its last connected voice socket (docs/voice.md). */
    readonly stateTtlMs: number;
    /** How often each room reports quality stats to its participants. */
    readonly statsIntervalMs: number;
    /** The most participants one voice room takes, whatever a channel's user limit says. */
    readonly roomCapacity: number;
  };
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the configuration; throws ConfigError listing every bad variable. `terminal`: whether stdout
 * is a terminal, where logs are pretty-printed unless LOG_PRETTY=false.
 */
export const loadConfig = (env: Env = process.env, terminal = Boolean(process.stdout.isTTY)): Config => {
  const problems: string[] = [];
  const read = createReaders(env, problems);

  const port = read.int("PORT", 3000, 0, 65535);
  const host = read.string("HOST", "0.0.0.0");
  const rtcMinPort = read.int("MEDIASOUP_RTC_MIN_PORT", 40000, 1024, 65535);
  const rtcMaxPort = read.int("MEDIASOUP_RTC_MAX_PORT", 49999, 1024, 65535);
  if (rtcMinPort > rtcMaxPort) problems.push("MEDIASOUP_RTC_MIN_PORT: expected a port not above MEDIASOUP_RTC_MAX_PORT");
  const jwtSecret = read.optional("JWT_SECRET");
  if (jwtSecret !== undefined && jwtSecret.length < 32) problems.push("JWT_SECRET: expected at least 32 characters");

  const databaseUrl = read.url("DATABASE_URL", ["postgres:", "postgresql:"]);
  const s3 = readS3(read, problems);
  const blobStore = read.oneOf("BLOB_STORE", BLOB_STORES, s3 ? "s3" : databaseUrl ? "postgres" : "filesystem");
  if (blobStore === "s3" && !s3) problems.push("BLOB_STORE: s3 needs S3_BUCKET (and the other S3_* settings)");
  if (blobStore === "postgres" && !databaseUrl && read.optional("DATABASE_URL") === undefined) problems.push("BLOB_STORE: postgres needs DATABASE_URL (the embedded database keeps files in DATA_DIR)");

  const config: Config = {
    port,
    host,
    publicUrl: read.url("PUBLIC_URL", ["http:", "https:"]),
    databaseUrl,
    dataDir: read.string("DATA_DIR", "./data"),
    redisUrl: read.url("REDIS_URL", ["redis:", "rediss:"]),
    redisCommandTimeoutMs: read.int("REDIS_COMMAND_TIMEOUT_MS", 2_000, 50, 60_000),
    nodeId: read.int("NODE_ID", 0, 0, 1023),
    workers: read.int("WORKERS", read.int("XCORD_WORKERS", 1, 1, 64), 1, 64),
    roles: read.roles("XCORD_ROLES"),
    jwt: {
      secret: jwtSecret,
      privateKeyFile: read.optional("JWT_PRIVATE_KEY_FILE"),
      publicKeyFile: read.optional("JWT_PUBLIC_KEY_FILE"),
      previousPublicKeyFiles: read.list("JWT_PREVIOUS_PUBLIC_KEY_FILES"),
    },
    logLevel: read.oneOf("LOG_LEVEL", LOG_LEVELS, "info"),
    logPretty: read.bool("LOG_PRETTY", terminal),
    sentryDsn: read.url("SENTRY_DSN", ["http:", "https:"]),
    sentryEnvironment: read.string("SENTRY_ENVIRONMENT", "production"),
    tracing: readTracing(read, problems),
    rateLimitScale: read.number("RATE_LIMIT_SCALE", 1, 0.001, 1_000_000),
    migrateOnStart: read.bool("MIGRATE_ON_START", true),
    trustProxy: read.bool("TRUST_PROXY", false),
    corsOrigins: read.list("CORS_ORIGINS", ["*"]),
    databasePoolSize: read.int("DATABASE_POOL_SIZE", 20, 1, 1000),
    maxUploadBytes: read.int("MAX_UPLOAD_BYTES", 25 * 1024 * 1024, 1, 1024 * 1024 * 1024),
    blobStore,
    s3,
    historyCacheBytes: read.int("HISTORY_CACHE_MB", 64, 0, 64 * 1024) * 1024 * 1024,
    auditLogRetentionDays: read.int("AUDIT_LOG_RETENTION_DAYS", 45, 1, 36_500),
    gateway: {
      heartbeatIntervalMs: read.int("GATEWAY_HEARTBEAT_INTERVAL_MS", 41_250, 100, 600_000),
      identifyTimeoutMs: read.int("GATEWAY_IDENTIFY_TIMEOUT_MS", 10_000, 100, 600_000),
      resumeWindowMs: read.int("GATEWAY_RESUME_WINDOW_MS", 120_000, 100, 3_600_000),
      offlineGraceMs: read.int("PRESENCE_OFFLINE_GRACE_MS", 15_000, 0, 600_000),
      largeGuildThreshold: read.int("GATEWAY_LARGE_GUILD_THRESHOLD", 250, 1, 250),
      maxConnectionsPerIp: read.int("GATEWAY_MAX_CONNECTIONS_PER_IP", 256, 0, 10_000_000),
      connectsPerIpPerMinute: read.int("GATEWAY_CONNECTS_PER_IP_PER_MINUTE", 120, 0, 10_000_000),
    },
    mediasoup: {
      rtcMinPort,
      rtcMaxPort,
      announcedAddress: read.optional("MEDIASOUP_ANNOUNCED_ADDRESS"),
      listenIp: read.string("MEDIASOUP_LISTEN_IP", "0.0.0.0"),
      workers: read.int("MEDIASOUP_WORKERS", navigator.hardwareConcurrency || 1, 0, 256),
    },
    voice: {
      stateTtlMs: read.int("VOICE_STATE_TTL_MS", 60_000, 1000, 3_600_000),
      statsIntervalMs: read.int("VOICE_STATS_INTERVAL_MS", 5000, 250, 600_000),
      roomCapacity: read.int("VOICE_ROOM_CAPACITY", 99, 1, 10_000),
    },
  };
  if (config.workers > 1 && (config.databaseUrl === undefined || config.redisUrl === undefined)) {
    problems.push("WORKERS: more than one worker needs DATABASE_URL and REDIS_URL (the embedded database and memory adapters belong to one process)");
  }
  if (config.workers > 1 && config.nodeId + config.workers - 1 > 1023) {
    problems.push("WORKERS: NODE_ID + WORKERS - 1 must stay within 1023 (each worker takes the next node id)");
  }
  if (config.jwt.privateKeyFile !== undefined && config.jwt.publicKeyFile === undefined) {
    problems.push("JWT_PUBLIC_KEY_FILE: expected a path when JWT_PRIVATE_KEY_FILE is set");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
};

/** The OTEL_* settings of an OTLP/HTTP trace exporter; undefined (tracing off) without an endpoint or with OTEL_SDK_DISABLED. */
const readTracing = (read: ReturnType<typeof createReaders>, problems: string[]): TracingConfig | undefined => {
  const tracesEndpoint = read.url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ["http:", "https:"]);
  const endpoint = read.url("OTEL_EXPORTER_OTLP_ENDPOINT", ["http:", "https:"]);
  const headers: Record<string, string> = {};
  for (const pair of read.list("OTEL_EXPORTER_OTLP_HEADERS")) {
    const at = pair.indexOf("=");
    const key = at > 0 ? pair.slice(0, at).trim() : "";
    let value: string | undefined;
    try {
      value = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {}
    // Never echo a header: it is usually a credential.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key) || value === undefined) problems.push("OTEL_EXPORTER_OTLP_HEADERS: expected comma-separated key=value pairs");
    else headers[key.toLowerCase()] = value;
  }
  const serviceName = read.string("OTEL_SERVICE_NAME", "xcord");
  const sampleRatio = read.number("OTEL_TRACES_SAMPLER_ARG", 1, 0, 1);
  const exportDelayMs = read.int("OTEL_BSP_SCHEDULE_DELAY", 5_000, 10, 600_000);
  if (read.bool("OTEL_SDK_DISABLED", false)) return undefined;
  const tracesUrl = tracesEndpoint ?? (endpoint ? `${endpoint.replace(/\/+$/, "")}/v1/traces` : undefined);
  return tracesUrl === undefined ? undefined : { tracesUrl, headers, serviceName, sampleRatio, exportDelayMs };
};

/** Bucket names as S3 defines them: 3 to 63 lowercase letters, digits, dots and hyphens, a letter or digit at each end. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const S3_VARIABLES = ["S3_ENDPOINT", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_SESSION_TOKEN", "S3_FORCE_PATH_STYLE", "S3_KEY_PREFIX"];

/** The S3_* settings: none, or S3_BUCKET with its credentials; every problem is reported (never a secret's value). */
const readS3 = (read: ReturnType<typeof createReaders>, problems: string[]): S3Config | undefined => {
  const bucket = read.optional("S3_BUCKET");
  const endpoint = read.url("S3_ENDPOINT", ["http:", "https:"]);
  const forcePathStyle = read.bool("S3_FORCE_PATH_STYLE", true);
  const keyPrefix = read.string("S3_KEY_PREFIX", "attachments/");
  if (bucket === undefined) {
    const stray = S3_VARIABLES.filter((name) => read.optional(name) !== undefined);
    if (stray.length > 0) problems.push(`S3_BUCKET: expected a bucket name when ${stray.join(", ")} ${stray.length === 1 ? "is" : "are"} set`);
    return undefined;
  }
  if (!BUCKET_NAME.test(bucket)) problems.push(`S3_BUCKET: expected 3 to 63 lowercase letters, digits, dots or hyphens, got "${bucket}"`);
  const accessKeyId = read.optional("S3_ACCESS_KEY_ID");
  const secretAccessKey = read.optional("S3_SECRET_ACCESS_KEY");
  if (accessKeyId === undefined) problems.push("S3_ACCESS_KEY_ID: expected the access key id of the bucket's credentials when S3_BUCKET is set");
  if (secretAccessKey === undefined) problems.push("S3_SECRET_ACCESS_KEY: expected the secret access key of the bucket's credentials when S3_BUCKET is set");
  const region = read.string("S3_REGION", "us-east-1");
  if (!/^[a-z0-9-]{1,64}$/.test(region)) problems.push(`S3_REGION: expected a region name such as us-east-1, got "${region}"`);
  if (keyPrefix.startsWith("/") || keyPrefix.length > 512 || /[\\\x00-\x1f]/.test(keyPrefix)) {
    problems.push("S3_KEY_PREFIX: expected at most 512 characters, not starting with / and without control characters or backslashes");
  }
  return {
    endpoint,
    bucket,
    region,
    accessKeyId: accessKeyId ?? "",
    secretAccessKey: secretAccessKey ?? "",
    sessionToken: read.optional("S3_SESSION_TOKEN"),
    forcePathStyle,
    keyPrefix,
  };
};

const createReaders = (env: Env, problems: string[]) => {
  const raw = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const number = (name: string, fallback: number, min: number, max: number, integer = false): number => {
    const value = raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    const kind = integer ? "an integer" : "a number";
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min || parsed > max) {
      problems.push(`${name}: expected ${kind} from ${min} to ${max}, got "${value}"`);
      return fallback;
    }
    return parsed;
  };
  return {
    optional: raw,
    string: (name: string, fallback: string) => raw(name) ?? fallback,
    number,
    int: (name: string, fallback: number, min: number, max: number) => number(name, fallback, min, max, true),
    bool(name: string, fallback: boolean): boolean {
      const value = raw(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (["true", "1", "yes", "on"].includes(value)) return true;
      if (["false", "0", "no", "off"].includes(value)) return false;
      problems.push(`${name}: expected true or false, got "${value}"`);
      return fallback;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const value = raw(name);
      if (value === undefined) return fallback;
      if ((allowed as readonly string[]).includes(value)) return value as T;
      problems.push(`${name}: expected one of ${allowed.join(", ")}, got "${value}"`);
      return fallback;
    },
    url(name: string, protocols: readonly string[]): string | undefined {
      const value = raw(name);
      if (value === undefined) return undefined;
      const parsed = URL.canParse(value) ? new URL(value) : undefined;
      if (parsed === undefined || !protocols.includes(parsed.protocol)) {
        // Never echo a URL back: it may hold a password.
        problems.push(`${name}: expected a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`);
        return undefined;
      }
      return value;
    },
    list(name: string, fallback: readonly string[] = []): readonly string[] {
      const value = raw(name);
      return value === undefined ? fallback : value.split(",").map((item) => item.trim()).filter(Boolean);
    },
    roles(name: string): ReadonlySet<Role> {
      const value = raw(name);
      if (value === undefined) return new Set(ROLES);
      const names = value.split(",").map((item) => item.trim()).filter(Boolean);
      const unknown = names.filter((role) => !(ROLES as readonly string[]).includes(role));
      if (unknown.length > 0 || names.length === 0) {
        problems.push(`${name}: expected a comma-separated list of ${ROLES.join(", ")}, got "${value}"`);
        return new Set(ROLES);
      }
      return new Set(names as Role[]);
    },
  };
};
