#!/usr/bin/env python3
"""Compares every dataset of every .h5 file under two run directories bit for bit.

Usage: /usr/bin/python3 bench/h5_bitwise_diff.py REF_DIR NEW_DIR

Attributes (creation time, git commit, resolved deck) are not compared: two builds differ in them by
design. Datasets are compared as raw bytes, so NaNs in the same places with the same payload compare equal
and -0.0 differs from 0.0. Exits 1 on the first kind of difference found in any file (all are listed).
"""
import pathlib
import sys

import h5py
import numpy as np


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = (obj.dtype, obj.shape, obj[()])
        f.visititems(visit)
    return out


def main(ref_dir, new_dir):
    ref_dir, new_dir = pathlib.Path(ref_dir), pathlib.Path(new_dir)
    ref_files = sorted(p.relative_to(ref_dir) for p in ref_dir.rglob("*.h5"))
    new_files = sorted(p.relative_to(new_dir) for p in new_dir.rglob("*.h5"))
    problems = []
    if ref_files != new_files:
        problems.append(f"file sets differ: only in ref {sorted(set(ref_files) - set(new_files))}, "
                        f"only in new {sorted(set(new_files) - set(ref_files))}")
    compared = 0
    for rel in ref_files:
        if rel not in new_files:
            continue
        a, b = datasets(ref_dir / rel), datasets(new_dir / rel)
        if a.keys() != b.keys():
            problems.append(f"{rel}: dataset names differ: {sorted(set(a) ^ set(b))}")
        for name in sorted(set(a) & set(b)):
            (ta, sa, va), (tb, sb, vb) = a[name], b[name]
            compared += 1
            if ta != tb or sa != sb:
                problems.append(f"{rel}:{name}: dtype/shape {ta}{sa} vs {tb}{sb}")
            elif np.asarray(va).tobytes() != np.asarray(vb).tobytes():
                diff = ""
                if np.issubdtype(ta, np.floating):
                    diff = f", max |diff| {np.nanmax(np.abs(np.asarray(va) - np.asarray(vb)))}"
                problems.append(f"{rel}:{name}: values differ{diff}")
    for p in problems:
        print("DIFF", p)
    print(f"{len(ref_files)} files, {compared} datasets compared, {len(problems)} differences")
    return 1 if problems or not ref_files else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
