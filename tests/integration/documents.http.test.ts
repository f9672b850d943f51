/**
 * The written acts of a case (GET /petitions/:id/documents[/:kind]) through
 * the HTTP API under machine version 3: each kind is there once the case has
 * recorded its act and refused (409) before; the 信访处理意见书 as a PDF
 * names the issuing unit, the case number and the date in Chinese, and says
 * where to ask for review; the petitioner is masked as the reader's case view
 * masks them; the printable page escapes what people typed.
 */
import type { HumanRole } from '../../machines/petition.vocabulary';
import { pdfText } from '../support/pdf-text';
import { createV3Server, U, v3Intake, type V3Server } from '../support/v3-http-fixtures';

jest.setTimeout(120_000);

let v: V3Server;
beforeAll(async () => {
  // 2026-03-02 09:00 Beijing time; the clock moves on before the answer.
  v = await createV3Server('documents');
});
afterAll(async () => {
  await v?.s.close();
});

/** A raw GET as `role` of `unit`: status, headers and bytes (documents are not JSON). */
async function fetchDoc(role: HumanRole, unit: string, url: string) {
  const res = await v.s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await v.s.token(role, unit)}` } });
  return {
    status: res.statusCode,
    type: String(res.headers['content-type']),
    disposition: String(res.headers['content-disposition']),
    raw: res.rawPayload,
    text: res.body,
  };
}

const available = async (id: string, role: HumanRole = 'supervisor', unit: string = U.bureau): Promise<string[]> => {
  const res = await v.call(role, unit, 'GET', `/petitions/${id}/documents`);
  expect(res.status).toBe(200);
  return (res.body.documents as { kind: string; available: boolean }[]).filter((d) => d.available).map((d) => d.kind);
};

describe('a complaint transferred, accepted, answered and delivered', () => {
  let id: string;
  let number: string;
  beforeAll(async () => {
    const res = await v.intake(v3Intake({ matter: { category: 'land', summary: '宅基地确权纠纷<script>alert(1)</script>' } }));
    expect(res.status).toBe(201);
    id = res.body.id as string;
    number = res.body.number as string;
  });

  it('has no document but the slip until the body accepts, and refuses the others with 409 DOCUMENT_NOT_AVAILABLE', async () => {
    expect(await available(id)).toEqual([]);
    await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body, note: '请依法处理' }, 'transferred');
    expect(await available(id)).toEqual(['transfer-slip']);
    const refused = await v.call('supervisor', U.bureau, 'GET', `/petitions/${id}/documents/acceptance-notice`);
    expect(refused).toMatchObject({
      status: 409,
      body: { error: { code: 'DOCUMENT_NOT_AVAILABLE', details: { kind: 'acceptance-notice', state: 'transferred' } } },
    });
  });

  it('prints the 转送单 in the bureau’s name to the body, by name', async () => {
    const slip = await fetchDoc('clerk', U.bureau, `/petitions/${id}/documents/transfer-slip`);
    expect(slip.status).toBe(200);
    expect(slip.type).toBe('text/html; charset=utf-8');
    expect(slip.text).toContain('<h1>转送单</h1>');
    expect(slip.text).toContain('<div class="issuer">扶沟县信访局</div>');
    expect(slip.text).toContain('<p class="addressee">曹里乡人民政府：</p>');
    expect(slip.text).toContain('2026年3月2日');
    // What people typed is text on the page, never markup.
    expect(slip.text).not.toContain('<script>');
    expect(slip.text).toContain('&lt;script&gt;');
  });

  it('prints the 受理告知书 once accepted, with the last day of the handling period', async () => {
    v.clock.advance(2 * 86_400_000);
    await v.send(id, 'handler', U.body, { type: 'ACCEPT', noticeMethod: 'post' }, 'accepted');
    expect(await available(id)).toEqual(['acceptance-notice', 'transfer-slip']);
    const notice = await fetchDoc('handler', U.body, `/petitions/${id}/documents/acceptance-notice`);
    expect(notice.text).toContain('<div class="issuer">曹里乡人民政府</div>');
    expect(notice.text).toContain('本机关已于2026年3月4日依法受理');
    // Accepted 4 March: 60 days end on 3 May, a rest day of the May Day holiday, so the period runs on to the next working day.
    expect(notice.text).toMatch(/于2026年5月\d+日前出具书面处理意见/);
  });

  it('writes the 信访处理意见书 as a PDF naming the unit, the case number, the Chinese date and the review body', async () => {
    v.clock.set('2026-03-30T16:30:00.000Z'); // 31 March 00:30 in Beijing, still 30 March in UTC
    await v.send(id, 'handler', U.body, { type: 'RESOLVE', outcome: 'support', opinion: '经调查核实，依法予以确权。' }, 'answered');
    const pdf = await fetchDoc('handler', U.body, `/petitions/${id}/documents/handling-opinion?format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.disposition).toContain(`handling-opinion-${id}.pdf`);
    expect(pdf.raw.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = (await pdfText(pdf.raw)).replace(/\s+/g, '');
    expect(text).toContain('信访处理意见书');
    expect(text).toContain('曹里乡人民政府');
    expect(number).toMatch(/^扶信〔2026〕\d+号$/);
    expect(text).toContain(number);
    expect(text).toContain('2026年3月31日');
    expect(text).not.toContain('2026年3月30日');
    expect(text).toContain('经调查核实，依法予以确权。');
    // The township's answers are reviewed by the city (the tree's review body), within the policy's 30 days.
    expect(text).toContain('30日内请求周口市复查');
  });

  it('masks the petitioner as the reader’s case view does', async () => {
    const forHandler = await fetchDoc('handler', U.body, `/petitions/${id}/documents/handling-opinion`);
    expect(forHandler.text).toContain('41272119900101341X');
    const forSupervisor = await fetchDoc('supervisor', U.bureau, `/petitions/${id}/documents/handling-opinion`);
    expect(forSupervisor.status).toBe(200);
    expect(forSupervisor.text).not.toContain('41272119900101341X');
    expect(forSupervisor.text).toContain('41272119xxxxxx341X');
  });

  it('hides the case from units it never passed through (404), and refuses kinds it does not know (400)', async () => {
    expect((await fetchDoc('handler', U.otherBody, `/petitions/${id}/documents/handling-opinion`)).status).toBe(404);
    expect((await fetchDoc('handler', U.body, `/petitions/${id}/documents/notice-of-nothing`)).status).toBe(400);
  });
});

