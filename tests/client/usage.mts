/**
 * Calls a running petitionflow through the generated client (client/), as a third party would:
 * compiled with `tsc --strict` by tests/integration/generated-client.http.test.ts, which checks what
 * it prints. Every response field is read through the generated types, without a cast.
 *
 *   node usage.mjs <baseUrl> <clerk token> <handler token>
 */
import { createPetitionflowClient } from '../../client/index.js';

const [baseUrl = '', clerkToken = '', handlerToken = ''] = process.argv.slice(2);
const clerk = createPetitionflowClient({ baseUrl, token: clerkToken });
const handler = createPetitionflowClient({ baseUrl, token: handlerToken });

// 登记: record a letter.
const recorded = await clerk.POST('/petitions', {
  body: {
    channel: 'letter',
    unit: '411621',
    petitioner: { name: '于营（化名）', idNumber: '41272119900101341X', phone: '18749260000', address: '河南省周口市扶沟县曹里乡' },
    matter: { category: 'education', summary: '县教体局撤并学校，给学生上学带来不便' },
  },
});
if (recorded.data === undefined) throw new Error(`intake failed: ${recorded.response.status}`);
const id: string = recorded.data.id;

// 受理: accept it, with the version just seen.
const verified = await clerk.POST('/petitions/{id}/events', {
  params: { path: { id } },
  body: { type: 'VERIFY', expectedVersion: recorded.data.version, note: '身份和联系方式已核实，予以受理。' },
});
if (verified.data === undefined) throw new Error(`VERIFY failed: ${verified.response.status}`);
const handlingDue: string | undefined = verified.data.deadlines.find((d) => d.clock === 'handling')?.dueAt;

// The list, one case a page (JSON; `format=csv` or `xlsx` would answer a file, hence the string in the type).
const page = await clerk.GET('/petitions', { params: { query: { limit: 1, state: 'verified' } } });
if (page.data === undefined || typeof page.data === 'string') throw new Error(`list failed: ${page.response.status}`);
const listedIds: string[] = page.data.items.map((item) => item.id);
const nextCursor: string | null = page.data.nextCursor;

// An error: a handler may never accept a case (403), and a stale version is a conflict (409).
const refused = await handler.POST('/petitions/{id}/events', { params: { path: { id } }, body: { type: 'VERIFY' } });
const stale = await clerk.POST('/petitions/{id}/events', {
  params: { path: { id } },
  body: { type: 'ASSIGN', unit: '411621', expectedVersion: recorded.data.version },
});
const conflict = stale.error?.error;

process.stdout.write(
  `${JSON.stringify({
    id,
    recordedState: recorded.data.state,
    recordedStatus: recorded.response.status,
    verifiedState: verified.data.state,
    allowedEvents: verified.data.allowedEvents,
    handlingDue,
    listedIds,
    nextCursor,
    refusedStatus: refused.response.status,
    refusedCode: refused.error?.error.code,
    conflictStatus: stale.response.status,
    conflictCode: conflict?.code,
    conflictDetails: conflict?.details,
  })}\n`,
);
