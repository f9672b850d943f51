import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { divisionCodeSchema, type Actor } from '../machines/petition.roles';
import { HUMAN_ROLES } from '../machines/petition.vocabulary';
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

/** Verifies a bearer token and returns the actor it names; any problem is UNAUTHORIZED. */
export async function verifyToken(secret: string, token: string): Promise<Actor> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, algorithms: ['HS256'] });
    const claims = tokenClaimsSchema.parse(payload);
    return { id: claims.sub, role: claims.role, unit: claims.unit };
  } catch {
    throw new AccessError('UNAUTHORIZED', 'a valid bearer token is required');
  }
}
