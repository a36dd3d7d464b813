/**
 * Offline verification of an audit bundle (no network, no database):
 *
 *   npm run audit:verify -- bundle.ndjson [--public-key key.pem]
 *   npm run audit:verify -- --certificates certificates.json --public-key key.pem
 *
 * `--certificates` verifies a buyer's certificate bundle (GET /v1/certificates/bundle): each
 * checkpoint's signature by the given key, each event's hash and inclusion proof, and each
 * certificate against the events it derives from.
 *
 * Exit code 0 when every line verifies, 1 when something fails (one line per failure), 2 on a
 * usage error (bad arguments, unreadable file or key).
 */
import { readFileSync } from 'node:fs';
import {
  formatBundleVerification,
  formatCertificateVerification,
  parsePublicKey,
  verifyBundle,
  verifyCertificateBundle,
} from '@policloud/audit';
import type { KeyObject } from 'node:crypto';

const USAGE =
  'usage: npm run audit:verify -- <bundle.ndjson> [--public-key <key.pem>]\n' +
  '       npm run audit:verify -- --certificates <certificates.json> --public-key <key.pem>';

function main(argv: readonly string[]): number {
  let bundlePath: string | undefined;
  let keyPath: string | undefined;
  let certificates = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--public-key') {
      keyPath = argv[++i];
      if (keyPath === undefined) return usage('--public-key needs a file');
    } else if (arg.startsWith('--public-key=')) {
      keyPath = arg.slice('--public-key='.length);
    } else if (arg === '--certificates') {
      certificates = true;
    } else if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      return 0;
    } else if (arg.startsWith('-')) {
      return usage(`unknown option ${arg}`);
    } else if (bundlePath === undefined) {
      bundlePath = arg;
    } else {
      return usage(`unexpected argument ${arg}`);
    }
  }
  if (bundlePath === undefined) return usage('no bundle file given');

  let trustedPublicKey: KeyObject | undefined;
  if (keyPath !== undefined) {
    try {
      trustedPublicKey = parsePublicKey(readFileSync(keyPath, 'utf8'));
    } catch (error) {
      return usage(`cannot read the public key ${keyPath}: ${(error as Error).message}`);
    }
  }
  let ndjson: string;
  try {
    ndjson = readFileSync(bundlePath, 'utf8');
  } catch (error) {
    return usage(`cannot read ${bundlePath}: ${(error as Error).message}`);
  }

  if (certificates) {
    if (trustedPublicKey === undefined) return usage('--certificates needs --public-key');
    let bundle: unknown;
    try {
      bundle = JSON.parse(ndjson);
    } catch (error) {
      return usage(`${bundlePath} is not JSON: ${(error as Error).message}`);
    }
    const report = formatCertificateVerification(
      verifyCertificateBundle(bundle, { trustedPublicKey }),
    );
    for (const line of report.lines) console.log(line);
    return report.exitCode;
  }
  const { exitCode, lines } = formatBundleVerification(verifyBundle(ndjson, { trustedPublicKey }));
  for (const line of lines) console.log(line);
  return exitCode;
}

function usage(message: string): number {
  console.error(`error: ${message}`);
  console.error(USAGE);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
