-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "followedEpoch" INTEGER;

