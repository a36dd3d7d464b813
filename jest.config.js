/** One jest project for every kind of test; the file suffix says the kind (unit, int, e2e). */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/scripts'],
  testRegex: '.*\\.(unit|int|e2e)\\.spec\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: {
    '^@policloud/event-store$': '<rootDir>/libs/event-store/src',
    '^@policloud/messaging$': '<rootDir>/libs/messaging/src',
    '^@policloud/test-support/(.*)$': '<rootDir>/test/support/$1',
  },
  globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/jest-global-teardown.ts',
  testTimeout: 60000,
};
