#!/usr/bin/env python3
"""Compares every dataset of every .h5 file under two run directories bit for bit.

Usage: /usr/bin/python3 bench/h5_bitwise_diff.py [--attributes] REF_DIR NEW_DIR

Attributes (creation time, git commit, resolved deck) are not compared: two builds differ in them by
design. With --attributes every other attribute of every object (root, groups, datasets) is compared too,
byte for byte; attributes only the new files have are listed (by name, with the number of objects) but are
not differences: a change that adds attributes, and only adds them, passes. Datasets are compared as raw bytes, so NaNs in the same places with the same payload compare equal
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


# Provenance: differs between any two builds or runs by design.
PROVENANCE = {"created", "date", "git_commit", "code_version", "softwareVersion", "deck"}


def attributes(path):
    out = {}
    with h5py.File(path, "r") as f:
        def record(name, obj):
            out[name] = {k: np.asarray(obj.attrs[k]) for k in obj.attrs if k not in PROVENANCE}
        record("/", f)
        f.visititems(record)
    return out


def compare_attributes(rel, a, b, problems, added):
    for name in sorted(set(a) & set(b)):
        for key in sorted(set(a[name]) | set(b[name])):
            if key not in b[name]:
                problems.append(f"{rel}:{name}: attribute {key} removed")
            elif key not in a[name]:
                added[key] = added.get(key, 0) + 1
            elif a[name][key].dtype != b[name][key].dtype or a[name][key].tobytes() != b[name][key].tobytes():
                problems.append(f"{rel}:{name}: attribute {key} differs: {a[name][key]} vs {b[name][key]}")


def main(ref_dir, new_dir, with_attributes=False):
    ref_dir, new_dir = pathlib.Path(ref_dir), pathlib.Path(new_dir)
    ref_files = sorted(p.relative_to(ref_dir) for p in ref_dir.rglob("*.h5"))
    new_files = sorted(p.relative_to(new_dir) for p in new_dir.rglob("*.h5"))
    problems = []
    if ref_files != new_files:
        problems.append(f"file sets differ: only in ref {sorted(set(ref_files) - set(new_files))}, "
                        f"only in new {sorted(set(new_files) - set(ref_files))}")
    compared = 0
    added = {}
    for rel in ref_files:
        if rel not in new_files:
            continue
        if with_attributes:
            compare_attributes(rel, attributes(ref_dir / rel), attributes(new_dir / rel), problems, added)
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
    for key in sorted(added):
        print(f"ADDED attribute {key} on {added[key]} objects")
    print(f"{len(ref_files)} files, {compared} datasets compared, {len(problems)} differences")
    return 1 if problems or not ref_files else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--attributes"]
    if len(args) != 2:
        sys.exit(__doc__)
    sys.exit(main(args[0], args[1], with_attributes="--attributes" in sys.argv[1:]))
