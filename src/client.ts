/**
 * A typed HTTP client for a Strata server, generated from openapi.yaml: openapi-fetch over the
 * `paths` that openapi-typescript writes to src/contract/generated/openapi.ts. Every call returns
 * `{ data, error, response }`: `data` typed by the operation's 200 body, `error` by its problem
 * document.
 *
 *   const strata = createStrataClient('http://localhost:8080');
 *   const { data } = await strata.POST('/v1/plans', { body: { model: 'llama3-8b', ... } });
 *   const launch = await strata.GET('/v1/plans/{id}/export', {
 *     params: { path: { id: data.id }, query: { format: 'megatron' } },
 *   });
 */
import createClient from 'openapi-fetch';
import type { Client, ClientOptions } from 'openapi-fetch';
import type { paths } from './contract/generated/openapi.js';

export type StrataClient = Client<paths>;

export function createStrataClient(
  baseUrl: string,
  options: Omit<ClientOptions, 'baseUrl'> = {},
): StrataClient {
  return createClient<paths>({ ...options, baseUrl: baseUrl.replace(/\/+$/, '') });
}
