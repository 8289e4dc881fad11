// TEMPORARY placeholder until the HTTP client lands.
import type { HttpClient, HttpClientOptions } from './http.js';
export function createHttpClient(_opts: HttpClientOptions): HttpClient {
  throw new Error('not implemented yet');
}
