import { createHmac } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { Recipient } from '../engine/notification-source.service';

export type { Recipient };

/**
 * What a notification says. Carries ids and codes only: no personal data
 * leaves the database. `state` and `recipients` are read when it is sent (a
 * retried reminder may report a later state); `clock`, `seq` and `at` are
 * those of the trail entry.
 */
export interface Notification {
  readonly type: 'deadline.reminder' | 'deadline.breached' | 'case.major-urgent';
  readonly caseId: string;
  readonly seq: number;
  /** The clock of a reminder or breach (null for a major or urgent intake). */
  readonly clock: string | null;
  readonly generation: number | null;
  readonly state: string;
  readonly unit: string;
  readonly at: string;
  readonly recipients: readonly Recipient[];
}

/** A way of telling people: the log, a webhook, later SMS or the 信访 information system. */
export interface NotificationChannel {
  readonly name: string;
  send(n: Notification): Promise<void>;
}

/** Writes each notification as one structured log line. */
export function createLogChannel(logger: Logger): NotificationChannel {
  return {
    name: 'log',
    async send(n) {
      logger.info({ notification: n }, `${n.type}${n.clock === null ? '' : ` ${n.clock}`} on case ${n.caseId}`);
    },
  };
}

/** The signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * POSTs each notification as JSON with an HMAC signature header
 * (`X-Petitionflow-Signature`). A network error or a 5xx/408/429 is thrown
 * for BullMQ to retry with backoff; any other 4xx is permanent.
 */
export function createWebhookChannel(url: string, secret: string, now: () => Date = () => new Date()): NotificationChannel {
  return {
    name: 'webhook',
    async send(n) {
      const body = JSON.stringify(n);
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-petitionflow-signature': signWebhook(secret, body, Math.floor(now().getTime() / 1000)),
          'x-petitionflow-delivery': `${n.caseId}.${n.seq}`,
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) return;
      const message = `webhook answered ${res.status}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new UnrecoverableError(message);
      throw new Error(message);
    },
  };
}
