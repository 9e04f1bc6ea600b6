import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting the process reads, validated once at start. A bad value stops
 * the process with a message naming the variable, rather than failing later in
 * some request.
 */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

// Well-known development values: usable only outside production (enforced below).
export const DEV_JWT_SECRET = 'microcourt-development-secret-do-not-use-in-production';
export const DEV_ENCRYPTION_KEY = '6d6963726f636f7572742d6465762d6b65792d6e6f742d666f722d70726f6421';

/** express's 'trust proxy' accepts IP addresses and CIDR ranges; nothing else is accepted here. */
function isProxyAddress(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length > 0 || !address) return false;
  const v4 = z.ipv4().safeParse(address).success;
  const v6 = !v4 && z.ipv6().safeParse(address).success;
  if (!v4 && !v6) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n >= 0 && n <= (v4 ? 32 : 128);
}

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: port(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MONGODB_URI: optionalString.pipe(
      z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
    ),
    EMBEDDED_DB_DIR: z.string().min(1).default('./data/db'),
    JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    DATA_ENCRYPTION_KEY: optionalString.pipe(
      z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (a 256-bit key)').optional(),
    ),
    CLIENT_DIST_DIR: z.string().min(1).default('./client/dist'),
    PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional()),
    MAIL_FROM: z.string().min(3).default('microcourt <no-reply@microcourt.local>'),
    RECORDINGS_DIR: z.string().min(1).default('./recordings'),
    UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(20 * 1024 * 1024),
    SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    READING_REVIEW: z.enum(['on', 'off']).default('on'),
    OCR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(Math.max(1, os.availableParallelism() - 1)),
    REVIEW_MAX_PAGES: z.coerce.number().int().min(1).max(1000).default(60),
    SIGNING_DIR: z.string().min(1).default('./data/signing'),
    COURT_SIGNING_P12: optionalString,
    COURT_SIGNING_P12_PASSWORD: z.string().optional(),
    COURT_SIGNING_CA_PEM: optionalString,
    TSA_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    TSA_CA_PEM: optionalString,
    MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
    MEDIASOUP_LISTEN_IP: z.ipv4().or(z.ipv6()).default('0.0.0.0'),
    MEDIASOUP_ANNOUNCED_IP: optionalString,
    MEDIASOUP_WEBRTC_PORT: port(44444),
    MEDIASOUP_RTC_MIN_PORT: port(40000),
    MEDIASOUP_RTC_MAX_PORT: port(40999),
    MEDIASOUP_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
    // Several nodes (issue 20): unset REDIS_URL = one process, no Redis, as before.
    REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional()),
    NODE_ID: optionalString.pipe(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores').optional()),
    NODE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    NODE_LEASE_SECONDS: z.coerce.number().int().min(2).max(300).default(5),
    LIST_CATCHUP_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    TRUSTED_PROXIES: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((p) => p.trim()).filter((p) => p !== ''))
      .pipe(z.array(z.string().refine(isProxyAddress, 'must be a comma-separated list of IP addresses or CIDR ranges (e.g. 10.0.0.5,10.1.0.0/16)'))),
  })
  .superRefine((c, ctx) => {
    if (c.MEDIASOUP_RTC_MIN_PORT > c.MEDIASOUP_RTC_MAX_PORT) {
      ctx.addIssue({
        code: 'custom',
        path: ['MEDIASOUP_RTC_MIN_PORT'],
        message: 'must not be greater than MEDIASOUP_RTC_MAX_PORT',
      });
    }
    // Development defaults are fine on a laptop; production must not run on them.
    if (c.NODE_ENV === 'production') {
      // The generated development certificate must never sign a real court's documents.
      for (const key of ['JWT_SECRET', 'DATA_ENCRYPTION_KEY', 'COURT_SIGNING_P12'] as const) {
        if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
      }
      // The development values are published in this repository: anyone could forge tokens with them.
      if (c.JWT_SECRET === DEV_JWT_SECRET) {
        ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is the published development value; set a secret of your own when NODE_ENV=production' });
      }
      if (c.DATA_ENCRYPTION_KEY?.toLowerCase() === DEV_ENCRYPTION_KEY) {
        ctx.addIssue({ code: 'custom', path: ['DATA_ENCRYPTION_KEY'], message: 'is the published development value; set a key of your own when NODE_ENV=production' });
      }
    }
  });

type RawConfig = z.infer<typeof configSchema>;

/** The court's signing key and the timestamp authority (server/signing). */
export interface SigningConfig {
  /** Where generated keys live: the development court certificate and the built-in TSA's. */
  dir: string;
  p12Path: string | undefined;
  p12Password: string | undefined;
  /** Extra roots trusted for the court's certificate (PEM file). */
  caPemPath: string | undefined;
  /** An external RFC 3161 authority; unset = the built-in one. */
  tsaUrl: string | undefined;
  /** Roots trusted for an external authority's certificate (PEM file). */
  tsaCaPemPath: string | undefined;
}

