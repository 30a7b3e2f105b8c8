#!/usr/bin/python3
"""Plot a 2-D slice of a field from an inflanet snapshot.

    plot_slice.py SNAPSHOT [--field phi] [--axis 2] [--index k] [-o slice.png]

SNAPSHOT is a data_<step>.h5 file (openPMD, see inflanet_io.load_snapshot). The slice holds the lattice
index `--index` (default N/2) along `--axis` (0 = x, 1 = y, 2 = z) fixed; the two remaining axes are drawn
in comoving units of 1/H (coordinate i dx times H) for a de Sitter snapshot (H > 0), otherwise in the program
length unit the file names (1/M_p for a Friedmann run, whose H(t) changes; 1/H for Minkowski). Exits with status 1 and a message on stderr when the file or field is missing.
"""

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inflanet_io  # noqa: E402

AXES = "xyz"


def slice_of(data, axis: int, index: int):
    """The 2-D array data[..., index, ...] along `axis`, and the names of the two remaining axes (rows, columns)."""
    rest = [a for a in range(3) if a != axis]
    return np.take(data, index, axis=axis), (AXES[rest[0]], AXES[rest[1]])


def plot(snapshot: Path, field: str, axis: int, index, output: Path) -> None:
    snap = inflanet_io.load_snapshot(snapshot)
    if field not in snap.get("mesh_attrs", {}):
        raise KeyError(f"no field '{field}' in '{snapshot}' (has: {', '.join(snap['mesh_attrs'])})")
    data = snap[field]
    n = data.shape[axis]
    index = n // 2 if index is None else index
    if not 0 <= index < n:
        raise IndexError(f"--index {index} outside [0, {n})")
    plane, (row_axis, col_axis) = slice_of(data, axis, index)
    hubble, units = snap["H"], snap["units"]
    if units["energy"] == "H" and np.isfinite(hubble) and hubble > 0:
        # A fixed background: lengths in its own Hubble length 1/H (background.H may differ from 1).
        unit, scale = r"$1/H$", hubble
    else:
        # Friedmann (H(t) varies): the program length unit the file names, e.g. 1/M_p; Minkowski: 1/H.
        unit, scale = units["length"], 1.0
    dx = snap["dx"] * scale
    rows, cols = plane.shape
    # imshow: first array index down the page; transpose so the earlier axis runs horizontally.
    fig, ax = plt.subplots(figsize=(6.4, 5.4))
    image = ax.imshow(plane.T, origin="lower", extent=(0, rows * dx, 0, cols * dx), cmap="RdBu_r",
                      interpolation="nearest")
    fig.colorbar(image, ax=ax, label=field)
    ax.set_xlabel(f"{row_axis} (comoving, {unit})")
    ax.set_ylabel(f"{col_axis} (comoving, {unit})")
    ax.set_title(f"{field}, {AXES[axis]} = {index * dx:.3g} ({unit}), step {snap['step']}, "
                 f"t = {snap['time']:.4g}, a = {snap['a']:.4g}")
    fig.tight_layout()
    fig.savefig(output, dpi=120)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshot", type=Path, help="a data_<step>.h5 snapshot")
    parser.add_argument("--field", default="phi", help="mesh record to plot (default phi)")
    parser.add_argument("--axis", type=int, default=2, choices=(0, 1, 2), help="axis held fixed (0=x, 1=y, 2=z)")
    parser.add_argument("--index", type=int, default=None, help="lattice index along --axis (default N/2)")
    parser.add_argument("-o", "--output", type=Path, default=Path("slice.png"))
    args = parser.parse_args(argv)
    try:
        plot(args.snapshot, args.field, args.axis, args.index, args.output)
    except (FileNotFoundError, ValueError, KeyError, IndexError, OSError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"plot_slice.py: error: {message}", file=sys.stderr)
        return 1
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
