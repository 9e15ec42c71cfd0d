/**
 * Reads the Cranfield collection: 1,400 aeronautics abstracts (cran.all.1400),
 * 225 queries (cran.qry) and graded relevance judgments (cranqrel).
 *
 * Documents and queries are records that start with `.I <id>` and hold
 * fields that start with `.T` (title), `.A` (authors), `.B` (bibliography)
 * and `.W` (abstract or query text). The query ids in cran.qry skip numbers,
 * but cranqrel numbers queries 1 to 225 in file order, so a query's
 * judgment id is its position in the file.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export interface CranfieldDocument {
  id: string;
  title: string;
  abstract: string;
}

export interface CranfieldQuery {
  /** Position in cran.qry from 1, the id cranqrel uses. */
  id: string;
  text: string;
}

export interface CranfieldCollection {
  documents: CranfieldDocument[];
  queries: CranfieldQuery[];
  /** Query id to (document id to relevance, 1 most relevant to 4 of minimal interest). */
  judgments: Map<string, Map<string, number>>;
}

export function readCranfield(dir: string): CranfieldCollection {
  const read = (name: string): string => readFileSync(path.join(dir, name), "utf8");
  const documents = parseRecords(read("cran.all.1400")).map((fields) => ({
    id: fields.get("I") ?? "",
    title: fields.get("T") ?? "",
    abstract: fields.get("W") ?? "",
  }));
  const queries = parseRecords(read("cran.qry")).map((fields, index) => ({ id: String(index + 1), text: fields.get("W") ?? "" }));
  return { documents, queries, judgments: parseJudgments(read("cranqrel")) };
}

/** Splits `.I` records into their fields, each field's lines joined by spaces. */
function parseRecords(text: string): Map<string, string>[] {
  const records: Map<string, string>[] = [];
  let field = "";
  for (const line of text.split(/\r?\n/)) {
    const marker = /^\.([ITABW])\b\s*(.*)$/.exec(line);
    if (marker) {
      field = marker[1] as string;
      if (field === "I") records.push(new Map([["I", (marker[2] ?? "").trim()]]));
      continue;
    }
    const record = records[records.length - 1];
    if (!record || field === "I") continue;
    const previous = record.get(field);
    record.set(field, previous ? `${previous} ${line.trim()}` : line.trim());
  }
  return records;
}

function parseJudgments(text: string): Map<string, Map<string, number>> {
  const judgments = new Map<string, Map<string, number>>();
  for (const line of text.split(/\r?\n/)) {
    const [query, document, relevance] = line.trim().split(/\s+/);
    if (!query || !document || relevance === undefined) continue;
    const perQuery = judgments.get(query) ?? new Map<string, number>();
    perQuery.set(document, Number(relevance));
    judgments.set(query, perQuery);
  }
  return judgments;
}