export interface Config {
  env: RawConfig['NODE_ENV'];
  host: string;
  port: number;
  logLevel: RawConfig['LOG_LEVEL'];
  mongodbUri: string | undefined;
  embeddedDbDir: string;
  jwtSecret: string;
  dataEncryptionKey: Buffer;
  clientDistDir: string;
  /** Base URL people reach the platform at, for links in emails, SMS and summonses; defaults to the listening address. */
  publicUrl: string | undefined;
  /** SMTP server for outgoing mail; unset = mail is recorded as not sent (no channel). */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Where hearing recordings are written (one WebM per participant and segment). */
  recordingsDir: string;
  /** Largest accepted uploaded file, in bytes. */
  uploadMaxBytes: number;
  /** How often deadlines are swept and reminders sent, in seconds; 0 turns the sweep off. */
  sweepIntervalSeconds: number;
  /** The reading review (OCR of filed papers): on/off, OCR child processes at once, pages read per submission. */
  review: { enabled: boolean; ocrConcurrency: number; maxPages: number };
  signing: SigningConfig;
  /** Proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES); empty = the socket's address is the client's. */
  trustedProxies: string[];
  /** JWT_SECRET or DATA_ENCRYPTION_KEY is the published development value (never in production). */
  developmentSecrets: boolean;
  /** Several nodes sharing one MongoDB and one Redis; undefined = one process, no Redis. */
  cluster: ClusterConfig | undefined;
  mediasoup: {
    numWorkers: number;
    listenIp: string;
    announcedIp: string | undefined;
    /** First worker's WebRtcServer port; worker i listens on webRtcPort + i. 0 = any free port. */
    webRtcPort: number;
    rtcMinPort: number;
    rtcMaxPort: number;
    logLevel: RawConfig['MEDIASOUP_LOG_LEVEL'];
  };
}

/** One node of several (REDIS_URL set). */
export interface ClusterConfig {
  redisUrl: string;
  /** This node's name in placements; unique per node (default: host name and port). */
  nodeId: string;
  /** Where browsers reach this node's signalling (NODE_URL; default the listening address; not PUBLIC_URL, which names the whole deployment). */
  nodeUrl: string | undefined;
  /** A node that has not renewed for this long is dead: its hearings move to a live node. */
  leaseSeconds: number;
  /** How often a node re-reads the cases saved since its last catch-up into its list index (a missed Redis message); 0 = never. */
  listCatchUpSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`),
    );
  }
  const c = parsed.data;
  return {
    env: c.NODE_ENV,
    host: c.HOST,
    port: c.PORT,
    logLevel: c.LOG_LEVEL,
    mongodbUri: c.MONGODB_URI,
    embeddedDbDir: path.resolve(c.EMBEDDED_DB_DIR),
    jwtSecret: c.JWT_SECRET ?? DEV_JWT_SECRET,
    dataEncryptionKey: Buffer.from(c.DATA_ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY, 'hex'),
    clientDistDir: path.resolve(c.CLIENT_DIST_DIR),
    uploadMaxBytes: c.UPLOAD_MAX_BYTES,
    sweepIntervalSeconds: c.SWEEP_INTERVAL_SECONDS,
    review: { enabled: c.READING_REVIEW === 'on', ocrConcurrency: c.OCR_CONCURRENCY, maxPages: c.REVIEW_MAX_PAGES },
    recordingsDir: path.resolve(c.RECORDINGS_DIR),
    publicUrl: c.PUBLIC_URL?.replace(/\/+$/, ''),
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM,
    signing: {
      dir: path.resolve(c.SIGNING_DIR),
      p12Path: c.COURT_SIGNING_P12 ? path.resolve(c.COURT_SIGNING_P12) : undefined,
      p12Password: c.COURT_SIGNING_P12_PASSWORD,
      caPemPath: c.COURT_SIGNING_CA_PEM ? path.resolve(c.COURT_SIGNING_CA_PEM) : undefined,
      tsaUrl: c.TSA_URL,
      tsaCaPemPath: c.TSA_CA_PEM ? path.resolve(c.TSA_CA_PEM) : undefined,
    },
    trustedProxies: c.TRUSTED_PROXIES,
    developmentSecrets: !c.JWT_SECRET || !c.DATA_ENCRYPTION_KEY || c.JWT_SECRET === DEV_JWT_SECRET || c.DATA_ENCRYPTION_KEY.toLowerCase() === DEV_ENCRYPTION_KEY,
    cluster: c.REDIS_URL
      ? { redisUrl: c.REDIS_URL, nodeId: c.NODE_ID ?? `${os.hostname()}-${c.PORT}`, nodeUrl: c.NODE_URL?.replace(/\/+$/, ''), leaseSeconds: c.NODE_LEASE_SECONDS, listCatchUpSeconds: c.LIST_CATCHUP_SECONDS }
      : undefined,
    mediasoup: {
      numWorkers: c.MEDIASOUP_WORKERS,
      listenIp: c.MEDIASOUP_LISTEN_IP,
      announcedIp: c.MEDIASOUP_ANNOUNCED_IP,
      webRtcPort: c.MEDIASOUP_WEBRTC_PORT,
      rtcMinPort: c.MEDIASOUP_RTC_MIN_PORT,
      rtcMaxPort: c.MEDIASOUP_RTC_MAX_PORT,
      logLevel: c.MEDIASOUP_LOG_LEVEL,
    },
  };
}
