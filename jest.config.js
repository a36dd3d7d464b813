/** One jest project for every kind of test; the file suffix says the kind (unit, int, e2e). */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/scripts', '<rootDir>/examples'],
  testRegex: '.*\\.(unit|int|e2e)\\.spec\\.ts$',
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
    '^@policloud/test-support/(.*)$': '<rootDir>/test/support/$1',
  },
  globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/jest-global-teardown.ts',
  testTimeout: 60000,
};
