// Shared Jest settings. Each project's jest.config.cjs calls this with its own directory; the
// `unit`, `int` and `e2e` targets (nx.json) pick tests by suffix: .unit.spec.ts needs no I/O,
// .int.spec.ts talks to real Kafka/MongoDB/Redis, .e2e.spec.ts talks to the running services.
const { swcOptions, jestModuleNameMapper } = require('./tools/build/swc-options.cjs');

module.exports = function projectJestConfig(projectDir) {
  return {
    rootDir: projectDir,
    displayName: projectDir.split('/').slice(-2).join('/'),
    testEnvironment: 'node',
    testMatch: ['<rootDir>/**/*.spec.ts'],
    transform: { '^.+\\.ts$': ['@swc/jest', { ...swcOptions(), swcrc: false }] },
    moduleNameMapper: jestModuleNameMapper(),
    moduleFileExtensions: ['ts', 'js', 'json'],
    testTimeout: 30_000,
  };
};
