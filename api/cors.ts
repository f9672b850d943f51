import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * Lets browser pages on the listed origins (a bureau's own portal) call the API. Off when the list is
 * empty: the console is served from the API's own origin and needs none. Preflights are answered here,
 * before authentication, since a browser sends them without the token.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: [...origins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key'],
    exposedHeaders: ['content-disposition'],
    maxAge: 600,
  });
}
