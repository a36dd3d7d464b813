import { CONFIG_VARIABLES, ConfigError, DEFAULT_PLATFORM_FEE_BPS, loadConfig } from './app.config';

describe('configuration from the environment', () => {
  it('defaults to the embedded store on port 3000 with no broker', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      eventStore: 'embedded',
      dataDir: './data',
      databaseUrl: undefined,
      esdbConnectionString: undefined,
      kafkaBrokers: [],
      operatorApiKey: undefined,
      auditSigningKey: undefined,
      platformFeeBps: DEFAULT_PLATFORM_FEE_BPS,
      matchingIntervalMinutes: 0,
      auditSealIntervalSeconds: 60,
      databaseTimeoutMs: 5000,
      databasePools: { eventStore: 20, readModels: 10 },
      logLevel: 'info',
      readyMaxLagSeconds: 30,
      clock: 'system',
      webhooks: {
        secretKey: undefined,
        allowPrivateUrls: false,
        maxConsecutiveFailures: 20,
        retryBaseMs: 1000,
        timeoutMs: 5000,
      },
    });
  });

  it('reads PostgreSQL and Kafka settings', () => {
    const config = loadConfig({
      EVENT_STORE: 'postgres',
      DATABASE_URL: 'postgres://app@db:5432/policloud',
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      PORT: '8080',
      DATABASE_POOL_MAX: '8',
      READ_MODELS_POOL_MAX: '6',
    });
    expect(config).toMatchObject({
      eventStore: 'postgres',
      databasePools: { eventStore: 8, readModels: 6 },
      port: 8080,
      kafkaBrokers: ['kafka-1:9092', 'kafka-2:9092'],
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ EVENT_STORE: 'mongo' }, 'EVENT_STORE'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ EVENT_STORE: 'postgres' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'esdb' }, 'ESDB_CONNECTION_STRING'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ PLATFORM_FEE_BPS: '10000' }, 'PLATFORM_FEE_BPS'],
    [{ PLATFORM_FEE_BPS: '2.5' }, 'PLATFORM_FEE_BPS'],
    [{ CLOCK: 'fast' }, 'CLOCK'],
    [{ DATABASE_POOL_MAX: '1' }, 'DATABASE_POOL_MAX'],
    [{ READ_MODELS_POOL_MAX: 'many' }, 'READ_MODELS_POOL_MAX'],
    [{ WEBHOOK_ALLOW_PRIVATE_URLS: 'yes' }, 'WEBHOOK_ALLOW_PRIVATE_URLS'],
    [{ WEBHOOK_MAX_FAILURES: '0' }, 'WEBHOOK_MAX_FAILURES'],
    [{ WEBHOOK_SECRET_KEY: 'short' }, 'WEBHOOK_SECRET_KEY'],
    [{ CLOCK: 'sandbox', NODE_ENV: 'production' }, 'CLOCK'],
  ])('a malformed %p names %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });

  it('lets an operator move time only outside production (CLOCK=sandbox)', () => {
    expect(loadConfig({ CLOCK: 'sandbox', NODE_ENV: 'development' }).clock).toBe('sandbox');
    expect(loadConfig({ CLOCK: 'sandbox' }).clock).toBe('sandbox');
  });

  it('reads exactly the variables CONFIG_VARIABLES lists (deployment files are checked against it)', () => {
    const read = new Set<string>();
    const env = new Proxy({} as Record<string, string | undefined>, {
      get: (_target, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
    });
    loadConfig(env);
    expect([...read].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
