/**
 * Request generators for the API fuzz (issue #17), with fast-check: bodies for every POST schema
 * built from openapi.yaml's own JSON schemas (so a new field is fuzzed without touching this
 * file), then mutated with hostile values (deep nesting, prototype keys, huge strings and
 * numbers, wrong types); hostile path ids (malformed %-escapes, key-like ids, 100 kB ids); and
 * hostile headers (a wrong Content-Encoding, odd charsets, wrong media types).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';

type Schema = Record<string, unknown>;

export interface FuzzRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly headers: Record<string, string>;
  /** A JSON value (stringified) or raw text. */
  readonly body?: unknown;
}

const openapi = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, Schema> };
  paths: Record<
    string,
    { post?: { requestBody?: { content?: Record<string, { example?: unknown }> } } }
  >;
};

/** The request examples openapi.yaml gives, by path: valid starting points for mutations. */
const EXAMPLES: Readonly<Record<string, unknown>> = {
  ...Object.fromEntries(
    Object.entries(openapi.paths).flatMap(([path, item]) => {
      const example = item.post?.requestBody?.content?.['application/json']?.example;
      return example === undefined ? [] : [[path, example]];
    }),
  ),
  '/v1/studies': {
    axes: { models: ['gpt-1.7b'], clusters: [{ preset: 'dgx-h100', nodes: 1 }], nodes: [1, 2] },
    goal: { tokens: 1e10, deadlineDays: 1 },
    search: { maxCandidates: 100 },
  },
};
const schemas = openapi.components.schemas;

/** Real ids sometimes, so generated bodies get past the lookups into the planners. */
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  model: ['llama3-8b', 'gpt-1.7b', 'gpt3-175b', 'llama3-70b'],
  preset: ['dgx-h100', 'dgx-a100-80gb', 'dgx-v100'],
  accelerator: ['nvidia-h100-sxm-80gb', 'nvidia-a100-sxm4-80gb'],
  model_type: ['llama', 'gpt2', 'constructor', '__proto__', 'toString', 'hasOwnProperty'],
};

/** Search budgets stay small so one generated plan cannot hold the fuzz for long. */
const CLAMPED: Readonly<Record<string, fc.Arbitrary<number>>> = {
  timeLimitSeconds: fc.double({ min: 0.01, max: 1, noNaN: true }),
  maxCandidates: fc.integer({ min: 1, max: 2000 }),
};

const MAX_DEPTH = 7;

function resolve(schema: Schema): Schema {
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return schema;
  return schemas[ref.replace('#/components/schemas/', '')] ?? {};
}

function numberArb(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = typeof s['minimum'] === 'number' ? s['minimum'] : -1e6;
  const max = typeof s['maximum'] === 'number' ? s['maximum'] : 1e9;
  const small = integer
    ? fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 4096) })
    : fc.double({ min: Math.max(min, -1000), max: Math.min(max, 4096), noNaN: true });
  const edge = fc.constantFrom(min, max, 0, 1, -1, 2 ** 31, 2 ** 53, 1e308, 0.5);
  return fc.oneof({ weight: 4, arbitrary: small }, { weight: 1, arbitrary: edge });
}

function objectArb(s: Schema, depth: number): fc.Arbitrary<unknown> {
  const props = (s['properties'] ?? {}) as Record<string, Schema>;
  const required = new Set((s['required'] ?? []) as string[]);
  const entries = Object.entries(props).map(([key, sub]) => [key, field(key, sub, depth)] as const);
  const record = fc.record(Object.fromEntries(entries), {
    requiredKeys: [...required].filter((k) => k in props),
  });
  if (entries.length === 0 && s['additionalProperties'] !== undefined) {
    const value =
      typeof s['additionalProperties'] === 'object'
        ? schemaArb(s['additionalProperties'] as Schema, depth + 1)
        : fc.jsonValue({ maxDepth: 2 });
    return fc.dictionary(fc.string({ maxLength: 24 }), value, { maxKeys: 4 });
  }
  return record;
}

