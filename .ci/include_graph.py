#!/usr/bin/env python3
"""Prints the folder-level include graph of include/inflanet and src, and every edge that breaks the layers.

Usage: python3 .ci/include_graph.py [--check]
Each line "a -> b (n)" says that files of folder a include n headers of folder b. The layers, lowest first,
are those of cmake/InflanetLayers.cmake (folders on one line are peers and may include each other); an edge to a higher layer is
listed as upward, and so is every edge of a folder cycle. --check exits 1 when there is any beyond KNOWN.
"""
import pathlib
import re
import sys

# Lowest first; the brief's order: base (errors, RNG, box), parallel, layout and storage (decomposition/,
# Field included), the FFT, physics, training, duality, io, config, app. The one table is the build's
# (cmake/InflanetLayers.cmake: INFLANET_LAYERS and each INFLANET_LAYER_<layer>, one library and include root
# per layer); it is read from there, so the check and the build cannot disagree.
LAYER_TABLE = "cmake/InflanetLayers.cmake"


def cmake_list(text, name):
    match = re.search(r"^set\(" + re.escape(name) + r"((?:\s+[a-z_]+)+)\s*\)", text, re.MULTILINE)
    if not match:
        sys.exit(f"{LAYER_TABLE}: no set({name} ...)")
    return match.group(1).split()


def read_layers(root):
    text = (root / LAYER_TABLE).read_text()
    return [cmake_list(text, f"INFLANET_LAYER_{layer}") for layer in cmake_list(text, "INFLANET_LAYERS")]


LAYERS = read_layers(pathlib.Path(__file__).resolve().parent.parent)
# Edges still against the layers, each to be removed, never added to. None is left: the last, nn <-> ntk, went
# when the dictionary moved to duality/ and the networks took its h and gamma from their callers (issue 19).
KNOWN = set()
RANK = {folder: i for i, layer in enumerate(LAYERS) for folder in layer}
INCLUDE = re.compile(r'#include "inflanet/([a-z_]+)/')


def edges(root):
    found = {}
    for tree in ("include/inflanet", "src"):
        for path in (root / tree).rglob("*.[ch]pp"):
            source = path.relative_to(root / tree).parts[0]
            for target in INCLUDE.findall(path.read_text()):
                if target != source:
                    found[(source, target)] = found.get((source, target), 0) + 1
    return found


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    found = edges(root)
    bad = []
    for (a, b), n in sorted(found.items(), key=lambda e: (RANK.get(e[0][0], 99), e[0])):
        verdict = ""
        if a not in RANK or b not in RANK:
            verdict = "  <- folder not in LAYERS"
        elif RANK[b] > RANK[a]:
            verdict = "  <- upward"
        elif (b, a) in found:
            verdict = "  <- cycle"
        if verdict and (a, b) in KNOWN:
            verdict += " (known)"
        elif verdict:
            bad.append((a, b))
        print(f"{a} -> {b} ({n}){verdict}")
    print(f"{len(found)} folder edges, {len(bad)} against the layers besides the known {sorted(KNOWN)}")
    return 1 if bad and "--check" in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
