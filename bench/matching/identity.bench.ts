/**
 * Matching identity: `matchOrders` must give byte-identical results across refactors of the
 * engine. Hashes (SHA-256 of the RFC 8785 canonical JSON) of the results on the optimality
 * sweep's 107 instances and on the 10,000-order speed market, compared with the hashes recorded
 * in identity.reference.json.
 *
 *   npm run bench:matching-identity [-- --smoke] [-- --record]
 *
 * --smoke checks the first instance of each sweep family only (a few seconds); --record rewrites
 * the reference from the current code (only for a change meant to alter results, said so in its
 * commit). Prints `RESULT identical=true|false`, the aggregate hash of the instances checked and
 * their count; exits 1 when any instance differs from its reference.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../libs/audit/src';
import { matchOrders } from '../../libs/matching/src';
import {
  randomSnapshot,
  RandomSnapshotOptions,
} from '../../libs/matching/src/testing/random-snapshot';
import { bySize, hasFlag, progress } from '../support/bench-io';
import { LARGE_MARKET, sweepInstances } from './instances';

const REFERENCE_FILE = join(__dirname, 'identity.reference.json');

interface Reference {
  /** Result hash per instance, keyed by the instance's options as canonical JSON. */
  instances: Record<string, string>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function main(): void {
  const record = hasFlag('--record');
  const instances: RandomSnapshotOptions[] = [
    ...sweepInstances(bySize({ full: 1, quick: 1, smoke: 0 })),
    ...bySize({ full: [LARGE_MARKET], quick: [LARGE_MARKET], smoke: [] }),
  ];
  const reference: Reference = record
    ? { instances: {} }
    : (JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as Reference);
  const hashes: string[] = [];
  const differing: string[] = [];
  for (const options of instances) {
    const name = canonicalJson(options);
    const hash = sha256(canonicalJson(matchOrders(randomSnapshot(options))));
    hashes.push(hash);
    if (record) reference.instances[name] = hash;
    else if (reference.instances[name] !== hash) differing.push(name);
  }
  if (record) {
    writeFileSync(REFERENCE_FILE, `${JSON.stringify(reference, null, 2)}\n`);
    progress(`recorded ${instances.length} hashes in identity.reference.json`);
  }
  for (const name of differing) progress(`DIFFERS: ${name}`);
  process.stdout.write(`RESULT instances=${instances.length}\n`);
  process.stdout.write(`RESULT aggregate_sha256=${sha256(hashes.join('\n'))}\n`);
  process.stdout.write(`RESULT identical=${differing.length === 0}\n`);
  if (differing.length > 0) process.exit(1);
}

main();
