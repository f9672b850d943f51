/**
 * The layers of petitionflow, held by `npm run lint` (dependency-cruiser).
 *
 *   machines  <-  config  <-  db  <-  engine  <-  api, workers  <-  app  <-  cli
 *
 * Each folder may import the ones to its left (and itself), never the ones to
 * its right. Adapters (api/, workers/, cli/) reach the database only through
 * engine services: they may import db/ for types (`import type`), nothing
 * else. machines/ is the pure lifecycle: it imports machines/ only (and
 * xstate, zod). No cycles anywhere.
 */
const SOURCE = '^(machines|config|db|engine|api|workers|app|cli)/';

/** A rule forbidding `from` to import any of `to` (non-type imports only when `typeOnlyAllowed`). */
function forbid(name, comment, from, to, typeOnlyAllowed = false) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: from },
    to: typeOnlyAllowed ? { path: to, dependencyTypesNot: ['type-only'] } : { path: to },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A cycle means two modules are one; split the shared part out.',
      severity: 'error',
      from: { path: SOURCE },
      to: { circular: true },
    },
    forbid(
      'machines-are-pure',
      'machines/ is the pure lifecycle: it depends on nothing of the project but machines/.',
      '^machines/',
      '^(config|db|engine|api|workers|app|cli|web)/',
    ),
    forbid(
      'config-below-db',
      'config/ parses settings; it may read the vocabulary in machines/ only.',
      '^config/',
      '^(db|engine|api|workers|app|cli|web)/',
    ),
    forbid(
      'db-below-engine',
      'db/ holds tables and repositories; the engine calls it, never the reverse.',
      '^db/',
      '^(engine|api|workers|app|cli|web)/',
    ),
    forbid('engine-below-adapters', 'engine/ is called by the adapters and never knows them.', '^engine/', '^(api|workers|app|cli|web)/'),
    forbid('adapters-use-engine-services', 'api/ and workers/ call engine services; db/ only for types.', '^(api|workers)/', '^db/', true),
    forbid(
      'api-and-workers-apart',
      'The HTTP adapter and the workers do not import each other; app/ wires them.',
      '^api/',
      '^(workers|app|cli)/',
    ),
    forbid(
      'workers-and-api-apart',
      'The HTTP adapter and the workers do not import each other; app/ wires them.',
      '^workers/',
      '^(api|app|cli)/',
    ),
    forbid('app-below-cli', 'app/ builds the runtime; cli/ only parses arguments and calls it.', '^app/', '^cli/'),
    forbid('cli-uses-app-and-engine', 'cli/ calls app/ and engine services, never repositories.', '^cli/', '^db/', true),
  ],
  options: {
    includeOnly: SOURCE,
    // See `import type` as such, so type-only imports of db/ are told apart.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
