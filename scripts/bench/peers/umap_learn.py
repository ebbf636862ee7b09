#!/usr/bin/env python3
"""Peer benchmark: umap-learn on MNIST test images or on given float32 rows.

UMAP to 2-D with umap-learn's defaults (n_neighbors 15, min_dist 0.1, spread 1, spectral init, NN-descent kNN,
epochs 'auto'). random_state is None unless --seed is given, so numba runs the kNN and the SGD on every core (or
--threads); seeded, umap-learn's SGD goes single-threaded and deterministic. One warm-up fit on the same rows comes first, untimed but
reported, because the first fit pays numba's compilation; the timed fit follows. Writes the layout (N x 2 float32,
row-major) to OUT so the caller scores it with the same code as its own. With --runs R the median of R timed fits
is reported (the layout written is the last one's).

Setup (Debian): apt-get install -y umap-learn
Run:  /usr/bin/python3 umap_learn.py DATA_DIR N OUT.f32 [FILE.f32 D] [--n-neighbors K] [--seed SEED] [--threads T] [--runs R]
"""
import argparse, os, time, warnings

parser = argparse.ArgumentParser()
parser.add_argument("data_dir")
parser.add_argument("n", type=int)
parser.add_argument("out")
parser.add_argument("file", nargs="?")
parser.add_argument("cols", nargs="?", type=int)
parser.add_argument("--n-neighbors", type=int, default=15)
parser.add_argument("--seed", type=int, default=None)
parser.add_argument("--threads", type=int, default=None)
parser.add_argument("--runs", type=int, default=1)
args = parser.parse_args()
if args.threads:
    os.environ["NUMBA_NUM_THREADS"] = str(args.threads)

import numpy as np
import umap

warnings.filterwarnings("ignore")
if args.file:
    x = np.fromfile(args.file, dtype=np.float32).reshape(-1, args.cols)[: args.n]
else:
    raw = np.frombuffer(open(f"{args.data_dir}/t10k-images-idx3-ubyte", "rb").read()[16:], dtype=np.uint8)
    x = raw.reshape(-1, 784)[: args.n].astype(np.float32) / 255


def fit():
    model = umap.UMAP(n_components=2, n_neighbors=args.n_neighbors, min_dist=0.1, random_state=args.seed,
                      n_jobs=args.threads or -1)
    start = time.perf_counter()
    layout = model.fit_transform(x)
    return time.perf_counter() - start, layout, model


warmup_seconds, _, _ = fit()
timed = [fit() for _ in range(max(args.runs, 1))]
seconds = sorted(t[0] for t in timed)[(len(timed) - 1) // 2]
np.ascontiguousarray(timed[-1][1], dtype=np.float32).tofile(args.out)
print(f"umap_learn {umap.__version__} n={x.shape[0]} cols={x.shape[1]} seed={args.seed} threads={args.threads or 'all'} "
      f"warmup_seconds={warmup_seconds:.1f} runs={' '.join(f'{t[0]:.1f}' for t in timed)} seconds={seconds:.1f}")
