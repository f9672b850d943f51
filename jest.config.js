/** Jest: unit tests (pure, no services) and integration tests (real PostgreSQL and Redis). */
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
// Kysely 0.29, content-disposition (under @fastify/static) and cookie (under light-my-request) ship ESM only: let swc turn it (and any other ESM-only dependency) into CommonJS for jest.
const transformIgnorePatterns = ['/node_modules/(?!(kysely|content-disposition|cookie)/)'];
module.exports = {
  // Integration tests mostly wait on PostgreSQL and Redis, so more workers than the 2 cores still pay off.
  maxWorkers: 3,
  // Integration tests wait on real services; a project-level testTimeout is ignored by jest, so it is set here.
  testTimeout: 60000,
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'], transform, transformIgnorePatterns, testEnvironment: 'node' },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
    },
  ],
};
