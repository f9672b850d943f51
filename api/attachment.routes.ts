import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEFAULT_ATTACHMENT_LIMITS } from '../config/attachment-limits';
import type { AttachmentService, AttachmentUpload } from '../engine/attachments/attachment.service';
import { AttachmentRefusedError, ValidationError } from '../engine/errors';
import { ATTACHMENT_KINDS } from '../machines/versions/v3/v3.vocabulary';
import { V3_VALUE_LABELS } from '../machines/versions/v3/v3.labels';
import { TAGS } from './openapi';
import { caseIdParams, COMMON_ERRORS, errors, ok, queryBoolean } from './schemas/common.schema';

const kindSchema = z
  .enum(ATTACHMENT_KINDS)
  .describe(`what the file is: ${ATTACHMENT_KINDS.map((k) => `\`${k}\` ${V3_VALUE_LABELS.attachmentKind[k]}`).join(', ')}`);

/** The form fields besides the file. */
const uploadFieldsSchema = z.strictObject({
  kind: kindSchema,
  personal: queryBoolean
    .default(false)
    .describe(
      'true/false or 1/0: the file shows a person (an ID card, a letter with contact details); roles that see the case masked may not download it',
    ),
});

/** The multipart body as the description shows it (the route reads the parts itself). */
const uploadBodySchema = uploadFieldsSchema.extend({
  file: z.string().meta({ format: 'binary' }).describe('the file: one part named `file`, with its file name and media type'),
});

const attachmentSchema = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    seq: z.number().int().describe('the trail entry (ATTACH_MATERIAL) that records its SHA-256'),
    kind: kindSchema,
    fileName: z.string().nullable().describe('as uploaded; null for a personal file when your role sees the case masked'),
    mediaType: z.string(),
    size: z.number().int().describe('bytes'),
    sha256: z.string().describe('hex SHA-256 of the bytes, as the trail records it'),
    personal: z.boolean(),
    uploadedBy: z.object({ id: z.string(), role: z.string(), unit: z.string() }),
    uploadedAt: z.string(),
  })
  .meta({ id: 'Attachment' });

const attachmentListSchema = z
  .object({
    attachments: z.array(attachmentSchema).describe('oldest first'),
    limits: z.object({ maxBytes: z.number().int(), mediaTypes: z.array(z.string()) }).describe('what an upload must keep to'),
  })
  .meta({ id: 'AttachmentList' });

const attachmentParams = caseIdParams.extend({ attId: z.uuid().describe('the attachment id') });

/** The body is multipart, read part by part in the handler: only params and headers go through zod here. */
function partsValidator<S>(): FastifySchemaCompiler<S> {
  type Route = Parameters<typeof validatorCompiler>[0];
  return (route) => (route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as unknown as Route));
}

/** A file name for `filename=`: ASCII only, no quotes (the real name goes in `filename*`). */
function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
}

/** `attachment` with an ASCII name and the real one (RFC 6266 / RFC 5987), so every browser saves it readably. */
export function attachmentDisposition(fileName: string): string {
  const star = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiName(fileName)}"; filename*=UTF-8''${star}`;
}

/** The form's fields and its one file; a file over the limit is refused as ATTACHMENT_TOO_LARGE. */
async function readUpload(request: FastifyRequest, maxBytes: number): Promise<AttachmentUpload> {
  if (!request.isMultipart()) {
    throw Object.assign(new Error('the body must be multipart/form-data'), { statusCode: 415 });
  }
  const fields: Record<string, string> = {};
  let file: { fileName: string; mediaType: string; bytes: Buffer } | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'field') fields[part.fieldname] = String(part.value);
    else if (part.fieldname !== 'file' || file !== undefined) {
      throw new ValidationError('invalid attachment', [{ path: [part.fieldname], message: 'one file, in the part named file' }]);
    } else {
      const bytes = await part.toBuffer().catch((err: unknown) => {
        if ((err as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw err;
        throw new AttachmentRefusedError('ATTACHMENT_TOO_LARGE', `the file is over ${maxBytes} bytes`, { maxBytes });
      });
      file = { fileName: part.filename, mediaType: part.mimetype, bytes };
    }
  }
  const parsed = uploadFieldsSchema.safeParse(fields);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
  if (file === undefined) issues.push({ path: ['file'], message: 'a file is required' });
  if (!parsed.success || file === undefined) throw new ValidationError('invalid attachment', issues);
  return { ...parsed.data, ...file };
}