function field(key: string, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const clamped = CLAMPED[key];
  if (clamped !== undefined) return clamped;
  const known = KNOWN[key];
  const base = schemaArb(schema, depth + 1);
  return known === undefined ? base : fc.oneof(fc.constantFrom(...known), base);
}

/** An arbitrary for a JSON schema of openapi.yaml (3.1: type may be a list). */
export function schemaArb(input: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(input);
  if (depth > MAX_DEPTH) return fc.constant(null);
  if ('const' in s) return fc.constant(s['const']);
  if (Array.isArray(s['enum'])) return fc.constantFrom(...(s['enum'] as unknown[]));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = s[key];
    if (Array.isArray(options))
      return fc.oneof(...options.map((o) => schemaArb(o as Schema, depth + 1)));
  }
  if (Array.isArray(s['allOf'])) return schemaArb((s['allOf'] as Schema[])[0] ?? {}, depth + 1);
  const type = Array.isArray(s['type'])
    ? (s['type'] as string[])
    : [s['type'] as string | undefined];
  const one = (t: string | undefined): fc.Arbitrary<unknown> => {
    switch (t ?? 'any') {
      case 'object':
        return objectArb(s, depth);
      case 'array': {
        const items = schemaArb((s['items'] ?? {}) as Schema, depth + 1);
        const maxItems = typeof s['maxItems'] === 'number' ? Math.min(s['maxItems'], 6) : 6;
        return fc.array(items, { maxLength: maxItems });
      }
      case 'integer':
        return numberArb(s, true);
      case 'number':
        return numberArb(s, false);
      case 'boolean':
        return fc.boolean();
      case 'string':
        return fc.string({ maxLength: 16 });
      case 'null':
        return fc.constant(null);
      default:
        return s['properties'] !== undefined ? objectArb(s, depth) : fc.jsonValue({ maxDepth: 2 });
    }
  };
  return fc.oneof(...type.map(one));
}

/** JSON text spliced in as is (nesting too deep for JSON.stringify on our side). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** The body as JSON text, RawJson values spliced in. */
export function bodyText(body: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(body, (_key, value: unknown) => {
    if (!(value instanceof RawJson)) return value;
    raws.push(value.text);
    return `__fuzz_raw_${raws.length - 1}__`;
  });
  return raws.reduce((t, raw, i) => t.replace(`"__fuzz_raw_${i}__"`, raw), text ?? 'null');
}

/** Values no schema expects. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 3_000, max: 100_000 }).map((n) => new RawJson('['.repeat(n) + ']'.repeat(n))),
  fc.constantFrom('constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'),
  fc.constant(JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{}}}')),
  fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'A'.repeat(n)),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 1e-320, Number.MAX_SAFE_INTEGER),
  fc.constantFrom('=HYPERLINK("http://x","y")', '\u0000', '\ud800', '%E0%A4%A', '../../etc/passwd'),
);

/** A value with one random spot replaced by a hostile one. */
function mutate(value: unknown, path: readonly number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const [head = 0, ...rest] = path;
  if (Array.isArray(value)) {
    if (value.length === 0) return [replacement];
    const at = head % value.length;
    return value.map((v: unknown, i) => (i === at ? mutate(v, rest, replacement) : v));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return { [String(head)]: replacement };
  const key = keys[head % keys.length] as string;
  return { ...value, [key]: mutate((value as Record<string, unknown>)[key], rest, replacement) };
}

/**
 * Bodies for one POST: generated from its schema, the schema's output with a hostile spot, the
 * path's example with one spot replaced (by a hostile value or any JSON), or hostile whole.
 */
export function bodyArb(schemaName: string, path: string): fc.Arbitrary<unknown> {
  const valid = schemaArb({ $ref: `#/components/schemas/${schemaName}` });
  const spot = fc.array(fc.nat(), { minLength: 1, maxLength: 4 });
  const mutated = fc.tuple(valid, spot, hostile).map(([v, at, h]) => mutate(v, at, h));
  const example = EXAMPLES[path];
  const fromExample =
    example === undefined
      ? valid
      : fc
          .tuple(spot, fc.oneof(hostile, fc.jsonValue({ maxDepth: 2 }), valid))
          .map(([at, h]) => mutate(example, at, h));
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: mutated },
    { weight: 3, arbitrary: fromExample },
    { weight: 1, arbitrary: example === undefined ? hostile : fc.constant(example) },
    { weight: 1, arbitrary: hostile },
  );
}

