import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { divisionCodeSchema, type Actor } from '../machines/petition.roles';
import { HUMAN_ROLES } from '../machines/petition.vocabulary';
import { DEFAULT_API_LIMITS } from '../config/load-config';
import { durationMillis } from '../machines/iso-duration';
import { AccessError } from '../engine/errors';

const ISSUER = 'petitionflow';

/** The claims of an API token: who (`sub`), as which role, in which unit. */
export const tokenClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  role: z.enum(HUMAN_ROLES),
  unit: divisionCodeSchema,
});
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Signs an HS256 token (`petitionflow token`); `expiresIn` is a jose time span such as `8h` or `30d`. */
export async function signToken(secret: string, claims: TokenClaims, expiresIn = '12h'): Promise<string> {
  const c = tokenClaimsSchema.parse(claims);
  return new SignJWT({ role: c.role, unit: c.unit })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(c.sub)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key(secret));
}

/**
 * Verifies a bearer token and returns the actor it names; any problem is
 * UNAUTHORIZED. A token must say when it was issued and when it expires, and
 * live at most `maxLifetime` (an ISO 8601 duration): a token without `exp`
 * would never expire, and one signed for a year is nearly as bad.
 */
export async function verifyToken(
  secret: string,
  token: string,
  maxLifetime: string = DEFAULT_API_LIMITS.tokenMaxLifetime,
): Promise<Actor> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, algorithms: ['HS256'], requiredClaims: ['exp', 'iat'] });
    const { exp, iat } = payload;
    if (exp === undefined || iat === undefined || (exp - iat) * 1000 > durationMillis(maxLifetime)) throw new Error('lifetime');
    const claims = tokenClaimsSchema.parse(payload);
    return { id: claims.sub, role: claims.role, unit: claims.unit };
  } catch {
    throw new AccessError('UNAUTHORIZED', 'a valid bearer token is required');
  }
}

/**
 * The token of an `Authorization` header. The scheme name is case-insensitive
 * (RFC 7235 §2.1), so `bearer` and `BEARER` are as good as `Bearer`.
 */
export function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : /^bearer +(\S+) *$/i.exec(header);
  if (match?.[1] === undefined) throw new AccessError('UNAUTHORIZED', 'a bearer token is required');
  return match[1];
}
