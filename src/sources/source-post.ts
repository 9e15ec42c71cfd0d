/**
 * A post as read from a source (a file, a JSONL line, an HTTP request) before
 * it is stored. `source` identifies it across imports: the same source with
 * new content updates the stored post instead of adding another.
 */
export interface SourcePost {
  source: string;
  title: string;
  url: string;
  content: string;
}

/** A source that could not be read; the import goes on and reports it at the end. */
export interface SourceError {
  source: string;
  message: string;
}
