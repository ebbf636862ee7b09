-- CreateTable
CREATE TABLE "Run" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'running',
    "config" TEXT NOT NULL,
    "architecture" TEXT NOT NULL,
    "paramCount" INTEGER NOT NULL,
    "modelSummary" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "backendVersion" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "error" TEXT,
    "epochsPlanned" INTEGER NOT NULL,
    "batchesPerEpoch" INTEGER NOT NULL DEFAULT 0,
    "progressEpoch" INTEGER NOT NULL DEFAULT 0,
    "progressBatch" INTEGER NOT NULL DEFAULT 0,
    "progressAt" DATETIME,
    "trainSize" INTEGER NOT NULL,
    "valSize" INTEGER NOT NULL,
    "testSize" INTEGER NOT NULL,
    "baselineTestLoss" REAL,
    "baselineTestAccuracy" REAL,
    "bestEpoch" INTEGER,
    "bestValLoss" REAL,
    "testLoss" REAL,
    "testAccuracy" REAL,
    "testConfusion" TEXT,
    "probeIndices" BLOB,
    "probeSize" INTEGER NOT NULL DEFAULT 0,
    "probeSeed" INTEGER NOT NULL DEFAULT 0,
    "jobId" INTEGER,
    CONSTRAINT "Run_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Epoch" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "loss" REAL NOT NULL,
    "accuracy" REAL NOT NULL,
    "valLoss" REAL NOT NULL,
    "valAccuracy" REAL NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "recordMs" INTEGER NOT NULL DEFAULT 0,
    "evalMs" INTEGER NOT NULL DEFAULT 0,
    "improved" BOOLEAN NOT NULL,
    "testLoss" REAL,
    "testAccuracy" REAL,
    "confusion" TEXT NOT NULL,
    "probeProbs" BLOB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Epoch_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Checkpoint" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "valLoss" REAL,
    "modelTopology" TEXT NOT NULL,
    "weightSpecs" TEXT NOT NULL,
    "weightData" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Checkpoint_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TestPredictions" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "predicted" BLOB NOT NULL,
    "probs" BLOB NOT NULL,
    "misclassified" BLOB NOT NULL,
    "misclassifiedCount" INTEGER NOT NULL,
    CONSTRAINT "TestPredictions_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Embedding" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" INTEGER NOT NULL,
    "subset" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "layerIndex" INTEGER NOT NULL,
    "layerName" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "cols" INTEGER NOT NULL,
    "dtype" TEXT NOT NULL DEFAULT 'float32',
    "data" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Embedding_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Projection" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" INTEGER NOT NULL,
    "subset" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "layerIndex" INTEGER NOT NULL,
    "method" TEXT NOT NULL,
    "iteration" INTEGER NOT NULL,
    "final" BOOLEAN NOT NULL DEFAULT true,
    "rows" INTEGER NOT NULL,
    "coords" BLOB NOT NULL,
    "knnAccuracy" REAL,
    "trustworthiness" REAL,
    "klDivergence" REAL,
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Projection_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Job" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "params" TEXT NOT NULL,
    "queuedBy" TEXT NOT NULL DEFAULT 'admin',
    "workerId" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "stage" TEXT NOT NULL DEFAULT 'queued',
    "progressEpoch" INTEGER NOT NULL DEFAULT 0,
    "progressBatch" INTEGER NOT NULL DEFAULT 0,
    "etaMs" INTEGER,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "heartbeatAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "Run_jobId_key" ON "Run"("jobId");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Epoch_runId_epoch_key" ON "Epoch"("runId", "epoch");

-- CreateIndex
CREATE UNIQUE INDEX "Checkpoint_runId_kind_key" ON "Checkpoint"("runId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "TestPredictions_runId_key" ON "TestPredictions"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Embedding_runId_subset_epoch_layerIndex_key" ON "Embedding"("runId", "subset", "epoch", "layerIndex");

-- CreateIndex
CREATE UNIQUE INDEX "Projection_runId_subset_epoch_layerIndex_method_iteration_key" ON "Projection"("runId", "subset", "epoch", "layerIndex", "method", "iteration");

-- CreateIndex
CREATE INDEX "Job_status_createdAt_idx" ON "Job"("status", "createdAt");

