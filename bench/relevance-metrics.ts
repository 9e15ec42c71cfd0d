/**
 * Ranking quality against graded judgments. Cranfield grades run from 1
 * (most relevant) to 4 (minimal interest). Grades 1-3 count as relevant for
 * recall, and nDCG uses the gain 5 - grade, so grade 1 gains 4 and grade 4
 * gains 1. Other grades (some copies carry -1 or 5) gain nothing.
 */
const RELEVANT_MAX_GRADE = 3;

function gainOf(grade: number | undefined): number {
  return grade !== undefined && grade >= 1 && grade <= 4 ? 5 - grade : 0;
}

/** nDCG at `k` with gain / log2(rank + 1); 0 when the query has no judged document with a gain. */
export function ndcgAt(ranked: readonly string[], grades: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, index) => {
    dcg += gainOf(grades.get(id)) / Math.log2(index + 2);
  });
  const ideal = [...grades.values()].map(gainOf).filter((gain) => gain > 0).sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, gain, index) => sum + gain / Math.log2(index + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Share of the relevant documents (grade 1-3) found in the first `k`; NaN when the query has none. */
export function recallAt(ranked: readonly string[], grades: ReadonlyMap<string, number>, k: number): number {
  const relevant = [...grades].filter(([, grade]) => grade >= 1 && grade <= RELEVANT_MAX_GRADE).map(([id]) => id);
  if (relevant.length === 0) return Number.NaN;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}
