/**
 * WordPress posts as the WXR import and the WordPress sync read them: the
 * filter by post type and status, and the mapping to a SourcePost. Both
 * sources share them, so the same options select the same posts from an
 * export and from the live table, and store them alike.
 */
import { toPlainText } from "../indexer/plain-text.js";
import type { SourcePost } from "./source-post.js";
import { titleOfDocument } from "./title-of-document.js";

/** WordPress post types with readable content; attachments and nav_menu_item have none. */
export const DEFAULT_POST_TYPES: readonly string[] = ["post", "page"];

/** Only published posts are public; drafts, pending and private posts are opt-in. */
export const DEFAULT_POST_STATUSES: readonly string[] = ["publish"];

export interface PostFilter {
  types: readonly string[];
  statuses: readonly string[];
}

/** A WordPress post type or status: lowercase letters, digits, `_` and `-`, at most 20 characters (varchar(20)). */
const SLUG = /^[a-z0-9_-]{1,20}$/;

/**
 * Parses a comma-separated list option such as `publish,draft`. Raises a
 * RangeError naming the option for an empty list or an invalid slug.
 */
export function parseSlugList(option: string, value: string): string[] {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (items.length === 0) {
    const example = option === "--type" ? "post,page" : "publish,draft";
    throw new RangeError(`Invalid ${option} "${value}": name at least one value, as in ${option} ${example}.`);
  }
  for (const item of items) {
    if (!SLUG.test(item)) {
      throw new RangeError(
        `Invalid ${option} value "${item}": use lowercase letters, digits, _ and -, at most 20 characters.`,
      );
    }
  }
  return [...new Set(items)];
}

export interface WordPressPostFields {
  type: string;
  status: string;
  /** post_password; a post with a password never matches, so its text cannot leak into excerpts. */
  password: string;
}

export function matchesPostFilter(filter: PostFilter, post: WordPressPostFields): boolean {
  return filter.types.includes(post.type) && filter.statuses.includes(post.status) && post.password === "";
}

/**
 * Turns a WordPress post_title into plain text: tags are dropped and
 * entities decoded, because WordPress stores titles as HTML fragments
 * (`&amp;`, `<em>`) and the indexer treats a title as plain text.
 */
export function plainTitle(title: string): string {
  return toPlainText(title).replace(/\s+/g, " ").trim();
}

/** Builds the SourcePost of a WordPress post; an untitled post takes its title from its content. */
export function toWordPressSourcePost(source: string, post: { title: string; url: string; content: string }): SourcePost {
  const title = plainTitle(post.title) || titleOfDocument(post.content, ".html");
  return { source, title, url: post.url, content: post.content };
}
