/** The part of a plan response that homogeneous and heterogeneous plans share. */

/** What both planners answer: the best plan, the alternatives, and the search counts. */
export interface RankedPlans<P, R extends object> {
  readonly best: P;
  readonly alternatives: readonly P[];
  readonly search: { readonly candidates: number; readonly feasible: number; readonly rejected: R };
}

/**
 * The best plan and the alternatives, each mapped by `planToApi`, and the search counts (a copy
 * of the rejection counts, so the response never aliases the planner's object). Each response
 * adds its own search fields after these.
 */
export function rankedPlansToApi<P, A, R extends object>(
  result: RankedPlans<P, R>,
  planToApi: (plan: P) => A,
) {
  return {
    best: planToApi(result.best),
    alternatives: result.alternatives.map(planToApi),
    search: {
      candidates: result.search.candidates,
      feasible: result.search.feasible,
      rejected: { ...result.search.rejected },
    },
  };
}
