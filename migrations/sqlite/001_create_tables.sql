-- Schema 1.2.0 for SQLite 3.35+.
-- Times are UTC TEXT 'YYYY-MM-DD HH:MM:SS.ffffff', which sorts in time order;
-- the default appends 000 to strftime's milliseconds to keep that width.
-- {prefix} is the validated table prefix.

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_meta (
  name TEXT NOT NULL PRIMARY KEY,
  value TEXT NULL
);

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_posts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source_hash TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  title TEXT NOT NULL,
  url TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_type TEXT NOT NULL,
  post_id INTEGER NULL,
  snippet_id INTEGER NULL,
  payload TEXT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  priority INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 5,
  last_error TEXT NULL,
  locked INTEGER NOT NULL DEFAULT 0,
  locked_at TEXT NULL,
  lease_expires_at TEXT NULL,
  claim_token TEXT NULL UNIQUE,
  -- Unused on SQLite, which claims under its write lock; kept so that both
  -- dialects have the same columns.
  claim_batch TEXT NULL,
  runner TEXT NULL,
  dedupe_key TEXT NULL,
  run_after TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);

-- One active (queued or running) job per dedupe key.
CREATE UNIQUE INDEX IF NOT EXISTS {prefix}wpllmseo_jobs_active_dedupe_key
  ON {prefix}wpllmseo_jobs (dedupe_key)
  WHERE status IN ('queued', 'running') AND dedupe_key IS NOT NULL;

CREATE INDEX IF NOT EXISTS {prefix}wpllmseo_jobs_claim_order
  ON {prefix}wpllmseo_jobs (status, priority, run_after, id);

CREATE INDEX IF NOT EXISTS {prefix}wpllmseo_jobs_lease_expiry
  ON {prefix}wpllmseo_jobs (status, lease_expires_at);

CREATE INDEX IF NOT EXISTS {prefix}wpllmseo_jobs_status_updated
  ON {prefix}wpllmseo_jobs (status, updated_at);

CREATE INDEX IF NOT EXISTS {prefix}wpllmseo_jobs_post_id
  ON {prefix}wpllmseo_jobs (post_id);

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_jobs_dead_letter (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  original_job_id INTEGER NOT NULL,
  job_type TEXT NOT NULL,
  post_id INTEGER NULL,
  payload TEXT NULL,
  dedupe_key TEXT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 5,
  reason TEXT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  failed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);

CREATE INDEX IF NOT EXISTS {prefix}wpllmseo_jobs_dead_letter_original_job_id
  ON {prefix}wpllmseo_jobs_dead_letter (original_job_id);

CREATE INDEX IF NOT EXISTS {prefix}wpllmseo_jobs_dead_letter_failed_at
  ON {prefix}wpllmseo_jobs_dead_letter (failed_at);

-- SQLite compares TEXT with BINARY collation, so distinct tokens stay distinct.
CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  post_id INTEGER NOT NULL,
  token TEXT NOT NULL,
  score REAL NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
  UNIQUE (post_id, token)
);

CREATE INDEX IF NOT EXISTS {prefix}wpllmseo_tokens_token_score_post
  ON {prefix}wpllmseo_tokens (token, score, post_id);

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_chunks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  post_id INTEGER NOT NULL,
  chunk_index INTEGER NOT NULL DEFAULT 0,
  chunk_text TEXT NOT NULL,
  embedding BLOB NULL,
  embedding_json TEXT NULL,
  embedding_format TEXT NULL,
  embedding_dim INTEGER NULL,
  embedding_checksum TEXT NULL,
  embedding_version TEXT NULL,
  embedding_f32 BLOB NULL,
  token_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);

CREATE INDEX IF NOT EXISTS {prefix}wpllmseo_chunks_post_chunk
  ON {prefix}wpllmseo_chunks (post_id, chunk_index);

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_snippets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  post_id INTEGER NOT NULL,
  snippet_text TEXT NOT NULL,
  embedding BLOB NULL,
  embedding_json TEXT NULL,
  embedding_format TEXT NULL,
  embedding_dim INTEGER NULL,
  embedding_checksum TEXT NULL,
  embedding_version TEXT NULL,
  embedding_f32 BLOB NULL,
  token_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);

CREATE INDEX IF NOT EXISTS {prefix}wpllmseo_snippets_post_id
  ON {prefix}wpllmseo_snippets (post_id);
