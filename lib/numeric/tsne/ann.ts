// Approximate k-nearest neighbours: a contract stub that answers exactly (computeKnn) until the real one lands.
import { computeKnn, type KnnGraph } from "./knn";
import type { Matrix } from "./matrix";

export interface ApproximateKnnOptions {
  /** Seed for the randomised search. Default 0. */
  seed?: number;
  /** Threads to use (resolveThreads). */
  threads?: number;
}

/** Each row's k nearest other rows, nearest first ([n, k], as computeKnn); this stub is exact. */
export function approximateKnn(input: Matrix, k: number, options: ApproximateKnnOptions = {}): KnnGraph {
  void options;
  return computeKnn(input, k);
}
