/**
 * The API description as `/openapi.json` serves it, built without a database: the real server (engine,
 * audit, routes) over a database handle that never connects, since building routes runs no query. The
 * lint (`npm run lint:api`) and the generated client (`npm run build:client`) read it from here.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Pool } from 'pg';
import { buildServer } from '../api/server';
import { DEFAULT_POLICY } from '../config/default-policy';
import { createKysely } from '../db/database';
import { createAuditCheckpointService } from '../engine/audit-checkpoint.service';
import { createAuditService } from '../engine/audit.service';
import { createPetitionEngine } from '../engine/petition.engine';
import { createChinaCalendar } from '../engine/working-calendar';

/** The served API description, as a JSON value. */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  // node-postgres connects on the first query only; none is run while routes are registered.
  const db = createKysely(new Pool({ max: 1 }));
  const app = await buildServer({
    engine: createPetitionEngine({ db, policy: DEFAULT_POLICY, calendar: createChinaCalendar() }),
    audit: createAuditService(db),
    db,
    authSecret: 'the-document-is-built-without-serving-any-request',
    logger: false,
    readiness: async () => ({}),
    // A person index key of its own, so the people routes are described; building the description hashes nothing.
    peopleIndexKey: randomBytes(32),
    // A key of its own: building the description signs nothing.
    checkpoints: createAuditCheckpointService({
      db,
      audit: createAuditService(db),
      signingKey: () => generateKeyPairSync('ed25519').privateKey,
    }),
  });
  try {
    await app.ready();
    return JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
  } finally {
    await app.close();
    await db.destroy();
  }
}

/** `tsx app/openapi-document.ts <file>`: writes the description to a file. */
async function main(out: string): Promise<void> {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(await buildOpenApiDocument(), null, 2)}\n`);
}

if (require.main === module) {
  const out = process.argv[2];
  if (out === undefined) {
    process.stderr.write('usage: tsx app/openapi-document.ts <out.json>\n');
    process.exitCode = 2;
  } else {
    main(out).catch((err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exitCode = 1;
    });
  }
}
