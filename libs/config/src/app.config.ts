import { EventStoreKind } from '@policloud/event-store';

export interface AppConfig {
  port: number;
  eventStore: EventStoreKind;
  dataDir: string;
  databaseUrl?: string;
  esdbConnectionString?: string;
  kafkaBrokers: string[];
  operatorApiKey?: string;
  auditSigningKey?: string;
  platformFeeBps: number;
  /** Minutes between scheduled matching runs; 0 runs matching only on demand. */
  matchingIntervalMinutes: number;
  /** Seconds between audit checkpoints; 0 seals only on demand. */
  auditSealIntervalSeconds: number;
  /** Bound on every database wait (statement, lock, connection), in milliseconds. */
  databaseTimeoutMs: number;
  /**
   * Connections each process may open to PostgreSQL: its event store's pool and its read models'
   * pool. Replicas × (both) must stay under the server's max_connections.
   */
  databasePools: { eventStore: number; readModels: number };
  /** Lowest level of the JSON log lines written to stdout. */
  logLevel: LogLevel;
  /** /health/ready fails once the read models are behind and have applied nothing for this long. */
  readyMaxLagSeconds: number;
  /** `system`, or `sandbox`: an operator may move time forward (never in production). */
  clock: ClockKind;
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** Key every subscription's signing secret is derived from; unset: generated under DATA_DIR. */
  secretKey?: string;
  /** Whether URLs may point at private, loopback or link-local addresses (tests, private nets). */
  allowPrivateUrls: boolean;
  /** A subscription is disabled after this many failed deliveries in a row. */
  maxConsecutiveFailures: number;
  /** First retry delay; each further failure doubles it, up to an hour. */
  retryBaseMs: number;
  /** How long a delivery may take before it counts as failed. */
  timeoutMs: number;
}

export const CLOCK_KINDS = ['system', 'sandbox'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

/**
 * Every environment variable the services read (README "Configuration"). Deployment files may set
 * only these; a test checks that loadConfig reads exactly this list, so it cannot drift.
 */
export const CONFIG_VARIABLES = [
  'PORT',
  'EVENT_STORE',
  'DATA_DIR',
  'DATABASE_URL',
  'ESDB_CONNECTION_STRING',
  'KAFKA_BROKERS',
  'OPERATOR_API_KEY',
  'AUDIT_SIGNING_KEY',
  'PLATFORM_FEE_BPS',
  'MATCHING_INTERVAL_MINUTES',
  'AUDIT_SEAL_INTERVAL_SECONDS',
  'DATABASE_TIMEOUT_MS',
  'DATABASE_POOL_MAX',
  'READ_MODELS_POOL_MAX',
  'LOG_LEVEL',
  'READY_MAX_LAG_SECONDS',
  'CLOCK',
  'NODE_ENV',
  'WEBHOOK_SECRET_KEY',
  'WEBHOOK_ALLOW_PRIVATE_URLS',
  'WEBHOOK_MAX_FAILURES',
  'WEBHOOK_RETRY_BASE_MS',
  'WEBHOOK_TIMEOUT_MS',
] as const;
export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Platform fee on buyer charges when PLATFORM_FEE_BPS is unset: 10%. */
export const DEFAULT_PLATFORM_FEE_BPS = 1_000;

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.join(' or ')}`);
  }
  return raw;
}

function logLevel(env: Env): LogLevel {
  const raw = env.LOG_LEVEL || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return raw as LogLevel;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function webhookConfig(env: Env): WebhookConfig {
  const secretKey = env.WEBHOOK_SECRET_KEY || undefined;
  if (secretKey !== undefined && !/^[\x21-\x7e]{32,512}$/.test(secretKey)) {
    throw new ConfigError(
      'WEBHOOK_SECRET_KEY',
      'must be 32 to 512 printable characters, e.g. `openssl rand -hex 32`',
    );
  }
  return {
    secretKey,
    allowPrivateUrls: flag(env, 'WEBHOOK_ALLOW_PRIVATE_URLS'),
    maxConsecutiveFailures: integer(env, 'WEBHOOK_MAX_FAILURES', 20, 1, 10_000),
    retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 1_000, 10, 3_600_000),
    timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 5_000, 100, 60_000),
  };
}

/** CLOCK=sandbox lets an operator move time: a test service's feature, refused in production. */
function clockKind(env: Env): ClockKind {
  const production = env.NODE_ENV === 'production';
  const raw = env.CLOCK || 'system';
  if (!(CLOCK_KINDS as readonly string[]).includes(raw)) {
    throw new ConfigError('CLOCK', `must be one of ${CLOCK_KINDS.join(', ')}, got "${raw}"`);
  }
  if (raw === 'sandbox' && production) {
    throw new ConfigError('CLOCK', 'must not be sandbox when NODE_ENV=production');
  }
  return raw as ClockKind;
}

/** Reads and checks the environment (README "Configuration"); a bad value names its variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const eventStore = (env.EVENT_STORE || 'embedded') as EventStoreKind;
  if (!['embedded', 'postgres', 'esdb'].includes(eventStore)) {
    throw new ConfigError('EVENT_STORE', `must be embedded, postgres or esdb, got "${eventStore}"`);
  }
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (eventStore === 'postgres' && !databaseUrl) {
    throw new ConfigError('DATABASE_URL', 'is required when EVENT_STORE=postgres');
  }
  const esdbConnectionString = url(env, 'ESDB_CONNECTION_STRING', [
    'esdb:',
    'esdb+discover:',
    'kurrentdb:',
    'kdb:',
  ]);
  if (eventStore === 'esdb' && !esdbConnectionString) {
    throw new ConfigError('ESDB_CONNECTION_STRING', 'is required when EVENT_STORE=esdb');
  }
  const kafkaBrokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  for (const broker of kafkaBrokers) {
    if (!/^[^\s:]+:\d+$/.test(broker)) {
      throw new ConfigError('KAFKA_BROKERS', `must be host:port[,host:port...], got "${broker}"`);
    }
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65_535),
    eventStore,
    dataDir: env.DATA_DIR || './data',
    databaseUrl,
    esdbConnectionString,
    kafkaBrokers,
    operatorApiKey: env.OPERATOR_API_KEY || undefined,
    auditSigningKey: env.AUDIT_SIGNING_KEY || undefined,
    platformFeeBps: integer(env, 'PLATFORM_FEE_BPS', DEFAULT_PLATFORM_FEE_BPS, 0, 9_999),
    matchingIntervalMinutes: integer(env, 'MATCHING_INTERVAL_MINUTES', 0, 0, 10_080),
    auditSealIntervalSeconds: integer(env, 'AUDIT_SEAL_INTERVAL_SECONDS', 60, 0, 86_400),
    databaseTimeoutMs: integer(env, 'DATABASE_TIMEOUT_MS', 5_000, 100, 600_000),
    databasePools: {
      eventStore: integer(env, 'DATABASE_POOL_MAX', 20, 2, 500),
      readModels: integer(env, 'READ_MODELS_POOL_MAX', 10, 2, 500),
    },
    logLevel: logLevel(env),
    readyMaxLagSeconds: integer(env, 'READY_MAX_LAG_SECONDS', 30, 1, 86_400),
    clock: clockKind(env),
    webhooks: webhookConfig(env),
  };
}
