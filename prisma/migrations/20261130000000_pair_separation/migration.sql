-- CreateTable
CREATE TABLE "PairSeparation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" INTEGER NOT NULL,
    "a" INTEGER NOT NULL,
    "b" INTEGER NOT NULL,
    "layerIndex" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "k" INTEGER NOT NULL,
    "knnPurity" REAL,
    "silhouette" REAL,
    "count" INTEGER NOT NULL,
    CONSTRAINT "PairSeparation_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "PairSeparation_runId_k_a_b_layerIndex_epoch_key" ON "PairSeparation"("runId", "k", "a", "b", "layerIndex", "epoch");

