import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DocumentService } from '../engine/documents/document.service';
import { DOCUMENT_FORMATS, DOCUMENT_KINDS, DOCUMENT_TITLES } from '../engine/documents/document.vocabulary';
import { TAGS } from './openapi';
import { caseIdParams, COMMON_ERRORS, errors, ok } from './schemas/common.schema';

const kindSchema = z
  .enum(DOCUMENT_KINDS)
  .describe(
    `the written act: ${DOCUMENT_KINDS.map((k) => `\`${k}\` ${DOCUMENT_TITLES[k].title}（${DOCUMENT_TITLES[k].article}）`).join(', ')}`,
  );

const documentListSchema = z
  .object({
    documents: z.array(z.object({ kind: kindSchema, title: z.string(), available: z.boolean().describe('the case has recorded the act') })),
  })
  .meta({ id: 'DocumentList' });

/** `attachment` with an ASCII name and the Chinese one (RFC 6266 / 5987), so every browser saves it readably. */
function disposition(kind: string, caseId: string, format: string, fileName: string): string {
  return `inline; filename="${kind}-${caseId}.${format}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** The written acts of a case (文书): which it can print, and each as a printable page or a PDF. */
export function registerDocumentRoutes(app: FastifyInstance, deps: { documents: DocumentService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/petitions/:id/documents',
    {
      schema: {
        operationId: 'listPetitionDocuments',
        tags: [TAGS.petitions.name],
        summary: 'The written acts of a case (文书) and which it can print now',
        params: caseIdParams,
        response: { 200: ok('every kind, available or not', documentListSchema), ...errors(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => ({ documents: await deps.documents.list(request.params.id, request.actor) }),
  );
  r.get(
    '/petitions/:id/documents/:kind',
    {
      schema: {
        operationId: 'getPetitionDocument',
        tags: [TAGS.petitions.name],
        summary: 'One written act of a case in the official layout (受理告知书, 信访处理意见书 …), as a printable page or a PDF',
        description:
          'Issued in the name of the unit that made the act, with the case number and the date of the act written 2026年11月30日 (Beijing time); ' +
          'the petitioner as your role sees the case (masked). 409 DOCUMENT_NOT_AVAILABLE while the case has not recorded the act (and for cases of machine versions 1 and 2).',
        params: caseIdParams.extend({ kind: kindSchema }),
        querystring: z.object({
          format: z.enum(DOCUMENT_FORMATS).default('html').describe('html: a page to print from the browser; pdf: an A4 file'),
        }),
        response: {
          200: {
            description: 'the document',
            content: {
              'text/html': { schema: z.string().describe('a printable page (A4 print styles)') },
              'application/pdf': { schema: z.string().describe('an A4 PDF with the CJK font embedded') },
            },
          },
          ...errors(...COMMON_ERRORS, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { id, kind } = request.params;
      const { format } = request.query;
      const doc = await deps.documents.render(id, kind, format, request.actor);
      // A page or a file, not JSON: sent as is, which Fastify does not pass through the JSON schema.
      const raw = reply as unknown as FastifyReply;
      return raw
        .header('content-type', doc.contentType)
        .header('content-disposition', disposition(kind, id, format, doc.fileName))
        .send(doc.body);
    },
  );
}
