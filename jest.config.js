/**
 * Every kind of test in one run; the file suffix says the kind (unit, int, e2e) and each kind
 * is a project, so the output names the tier. The suites that use the Kafka test broker (they
 * import test/support/kafka-test-broker) form a project of their own: only it starts the broker,
 * and jest runs a project's global setup only when one of its suites is selected.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- jest loads its config as CommonJS */
const fs = require('node:fs');
const path = require('node:path');

const ROOTS = ['apps', 'libs', 'test', 'scripts', 'examples'];
const SPEC = /\.(unit|int|e2e)\.spec\.ts$/;

function specFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : specFiles(file);
    return SPEC.test(entry.name) ? [file] : [];
  });
}

const kafkaSuites = ROOTS.flatMap((root) => specFiles(path.join(__dirname, root))).filter((file) =>
  fs.readFileSync(file, 'utf8').includes('/kafka-test-broker'),
);

const shared = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ROOTS.map((root) => `<rootDir>/${root}`),
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: {
    // @fastify/static requires an ESM-only content-disposition, which jest's CommonJS runtime
    // cannot load (Node itself can): tests use the CommonJS release of the same function.
    '^content-disposition$': 'content-disposition-cjs',
    '^@policloud/event-store$': '<rootDir>/libs/event-store/src',
    '^@policloud/messaging$': '<rootDir>/libs/messaging/src',
    '^@policloud/config$': '<rootDir>/libs/config/src',
    '^@policloud/runtime$': '<rootDir>/libs/runtime/src',
    '^@policloud/domain$': '<rootDir>/libs/domain/src',
    '^@policloud/projections$': '<rootDir>/libs/projections/src',
    '^@policloud/auth$': '<rootDir>/libs/auth/src',
    '^@policloud/http$': '<rootDir>/libs/http/src',
    '^@policloud/matching$': '<rootDir>/libs/matching/src',
    '^@policloud/settlement$': '<rootDir>/libs/settlement/src',
    '^@policloud/audit$': '<rootDir>/libs/audit/src',
    '^@policloud/matching-runs$': '<rootDir>/libs/matching-runs/src',
    '^@policloud/test-support/(.*)$': '<rootDir>/test/support/$1',
  },
};

/** Escaped for a jest path pattern. */
const exactly = (file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The kind's suites but the Kafka ones (in the regex, so a --testPathIgnorePatterns keeps it). */
const tier = (kind) => ({
  ...shared,
  displayName: kind,
  testRegex: `^(?!(${kafkaSuites.map(exactly).join('|')})$).*\\.${kind}\\.spec\\.ts$`,
});

module.exports = {
  // Both cores of the CI machine: suites never share a schema, a data directory, a port or a
  // Kafka topic, and the one timing assertion (the matching thread's event-loop pauses) is
  // relative to the run's own duration.
  maxWorkers: 2,
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.js'],
  projects: [
    tier('unit'),
    tier('int'),
    tier('e2e'),
    {
      ...shared,
      displayName: 'kafka',
      testRegex: kafkaSuites.map((file) => `^${exactly(file)}$`),
      globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/jest-global-teardown.ts',
    },
  ],
};
