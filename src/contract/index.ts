/**
 * contract: what the API accepts and answers — zod schemas pinned to the types openapi-typescript
 * generates from openapi.yaml (generated/), enums, limits, and the ApiError codes. No behaviour.
 */
export * from './schemas.js';
export * from './study-schemas.js';
export { LIMITS, SEARCH_DEFAULTS } from './limits.js';
export { ApiError, RETRY_AFTER_SECONDS, STATUS_BY_CODE, clipString } from './errors.js';
export type { ApiErrorOptions, ErrorCode, Issue } from './errors.js';
export type { components, paths } from './generated/openapi.js';
