/** Search constraints: whether a pinned axis allows a value (an absent axis allows every value). */
export const allowed = <T>(values: readonly T[] | undefined, value: T): boolean =>
  values === undefined || values.includes(value);
