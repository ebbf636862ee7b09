-- CreateTable
CREATE TABLE "Run" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'running',
    "config" TEXT NOT NULL,
    "architecture" TEXT NOT NULL,
    "paramCount" INTEGER NOT NULL,
    "modelSummary" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "backendVersion" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "epochsPlanned" INTEGER NOT NULL,
    "batchesPerEpoch" INTEGER NOT NULL DEFAULT 0,
    "progressEpoch" INTEGER NOT NULL DEFAULT 0,
    "progressBatch" INTEGER NOT NULL DEFAULT 0,
    "progressAt" TIMESTAMP(3),
    "trainSize" INTEGER NOT NULL,
    "valSize" INTEGER NOT NULL,
    "testSize" INTEGER NOT NULL,
    "baselineTestLoss" DOUBLE PRECISION,
    "baselineTestAccuracy" DOUBLE PRECISION,
    "bestEpoch" INTEGER,
    "bestValLoss" DOUBLE PRECISION,
    "testLoss" DOUBLE PRECISION,
    "testAccuracy" DOUBLE PRECISION,
    "testConfusion" TEXT,
    "probeIndices" BYTEA,
    "probeSize" INTEGER NOT NULL DEFAULT 0,
    "probeSeed" INTEGER NOT NULL DEFAULT 0,
    "jobId" INTEGER,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Epoch" (
    "id" SERIAL NOT NULL,
    "runId" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "loss" DOUBLE PRECISION NOT NULL,
    "accuracy" DOUBLE PRECISION NOT NULL,
    "valLoss" DOUBLE PRECISION NOT NULL,
    "valAccuracy" DOUBLE PRECISION NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "recordMs" INTEGER NOT NULL DEFAULT 0,
    "evalMs" INTEGER NOT NULL DEFAULT 0,
    "improved" BOOLEAN NOT NULL,
    "testLoss" DOUBLE PRECISION,
    "testAccuracy" DOUBLE PRECISION,
    "confusion" TEXT NOT NULL,
    "probeProbs" BYTEA,
    "trainLabelProbs" BYTEA,
    "trainCorrect" BYTEA,
    "valProbs" BYTEA,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Epoch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Checkpoint" (
    "id" SERIAL NOT NULL,
    "runId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "valLoss" DOUBLE PRECISION,
    "modelTopology" TEXT NOT NULL,
    "weightSpecs" TEXT NOT NULL,
    "weightData" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TestPredictions" (
    "id" SERIAL NOT NULL,
    "runId" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "predicted" BYTEA NOT NULL,
    "probs" BYTEA NOT NULL,
    "misclassified" BYTEA NOT NULL,
    "misclassifiedCount" INTEGER NOT NULL,

    CONSTRAINT "TestPredictions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Embedding" (
    "id" SERIAL NOT NULL,
    "runId" INTEGER NOT NULL,
    "subset" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "layerIndex" INTEGER NOT NULL,
    "layerName" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "cols" INTEGER NOT NULL,
    "dtype" TEXT NOT NULL DEFAULT 'float32',
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Embedding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Projection" (
    "id" SERIAL NOT NULL,
    "runId" INTEGER NOT NULL,
    "subset" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "layerIndex" INTEGER NOT NULL,
    "method" TEXT NOT NULL,
    "iteration" INTEGER NOT NULL,
    "final" BOOLEAN NOT NULL DEFAULT true,
    "rows" INTEGER NOT NULL,
    "coords" BYTEA NOT NULL,
    "knnAccuracy" DOUBLE PRECISION,
    "trustworthiness" DOUBLE PRECISION,
    "klDivergence" DOUBLE PRECISION,
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "algorithm" TEXT,
    "neighbours" TEXT,

    CONSTRAINT "Projection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PairSeparation" (
    "id" SERIAL NOT NULL,
    "runId" INTEGER NOT NULL,
    "a" INTEGER NOT NULL,
    "b" INTEGER NOT NULL,
    "layerIndex" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "k" INTEGER NOT NULL,
    "knnPurity" DOUBLE PRECISION,
    "silhouette" DOUBLE PRECISION,
    "count" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3),

    CONSTRAINT "PairSeparation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "retryOfId" INTEGER,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CrossvalResult" (
    "id" SERIAL NOT NULL,
    "folds" INTEGER NOT NULL,
    "settings" TEXT NOT NULL,
    "trainSize" INTEGER NOT NULL,
    "foldAccuracies" TEXT NOT NULL,
    "foldOf" BYTEA NOT NULL,
    "probs" BYTEA NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "jobId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CrossvalResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabelReview" (
    "id" SERIAL NOT NULL,
    "subset" TEXT NOT NULL,
    "digitIndex" INTEGER NOT NULL,
    "verdict" TEXT NOT NULL,
    "correctedLabel" INTEGER,
    "sessionId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LabelReview_pkey" PRIMARY KEY ("id")
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
CREATE UNIQUE INDEX "PairSeparation_runId_k_a_b_layerIndex_epoch_key" ON "PairSeparation"("runId", "k", "a", "b", "layerIndex", "epoch");

-- CreateIndex
CREATE INDEX "Job_status_createdAt_idx" ON "Job"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE INDEX "CrossvalResult_createdAt_idx" ON "CrossvalResult"("createdAt");

-- CreateIndex
CREATE INDEX "LabelReview_subset_digitIndex_id_idx" ON "LabelReview"("subset", "digitIndex", "id");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Epoch" ADD CONSTRAINT "Epoch_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Checkpoint" ADD CONSTRAINT "Checkpoint_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TestPredictions" ADD CONSTRAINT "TestPredictions_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Embedding" ADD CONSTRAINT "Embedding_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Projection" ADD CONSTRAINT "Projection_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PairSeparation" ADD CONSTRAINT "PairSeparation_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

