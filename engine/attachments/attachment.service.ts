/**
 * Scanned letters and evidence filed with a case (一案一卷). An upload is
 * recorded through the engine's command path as an ATTACH_MATERIAL filing,
 * so the same permission table and unit scope decide who may file, and the
 * trail keeps the file's SHA-256, size, media type and kind (never its bytes
 * or its name, which may name a person). The row and the bytes are written
 * in the transaction of that trail entry. Reads are scoped like the case;
 * a file marked personal is not sent to a role that sees the case masked,
 * and every download is written to the access log.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AttachmentLimits } from '../../config/attachment-limits';
import { findAttachment, insertAttachment, listAttachments, type AttachmentRecord } from '../../db/attachment.repository';
import { findCase } from '../../db/case.repository';
import type { Database } from '../../db/schema';
import type { Actor } from '../../machines/petition.roles';
import type { AttachmentKind } from '../../machines/versions/v3/v3.vocabulary';
import { showsIdentifiers } from '../access';
import { maskingFactsOf } from '../case-query.service';
import { assertStorable } from '../command-input';
import { AttachmentRefusedError, NotFoundError } from '../errors';
import { logUnmaskedReads } from '../people/access-log';
import type { PetitionEngine } from '../petition.engine';
import type { AttachmentStore } from './attachment-store';
import { bareMediaType, bytesFitType } from './media-type';

/** The filing event that records an upload's digest in the trail. */
export const ATTACH_EVENT = 'ATTACH_MATERIAL';

/** The longest file name kept (longer ones are cut, keeping the extension readable is the browser's job). */
const FILE_NAME_MAX = 200;

/** One upload as the route hands it over. */
export interface AttachmentUpload {
  readonly kind: AttachmentKind;
  readonly personal: boolean;
  readonly fileName: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

/** An attachment as a reader sees it; the file name of a personal file is withheld from a masked reader. */
export interface AttachmentView {
  readonly id: string;
  readonly caseId: string;
  readonly seq: number;
  readonly kind: AttachmentKind;
  readonly fileName: string | null;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly personal: boolean;
  readonly uploadedBy: { readonly id: string; readonly role: string; readonly unit: string };
  readonly uploadedAt: string;
}

/** The attachments of cases. */
export interface AttachmentService {
  /** Files an upload with a case (201); refused for size, type, or as the case's permission table says. */
  upload(caseId: string, upload: AttachmentUpload, actor: Actor): Promise<AttachmentView>;
  /** The files of a case the reader may see, oldest first. */
  list(caseId: string, actor: Actor): Promise<AttachmentView[]>;
  /** One file and its bytes, logged in the access log; a personal one is refused to a masked reader. */
  download(caseId: string, attachmentId: string, actor: Actor): Promise<{ view: AttachmentView; bytes: Buffer }>;
  /** The size and media types uploads must keep to. */
  readonly limits: AttachmentLimits;
}

function viewOf(a: AttachmentRecord, masked: boolean): AttachmentView {
  return {
    id: a.id,
    caseId: a.caseId,
    seq: a.seq,
    // Rows hold only kinds the filing's schema took.
    kind: a.kind as AttachmentKind,
    fileName: masked && a.personal ? null : a.fileName,
    mediaType: a.mediaType,
    size: a.size,
    sha256: a.sha256,
    personal: a.personal,
    uploadedBy: a.uploadedBy,
    uploadedAt: a.uploadedAt.toISOString(),
  };
}

/** A file name as kept: its last path segment, control characters out, at most {@link FILE_NAME_MAX} characters. */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const last = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return [...(last === '' ? 'file' : last)].slice(0, FILE_NAME_MAX).join('');
}

/** Refuses a file over the size limit, of a type not taken, or whose bytes are not of its declared type. */
function checkUpload(limits: AttachmentLimits, mediaType: string, bytes: Buffer): void {
  if (bytes.length > limits.maxBytes) {
    throw new AttachmentRefusedError('ATTACHMENT_TOO_LARGE', `the file is over ${limits.maxBytes} bytes`, { maxBytes: limits.maxBytes });
  }
  const accepted = [...limits.mediaTypes];
  if (!limits.mediaTypes.includes(mediaType)) {
    throw new AttachmentRefusedError('ATTACHMENT_TYPE', `files of type ${mediaType} are not taken`, { accepted });
  }
  if (!bytesFitType(mediaType, bytes)) {
    throw new AttachmentRefusedError('ATTACHMENT_TYPE', `the file's bytes are not of type ${mediaType}`, { accepted });
  }
}

/** Creates the attachment service over the database, the engine (the one write path) and a byte store. */
export function createAttachmentService(deps: {
  db: Kysely<Database>;
  engine: Pick<PetitionEngine, 'file'>;
  store: AttachmentStore;
  limits: AttachmentLimits;
  now?: () => Date;
}): AttachmentService {
  const now = deps.now ?? (() => new Date());
  /** The case in the reader's scope (404 otherwise) and whether the reader sees it masked. */
  async function caseFor(caseId: string, actor: Actor): Promise<{ masked: boolean }> {
    const rec = await findCase(deps.db, caseId, actor.unit);
    if (rec === undefined) throw new NotFoundError();
    return { masked: !showsIdentifiers(actor, maskingFactsOf(rec)) };
  }
  return {
    limits: deps.limits,
    async upload(caseId, upload, actor) {
      const mediaType = bareMediaType(upload.mediaType);
      checkUpload(deps.limits, mediaType, upload.bytes);
      const fileName = cleanFileName(upload.fileName);
      assertStorable('invalid attachment', { fileName });
      const id = randomUUID();
      const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
      const size = upload.bytes.length;
      let stored: AttachmentRecord | undefined;
      const filing = { type: ATTACH_EVENT, attachmentId: id, kind: upload.kind, size, mediaType, sha256 };
      await deps.engine.file(caseId, filing, actor, {
        write: async (trx, event) => {
          stored = {
            id,
            caseId,
            seq: event.seq,
            kind: upload.kind,
            fileName,
            mediaType,
            size,
            sha256,
            personal: upload.personal,
            uploadedBy: { id: actor.id, role: actor.role, unit: actor.unit },
            uploadedAt: new Date(event.at),
          };
          await insertAttachment(trx, stored);
          await deps.store.put(trx, id, upload.bytes);
        },
      });
      if (stored === undefined) throw new Error('the filing committed without its attachment row');
      // The uploader is answered as any reader of the case would be.
      return viewOf(stored, (await caseFor(caseId, actor)).masked);
    },
    async list(caseId, actor) {
      const { masked } = await caseFor(caseId, actor);
      return (await listAttachments(deps.db, caseId)).map((a) => viewOf(a, masked));
    },
    async download(caseId, attachmentId, actor) {
      const { masked } = await caseFor(caseId, actor);
      const found = await findAttachment(deps.db, caseId, attachmentId);
      if (found === undefined) throw new NotFoundError();
      if (found.personal && masked) {
        throw new AttachmentRefusedError('ATTACHMENT_PERSONAL', 'this attachment is marked personal and your role sees the case masked');
      }
      const bytes = await deps.store.get(found.id);
      if (bytes === undefined) throw new Error(`attachment ${found.id} has no bytes in the store`);
      await logUnmaskedReads(deps.db, actor, [{ caseId }], 'attachments.download', now());
      return { view: viewOf(found, masked), bytes };
    },
  };
}
