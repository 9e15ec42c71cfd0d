/**
 * Parses an HTTP Retry-After header (RFC 9110, section 10.2.3): either a
 * whole number of seconds or an HTTP-date such as
 * "Fri, 04 Dec 2026 18:30:00 GMT" (the obsolete date forms that
 * `Date.parse` reads are accepted too). Returns the wait in milliseconds
 * from `nowMs`, 0 for a date in the past, or null when the header is
 * missing or matches neither form.
 */
export function parseRetryAfter(header: string | null, nowMs: number = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[A-Za-z]/.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
