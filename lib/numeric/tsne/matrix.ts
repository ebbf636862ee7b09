// Dense row-major float matrix shape shared by the t-SNE modules, and its boundary check.

/** A [rows, cols] matrix in one row-major buffer: element (r, c) at r * cols + c. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Throws a RangeError naming `name` if `m` is not a consistent, finite, non-empty matrix. */
export function assertMatrix(m: Matrix, name = "input"): void {
  if (!Number.isInteger(m.rows) || m.rows < 1)
    throw new RangeError(`${name}.rows must be a positive integer (got ${m.rows})`);
  if (!Number.isInteger(m.cols) || m.cols < 1)
    throw new RangeError(`${name}.cols must be a positive integer (got ${m.cols})`);
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(`${name}.data has ${m.data.length} values, expected rows * cols = ${m.rows * m.cols}`);
  }
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i]!)) {
      throw new RangeError(
        `${name}.data[${i}] is ${m.data[i]} (row ${Math.floor(i / m.cols)}), expected a finite number`,
      );
    }
  }
}
