-- AlterTable
ALTER TABLE "Projection" ADD COLUMN "algorithm" TEXT;
ALTER TABLE "Projection" ADD COLUMN "neighbours" TEXT;

