// ESLint: Next's rules (core web vitals, TypeScript) and the parts of the layer rule that are not import paths
// between our folders (those are in .dependency-cruiser.cjs): client components importing server code, and
// database clients used outside lib/db.
import { builtinModules } from "node:module";
import path from "node:path";
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const ROOT = import.meta.dirname;

/** Our server-only code, as paths from the project root: a client bundle must never pull these in. */
const SERVER_PATHS = [/^lib\/(db|features|model|mnist)(\/|$)/, /^lib\/env(\.ts)?$/];
const NODE_BUILTINS = new Set(builtinModules);

/** Why an import `spec` in `file` is server code, or null when a client component may import it. */
function serverReason(spec, file) {
  if (spec === "server-only") return "server-only";
  if (spec.startsWith("node:") || NODE_BUILTINS.has(spec.split("/")[0])) return "a Node built-in";
  let target = null;
  if (spec.startsWith("@/")) target = spec.slice(2);
  else if (spec.startsWith("."))
    target = path
      .relative(ROOT, path.resolve(path.dirname(file), spec))
      .split(path.sep)
      .join("/");
  if (target === null) return null;
  return SERVER_PATHS.some((re) => re.test(target)) ? target : null;
}

/** True when the statement brings in no code: `import type …`, or only `type` specifiers (erased by TypeScript). */
function typeOnly(node) {
  if (node.importKind === "type" || node.exportKind === "type") return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === "type" || s.exportKind === "type");
}

/**
 * "use client" files import only lib/core, lib/numeric, lib/chart and other client code. Type-only imports are
 * allowed: they are erased before bundling, so no server code reaches the browser through them.
 */
const clientImportsRule = {
  meta: {
    type: "problem",
    docs: {
      description:
        "a client component must not import server code (lib/db, lib/features, lib/model, lib/mnist, lib/env, server-only, node:*)",
    },
    messages: {
      server:
        'A "use client" module imports {{what}} ("{{spec}}"): client components take plain data as props and import only lib/core, lib/numeric, lib/chart and client code.',
    },
    schema: [],
  },
  create(context) {
    const body = context.sourceCode.ast.body;
    const directives = [];
    for (const statement of body) {
      if (statement.type !== "ExpressionStatement" || typeof statement.directive !== "string") break;
      directives.push(statement.directive);
    }
    if (!directives.includes("use client")) return {};
    const check = (node, source) => {
      if (!source || typeof source.value !== "string" || typeOnly(node)) return;
      const what = serverReason(source.value, context.filename);
      if (what) context.report({ node: source, messageId: "server", data: { what, spec: source.value } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === "Literal" ? node.source : null),
    };
  },
};

const DB_MEMBERS = "/^(prisma|kysely|sqlite)$/";
const DB_ACCESS_MESSAGE =
  "Database access (a Db's prisma, kysely or sqlite) belongs in lib/db: add a named, typed query there and call it.";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next*/**",
    "generated/**",
    "node_modules/**",
    "data/**",
    ".tmp/**",
    "screenshots/**",
    "next-env.d.ts",
  ]),
  {
    name: "mnist-lens/commonjs",
    files: ["**/*.cjs"],
    // CommonJS files (dependency-cruiser reads its config only as one) import with require(): there is no other way.
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    name: "mnist-lens/client-imports",
    files: ["**/*.{ts,tsx}"],
    plugins: { "mnist-lens": { rules: { "no-server-import-in-client": clientImportsRule } } },
    rules: { "mnist-lens/no-server-import-in-client": "error" },
  },
  {
    name: "mnist-lens/db-access",
    files: ["**/*.{ts,tsx}"],
    // The exemptions of the layer rule: the data layer itself, the blob benchmark (it compares drivers), test
    // fixtures and helpers, and Prisma's own config.
    ignores: ["lib/db/**", "scripts/bench/db-blobs.ts", "test/**", "prisma.config.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: `MemberExpression[property.type='Identifier'][property.name=${DB_MEMBERS}]`,
          message: DB_ACCESS_MESSAGE,
        },
        {
          selector: `ObjectPattern > Property[key.type='Identifier'][key.name=${DB_MEMBERS}]`,
          message: DB_ACCESS_MESSAGE,
        },
      ],
    },
  },
]);
