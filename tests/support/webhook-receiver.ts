import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The delivery header the webhook channel sets, the same on every attempt of one notification. */
const DELIVERY_HEADER = 'x-petitionflow-delivery';

/** One request the receiver got, with the status it answered. */
export interface ReceivedRequest<TBody = unknown> {
  readonly headers: IncomingHttpHeaders;
  /** The `x-petitionflow-delivery` header (`'undefined'` when absent). */
  readonly deliveryId: string;
  /** 1-based: how many requests with this delivery id came in, this one included. */
  readonly attempt: number;
  /** The body as received. */
  readonly raw: string;
  /** The body parsed as JSON (`undefined` when it is not JSON). */
  readonly body: TBody;
  /** The status the receiver answered. */
  readonly status: number;
  /** `Date.now()` when the body had arrived. */
  readonly receivedAt: number;
}

/** How the receiver answers a request: one status for all, or a status per request. */
export type WebhookAnswer<TBody = unknown> = number | ((request: Omit<ReceivedRequest<TBody>, 'status'>) => number);

/** A local HTTP receiver for the webhook channel, on a free port of 127.0.0.1. */
export interface WebhookReceiver<TBody = unknown> {
  /** Where to POST, e.g. `http://127.0.0.1:41234/hook`. */
  readonly url: string;
  /** Every request so far, in arrival order (the array grows in place). */
  readonly received: readonly ReceivedRequest<TBody>[];
  /** Sets how the requests from now on are answered. */
  answer(answer: WebhookAnswer<TBody>): void;
  /** Ends open connections and stops listening. */
  close(): Promise<void>;
}

/** Options of {@link startWebhookReceiver}. */
export interface WebhookReceiverOptions<TBody = unknown> {
  /** The path part of {@link WebhookReceiver.url}; `/hook` unless given. */
  readonly path?: string;
  /** How requests are answered until {@link WebhookReceiver.answer} says otherwise; 200 unless given. */
  readonly answer?: WebhookAnswer<TBody>;
}

/**
 * Answers the attempts of one delivery id in turn, e.g. `inTurn(500, 500, 200)`:
 * 500 to the first two, 200 to the third and any later one (the last status repeats).
 */
export function inTurn(...statuses: [number, ...number[]]): (request: { readonly attempt: number }) => number {
  return ({ attempt }) => statuses[Math.min(attempt, statuses.length) - 1] ?? statuses[0];
}

/** Starts a {@link WebhookReceiver}; close it in `afterAll`. */
export async function startWebhookReceiver<TBody = unknown>(options: WebhookReceiverOptions<TBody> = {}): Promise<WebhookReceiver<TBody>> {
  let answer: WebhookAnswer<TBody> = options.answer ?? 200;
  const received: ReceivedRequest<TBody>[] = [];
  const attempts = new Map<string, number>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: TBody;
      try {
        body = JSON.parse(raw) as TBody;
      } catch {
        body = undefined as TBody;
      }
      const deliveryId = String(req.headers[DELIVERY_HEADER]);
      const attempt = (attempts.get(deliveryId) ?? 0) + 1;
      attempts.set(deliveryId, attempt);
      const request = { headers: req.headers, deliveryId, attempt, raw, body, receivedAt: Date.now() };
      const status = typeof answer === 'number' ? answer : answer(request);
      received.push({ ...request, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${options.path ?? '/hook'}`,
    received,
    answer(next) {
      answer = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
