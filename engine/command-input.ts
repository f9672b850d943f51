import type { z } from 'zod';
import type { PetitionEvent } from '../machines/petition.machine';
import { commandSchema, intakeSchema, type Intake } from '../machines/petition.schemas';
import { ValidationError } from './errors';

/** A command as parsed from a request: the event without its envelope (actor and time come from the engine). */
export type ParsedCommand = Omit<PetitionEvent, 'actor' | 'at'>;

function validationError(message: string, error: z.ZodError): ValidationError {
  return new ValidationError(
    message,
    error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
  );
}

/** An unpaired UTF-16 surrogate: JSON carries it as `\ud800`, which PostgreSQL's jsonb refuses. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (or key) PostgreSQL cannot store in jsonb: a NUL character or a lone surrogate. */
function unstorableTextPath(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  const bad = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);
  if (typeof value === 'string') return bad(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    if (typeof k === 'string' && bad(k)) return [...path, k];
    const found = unstorableTextPath(v, [...path, k]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Refuses text PostgreSQL cannot store as a 400 (not a 500 whose log would carry the text). */
export function assertStorable(message: string, value: unknown): void {
  const path = unstorableTextPath(value);
  if (path === undefined) return;
  throw new ValidationError(message, [{ path, message: 'text may not contain NUL characters or unpaired surrogates' }]);
}

/** A command body as sent over the API or CLI, validated; `expectedVersion` travels in the options, not the event. */
export function parseCommand(body: unknown): ParsedCommand {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('the event must be a JSON object', [{ path: [], message: 'expected an object' }]);
  }
  const { expectedVersion: _ignored, ...rest } = body as Record<string, unknown>;
  const parsed = commandSchema.safeParse(rest);
  if (!parsed.success) throw validationError('invalid event', parsed.error);
  assertStorable('invalid event', parsed.data);
  return parsed.data as unknown as ParsedCommand;
}

/** A petition body (the intake, Art 19), validated. */
export function parseIntake(body: unknown): Intake {
  const parsed = intakeSchema.safeParse(body);
  if (!parsed.success) throw validationError('invalid petition', parsed.error);
  assertStorable('invalid petition', parsed.data);
  return parsed.data;
}
