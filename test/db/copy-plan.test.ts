// db:copy's table plan against the migrated schema: every table has a rule, rows go in foreign-key order, and a
// schema the plan does not know stops a copy with the table named.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { COPY_ORDER, COPY_PLAN, findSchemaProblems, readTableShapes, type TableShape } from "../../lib/db/copy-plan";
import { createEngineTestDb, type EngineTestDb } from "../helpers/db";

interface ForeignKey {
  table: string;
  from: string;
}

/** The migrated SQLite template's foreign keys of `table`: referenced table and referencing column. */
function foreignKeys(file: string, table: string): ForeignKey[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`PRAGMA foreign_key_list("${table}")`).all() as ForeignKey[];
  } finally {
    db.close();
  }
}

describe("the copy plan", () => {
  let db: EngineTestDb;
  let shapes: Map<string, TableShape>;
  beforeAll(async () => {
    db = await createEngineTestDb();
    shapes = await readTableShapes(db);
  });
  afterAll(async () => db?.cleanup());

  it("has a rule for exactly the tables of the migrated schema", () => {
    expect([...shapes.keys()].sort()).toEqual([...COPY_ORDER].sort());
  });

  it("finds the blob columns of the migrated schema", () => {
    expect(shapes.get("Embedding")!.blobColumns).toEqual(["data"]);
    expect(shapes.get("TestPredictions")!.blobColumns.sort()).toEqual(["misclassified", "predicted", "probs"]);
    expect(shapes.get("PairSeparation")!.blobColumns).toEqual([]);
  });

  it("inserts every referenced table before the tables that reference it", () => {
    const template = inject("templateDb");
    for (const [position, table] of COPY_ORDER.entries())
      for (const key of foreignKeys(template, table))
        expect(COPY_ORDER.indexOf(key.table as never), `${table}.${key.from} → ${key.table}`).toBeLessThan(position);
  });

  it("gives run rows to exactly the tables whose runId references Run", () => {
    const template = inject("templateDb");
    for (const table of COPY_ORDER) {
      const byRun = foreignKeys(template, table).some((k) => k.table === "Run" && k.from === "runId");
      expect(COPY_PLAN[table].kind === "run-rows", table).toBe(byRun);
    }
  });

  it("finds each parent's rows through a foreign key of a table copied after it, and every such key has a rule", () => {
    const template = inject("templateDb");
    for (const [position, table] of COPY_ORDER.entries()) {
      const rule = COPY_PLAN[table];
      if (rule.kind !== "parent") continue;
      const { table: child, column } = rule.referencedBy!;
      expect(COPY_ORDER.indexOf(child), `${table} is referenced by ${child}`).toBeGreaterThan(position);
      expect(foreignKeys(template, child)).toContainEqual(expect.objectContaining({ table, from: column }));
    }
    // A table that rows of a run or of a parent point at must be a parent itself (or the run), or the copy would
    // insert rows whose reference the target lacks.
    for (const table of COPY_ORDER) {
      const kind = COPY_PLAN[table].kind;
      if (kind !== "run" && kind !== "run-rows" && kind !== "parent") continue;
      for (const key of foreignKeys(template, table)) {
        const target = key.table as keyof typeof COPY_PLAN;
        if (target === "Run") continue;
        expect(COPY_PLAN[target].kind, `${table}.${key.from} → ${key.table}`).toBe("parent");
        expect(COPY_PLAN[target].referencedBy).toEqual({ table, column: key.from });
      }
    }
  });

  it("stops a copy on a table without a rule and on a target missing a column", () => {
    const target = new Map(shapes);
    target.set("Experiment", { columns: ["id"], blobColumns: [] });
    const run = shapes.get("Run")!;
    target.set("Run", { ...run, columns: run.columns.filter((c) => c !== "notes") });
    const problems = findSchemaProblems(shapes, target);
    expect(problems).toContainEqual(
      expect.stringMatching(/^table Experiment of the target has no rule in lib\/db\/copy-plan\.ts/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^Run\.notes missing from the target/));
    expect(findSchemaProblems(shapes, shapes)).toEqual([]);
  });
});
