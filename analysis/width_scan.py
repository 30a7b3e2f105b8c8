#!/usr/bin/env python3
"""Width scan of the network-only run: lin_gap and ntk_drift at the end of training against width, with a
power-law fit (about -1/2 expected: physics.md §4). Runs `inflanet run DECK network.width=W output.dir=...`
for each width, writes width_scan.csv and width_scan.png into OUT.

    python3 analysis/width_scan.py --binary build/inflanet --deck inputs/network_lattice.toml \\
        --widths 64 128 256 512 1024 --ranks 2 --out output/width_scan -- network.sublattice=8 network.steps=100
"""

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inflanet_io  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", default="build/inflanet")
    p.add_argument("--deck", default="inputs/network_lattice.toml")
    p.add_argument("--widths", type=int, nargs="+", default=[64, 128, 256, 512, 1024])
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("--out", default="output/width_scan")
    p.add_argument("overrides", nargs="*", help="extra deck overrides key=value")
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    rows = []
    for w in args.widths:
        run_dir = out / f"w{w}"
        cmd = [args.binary, "run", args.deck, f"network.width={w}", f"output.dir={run_dir}", *args.overrides]
        if args.ranks > 1:
            cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(args.ranks), *cmd]
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        nn = inflanet_io.load_network(run_dir)
        rows.append((w, nn["lin_gap"][-1], nn["ntk_drift"][-1], nn["loss"][0], nn["loss"][-1]))
        print(f"width {w:5d}: lin_gap = {rows[-1][1]:.4e}, ntk_drift = {rows[-1][2]:.4e}, "
              f"loss {rows[-1][3]:.4e} -> {rows[-1][4]:.4e}", flush=True)
    data = np.array(rows)
    fits = {}
    for col, name in ((1, "lin_gap"), (2, "ntk_drift")):
        slope, intercept = np.polyfit(np.log(data[:, 0]), np.log(data[:, col]), 1)
        fits[name] = (slope, intercept)
        print(f"fit: {name} ~ width^{slope:.3f}")
    with open(out / "width_scan.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["width", "lin_gap", "ntk_drift", "loss0", "loss_end"])
        writer.writerows(rows)
        writer.writerow([])
        for name, (slope, _) in fits.items():
            writer.writerow([f"# exponent {name}", f"{slope:.4f}"])
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for col, name in ((1, "lin_gap"), (2, "ntk_drift")):
        slope, intercept = fits[name]
        ax.loglog(data[:, 0], data[:, col], "o", label=f"{name}: width^{slope:.2f}")
        ax.loglog(data[:, 0], np.exp(intercept) * data[:, 0] ** slope, "--", color="grey")
    ax.loglog(data[:, 0], data[0, 2] * (data[:, 0] / data[0, 0]) ** -0.5, ":", color="k", label="width^-1/2")
    ax.set_xlabel("width")
    ax.set_ylabel("at the end of training")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "width_scan.png", dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main())
