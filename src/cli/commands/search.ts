/** `wpllmseo search "text"`: print the best-matching posts. */
import { MAX_QUERY_TOKENS } from "../../search/find-candidates.js";
import { NO_QUERY_TOKENS_HINT, type SearchResponse } from "../../search/search.js";
import { DEFAULT_K, MAX_K } from "../../search/search-request.js";
import type { Command } from "../command.js";
import { withEngine } from "../context.js";
import { checkDbUrl, GLOBAL_HELP, parseCommandArgs, readGlobalOptions, readWholeNumber } from "../options.js";
import { UsageError } from "../usage-error.js";

const HELP = `Usage: wpllmseo search <query> [-k N] [--json] [--explain] [--read-db URL]

Prints the posts that best match the query: the token index selects
candidate posts, their chunk vectors are scored by cosine similarity, and
both rankings are fused.

  -k N         posts to print, 1 to ${MAX_K} (default ${DEFAULT_K})
  --explain    show each post's lexical and vector rank and score; a rank
               marked ~ is an estimate (the post is outside the posts that
               leg scored exactly)
  --json       print an array of {id, title, url, score, excerpt}, without
               the notes and timings of the text output
  --read-db URL  read posts, tokens and vectors from this database (a replica);
               --db still receives writes (default: none, --db serves both)

${GLOBAL_HELP}`;

export const searchCommand: Command = {
  name: "search",
  summary: "search the indexed posts",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      k: { type: "string", short: "k" },
      explain: { type: "boolean", default: false },
      "read-db": { type: "string" },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const query = positionals.join(" ");
    if (query.trim() === "") {
      throw new UsageError('Empty query: pass the words to search for, e.g. `wpllmseo search "sqlite driver"`.');
    }
    const k = readWholeNumber("k", values.k, DEFAULT_K, { min: 1, max: MAX_K });
    const options = readGlobalOptions(values);

    const readDbUrl = typeof values["read-db"] === "string" ? values["read-db"] : undefined;
    if (readDbUrl !== undefined) checkDbUrl(readDbUrl, "--read-db");
    return withEngine({ ...options, threads: 1, readDbUrl }, async (engine) => {
      const response = await engine.searcher.search({ query, k });
      if (options.json) {
        const results = response.results.map(({ explain, ...result }) => (values.explain ? { ...result, explain } : result));
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        process.stdout.write(formatResults(query, response, values.explain === true));
      }
      return 0;
    });
  },
};

/** Says why a leg saw less than the query and the stored chunks hold. */
function notices(stats: SearchResponse["stats"]): string[] {
  const lines: string[] = [];
  if (stats.lexicalTokensDropped > 0) {
    lines.push(
      `the lexical leg weighed the ${MAX_QUERY_TOKENS} rarest words of the query and left out ${stats.lexicalTokensDropped}; ` +
        "the vector leg still reads the whole query.",
    );
  }
  if (stats.vectorLegError !== undefined) {
    lines.push(`the query could not be embedded, so these results come from the lexical leg alone: ${stats.vectorLegError}`);
  }
  if (stats.chunksSkipped > 0) {
    lines.push(
      `${stats.chunksSkipped} stored chunk vectors were skipped (another embedder version or dimension, or failed checks); ` +
        "`wpllmseo reembed` embeds their posts with the configured embedder.",
    );
  }
  return lines;
}

export function formatResults(query: string, response: SearchResponse, explain: boolean): string {
  const { results, stats } = response;
  const characters = Array.from(query);
  const headerQuery = characters.length > 80 ? `${characters.slice(0, 79).join("")}…` : query;
  const header = `${results.length} result${results.length === 1 ? "" : "s"} for "${headerQuery}"` +
    ` (${stats.candidates} lexical candidates, ${stats.vectorOnly} more from vectors,` +
    ` ${stats.chunksIndexed} chunk vectors scanned, ${stats.milliseconds.toFixed(1)} ms)\n` +
    notices(stats).map((line) => `Note: ${line}\n`).join("");
  const blocks = results.map((result, index) => {
    const lines = [`${index + 1}. ${result.title}  [score ${result.score.toFixed(3)}]`];
    if (result.url) lines.push(`   ${result.url}`);
    if (result.excerpt) lines.push(`   ${result.excerpt}`);
    if (explain) {
      const { lexicalRank, lexicalScore, vectorRank, vectorScore, lexicalRankEstimated, vectorRankEstimated } = result.explain;
      lines.push(
        `   lexical rank ${formatRank(lexicalRank, lexicalRankEstimated)} score ${lexicalScore?.toFixed(3) ?? "-"};` +
          ` vector rank ${formatRank(vectorRank, vectorRankEstimated)} cosine ${vectorScore?.toFixed(3) ?? "-"}`,
      );
    }
    return lines.join("\n");
  });
  const hint = stats.queryTokens === 0 ? `${NO_QUERY_TOKENS_HINT}\n` : "";
  return `${header}${hint}${blocks.length > 0 ? "\n" : ""}${blocks.join("\n\n")}\n`;
}

/** Formats a rank, with "~" before an estimated one, or "-" when the leg did not rank the post. */
function formatRank(rank: number | null, estimated: boolean): string {
  if (rank === null) return "-";
  return estimated ? `~${rank}` : String(rank);
}
