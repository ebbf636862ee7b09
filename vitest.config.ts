// Test runner configuration: node environment, server-only allowed, one migrated template database.
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Tests run lib/ modules as the server does; server-only's react-server build is this empty module.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Training tests and browser tests compete for 2 cores: run files one at a time.
    fileParallelism: false,
    reporters: ["default"],
  },
});
