import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server; labels never carry case data or personal data. */
export interface ApiMetrics {
  readonly registry: Registry;
  readonly events: Counter<'type' | 'outcome'>;
  instrument(app: FastifyInstance): void;
}

/** A registry per server, so that several servers (tests) never share counters. */
export function createMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'petitionflow_' });
  const duration = new Histogram({
    name: 'petitionflow_http_request_duration_seconds',
    help: 'HTTP request duration by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const events = new Counter({
    name: 'petitionflow_events_total',
    help: 'Commands sent to cases, by event type and outcome (ok or the error code)',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  return {
    registry,
    events,
    instrument(app) {
      app.addHook('onResponse', async (request, reply) => {
        // The route template (`/petitions/:id`), never the raw URL: ids are not labels.
        const route = request.routeOptions.url ?? 'unmatched';
        duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      });
    },
  };
}
