/**
 * Attachments of a case through the HTTP API (POST/GET /petitions/:id/attachments):
 * a scanned letter uploaded as multipart, listed and downloaded byte for byte,
 * its SHA-256 recorded by an ATTACH_MATERIAL trail entry (without the file
 * name) that replay and verification still accept; refusals for size, type,
 * bytes that are not their type, another unit's scope, a role that never files,
 * a closed case; a personal file refused to a masked role; every download in
 * the access log.
 */
import { createHash } from 'node:crypto';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { DEFAULT_ATTACHMENT_LIMITS } from '../../config/attachment-limits';
import { createV3Server, U, v3Intake, type V3Server } from '../support/v3-http-fixtures';

jest.setTimeout(120_000);

let v: V3Server;
beforeAll(async () => {
  v = await createV3Server('attachments');
});
afterAll(async () => {
  await v?.s.close();
});

/** A small PDF as a scanner writes one (its first bytes are all the type check reads). */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% 扫描件\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251))]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really an image')]);

interface FilePart {
  readonly name: string;
  readonly type: string;
  readonly bytes: Buffer;
}

/** A multipart/form-data body: the fields, then the file part. */
function multipart(fields: Record<string, string>, file?: FilePart): { body: Buffer; type: string } {
  const boundary = '----petitionflow-test-boundary';
  const parts: Buffer[] = Object.entries(fields).map(([k, val]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${val}\r\n`),
  );
  if (file !== undefined) {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`;
    parts.push(Buffer.from(head), file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(id: string, role: HumanRole, unit: string, fields: Record<string, string>, file?: FilePart) {
  const { body, type } = multipart(fields, file);
  const res = await v.s.app.inject({
    method: 'POST',
    url: `/petitions/${id}/attachments`,
    headers: { authorization: `Bearer ${await v.s.token(role, unit)}`, 'content-type': type },
    payload: body,
  });
  return { status: res.statusCode, body: res.json() };
}

async function download(id: string, attId: string, role: HumanRole, unit: string) {
  const res = await v.s.app.inject({
    method: 'GET',
    url: `/petitions/${id}/attachments/${attId}`,
    headers: { authorization: `Bearer ${await v.s.token(role, unit)}` },
  });
  return { status: res.statusCode, headers: res.headers, raw: res.rawPayload, body: res.body };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('a letter registered at the bureau, its scan and evidence filed', () => {
  let id: string;
  let letterId: string;
  let idCardId: string;
  beforeAll(async () => {
    const res = await v.intake(v3Intake());
    expect(res.status).toBe(201);
    id = res.body.id as string;
  });

  it('files the scanned letter and records its digest in the trail, not its name', async () => {
    const res = await upload(
      id,
      'clerk',
      U.bureau,
      { kind: 'letter-scan' },
      { name: '张某来信扫描件.pdf', type: 'application/pdf', bytes: PDF },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      caseId: id,
      kind: 'letter-scan',
      fileName: '张某来信扫描件.pdf',
      mediaType: 'application/pdf',
      size: PDF.length,
      sha256: sha256(PDF),
      personal: false,
      uploadedBy: { role: 'clerk', unit: U.bureau },
    });
    letterId = res.body.id as string;
    const history = await v.call('auditor', U.county, 'GET', `/petitions/${id}/history`);
    const entry = (history.body.events as { seq: number; type: string; fields: Record<string, unknown> }[]).find(
      (e) => e.type === 'ATTACH_MATERIAL',
    );
    expect(entry?.seq).toBe(res.body.seq);
    expect(entry?.fields).toMatchObject({
      attachmentId: letterId,
      kind: 'letter-scan',
      size: PDF.length,
      mediaType: 'application/pdf',
      sha256: sha256(PDF),
    });
    expect(JSON.stringify(entry)).not.toContain('张某');
    // The case itself did not move.
    expect((await v.call('clerk', U.bureau, 'GET', `/petitions/${id}`)).body.state).toBe('registered');
  });

  it('files a personal file after the transfer, by the handling body', async () => {
    await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body }, 'transferred');
    const res = await upload(
      id,
      'handler',
      U.body,
      { kind: 'evidence', personal: 'true' },
      { name: '身份证.png', type: 'image/png', bytes: PNG },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'evidence', personal: true, sha256: sha256(PNG) });
    idCardId = res.body.id as string;
  });

  it('lists both, oldest first, with the limits; a personal file’s name is withheld from a masked role', async () => {
    const clerk = await v.call('clerk', U.bureau, 'GET', `/petitions/${id}/attachments`);
    expect(clerk.status).toBe(200);
    expect(clerk.body.attachments.map((a: { id: string }) => a.id)).toEqual([letterId, idCardId]);
    expect(clerk.body.limits).toEqual({
      maxBytes: DEFAULT_ATTACHMENT_LIMITS.maxBytes,
      mediaTypes: [...DEFAULT_ATTACHMENT_LIMITS.mediaTypes],
    });
    const supervisor = await v.call('supervisor', U.bureau, 'GET', `/petitions/${id}/attachments`);
    expect(supervisor.body.attachments.map((a: { fileName: string | null }) => a.fileName)).toEqual(['张某来信扫描件.pdf', null]);
  });

  it('downloads the same bytes, whose SHA-256 is the trail’s, named by RFC 5987', async () => {
    const res = await download(id, letterId, 'supervisor', U.bureau);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(Buffer.compare(res.raw, PDF)).toBe(0);
    expect(String(res.headers['content-disposition'])).toBe(
      `attachment; filename="_______.pdf"; filename*=UTF-8''${encodeURIComponent('张某来信扫描件.pdf')}`,
    );
    const history = await v.call('auditor', U.county, 'GET', `/petitions/${id}/history`);
    const recorded = (history.body.events as { type: string; fields: { attachmentId?: string; sha256?: string } }[]).find(
      (e) => e.fields.attachmentId === letterId,
    );
    expect(recorded?.fields.sha256).toBe(sha256(res.raw));
  });

  it('refuses the personal file to a masked role with ATTACHMENT_PERSONAL, and gives it to the clerk and the handling body', async () => {
    for (const [role, unit] of [
      ['supervisor', U.bureau],
      ['auditor', U.county],
      ['leader', U.body],
    ] as const) {
      const refused = await download(id, idCardId, role, unit);
      expect({ role, status: refused.status, code: JSON.parse(refused.body).error.code }).toEqual({
        role,
        status: 403,
        code: 'ATTACHMENT_PERSONAL',
      });
    }
    expect(Buffer.compare((await download(id, idCardId, 'clerk', U.bureau)).raw, PNG)).toBe(0);
    expect(Buffer.compare((await download(id, idCardId, 'handler', U.body)).raw, PNG)).toBe(0);
  });

  it('keeps another unit out: 404 on the list, the file and an upload', async () => {
    expect((await v.call('clerk', U.otherBody, 'GET', `/petitions/${id}/attachments`)).status).toBe(404);
    expect((await download(id, letterId, 'clerk', U.otherBody)).status).toBe(404);
    const up = await upload(id, 'handler', U.otherBody, { kind: 'evidence' }, { name: 'a.pdf', type: 'application/pdf', bytes: PDF });
    expect(up.status).toBe(404);
    // An attachment id of another case is no file of this one.
    const other = await v.intake(v3Intake({ matter: { category: 'land', summary: '另一件事' } }));
    expect((await download(other.body.id as string, letterId, 'clerk', U.bureau)).status).toBe(404);
  });

  it('writes every download to the access log', async () => {
    const log = await v.call('auditor', U.county, 'GET', '/audit/access-log?limit=100');
    expect(log.status).toBe(200);
    const downloads = (log.body.items as { caseId: string; reason: string; actor: { role: string } }[]).filter(
      (e) => e.reason === 'attachments.download' && e.caseId === id,
    );
    // supervisor (the letter), clerk and handler (the personal file); refusals are not downloads.
    expect(downloads.map((e) => e.actor.role).sort()).toEqual(['clerk', 'handler', 'supervisor']);
  });

  it('refuses a file over the size limit, of a type not taken, or whose bytes are not its type', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(DEFAULT_ATTACHMENT_LIMITS.maxBytes)]);
    const tooLarge = await upload(id, 'handler', U.body, { kind: 'evidence' }, { name: 'big.pdf', type: 'application/pdf', bytes: big });
    expect(tooLarge).toMatchObject({ status: 413, body: { error: { code: 'ATTACHMENT_TOO_LARGE' } } });
    const html = await upload(
      id,
      'handler',
      U.body,
      { kind: 'other' },
      { name: 'x.html', type: 'text/html', bytes: Buffer.from('<p>x</p>') },
    );
    expect(html).toMatchObject({
      status: 415,
      body: { error: { code: 'ATTACHMENT_TYPE', details: { accepted: DEFAULT_ATTACHMENT_LIMITS.mediaTypes } } },
    });
    const fake = await upload(
      id,
      'handler',
      U.body,
      { kind: 'other' },
      { name: 'x.pdf', type: 'application/pdf', bytes: Buffer.from('MZ\x90\x00') },
    );
    expect(fake).toMatchObject({ status: 415, body: { error: { code: 'ATTACHMENT_TYPE' } } });
    const noFile = await upload(id, 'handler', U.body, { kind: 'other' });
    expect(noFile).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION', details: { issues: [{ path: ['file'] }] } } } });
    const badKind = await upload(id, 'handler', U.body, { kind: 'photo' }, { name: 'a.pdf', type: 'application/pdf', bytes: PDF });
    expect(badKind).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION', details: { issues: [{ path: ['kind'] }] } } } });
    const json = await v.call('handler', U.body, 'POST', `/petitions/${id}/attachments`, { kind: 'other' });
    expect(json).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
    // None of these left a file or a trail entry; a file well over the 1 MiB of JSON bodies is taken.
    expect((await v.call('clerk', U.bureau, 'GET', `/petitions/${id}/attachments`)).body.attachments).toHaveLength(2);
    const scan = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3 * 1024 * 1024, 7)]);
    const taken = await upload(id, 'handler', U.body, { kind: 'evidence' }, { name: 'scan.pdf', type: 'application/pdf', bytes: scan });
    expect(taken).toMatchObject({ status: 201, body: { size: scan.length, sha256: sha256(scan) } });
    const back = await download(id, taken.body.id as string, 'handler', U.body);
    expect(Buffer.compare(back.raw, scan)).toBe(0);
  });

  it('takes no filing as a command, none from a role that never files, none on a closed case', async () => {
    const forged = await v.attempt(id, 'handler', U.body, {
      type: 'ATTACH_MATERIAL',
      attachmentId: letterId,
      kind: 'evidence',
      size: 1,
      mediaType: 'application/pdf',
      sha256: 'a'.repeat(64),
    });
    expect(forged.status).toBe(400);
    const file = { name: 'a.pdf', type: 'application/pdf', bytes: PDF };
    expect((await upload(id, 'auditor', U.county, { kind: 'evidence' }, file)).body.error.code).toBe('FORBIDDEN');
    await v.send(id, 'clerk', U.bureau, { type: 'WITHDRAW', reason: '信访人撤回' }, 'closed');
    expect(await upload(id, 'handler', U.body, { kind: 'evidence' }, file)).toMatchObject({
      status: 422,
      body: { error: { code: 'EVENT_NOT_ALLOWED' } },
    });
  });

  it('replays and verifies with the filings in the trail', async () => {
    const replay = await v.call('auditor', U.county, 'GET', `/petitions/${id}/replay`);
    expect(replay).toMatchObject({ status: 200, body: { matchesStored: true } });
    const verify = await v.call('auditor', U.city, 'GET', '/audit/verify');
    expect(verify).toMatchObject({ status: 200, body: { ok: true } });
  });
});