/**
 * Attachments of a case (scanned letters, evidence): upload (multipart), list, download. In a plugin of
 * their own, so only these routes take multipart bodies; every other route still answers 415 to one.
 */
export async function registerAttachmentRoutes(app: FastifyInstance, deps: { attachments: AttachmentService }): Promise<void> {
  const { maxBytes } = deps.attachments.limits;
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, { limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 11, fieldSize: 1000 } });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/petitions/:id/attachments',
      {
        schema: {
          operationId: 'uploadAttachment',
          tags: [TAGS.petitions.name],
          summary: 'File a scanned letter or evidence with a case (附件)',
          description:
            `multipart/form-data with a \`file\` part, \`kind\` and \`personal\`. At most ${DEFAULT_ATTACHMENT_LIMITS.maxBytes} bytes and ` +
            `${DEFAULT_ATTACHMENT_LIMITS.mediaTypes.join(', ')} unless configured otherwise (ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES); ` +
            'the bytes must match the type. Recorded in the trail as ATTACH_MATERIAL (id, kind, size, media type and SHA-256; ' +
            "the file name stays out of the trail); who may file is the lifecycle's permission table (422 EVENT_NOT_ALLOWED otherwise).",
          consumes: ['multipart/form-data'],
          params: caseIdParams,
          body: uploadBodySchema,
          response: { 201: ok('the filed attachment', attachmentSchema), ...errors(...COMMON_ERRORS, 404, 413, 415, 422, 429) },
        },
        validatorCompiler: partsValidator(),
      },
      async (request, reply) => {
        const upload = await readUpload(request, maxBytes);
        return reply.status(201).send(await deps.attachments.upload(request.params.id, upload, request.actor));
      },
    );
    r.get(
      '/petitions/:id/attachments',
      {
        schema: {
          operationId: 'listAttachments',
          tags: [TAGS.petitions.name],
          summary: 'The attachments of a case (附件), oldest first',
          params: caseIdParams,
          response: { 200: ok('the attachments', attachmentListSchema), ...errors(...COMMON_ERRORS, 404) },
        },
      },
      async (request) => {
        const { maxBytes: max, mediaTypes } = deps.attachments.limits;
        return {
          attachments: await deps.attachments.list(request.params.id, request.actor),
          limits: { maxBytes: max, mediaTypes: [...mediaTypes] },
        };
      },
    );
    r.get(
      '/petitions/:id/attachments/:attId',
      {
        schema: {
          operationId: 'downloadAttachment',
          tags: [TAGS.petitions.name],
          summary: 'Download one attachment of a case (written to the access log)',
          description:
            'The bytes as uploaded, `Content-Disposition: attachment` with the file name (RFC 5987 `filename*`). ' +
            '403 ATTACHMENT_PERSONAL for a file marked personal when your role sees the case masked.',
          params: attachmentParams,
          response: {
            200: {
              description: 'the file',
              content: Object.fromEntries(
                DEFAULT_ATTACHMENT_LIMITS.mediaTypes.map((t) => [
                  t,
                  { schema: z.string().meta({ format: 'binary' }).describe('the bytes') },
                ]),
              ),
            },
            ...errors(...COMMON_ERRORS, 404),
          },
        },
      },
      async (request, reply) => {
        const { id, attId } = request.params;
        const { view, bytes } = await deps.attachments.download(id, attId, request.actor);
        // Bytes, not JSON: sent as they are, past the JSON serializer.
        const raw = reply as unknown as FastifyReply;
        return raw
          .header('content-type', view.mediaType)
          .header('content-disposition', attachmentDisposition(view.fileName ?? `attachment-${view.id}`))
          .header('cache-control', 'private, no-store')
          .send(bytes);
      },
    );
  });
}
