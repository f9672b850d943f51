// A petitionflow API client: openapi-fetch typed by the generated schema.d.ts (see index.d.ts).
import createClient from 'openapi-fetch';

/** A client for one server, sending `token` as the bearer token on every request. */
export function createPetitionflowClient({ baseUrl, token, fetch }) {
  return createClient({
    baseUrl,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(fetch === undefined ? {} : { fetch }),
  });
}