/**
 * Searches get a budget of at most a second (set when the body leaves it out), so the fuzz
 * measures input handling, not 30-second searches: a generated plan then answers within its
 * budget plus its wait in the queue, and anything slower is a hang.
 */
function budgeted(path: string, body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  if (path === '/v1/cluster-selections') return { ...record, timeLimitSeconds: 1 };
  if (path !== '/v1/plans') return body;
  const search = record['search'];
  if (
    search !== undefined &&
    (search === null || typeof search !== 'object' || Array.isArray(search))
  ) {
    return body;
  }
  const limit = (search as Record<string, unknown> | undefined)?.['timeLimitSeconds'];
  const seconds = typeof limit === 'number' ? Math.min(limit, 1) : 1;
  return { ...record, search: { ...search, timeLimitSeconds: seconds } };
}

/** Path ids: plausible, key-like, malformed escapes, huge. */
export const pathId: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.constantFrom('%', '%E0%A4%A', '%zz', '%C0%AF', '..%2f..%2f', '__proto__', 'constructor'),
  fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `${h}:results`),
  fc.constantFrom('llama3-8b', 'pareto.svg', 'scaling.svg'),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => 'x'.repeat(n)),
);

const POSTS: readonly [string, string][] = [
  ['/v1/plans', 'PlanRequest'],
  ['/v1/estimates', 'EstimateRequest'],
  ['/v1/schedules', 'ScheduleRequest'],
  ['/v1/cluster-selections', 'ClusterSelectionRequest'],
  ['/v1/studies', 'StudySpec'],
];

const QUERY = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?format=megatron',
    '?format=csv',
    '?format=svg',
    '?format=trace',
    '?format=json',
  ),
  fc.constantFrom(
    '?alternative=3',
    '?alternative=-1',
    '?alternative=%',
    '?format[]=x',
    '?exports=megatron,nope',
  ),
  fc.string({ maxLength: 30 }).map((s) => `?format=${encodeURIComponent(s)}`),
);

const GETS = [
  '/v1/plans/{id}',
  '/v1/plans/{id}/export',
  '/v1/plans/{id}/schedule',
  '/v1/models/{id}',
  '/v1/studies/{id}',
  '/v1/studies/{id}/results',
  '/v1/studies/{id}/charts/{id}',
  '/v1/studies/{id}/events',
];

const JSON_HEADERS = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ 'content-type': 'application/json' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      { 'content-type': 'application/json', 'content-encoding': 'deflate' },
      { 'content-type': 'application/json', 'content-encoding': 'br' },
      { 'content-type': 'application/json', 'content-encoding': 'x-nope' },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/merge-patch+json' },
      {},
    ),
  },
);

const postArb: fc.Arbitrary<FuzzRequest> = fc.constantFrom(...POSTS).chain(([path, schema]) =>
  fc
    .record({
      body: bodyArb(schema, path).map((b) => budgeted(path, b)),
      headers: JSON_HEADERS,
      query: fc.constantFrom('', '?exports=megatron', '?format=csv'),
    })
    .map(({ body, headers, query }): FuzzRequest => ({
      method: 'POST',
      path: `${path}${query}`,
      headers,
      body,
    })),
);

const getArb: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.constantFrom(...GETS), pathId, pathId, QUERY, fc.boolean())
  .map(([template, a, b, query, del]): FuzzRequest => {
    const path = template.replace('{id}', a).replace('{id}', b) + query;
    const method = del && template === '/v1/studies/{id}' ? 'DELETE' : 'GET';
    return { method, path, headers: {} };
  });

/** Any request: a POST with a generated body (weighted up) or a GET/DELETE with hostile ids. */
export const requestArb: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 3, arbitrary: postArb },
  { weight: 1, arbitrary: getArb },
);
