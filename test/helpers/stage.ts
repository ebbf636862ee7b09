// A stand-in command for a job's post-training stage (pairs, projections) in worker tests.

/**
 * A node command that prints "stage seen by <who>: <the job's stage in the database>", writes `stderr` when
 * `code` is not 0, and exits with `code`.
 */
export function fakeStageCommand(file: string, jobId: number, code: number, who: string, stderr: string): string[] {
  const script = `
    const Database = require("better-sqlite3");
    const row = new Database(${JSON.stringify(file)}).prepare("SELECT stage FROM Job WHERE id = ?").get(${jobId});
    console.log(${JSON.stringify(`stage seen by ${who}: `)} + row.stage);
    if (${code} !== 0) console.error(${JSON.stringify(stderr)});
    process.exit(${code});`;
  return [process.execPath, "-e", script];
}
