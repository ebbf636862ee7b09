-- Blobs are float32 arrays, mostly zeros after ReLU: PostgreSQL's default pglz compression made recording an epoch
-- 7-8 times slower than SQLite (npm run bench:db); lz4 compresses them at SQLite's recording cost. New bytea
-- columns must follow (test/db/schema-parity.test.ts checks).
ALTER TABLE "Checkpoint" ALTER COLUMN "weightData" SET COMPRESSION lz4;
ALTER TABLE "CrossvalResult" ALTER COLUMN "foldOf" SET COMPRESSION lz4;
ALTER TABLE "CrossvalResult" ALTER COLUMN probs SET COMPRESSION lz4;
ALTER TABLE "Embedding" ALTER COLUMN data SET COMPRESSION lz4;
ALTER TABLE "Epoch" ALTER COLUMN "probeProbs" SET COMPRESSION lz4;
ALTER TABLE "Epoch" ALTER COLUMN "trainCorrect" SET COMPRESSION lz4;
ALTER TABLE "Epoch" ALTER COLUMN "trainLabelProbs" SET COMPRESSION lz4;
ALTER TABLE "Epoch" ALTER COLUMN "valProbs" SET COMPRESSION lz4;
ALTER TABLE "Projection" ALTER COLUMN coords SET COMPRESSION lz4;
ALTER TABLE "Run" ALTER COLUMN "probeIndices" SET COMPRESSION lz4;
ALTER TABLE "TestPredictions" ALTER COLUMN misclassified SET COMPRESSION lz4;
ALTER TABLE "TestPredictions" ALTER COLUMN predicted SET COMPRESSION lz4;
ALTER TABLE "TestPredictions" ALTER COLUMN probs SET COMPRESSION lz4;
