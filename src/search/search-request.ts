/**
 * Validates a search request where it enters, with the defaults in one place.
 */
export interface SearchRequest {
  query: string;
  /** Posts to return, 1 to MAX_K. */
  k?: number;
  /** Posts the lexical prefilter may select, 1 to MAX_CANDIDATES. */
  candidateLimit?: number;
}

export const DEFAULT_K = 10;
export const MAX_K = 100;
export const DEFAULT_CANDIDATE_LIMIT = 300;
export const MAX_CANDIDATES = 10_000;
export const MAX_QUERY_CHARS = 1000;

/** A search request that cannot run; `field` names the bad input. */
export class SearchRequestError extends Error {
  readonly code = "WPLLMSEO_BAD_SEARCH_REQUEST";

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "SearchRequestError";
  }
}

export function validateSearchRequest(request: SearchRequest): Required<SearchRequest> {
  const query = typeof request.query === "string" ? request.query.trim() : "";
  if (query === "") {
    throw new SearchRequestError("query", "Empty query: pass the words to search for.");
  }
  const characters = countCharacters(query);
  if (characters > MAX_QUERY_CHARS) {
    throw new SearchRequestError("query", `Query of ${characters} characters is too long: use at most ${MAX_QUERY_CHARS}.`);
  }
  const k = checkWholeNumber("k", request.k ?? DEFAULT_K, MAX_K);
  const candidateLimit = checkWholeNumber("candidateLimit", request.candidateLimit ?? DEFAULT_CANDIDATE_LIMIT, MAX_CANDIDATES);
  return { query, k, candidateLimit };
}

/** Counts Unicode code points, as the HTTP schema's maxLength does, so an emoji counts once. */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function checkWholeNumber(field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new SearchRequestError(field, `Invalid ${field} ${String(value)}: use a whole number from 1 to ${max}.`);
  }
  return value;
}
