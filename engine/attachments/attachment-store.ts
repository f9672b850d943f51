/**
 * Where the bytes of attachments are kept. PostgreSQL by default (a table of
 * its own); a file or object store would implement the same two calls.
 */
import type { Kysely, Transaction } from 'kysely';
import { insertAttachmentContent, readAttachmentContent } from '../../db/attachment.repository';
import type { Database } from '../../db/schema';

/** Keeps and gives back the bytes of attachments by their id. */
export interface AttachmentStore {
  /**
   * Keeps a new file's bytes. Called inside the transaction that records the file's row and trail entry, so
   * the database store commits or fails with them; a store outside the database writes on its own.
   */
  put(trx: Transaction<Database>, id: string, bytes: Buffer): Promise<void>;
  /** The bytes of a file, or undefined if the store has none under that id. */
  get(id: string): Promise<Buffer | undefined>;
}

/** The default store: bytes in `attachment_contents`, written in the recording transaction. */
export function createDatabaseAttachmentStore(db: Kysely<Database>): AttachmentStore {
  return {
    put: (trx, id, bytes) => insertAttachmentContent(trx, id, bytes),
    get: (id) => readAttachmentContent(db, id),
  };
}
