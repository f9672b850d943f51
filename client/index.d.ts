import type { Client } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

/** Where the server is and who calls it. */
export interface PetitionflowClientOptions {
  /** The server, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** An API token (`npx petitionflow token --role clerk --unit 411621 --user clerk-1`). */
  readonly token?: string;
  /** A fetch of your own (tests, proxies); the global one unless given. */
  readonly fetch?: typeof globalThis.fetch;
}

/** A typed client: `client.GET('/petitions/{id}', { params: { path: { id } } })` answers `{ data, error, response }`. */
export declare function createPetitionflowClient(options: PetitionflowClientOptions): Client<paths>;
