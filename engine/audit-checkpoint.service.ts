/**
 * Signed checkpoints of the audit trail. A checkpoint is a Merkle root (see
 * merkle.ts) over every case's chain head, signed with an Ed25519 key kept
 * outside the database. A copy held elsewhere later proves that no entry it
 * covers has changed: rewriting an entry changes its hash and every later
 * one, so the covered head no longer matches, even when whoever owns the
 * database re-hashed the whole chain and patched the snapshot.
 */
import { createPublicKey, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import * as store from '../db/audit-checkpoint.repository';
import { listEventsOfCases, type CaseEventRecord } from '../db/case-event.repository';
import { findCase } from '../db/case.repository';
import type { Database } from '../db/schema';
import type { AuditService } from './audit.service';
import { TrailBrokenError, ValidationError } from './errors';
import { merkleRoot, sortHeads, type CaseHead } from './merkle';
import { checkChain, type TrailBreak } from './trail-check';

/** The checkpoint file format's name; the signed statement starts with it. */
export const CHECKPOINT_FORMAT = 'petitionflow-checkpoint/1';

/** A checkpoint as written to a file, POSTed to a webhook and answered by the API. */
export interface AuditCheckpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly id: string;
  readonly createdAt: string;
  readonly cases: number;
  /** Hex Merkle root over `leaves`. */
  readonly root: string;
  /** The signer's Ed25519 public key, SPKI PEM. */
  readonly publicKey: string;
  /** Base64 Ed25519 signature of {@link checkpointStatement}. */
  readonly signature: string;
  /** `[caseId, version, headHash]` per case, sorted by case id. */
  readonly leaves: readonly (readonly [string, number, string])[];
}

/** The outcome of checking a checkpoint against the trail. */
export interface CheckpointVerification {
  readonly ok: boolean;
  readonly checkpointId: string;
  readonly createdAt: string;
  /** Cases covered, and how many were re-checked before the first problem. */
  readonly cases: number;
  readonly checked: number;
  /** What is wrong with the checkpoint itself (signature, signer, root), if anything. */
  readonly problem?: string;
  /** The first covered case whose trail no longer leads to the signed head. */
  readonly firstBroken?: TrailBreak;
}

const HEX64 = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Validates a checkpoint file's shape (its signature and root are checked by {@link verifyCheckpointSignature}). */
export const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  id: z.string().regex(UUID),
  createdAt: z.iso.datetime(),
  cases: z.number().int().min(0),
  root: z.string().regex(HEX64),
  publicKey: z.string().min(1).max(1000),
  signature: z.string().min(1).max(200),
  leaves: z.array(z.tuple([z.string().regex(UUID), z.number().int().min(1), z.string().regex(HEX64)])),
});

/**
 * The exact bytes signed: the format, id, time, case count and root, one per
 * line, each line ending in `\n`. The leaves are bound through the root.
 */
export function checkpointStatement(c: Pick<AuditCheckpoint, 'id' | 'createdAt' | 'cases' | 'root'>): Buffer {
  return Buffer.from(`${CHECKPOINT_FORMAT}\n${c.id}\n${c.createdAt}\n${c.cases}\n${c.root}\n`, 'utf8');
}

function headsOf(c: Pick<AuditCheckpoint, 'leaves'>): CaseHead[] {
  return c.leaves.map(([caseId, version, head]) => ({ caseId, version, head }));
}

/** SPKI PEM of a key's public half (a private key is reduced to its public key). */
function publicPem(key: KeyObject): string {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Checks a checkpoint on its own: leaves strictly in case id order, the
 * count and root they give, the signature under the embedded key and, when
 * `expectedSigner` is given, that the embedded key is that one. Returns the
 * problem, or undefined when the checkpoint is genuine.
 */
export function verifyCheckpointSignature(c: AuditCheckpoint, expectedSigner?: KeyObject): string | undefined {
  let key: KeyObject;
  try {
    key = createPublicKey(c.publicKey);
  } catch {
    return 'the public key is not a PEM public key';
  }
  if (key.asymmetricKeyType !== 'ed25519') return 'the public key is not an Ed25519 key';
  if (expectedSigner !== undefined && publicPem(expectedSigner) !== publicPem(key)) return 'signed by a key other than the operator’s';
  const statementOk = verify(null, checkpointStatement(c), key, Buffer.from(c.signature, 'base64'));
  if (!statementOk) return 'the signature does not verify';
  const heads = headsOf(c);
  if (heads.some((h, i) => i > 0 && (heads[i - 1]?.caseId ?? '') >= h.caseId)) return 'leaves are not sorted by case id';
  if (heads.length !== c.cases) return `${heads.length} leaves for ${c.cases} cases`;
  if (merkleRoot(heads) !== c.root) return 'the leaves do not give the signed root';
  return undefined;
}

/** Compares one covered case's trail with its signed head: the covered prefix must be intact and end at that hash. */
function checkCovered(head: CaseHead, events: readonly CaseEventRecord[]): TrailBreak | undefined {
  const covered = events.filter((e) => e.seq <= head.version);
  const broken = checkChain(head.caseId, covered);
  if (broken !== undefined) return broken;
  const last = covered[covered.length - 1];
  if (last === undefined) return { caseId: head.caseId, seq: 1, reason: 'the case is no longer in the trail' };
  if (last.seq !== head.version)
    return { caseId: head.caseId, seq: last.seq + 1, reason: `the trail ends at seq ${last.seq}; the checkpoint covers ${head.version}` };
  if (last.hash !== head.head)
    return { caseId: head.caseId, seq: head.version, reason: 'the covered trail was rewritten: its head differs from the signed one' };
  return undefined;
}

/** Taking, listing and verifying checkpoints. */
export interface AuditCheckpointService {
  /** Verifies the whole trail, then signs and stores the heads; refuses (conflict) over a broken trail. */
  take(): Promise<AuditCheckpoint>;
  list(limit: number, cursor?: string): Promise<{ items: Omit<AuditCheckpoint, 'leaves'>[]; nextCursor: string | null }>;
  latest(): Promise<AuditCheckpoint | undefined>;
  /** Checks the checkpoint itself, then every covered case against the stored trail. */
  verifyAgainst(c: AuditCheckpoint, expectedSigner?: KeyObject): Promise<CheckpointVerification>;
  /**
   * Verifies the newest stored checkpoint, signed by this installation's key,
   * for a viewer of `scopeUnit`: a changed case outside that subtree is
   * reported without its id. Undefined when no checkpoint was taken yet.
   */
  verifyLatest(scopeUnit: string): Promise<CheckpointVerification | undefined>;
}

/** What the checkpoint service needs: the signing key is read only when a checkpoint is taken. */
export interface AuditCheckpointDeps {
  readonly db: Kysely<Database>;
  readonly audit: AuditService;
  readonly signingKey: () => KeyObject;
  readonly now?: () => Date;
}

/** Cases re-checked per round trip when verifying against a checkpoint. */
const CASES_PER_PAGE = 200;

function encodeCursor(c: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const createdAt = new Date(String(at));
    if (
      typeof at !== 'string' ||
      Number.isNaN(createdAt.getTime()) ||
      createdAt.toISOString() !== at ||
      typeof id !== 'string' ||
      !UUID.test(id)
    ) {
      throw new Error('bad cursor');
    }
    return { createdAt, id };
  } catch {
    throw new ValidationError('invalid cursor', [{ path: ['cursor'], message: 'not a cursor returned by this API' }]);
  }
}

