-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "sweepId" INTEGER;

-- CreateTable
CREATE TABLE "Sweep" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "spec" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "queuedBy" TEXT NOT NULL,

    CONSTRAINT "Sweep_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Sweep_createdAt_idx" ON "Sweep"("createdAt");

-- CreateIndex
CREATE INDEX "Job_sweepId_idx" ON "Job"("sweepId");

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE SET NULL ON UPDATE CASCADE;

