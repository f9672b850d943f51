import { z } from 'zod';
import { nextCursorSchema } from './common.schema';

/** A signed checkpoint as the API answers it: without its leaves (the case ids of every unit). */
export const checkpointSummarySchema = z
  .object({
    format: z.literal('petitionflow-checkpoint/1'),
    id: z.uuid(),
    createdAt: z.iso.datetime({ offset: true }),
    cases: z.number().int().nonnegative().describe('cases covered'),
    root: z.string().describe('hex Merkle root over every covered case head (RFC 6962 layout)'),
    publicKey: z.string().describe("the signer's Ed25519 public key, SPKI PEM"),
    signature: z.string().describe('base64 Ed25519 signature of the checkpoint statement'),
  })
  .meta({ id: 'AuditCheckpoint' });

/** A page of checkpoints, newest first. */
export const checkpointPageSchema = z.object({ items: z.array(checkpointSummarySchema), nextCursor: nextCursorSchema }).meta({ id: 'AuditCheckpointPage' });

/** The newest checkpoint checked against the trail, or null when none was taken yet. */
export const checkpointVerificationSchema = z
  .object({
    checkpoint: z
      .object({
        ok: z.boolean(),
        checkpointId: z.uuid(),
        createdAt: z.iso.datetime({ offset: true }),
        cases: z.number().int().nonnegative(),
        checked: z.number().int().nonnegative(),
        problem: z.string().optional().describe('what is wrong with the checkpoint itself (signature, signer, root)'),
        firstBroken: z
          .object({ caseId: z.string(), seq: z.number().int(), reason: z.string() })
          .optional()
          .describe('the first covered case whose trail no longer leads to the signed head (its id only when in your units)'),
      })
      .nullable(),
  })
  .meta({ id: 'AuditCheckpointVerification' });
