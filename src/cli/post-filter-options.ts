/** The `--type` and `--status` options of `import` (for WordPress exports) and `sync`. */
import {
  DEFAULT_POST_STATUSES,
  DEFAULT_POST_TYPES,
  parseSlugList,
  type PostFilter,
} from "../sources/wordpress-post.js";
import { UsageError } from "./usage-error.js";

export const POST_FILTER_OPTIONS = {
  type: { type: "string" },
  status: { type: "string" },
} as const;

export const POST_FILTER_HELP = `  --type LIST     WordPress post types to read, comma-separated (default ${DEFAULT_POST_TYPES.join(",")})
  --status LIST   post statuses to read, comma-separated, such as publish,draft,private
                  (default ${DEFAULT_POST_STATUSES.join(",")}); password-protected posts are never read`;

export function readPostFilter(values: Record<string, unknown>): PostFilter {
  try {
    return {
      types: readList("--type", values.type, DEFAULT_POST_TYPES),
      statuses: readList("--status", values.status, DEFAULT_POST_STATUSES),
    };
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

function readList(option: string, value: unknown, fallback: readonly string[]): readonly string[] {
  return typeof value === "string" ? parseSlugList(option, value) : fallback;
}
