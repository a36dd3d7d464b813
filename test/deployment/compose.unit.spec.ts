import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { CONFIG_VARIABLES } from '@policloud/config';

/**
 * No Docker runs here, so the deployment files are checked statically: what `docker compose up`
 * and `docker build` would trip over (a service without a healthcheck, a command pointing at no
 * app, a variable the config never reads, a password in a committed file, a proxy route to a
 * service that does not exist) fails this test instead.
 */
const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The services built from this repository, each an app with its own main.ts. */
const OUR_SERVICES = ['marketplace-api', 'audit-api', 'matching-engine', 'projector'];
const SECRETS = [
  'POSTGRES_PASSWORD',
  'OPERATOR_API_KEY',
  'AUDIT_SIGNING_KEY',
  'WEBHOOK_SECRET_KEY',
];

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  restart?: string;
  depends_on?: Record<string, { condition?: string; required?: boolean }> | string[];
  profiles?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** YAML merge keys (`<<: *anchor`), which Compose applies; the parser may leave them as keys. */
function resolveMerges(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveMerges);
  if (value === null || typeof value !== 'object') return value;
  const { '<<': merged, ...own } = value as Record<string, unknown>;
  const bases = merged === undefined ? [] : Array.isArray(merged) ? merged : [merged];
  const result: Record<string, unknown> = {};
  for (const base of bases) Object.assign(result, resolveMerges(base));
  for (const [key, child] of Object.entries(own)) result[key] = resolveMerges(child);
  return result;
}

function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value ?? '')]));
}

/** The app a `node -r tsconfig-paths/register dist/apps/<app>/src/main.js` command starts. */
function appStartedBy(command: string[]): string | undefined {
  if (command.length !== 4 || command[0] !== 'node') return undefined;
  if (command[1] !== '-r' || command[2] !== 'tsconfig-paths/register') return undefined;
  const match = /^dist\/apps\/([a-z-]+)\/src\/main\.js$/.exec(command[3]);
  return match && existsSync(path.join(ROOT, 'apps', match[1], 'src', 'main.ts'))
    ? match[1]
    : undefined;
}

/** ${VAR}, ${VAR:?message} or ${VAR?message}: a value taken from .env with no fallback. */
const REFERENCE_ONLY = /^\$\{([A-Z][A-Z0-9_]*)(:?\?[^}]*)?\}$/;

