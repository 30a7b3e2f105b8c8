#!/usr/bin/env python3
"""Plots a network run (nn.h5): loss, linearisation gap and NTK drift against time t = n sqrt(eta); the NTK
eigenvalue spectrum at t0; a few mode amplitudes a_k(t) against the damped-oscillator prediction
a'' + gamma a' + c lambda_k a = 0 (physics.md §4).

    python3 analysis/plot_network.py RUN_DIR -o network.png
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="run directory or nn.h5")
    parser.add_argument("-o", "--output", default="network.png")
    args = parser.parse_args(argv)
    nn = inflanet_io.load_network(args.run)
    t, attrs = nn["time"], nn["attrs"]
    fig, ax = plt.subplots(2, 2, figsize=(11, 8))
    ax[0, 0].semilogy(t, nn["loss"], label="loss")
    ax[0, 0].set_xlabel("t = n sqrt(eta)")
    ax[0, 0].set_ylabel("loss")
    ax[0, 0].set_title(f"{attrs['integrator']}, eta={attrs['eta']:g}, beta={attrs['beta']:g}")
    ax[0, 1].loglog(t[1:], np.maximum(nn["lin_gap"][1:], 1e-300), label="lin_gap")
    ax[0, 1].loglog(t[1:], np.maximum(nn["ntk_drift"][1:], 1e-300), label="ntk_drift")
    ax[0, 1].set_xlabel("t")
    ax[0, 1].legend()
    lam = np.asarray(nn["ntk_eigenvalues"])[::-1]
    ax[1, 0].loglog(np.arange(1, lam.size + 1), np.maximum(lam, 1e-300))
    ax[1, 0].set_xlabel("rank k")
    ax[1, 0].set_ylabel("NTK eigenvalue lambda_k")
    modes = nn["mode_amplitudes"]
    pred = inflanet_io.damped_mode(attrs["gamma"], attrs["c"] * nn["ntk_eigenvalues"], modes[0], t)
    n = lam.size
    for k in sorted({n - 1, n - 2, n - 5, n // 2} & set(range(n))):
        line, = ax[1, 1].plot(t, modes[:, k], label=f"k={n - k} (c lambda={attrs['c'] * nn['ntk_eigenvalues'][k]:.3g})")
        ax[1, 1].plot(t, pred[:, k], "--", color=line.get_color())
    ax[1, 1].set_xlabel("t")
    ax[1, 1].set_ylabel("a_k (solid: network, dashed: closed form)")
    ax[1, 1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main())
