/**
 * Offline verification of an audit bundle (no network, no database):
 *
 *   npm run audit:verify -- bundle.ndjson [--public-key key.pem] [--witness w.vkey]… [--quorum N]
 *   npm run audit:verify -- --certificates certificates.json --public-key key.pem [--origin O]
 *                                [--witness w.vkey]… [--quorum N]
 *
 * With --quorum N, every checkpoint in the bundle must carry at least N valid cosignatures by the
 * witnesses given with --witness (files holding C2SP verifier keys, `name+keyid+base64key`).
 * `--certificates` verifies a buyer's certificate bundle (GET /v1/certificates/bundle): the
 * checkpoint note's signature by the given key (following the bundle's key rotations from it) over
 * the log's origin (--origin, policloud/audit-log by default), with --quorum its witnesses'
 * cosignatures, each event's hash and inclusion proof into the note's tree, and each certificate
 * against the events it derives from. v1 bundles (range checkpoints) still verify.
 *
 * Exit code 0 when every line verifies, 1 when something fails (one line per failure), 2 on a
 * usage error (bad arguments, unreadable file or key).
 */
import { readFileSync } from 'node:fs';
import {
  formatBundleVerification,
  formatCertificateVerification,
  parsePublicKey,
  parseVerifierKey,
  verifyBundle,
  verifyCertificateBundle,
} from '@policloud/audit';
import type { KeyObject } from 'node:crypto';

const USAGE =
  'usage: npm run audit:verify -- <bundle.ndjson> [--public-key <key.pem>] [--witness <w.vkey>]… [--quorum <N>]\n' +
  '       npm run audit:verify -- --certificates <certificates.json> --public-key <key.pem> [--origin <origin>] [--witness <w.vkey>]… [--quorum <N>]';

function main(argv: readonly string[]): number {
  let bundlePath: string | undefined;
  let keyPath: string | undefined;
  let certificates = false;
  let origin: string | undefined;
  const witnessPaths: string[] = [];
  let quorum = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--public-key') {
      keyPath = argv[++i];
      if (keyPath === undefined) return usage('--public-key needs a file');
    } else if (arg.startsWith('--public-key=')) {
      keyPath = arg.slice('--public-key='.length);
    } else if (arg === '--certificates') {
      certificates = true;
    } else if (arg === '--origin') {
      origin = argv[++i];
      if (origin === undefined) return usage('--origin needs the log origin');
    } else if (arg === '--witness') {
      const file = argv[++i];
      if (file === undefined) return usage('--witness needs a file');
      witnessPaths.push(file);
    } else if (arg === '--quorum') {
      const value = argv[++i];
      if (value === undefined || !/^\d{1,3}$/.test(value)) return usage('--quorum needs a number');
      quorum = Number(value);
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
  if (origin !== undefined && !certificates) return usage('--origin applies to --certificates');

  let trustedPublicKey: KeyObject | undefined;
  if (keyPath !== undefined) {
    try {
      trustedPublicKey = parsePublicKey(readFileSync(keyPath, 'utf8'));
    } catch (error) {
      return usage(`cannot read the public key ${keyPath}: ${(error as Error).message}`);
    }
  }
  if (quorum > witnessPaths.length) {
    return usage(`--quorum ${quorum} needs at least ${quorum} --witness keys`);
  }
  const witnesses: string[] = [];
  for (const file of witnessPaths) {
    try {
      const text = readFileSync(file, 'utf8').trim();
      parseVerifierKey(text);
      witnesses.push(text);
    } catch (error) {
      return usage(`cannot read the witness key ${file}: ${(error as Error).message}`);
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
      verifyCertificateBundle(bundle, {
        trustedPublicKey,
        witnesses,
        quorum,
        ...(origin === undefined ? {} : { origin }),
      }),
    );
    for (const line of report.lines) console.log(line);
    return report.exitCode;
  }
  const { exitCode, lines } = formatBundleVerification(
    verifyBundle(ndjson, { trustedPublicKey, witnessPolicy: { witnesses, quorum } }),
  );
  for (const line of lines) console.log(line);
  return exitCode;
}

function usage(message: string): number {
  console.error(`error: ${message}`);
  console.error(USAGE);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