describe('docker-compose.yml', () => {
  const compose = resolveMerges(load(read('docker-compose.yml'))) as ComposeFile;
  const services = Object.entries(compose.services);
  const ours = services.filter(([name]) => OUR_SERVICES.includes(name));

  it('runs the four services, the proxy, PostgreSQL and Kafka; KurrentDB only under a profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...OUR_SERVICES, 'proxy', 'postgres', 'kafka', 'kurrentdb'].sort(),
    );
    expect(compose.services.kurrentdb.profiles).toEqual(['kurrentdb']);
    for (const [name, service] of services) {
      if (name !== 'kurrentdb') expect({ name, profiles: service.profiles }).toEqual({ name });
    }
    expect(compose.services['marketplace-api'].deploy?.replicas).toBe(2);
  });

  it("keeps every process's PostgreSQL connections under the server's max_connections", () => {
    const fallback = (value: string | undefined) => Number(/:-(\d+)\}$/.exec(value ?? '')?.[1]);
    const connections = ours.reduce((total, [, s]) => {
      const env = environmentOf(s);
      // Both pools and the leadership lock's own connection, per replica.
      const perProcess = fallback(env.DATABASE_POOL_MAX) + fallback(env.READ_MODELS_POOL_MAX) + 1;
      return total + (s.deploy?.replicas ?? 1) * perProcess;
    }, 0);
    const command = compose.services.postgres.command as string[];
    const maxConnections = Number(
      command.find((part) => part.startsWith('max_connections='))?.split('=')[1],
    );
    expect(connections).toBeGreaterThan(0);
    // Headroom for a replica more of each service, psql and the superuser's reserved slots.
    expect(connections + 4 * 21 + 10).toBeLessThanOrEqual(maxConnections);
  });

  it.each(services)('%s has an image or a build, a healthcheck and a restart policy', (_, s) => {
    expect(s.image ?? s.build).toBeTruthy();
    expect(s.healthcheck?.disable).not.toBe(true);
    expect(s.healthcheck?.test).toBeTruthy();
    expect(s.restart).toBe('unless-stopped');
  });

  it.each(ours)('%s is the one image, started with node on its own compiled main', (name, s) => {
    expect(s.build).toBe('.');
    expect(s.image).toBe(compose.services['marketplace-api'].image);
    expect(Array.isArray(s.command)).toBe(true);
    expect(appStartedBy(s.command as string[])).toBe(name);
    // The same process as `npm run start:prod:<service>`.
    const script = JSON.parse(read('package.json')).scripts[`start:prod:${name}`] as string;
    expect(script).toContain((s.command as string[]).join(' '));
  });

  it.each(ours)('%s sets only variables the configuration reads', (_, s) => {
    const known: readonly string[] = CONFIG_VARIABLES;
    const unknown = Object.keys(environmentOf(s)).filter((name) => !known.includes(name));
    expect(unknown).toEqual([]);
  });

  it('defaults our services to the PostgreSQL event store, switchable to KurrentDB', () => {
    for (const [, s] of ours) {
      const env = environmentOf(s);
      expect(env.EVENT_STORE).toBe('${EVENT_STORE:-postgres}');
      expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(env.ESDB_CONNECTION_STRING).toMatch(/^esdb:\/\/kurrentdb:2113/);
    }
  });

  it('holds no secret: passwords and keys come from .env, which git ignores', () => {
    for (const [name, s] of services) {
      for (const [variable, value] of Object.entries(environmentOf(s))) {
        if (/PASSWORD|SECRET|TOKEN|_KEY$/.test(variable)) {
          expect({ name, variable, value }).toEqual({
            name,
            variable,
            value: expect.stringMatching(REFERENCE_ONLY),
          });
        }
        // Credentials inside a URL (user:password@host) are a reference too.
        const password = /^[a-z+]+:\/\/[^:/@]+:([^@]*)@/.exec(value)?.[1];
        if (password !== undefined) expect(password).toMatch(REFERENCE_ONLY);
      }
    }
    const text = read('docker-compose.yml');
    for (const secret of SECRETS) expect(text).toContain(`\${${secret}`);
    expect(read('.gitignore').split('\n')).toContain('.env');
    expect(read('.dockerignore').split('\n')).toContain('.env');
  });

  it('.env.example names every secret with a placeholder, never a usable value', () => {
    const example = Object.fromEntries(
      read('.env.example')
        .split('\n')
        .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    for (const secret of SECRETS) expect(example[secret]).toBe('CHANGE-ME');
    // Every variable the file requires without a default is in the example.
    const required = [...read('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)(?::?\?[^}]*)?\}/g)];
    for (const [, variable] of required) expect(Object.keys(example)).toContain(variable);
  });

  it('starts a service only once what it depends on is healthy', () => {
    for (const [name, s] of services) {
      const dependsOn = s.depends_on ?? {};
      expect({ name, listForm: Array.isArray(dependsOn) }).toEqual({ name, listForm: false });
      for (const [dependency, rule] of Object.entries(dependsOn)) {
        expect({ name, dependency, condition: rule.condition }).toEqual({
          name,
          dependency,
          condition: 'service_healthy',
        });
        expect(compose.services[dependency]?.healthcheck?.test).toBeTruthy();
        // A dependency that only runs under a profile must not block the default start.
        if (compose.services[dependency].profiles) expect(rule.required).toBe(false);
      }
    }
    for (const name of OUR_SERVICES) {
      expect(Object.keys(compose.services[name].depends_on ?? {})).toEqual(
        expect.arrayContaining(['postgres', 'kafka']),
      );
    }
  });

  it('configures Kafka as a complete single-node KRaft broker on a volume', () => {
    const kafka = compose.services.kafka;
    const env = environmentOf(kafka);
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        'CLUSTER_ID',
        'KAFKA_NODE_ID',
        'KAFKA_PROCESS_ROLES',
        'KAFKA_LISTENERS',
        'KAFKA_ADVERTISED_LISTENERS',
        'KAFKA_CONTROLLER_LISTENER_NAMES',
        'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP',
        'KAFKA_CONTROLLER_QUORUM_VOTERS',
        'KAFKA_INTER_BROKER_LISTENER_NAME',
        'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR',
        'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR',
        'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR',
      ]),
    );
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:9093`);
    // Every listener named has a protocol, and the advertised one is what our services dial.
    const protocols = env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.split(',').map(
      (p) => p.split(':')[0],
    );
    for (const listener of env.KAFKA_LISTENERS.split(',')) {
      expect(protocols).toContain(listener.split(':')[0]);
    }
    for (const [, s] of ours) {
      expect(env.KAFKA_ADVERTISED_LISTENERS).toContain(environmentOf(s).KAFKA_BROKERS);
    }
    expect(kafka.volumes?.some((v) => v.endsWith(`:${env.KAFKA_LOG_DIRS}`))).toBe(true);
  });

  describe('the reverse proxy', () => {
    const proxy: ComposeService = compose.services.proxy ?? {};
    const mount = (proxy.volumes ?? []).find((v) => v.startsWith('./deploy/'));
    const config = mount ? read(mount.split(':')[0]) : '';

    it('mounts its configuration from deploy/', () => {
      expect(mount).toBeDefined();
      expect(Object.keys(proxy.depends_on ?? {})).toEqual(
        expect.arrayContaining(['marketplace-api', 'audit-api', 'matching-engine']),
      );
    });

    it('sends upstream traffic only to services of the file, on the port they listen on', () => {
      const servers = [...config.matchAll(/^\s*server\s+([a-z0-9-]+):(\d+)\b/gm)];
      expect(servers.length).toBeGreaterThan(0);
      for (const [, host, port] of servers) {
        expect(OUR_SERVICES).toContain(host);
        expect(environmentOf(compose.services[host]).PORT).toBe(port);
      }
    });

    it('routes /v1/audit to audit-api, /v1/matching to matching-engine, the rest to marketplace-api', () => {
      const routes = Object.fromEntries(
        [
          ...config.matchAll(/location\s+([^{]+?)\s*\{[^}]*?proxy_pass\s+http:\/\/([a-z0-9-]+)/g),
        ].map(([, location, upstream]) => [location, upstream]),
      );
      const upstreams = [
        ...config.matchAll(/upstream\s+([a-z0-9-]+)\s*\{[^}]*server\s+([a-z0-9-]+):/g),
      ];
      const serviceOf = Object.fromEntries(upstreams.map(([, upstream, host]) => [upstream, host]));
      const routed = (location: string) => serviceOf[routes[location]] ?? routes[location];
      expect(routed('~ ^/v1/audit(/|$)')).toBe('audit-api');
      expect(routed('~ ^/v1/matching(/|$)')).toBe('matching-engine');
      expect(routed('/')).toBe('marketplace-api');
      expect(Object.keys(routes)).toHaveLength(3);
    });
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => /^[A-Z]+\s/.test(line));
  const stages = instructions.flatMap((i, index) => (i.startsWith('FROM ') ? [index] : []));
  const runtime = instructions.slice(stages[stages.length - 1]);
  const cmd = runtime.filter((i) => i.startsWith('CMD '));

  it('builds on the current Node LTS, while package.json keeps Node 20.19 supported', () => {
    for (const from of instructions.filter((i) => i.startsWith('FROM '))) {
      expect(from).toMatch(/^FROM node:24-bookworm-slim\b/);
    }
    expect(JSON.parse(read('package.json')).engines.node).toBe('>=20.19');
  });

  it('starts node itself (signals reach it) on the all-in-one, with the compiled paths', () => {
    expect(cmd).toHaveLength(1);
    const command = JSON.parse(cmd[0].slice('CMD '.length)) as string[];
    expect(appStartedBy(command)).toBe('all-in-one');
    expect(runtime.join('\n')).toMatch(/^ENV .*\bTS_NODE_BASEURL=\.\/dist\b/m);
  });

  it('runs as node, owning /data, with a HEALTHCHECK on /health/live', () => {
    const user = runtime.findIndex((i) => i.startsWith('USER '));
    expect(runtime[user]).toBe('USER node');
    expect(user).toBeLessThan(runtime.indexOf(cmd[0]));
    const prepare = runtime.find((i) => i.startsWith('RUN ') && i.includes('/data'));
    expect(prepare).toMatch(/mkdir -p \/data/);
    expect(prepare).toMatch(/chown node:node \/data/);
    expect(runtime.findIndex((i) => i === prepare)).toBeLessThan(user);
    const healthcheck = runtime.find((i) => i.startsWith('HEALTHCHECK '));
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*\/health\/live/);
  });
});
