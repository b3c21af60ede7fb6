/** base: the leaf every room may import — unit factors and the domain error base. */
export * from './units.js';
export {
  DomainError,
  FieldInputError,
  InvariantError,
  ReasonedDomainError,
  invariant,
} from './domain-error.js';
export type { DomainErrorCode } from './domain-error.js';
export { canonicalJson, contentHash } from './hash.js';
