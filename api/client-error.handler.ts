import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';

/** How each of Node's client errors is answered: status, error code, message. */
function answerOf(code: string | undefined): { status: number; code: string; message: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'REQUEST_TIMEOUT', message: 'the request took too long to arrive' };
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'HEADERS_TOO_LARGE', message: 'the request headers are too large' };
  return { status: 400, code: 'VALIDATION', message: 'malformed HTTP request' };
}

/**
 * Node's `clientError` (a request the HTTP parser refuses: headers over the
 * size limit, bytes after a body's declared length, a timeout), answered in
 * the API's error shape. Fastify's default handler logs the error at trace
 * level, and Node attaches the raw bytes received to it (`rawPacket`: the
 * bearer token, and the body's names, ID numbers and phones as a byte array
 * a text search misses). Here only the parser's error code is logged.
 */
export function handleClientError(this: { log: FastifyBaseLogger }, err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = answerOf(err.code);
  this.log.debug({ clientError: err.code ?? 'unknown', status: answer.status }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify({ error: { code: answer.code, message: answer.message } });
    socket.write(
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Error'}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
