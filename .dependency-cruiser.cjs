// The layer rule of docs/architecture.md as dependency-cruiser rules: `npm run lint` fails on any of them.
const fs = require("node:fs");
const path = require("node:path");

/** Our own code; a layer rule looks only at these (generated/ and packages have rules of their own below). */
const OWN_CODE = "^(lib|app|scripts|test)/";

/**
 * The layers of lib/ (docs/architecture.md) and what each may import of our own code, itself included. lib/db may
 * also name lib/numeric's types (a rule of its own below) and import generated/; app/ and scripts/ import anything.
 */
const LAYERS = {
  core: { may: ["core"], why: "lib/core is pure and client-safe: it imports nothing else of ours" },
  numeric: { may: ["core", "numeric"], why: "lib/numeric imports only lib/core" },
  chart: { may: ["core", "numeric", "chart"], why: "lib/chart imports only lib/core and lib/numeric" },
  mnist: { may: ["core", "numeric", "mnist"], why: "lib/mnist imports only lib/core and lib/numeric" },
  model: { may: ["core", "numeric", "model"], why: "lib/model imports only lib/core and lib/numeric" },
  env: { may: ["core"], why: "lib/env.ts imports only lib/core" },
  db: {
    may: ["core", "env", "numeric", "db"],
    why: "lib/db imports lib/core, lib/env.ts, generated/ and lib/numeric's types; never chart, mnist, model or features",
  },
  features: {
    may: ["core", "numeric", "chart", "mnist", "model", "env", "db", "features"],
    why: "lib/features imports anything in lib/, never app/, scripts/ or test/",
  },
};

/** `lib/<name>/` folders (or lib/env.ts) as path patterns. */
const under = (...names) => names.map((n) => (n === "env" ? "^lib/env\\.ts$" : `^lib/${n}/`));

/** One rule per layer: modules of lib/<layer> import of our own code only what the table allows. */
const layerRules = Object.entries(LAYERS).map(([layer, { may, why }]) => ({
  name: `layer-${layer}`,
  comment: why,
  severity: "error",
  from: { path: under(layer) },
  to: { path: OWN_CODE, pathNot: under(...may) },
}));

/** Every folder of lib/ with an index.ts: a package whose index.ts is its only entry from outside. */
function findPackages(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    if (fs.existsSync(path.join(sub, "index.ts"))) found.push(path.relative(__dirname, sub).split(path.sep).join("/"));
    found.push(...findPackages(sub));
  }
  return found;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One rule per package: nothing outside it (but its own tests, test/ mirroring lib/) imports past its index.ts. */
const packageRules = findPackages(path.join(__dirname, "lib")).map((pkg) => ({
  name: `package-entry-${pkg.replace(/^lib\//, "").replace(/\//g, "-")}`,
  comment: `${pkg}/ is a package: import it through ${pkg}/index.ts (only its own tests, under test/${pkg.slice(4)}/, may reach its files)`,
  severity: "error",
  from: { pathNot: [`^${escape(pkg)}/`, `^test/${escape(pkg.slice(4))}/`] },
  to: { path: `^${escape(pkg)}/`, pathNot: `^${escape(pkg)}/index\\.ts$` },
}));

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "layer-db-numeric-types-only",
      comment: "lib/db may name lib/numeric's types, not run its code: computing belongs to lib/features",
      severity: "error",
      from: { path: under("db") },
      to: { path: under("numeric"), dependencyTypesNot: ["type-only"] },
    },
    {
      name: "layer-app-scripts",
      comment: "app/ and scripts/ are both on top, over lib/: neither imports the other",
      severity: "error",
      from: { path: "^(app|scripts)/" },
      to: { path: "^(app|scripts)/", pathNot: "^$1/" },
    },

    {
      name: "no-circular",
      comment: "A module reaches itself through its imports: a cycle has no bottom layer to test or read first",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-folder-cycle",
      comment: "Two folders of lib/ import each other (lib/features' folders included): one of them must move down",
      severity: "error",
      scope: "folder",
      from: { path: "^lib/" },
      to: { circular: true },
    },

    {
      name: "db-access-only-in-lib-db",
      comment:
        "Every database access lives in lib/db (PostgreSQL will swap it there); exempt: scripts/bench/db-blobs.ts, " +
        "test/ fixtures and helpers, prisma.config.ts",
      severity: "error",
      from: {
        pathNot: ["^lib/db/", "^scripts/bench/db-blobs\\.ts$", "^test/", "^prisma\\.config\\.ts$", "^generated/"],
      },
      to: { path: ["^node_modules/(better-sqlite3|kysely|@prisma/[^/]+)/", "^generated/"] },
    },

    ...packageRules,
  ],
  options: {
    // generated/ is recorded as a dependency (the database rule needs it) but not read.
    doNotFollow: { path: ["node_modules", "^generated/"] },
    exclude: { path: ["^\\.next", "^\\.tmp/"] },
    tsConfig: { fileName: "tsconfig.json" },
    // Type-only imports count: a type from a higher layer still couples the lower one to it.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".d.ts"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
