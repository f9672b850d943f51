/**
 * Takes signed audit checkpoints on the sweeper's schedule and puts copies
 * where the operator said (`AUDIT_CHECKPOINT_DIR`, and/or the notification
 * webhook with `AUDIT_CHECKPOINT_WEBHOOK=true`): a checkpoint only proves
 * something when a copy lives outside the database it vouches for.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { resolveAuditSigningKey } from '../config/audit-signing-key';
import { durationMillis } from '../machines/iso-duration';
import type { Config } from '../config/load-config';
import type { Database } from '../db/schema';
import { createAuditCheckpointService, type AuditCheckpoint, type AuditCheckpointService } from '../engine/audit-checkpoint.service';
import { createAuditService } from '../engine/audit.service';
import { signWebhook } from './notification.channels';

/** A checkpoint schedule the sweeper runs. */
export interface CheckpointSchedule {
  readonly everyMs: number;
  readonly service: AuditCheckpointService;
  /** Puts a copy of a new checkpoint outside the database; throws when a copy could not be made. */
  publish(checkpoint: AuditCheckpoint): Promise<void>;
}

/** A file name that sorts by time: `<createdAt with - for :>-<id>.json`. */
export function checkpointFileName(c: Pick<AuditCheckpoint, 'createdAt' | 'id'>): string {
  return `${c.createdAt.replace(/:/g, '-')}-${c.id}.json`;
}

async function postCheckpoint(url: string, secret: string, checkpoint: AuditCheckpoint, now: Date): Promise<void> {
  const body = JSON.stringify({ type: 'audit.checkpoint', checkpoint });
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-petitionflow-signature': signWebhook(secret, body, Math.floor(now.getTime() / 1000)),
      'x-petitionflow-delivery': `checkpoint.${checkpoint.id}`,
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`checkpoint webhook answered ${res.status}`);
}

/** The schedule `AUDIT_CHECKPOINT_EVERY` asks for, or undefined when checkpoints are not scheduled. */
export function checkpointScheduleOf(
  config: Config,
  db: Kysely<Database>,
  now: () => Date = () => new Date(),
): CheckpointSchedule | undefined {
  if (config.auditCheckpointEvery === undefined) return undefined;
  const { auditCheckpointDir: dir, notifyWebhookUrl: url, notifyWebhookSecret: secret } = config;
  const webhook = config.auditCheckpointWebhook && url !== undefined && secret !== undefined ? { url, secret } : undefined;
  return {
    everyMs: durationMillis(config.auditCheckpointEvery),
    service: createAuditCheckpointService({ db, audit: createAuditService(db), signingKey: () => resolveAuditSigningKey(config), now }),
    async publish(checkpoint) {
      if (dir !== undefined) {
        await mkdir(resolve(dir), { recursive: true });
        await writeFile(join(resolve(dir), checkpointFileName(checkpoint)), `${JSON.stringify(checkpoint, null, 2)}\n`, { flag: 'wx' });
      }
      if (webhook !== undefined) await postCheckpoint(webhook.url, webhook.secret, checkpoint, now());
    },
  };
}
