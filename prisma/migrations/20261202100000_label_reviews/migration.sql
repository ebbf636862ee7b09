-- CreateTable
CREATE TABLE "CrossvalResult" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "folds" INTEGER NOT NULL,
    "settings" TEXT NOT NULL,
    "trainSize" INTEGER NOT NULL,
    "foldAccuracies" TEXT NOT NULL,
    "foldOf" BLOB NOT NULL,
    "probs" BLOB NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "jobId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "LabelReview" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "subset" TEXT NOT NULL,
    "digitIndex" INTEGER NOT NULL,
    "verdict" TEXT NOT NULL,
    "correctedLabel" INTEGER,
    "sessionId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "CrossvalResult_createdAt_idx" ON "CrossvalResult"("createdAt");

-- CreateIndex
CREATE INDEX "LabelReview_subset_digitIndex_id_idx" ON "LabelReview"("subset", "digitIndex", "id");

