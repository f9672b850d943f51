// ESLint flat config for petitionflow.
//
// Three things beyond the stock type-aware rules:
//  1. machines/ stays pure: no I/O libraries, no Node builtins, no clock, no
//     randomness. Time arrives in events (EventEnvelope.at), so a case replays
//     to the same snapshot forever.
//  2. process.env is read in config/ only (loadConfig); everything else gets
//     the frozen Config.
//  3. Promises are never dropped or passed where a void callback is expected.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const PURE = 'machines/ must stay pure (no I/O, clock or randomness): time arrives in events, effects belong in engine/ or workers/.';

// Libraries that do I/O (database, queue, HTTP, logging).
const IMPURE_PACKAGES = ['pg', 'kysely', 'bullmq', 'ioredis', 'fastify', 'pino', '@electric-sql/pglite'];

// Every Node builtin by its bare name (fs, path, crypto, http, child_process,
// os, net, timers, fs/promises, ...); `node:`-prefixed ones are a pattern below.
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_'));

const machineImportRestrictions = {
  paths: [...IMPURE_PACKAGES, ...NODE_BUILTINS].map((name) => ({ name, message: PURE })),
  patterns: [
    { group: ['node:*'], message: PURE },
    // Subpaths, e.g. kysely/helpers/postgres, pg/lib/..., @fastify/*.
    { group: [...IMPURE_PACKAGES.map((name) => `${name}/*`), '@fastify/*'], message: PURE },
  ],
};

// Flat config replaces (does not merge) a rule's options per file, so the
// process.env restriction is repeated in every no-restricted-properties list.
const PROCESS_ENV = {
  object: 'process',
  property: 'env',
  message: 'Read process.env only in config/ (loadConfig); pass the frozen Config instead.',
};
const MACHINE_PROPERTIES = [
  { object: 'Date', property: 'now', message: PURE },
  { object: 'Math', property: 'random', message: PURE },
  PROCESS_ENV,
];
const MACHINE_GLOBALS = ['process', 'setTimeout', 'setInterval', 'setImmediate'].map((name) => ({ name, message: PURE }));

export default defineConfig(
  {
    // Build output, generated data, plain-JS entry points. `.tmp/` folders are
    // scratch space that tsc's include globs skip, so the project service
    // could not type them anyway.
    ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'bin/', 'jest.config.js', 'eslint.config.mjs', '.dependency-cruiser.cjs', '**/.tmp/', 'client/schema.d.ts'],
  },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Uses the tsconfig.json that covers each file (machines, ..., tests, bench).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A dropped promise loses its error and its ordering (audit writes, queue jobs).
      '@typescript-eslint/no-floating-promises': 'error',
      // e.g. an async handler given to an API that ignores the promise.
      '@typescript-eslint/no-misused-promises': 'error',
      // Fastify handlers and hooks are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
      // `_`-prefixed names are deliberately unused (destructuring, callback args).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      'no-restricted-properties': ['error', PROCESS_ENV],
    },
  },

  // Plain JS files (if any appear) are not in a tsconfig: lint them without types.
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },

  // The state machine: pure functions of (snapshot, event).
  {
    files: ['machines/**/*.ts'],
    rules: {
      // The TS version of no-restricted-imports also sees `import x = require()` and type-only imports.
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', machineImportRestrictions],
      'no-restricted-globals': ['error', ...MACHINE_GLOBALS],
      'no-restricted-properties': ['error', ...MACHINE_PROPERTIES],
      'no-restricted-syntax': [
        'error',
        // `new Date()` reads the clock just like Date.now(); `new Date(iso)` is fine.
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: PURE },
      ],
    },
  },

  // config/ is where the environment is read.
  {
    files: ['config/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },

  // Tests: set up env for loadConfig, and use jest/fixtures where type-aware rules are noise.
  {
    files: ['tests/**/*.ts'],
    rules: {
      'no-restricted-properties': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // expect(obj.method).toHaveBeenCalled() is the normal jest idiom.
      '@typescript-eslint/unbound-method': 'off',
      // Mocks and fakes often satisfy an async interface without awaiting.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
