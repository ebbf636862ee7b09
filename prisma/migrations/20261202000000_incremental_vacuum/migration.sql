-- Lets deleted runs hand their pages back to the filesystem in bounded steps (PRAGMA incremental_vacuum(N), run off
-- the request path by lib/db/deletion.ts) instead of a full VACUUM that holds the write lock for minutes on a large file.
-- Switching an existing database from auto_vacuum = NONE takes effect only after one full VACUUM, done here once.
PRAGMA auto_vacuum = INCREMENTAL;
VACUUM;
