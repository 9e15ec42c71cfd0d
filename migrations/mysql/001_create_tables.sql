-- Schema 1.2.0 for MySQL 5.7.9+ and MariaDB 10.2.1+.
-- Times are UTC and have no column default: every INSERT writes them with
-- UTC_TIMESTAMP(6). CURRENT_TIMESTAMP would follow the session time_zone,
-- and DEFAULT (UTC_TIMESTAMP(6)) needs MySQL 8.0.13.
-- {prefix} is the validated table prefix.

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_meta (
  name VARCHAR(191) NOT NULL,
  value LONGTEXT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_posts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  source_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  source TEXT NOT NULL,
  title TEXT NOT NULL,
  url VARCHAR(2048) NOT NULL DEFAULT '',
  content LONGTEXT NOT NULL,
  content_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY source_hash (source_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- claim_batch is the token of the claim call that took the job when the
-- claim-token strategy claims several jobs in one UPDATE (servers without
-- SKIP LOCKED); the claimed rows are read back by it.
-- active_dedupe_key equals dedupe_key while the job is queued or running and
-- is NULL otherwise, so its unique index allows one active job per key.
CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_jobs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  job_type VARCHAR(64) NOT NULL,
  post_id BIGINT UNSIGNED NULL,
  snippet_id BIGINT UNSIGNED NULL,
  payload LONGTEXT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'queued',
  priority INT NOT NULL DEFAULT 0,
  attempts INT NOT NULL DEFAULT 0,
  max_attempts INT NOT NULL DEFAULT 5,
  last_error TEXT NULL,
  locked TINYINT NOT NULL DEFAULT 0,
  locked_at DATETIME(6) NULL,
  lease_expires_at DATETIME(6) NULL,
  claim_token CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  claim_batch CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  runner VARCHAR(128) NULL,
  dedupe_key VARCHAR(191) COLLATE utf8mb4_bin NULL,
  active_dedupe_key VARCHAR(191) COLLATE utf8mb4_bin GENERATED ALWAYS AS (
    CASE WHEN status IN ('queued', 'running') THEN dedupe_key ELSE NULL END
  ) STORED,
  run_after DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY claim_token (claim_token),
  UNIQUE KEY active_dedupe_key (active_dedupe_key),
  KEY claim_order (status, priority, run_after, id),
  KEY lease_expiry (status, lease_expires_at),
  KEY status_updated (status, updated_at),
  KEY claim_batch (claim_batch),
  KEY post_id (post_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_jobs_dead_letter (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  original_job_id BIGINT UNSIGNED NOT NULL,
  job_type VARCHAR(64) NOT NULL,
  post_id BIGINT UNSIGNED NULL,
  payload LONGTEXT NULL,
  dedupe_key VARCHAR(191) COLLATE utf8mb4_bin NULL,
  priority INT NOT NULL DEFAULT 0,
  max_attempts INT NOT NULL DEFAULT 5,
  reason TEXT NULL,
  attempts INT NOT NULL DEFAULT 0,
  failed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY original_job_id (original_job_id),
  KEY failed_at (failed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- utf8mb4_bin: tokens that differ only in case or accents stay distinct rows.
CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_tokens (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  post_id BIGINT UNSIGNED NOT NULL,
  token VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  score FLOAT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY post_token (post_id, token),
  KEY token_score_post (token, score, post_id),
  KEY token_post_score (token, post_id, score)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_chunks (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  post_id BIGINT UNSIGNED NOT NULL,
  chunk_index INT NOT NULL DEFAULT 0,
  chunk_text LONGTEXT NOT NULL,
  embedding LONGBLOB NULL,
  embedding_json LONGTEXT NULL,
  embedding_format VARCHAR(64) NULL,
  embedding_dim INT NULL,
  embedding_checksum CHAR(64) NULL,
  embedding_version VARCHAR(191) NULL,
  embedding_f32 LONGBLOB NULL,
  token_count INT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY post_chunk (post_id, chunk_index)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS {prefix}wpllmseo_snippets (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  post_id BIGINT UNSIGNED NOT NULL,
  snippet_text LONGTEXT NOT NULL,
  embedding LONGBLOB NULL,
  embedding_json LONGTEXT NULL,
  embedding_format VARCHAR(64) NULL,
  embedding_dim INT NULL,
  embedding_checksum CHAR(64) NULL,
  embedding_version VARCHAR(191) NULL,
  embedding_f32 LONGBLOB NULL,
  token_count INT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY post_id (post_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