function toCheckpoint(r: store.CheckpointRecord): AuditCheckpoint {
  return {
    format: CHECKPOINT_FORMAT,
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    cases: r.cases,
    root: r.root,
    publicKey: r.publicKey,
    signature: r.signature,
    leaves: r.leaves,
  };
}

/** Creates the checkpoint service. */
export function createAuditCheckpointService(deps: AuditCheckpointDeps): AuditCheckpointService {
  const now = deps.now ?? (() => new Date());
  const service: AuditCheckpointService = {
    async take() {
      // Heads first, then the check: every head read is a prefix of a chain the check then walks whole.
      const heads = sortHeads(await store.listTrailHeads(deps.db));
      const verified = await deps.audit.verifyAudit();
      if (verified.firstBroken !== undefined) throw new TrailBrokenError(verified.firstBroken);
      const key = deps.signingKey();
      const base = { id: randomUUID(), createdAt: now().toISOString(), cases: heads.length, root: merkleRoot(heads) };
      const checkpoint: AuditCheckpoint = {
        format: CHECKPOINT_FORMAT,
        ...base,
        publicKey: publicPem(key),
        signature: sign(null, checkpointStatement(base), key).toString('base64'),
        leaves: heads.map((h) => [h.caseId, h.version, h.head] as const),
      };
      await store.insertCheckpoint(deps.db, { ...checkpoint, createdAt: new Date(checkpoint.createdAt) });
      return checkpoint;
    },

    async list(limit, cursor) {
      const rows = await store.listCheckpoints(deps.db, limit + 1, cursor === undefined ? undefined : decodeCursor(cursor));
      const page = rows.slice(0, limit).map((r) => {
        const { leaves: _leaves, ...rest } = toCheckpoint({ ...r, leaves: [] });
        return rest;
      });
      const last = page[page.length - 1];
      return { items: page, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
    },

    async latest() {
      const row = await store.findLatestCheckpoint(deps.db);
      return row === undefined ? undefined : toCheckpoint(row);
    },

    async verifyAgainst(c, expectedSigner) {
      const base = { checkpointId: c.id, createdAt: c.createdAt, cases: c.cases };
      const problem = verifyCheckpointSignature(c, expectedSigner);
      if (problem !== undefined) return { ...base, ok: false, checked: 0, problem };
      const heads = headsOf(c);
      let checked = 0;
      for (let i = 0; i < heads.length; i += CASES_PER_PAGE) {
        const page = heads.slice(i, i + CASES_PER_PAGE);
        const events = await listEventsOfCases(
          deps.db,
          page.map((h) => h.caseId),
        );
        for (const head of page) {
          checked += 1;
          const firstBroken = checkCovered(
            head,
            events.filter((e) => e.caseId === head.caseId),
          );
          if (firstBroken !== undefined) return { ...base, ok: false, checked, firstBroken };
        }
      }
      return { ...base, ok: true, checked };
    },

    async verifyLatest(scopeUnit) {
      const latest = await service.latest();
      if (latest === undefined) return undefined;
      const result = await service.verifyAgainst(latest, deps.signingKey());
      if (result.firstBroken === undefined || (await findCase(deps.db, result.firstBroken.caseId, scopeUnit)) !== undefined) return result;
      const { firstBroken: _hidden, ...rest } = result;
      return { ...rest, problem: 'a case outside your units changed since this checkpoint' };
    },
  };
  return service;
}
