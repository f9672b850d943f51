/* global document, setTimeout, URL */
/**
 * Files from the API saved by the browser: fetched through the API client, so
 * they carry the user's session (the cookie, or the token of a token
 * sign-in, which a plain link could not send), then handed to the browser as
 * a download under a readable name.
 */
import { api } from './api-client.js';
import { h } from './dom.js';

/** Long enough for the browser to have started the download before the object URL is released. */
const RELEASE_DOWNLOAD_AFTER_MS = 60_000;

/** Fetches `path` with `query` and saves it as `filename`. */
export async function downloadFile(path, query, filename) {
  const blob = await api(path, { query, as: 'blob' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), RELEASE_DOWNLOAD_AFTER_MS);
}
