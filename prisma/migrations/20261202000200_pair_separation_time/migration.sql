-- AlterTable
ALTER TABLE "PairSeparation" ADD COLUMN "createdAt" DATETIME;

