/**
 * A case as people type it: its id, or its readable number (`扶信〔2026〕123号`),
 * which is looked up through the person index (GET /people?q=), within the
 * user's units like every read.
 */
import { api, ApiError } from './api-client.js';
import { t } from './i18n/i18n.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The case id of a case id or number; a number not found in the user's units is a NOT_FOUND. */
export async function resolveCaseRef(text) {
  const ref = text.trim();
  if (UUID.test(ref)) return ref.toLowerCase();
  const found = await api('/people', { query: { q: ref } });
  const match = found.items.flatMap((p) => p.matters).find((m) => m.number === ref);
  if (match === undefined) throw new ApiError(404, { code: 'NOT_FOUND', message: t('caseRef.notFound') });
  return match.caseId;
}