describe('the other acts', () => {
  it('prints the 不予受理告知书 with its ground', async () => {
    const id = (await v.intake()).body.id as string;
    await v.send(id, 'clerk', U.bureau, { type: 'REJECT', ground: 'not-a-petition', reason: '属于民事纠纷，请通过诉讼解决' }, 'closed');
    expect(await available(id)).toEqual(['rejection-notice']);
    const doc = await fetchDoc('clerk', U.bureau, `/petitions/${id}/documents/rejection-notice`);
    expect(doc.text).toContain('<h1>不予受理告知书</h1>');
    expect(doc.text).toContain('不属于信访事项，本机关决定不予受理');
  });

  it('prints the 交办单, the 延期告知书 and the 调解协议书', async () => {
    const id = (await v.intake()).body.id as string;
    await v.send(id, 'supervisor', U.bureau, { type: 'ASSIGN', toUnit: U.body, dueIn: 'P30D' }, 'transferred');
    expect((await fetchDoc('clerk', U.bureau, `/petitions/${id}/documents/transfer-slip`)).text).toContain('<h1>交办单</h1>');
    await v.send(id, 'handler', U.body, { type: 'ACCEPT', noticeMethod: 'post' }, 'accepted');
    await v.send(id, 'handler', U.body, { type: 'REQUEST_EXTENSION', duration: 'P30D', reason: '需要补充调查' }, 'accepted');
    expect(await available(id)).not.toContain('extension-notice');
    await v.send(id, 'leader', U.body, { type: 'APPROVE_EXTENSION', note: '同意' }, 'accepted');
    const ext = await fetchDoc('handler', U.body, `/petitions/${id}/documents/extension-notice`);
    expect(ext.text).toContain('因需要补充调查，经本机关负责人批准，办理期限延长30日');
    await v.send(id, 'handler', U.body, { type: 'START_MEDIATION', level: 'township' }, 'mediating');
    await v.send(id, 'mediator', U.body, { type: 'MEDIATION_AGREED', agreement: '双方同意按原界址确权。' }, 'answered');
    expect(await available(id)).toEqual(['acceptance-notice', 'transfer-slip', 'extension-notice', 'mediation-agreement']);
    const agreement = await fetchDoc('mediator', U.body, `/petitions/${id}/documents/mediation-agreement`);
    expect(agreement.text).toContain('双方同意按原界址确权。');
  });
});
