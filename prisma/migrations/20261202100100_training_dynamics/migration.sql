-- AlterTable
ALTER TABLE "Epoch" ADD COLUMN "trainCorrect" BLOB;
ALTER TABLE "Epoch" ADD COLUMN "trainLabelProbs" BLOB;
ALTER TABLE "Epoch" ADD COLUMN "valProbs" BLOB;

