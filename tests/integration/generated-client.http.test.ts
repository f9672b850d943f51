/**
 * The typed client in client/ (openapi-typescript + openapi-fetch) against a running server: its
 * schema.d.ts is what the served description generates, a usage file compiles with `tsc --strict`, and
 * running it records a case, sends an event, reads the list and gets typed errors back.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestServer, type TestServer } from '../support/test-server';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, '.tmp', 'client-usage');
const bin = (pkg: string, file: string): string => join(ROOT, 'node_modules', pkg, file);

let server: TestServer;
let baseUrl: string;
beforeAll(async () => {
  server = await createTestServer('generated_client');
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.close();
  rmSync(OUT, { recursive: true, force: true });
});

it('client/schema.d.ts is what openapi-typescript generates from the served description', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pf-client-'));
  try {
    const doc = await fetch(`${baseUrl}/openapi.json`).then((r) => r.text());
    writeFileSync(join(dir, 'openapi.json'), doc);
    await run(process.execPath, [bin('openapi-typescript', 'bin/cli.js'), join(dir, 'openapi.json'), '--output', join(dir, 'schema.d.ts')]);
    // `npm run build` regenerates it; a description change without a rebuild shows here.
    expect(readFileSync(join(ROOT, 'client', 'schema.d.ts'), 'utf8')).toBe(readFileSync(join(dir, 'schema.d.ts'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('a usage file compiles with tsc --strict and works against the server through the client', async () => {
  await run(process.execPath, [
    bin('typescript', 'bin/tsc'),
    ...['--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node'],
    ...['--rootDir', join(ROOT, 'tests', 'client'), '--outDir', OUT, join(ROOT, 'tests', 'client', 'usage.mts')],
  ]);
  const { stdout } = await run(process.execPath, [
    join(OUT, 'usage.mjs'),
    baseUrl,
    await server.token('clerk', '411621', 'clerk-client'),
    await server.token('handler', '411621', 'handler-client'),
  ]);
  const result = JSON.parse(stdout) as Record<string, unknown>;
  expect(result).toMatchObject({
    recordedState: 'received',
    recordedStatus: 201,
    verifiedState: 'verified',
    listedIds: [result.id],
    refusedStatus: 403,
    refusedCode: 'FORBIDDEN',
    conflictStatus: 409,
    conflictCode: 'VERSION_CONFLICT',
    conflictDetails: { expectedVersion: 1, actualVersion: 2 },
  });
  expect(result.allowedEvents).toEqual(expect.arrayContaining(['ASSIGN']));
  expect(typeof result.handlingDue).toBe('string');
}, 120_000);
