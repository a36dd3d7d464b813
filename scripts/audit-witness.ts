/**
 * The reference witness: polls the audit API, checks each new checkpoint's consistency with the
 * last one it cosigned, cosigns it, and refuses a fork (exit code 1, nothing cosigned).
 *
 *   npm run audit:witness -- --new-key witness.pem --name witness.example.org/w1
 *       writes a new Ed25519 key and prints the verifier key to register
 *   npm run audit:witness -- --url http://localhost:3000 --name witness.example.org/w1 \
 *       --key witness.pem --state witness-state.json [--log-key log.vkey] [--register] \
 *       [--interval 60 | --once]
 *
 * The auditor's API key is read from AUDIT_API_KEY. Exit 0 when stopped, 1 on a refused
 * checkpoint, 2 on a usage error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { generateSigningKey, parseSigningKey, witnessVerifierKey } from '@policloud/audit';
import { AuditApiClient, runWitnessOnce } from './audit-witness/witness-runner';

const USAGE =
  'usage: npm run audit:witness -- --url <audit api> --name <witness name> --key <key.pem> ' +
  '--state <state.json> [--log-key <file>] [--register] [--interval <seconds> | --once]\n' +
  '       npm run audit:witness -- --new-key <key.pem> --name <witness name>';

function httpClient(url: string, apiKey: string): AuditApiClient {
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, url), {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--once' || arg === '--register') flags.add(arg);
    else if (arg.startsWith('--') && argv[i + 1] !== undefined) args.set(arg, argv[++i]);
    else return usage(`unexpected argument ${arg}`);
  }
  const name = args.get('--name');
  if (!name) return usage('--name is required');
  const newKey = args.get('--new-key');
  if (newKey) {
    const pem = generateSigningKey();
    writeFileSync(newKey, pem, { mode: 0o600, flag: 'wx' });
    console.log(witnessVerifierKey(name, pem));
    return 0;
  }
  const [url, keyFile, stateFile] = ['--url', '--key', '--state'].map((a) => args.get(a));
  if (!url || !keyFile || !stateFile) return usage('--url, --key and --state are required');
  const apiKey = process.env.AUDIT_API_KEY;
  if (!apiKey) return usage('AUDIT_API_KEY (an auditor API key) is not set');
  const privateKey = parseSigningKey(readFileSync(keyFile, 'utf8'));
  const logKeyFile = args.get('--log-key');
  const logKey = logKeyFile ? readFileSync(logKeyFile, 'utf8').trim() : undefined;
  const api = httpClient(url, apiKey);
  if (flags.has('--register')) {
    const registered = await api.post('/v1/audit/witnesses', {
      name,
      verifierKey: witnessVerifierKey(name, privateKey),
    });
    console.log(
      `register ${name}: ${registered.status === 201 ? 'registered' : registered.status}`,
    );
  }
  const interval = Number(args.get('--interval') ?? '60');
  for (;;) {
    const run = await runWitnessOnce(api, { name, privateKey, logKey, stateFile });
    const line = run.action === 'cosign' ? `cosigned tree size ${run.memory.treeSize}` : run.reason;
    console.log(`${new Date().toISOString()} ${run.action}: ${line}`);
    if (run.action === 'refuse') return 1;
    if (flags.has('--once')) return 0;
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
  }
}

function usage(message: string): number {
  console.error(`error: ${message}`);
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`error: ${error.message}`);
    process.exitCode = 2;
  },
);
