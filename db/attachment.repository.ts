import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

type Executor = Kysely<Database> | Transaction<Database>;

/** One file filed with a case, without its bytes. */
export interface AttachmentRecord {
  readonly id: string;
  readonly caseId: string;
  /** The trail entry that recorded its digest. */
  readonly seq: number;
  readonly kind: string;
  readonly fileName: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly personal: boolean;
  readonly uploadedBy: { readonly id: string; readonly role: string; readonly unit: string };
  readonly uploadedAt: Date;
}

type Row = Awaited<ReturnType<typeof selectAttachments>>[number];

function selectAttachments(db: Executor, caseId: string) {
  // Ties in time (one clock tick, a fixed test clock) go by the trail entry that filed each: the order they were filed in.
  return db.selectFrom('attachments').selectAll().where('case_id', '=', caseId).orderBy('uploaded_at').orderBy('seq').execute();
}

function toRecord(r: Row): AttachmentRecord {
  return {
    id: r.id,
    caseId: r.case_id,
    seq: r.seq,
    kind: r.kind,
    fileName: r.file_name,
    mediaType: r.media_type,
    size: Number(r.size),
    sha256: r.sha256,
    personal: r.personal,
    uploadedBy: { id: r.uploaded_by_id, role: r.uploaded_by_role, unit: r.uploaded_by_unit },
    uploadedAt: r.uploaded_at,
  };
}

/** Records a file's row (in the transaction of its trail entry). */
export async function insertAttachment(trx: Executor, a: AttachmentRecord): Promise<void> {
  await trx
    .insertInto('attachments')
    .values({
      id: a.id,
      case_id: a.caseId,
      seq: a.seq,
      kind: a.kind,
      file_name: a.fileName,
      media_type: a.mediaType,
      size: a.size,
      sha256: a.sha256,
      personal: a.personal,
      uploaded_by_id: a.uploadedBy.id,
      uploaded_by_role: a.uploadedBy.role,
      uploaded_by_unit: a.uploadedBy.unit,
      uploaded_at: a.uploadedAt,
    })
    .execute();
}

/** The files of one case, oldest first (the caller has checked the case is in scope). */
export async function listAttachments(db: Executor, caseId: string): Promise<AttachmentRecord[]> {
  return (await selectAttachments(db, caseId)).map(toRecord);
}

/** One file of one case, if it belongs to that case. */
export async function findAttachment(db: Executor, caseId: string, id: string): Promise<AttachmentRecord | undefined> {
  const row = await db.selectFrom('attachments').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** Keeps a file's bytes in the database (the default store). */
export async function insertAttachmentContent(trx: Executor, id: string, bytes: Buffer): Promise<void> {
  await trx.insertInto('attachment_contents').values({ attachment_id: id, bytes }).execute();
}

/** A file's bytes as the database keeps them, if it does. */
export async function readAttachmentContent(db: Executor, id: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('attachment_contents').select('bytes').where('attachment_id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : Buffer.from(row.bytes);
}
