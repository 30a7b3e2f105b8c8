#!/usr/bin/env python3
"""Plots a network run (nn.h5): loss, linearisation gap and NTK drift against time t = n sqrt(eta); the NTK
eigenvalue spectrum at t0; a few mode amplitudes a_k(t) against the damped-oscillator prediction
a'' + gamma a' + c lambda_k a = 0 with a'(0) = 0 (physics.md §4).

Also reads the nn.h5 of a coupled run (it has `sites`; t is the lattice's time, eta and beta the optimizer
actually run after sub-cycling). There the network starts with the inflaton's velocity unless the deck says
network.initial_velocity = "zero", so the a'(0) = 0 closed form does not apply and is not drawn: duality.h5's
mode_power_prediction (plot_duality.py) is the prediction with the matched velocity.

    python3 analysis/plot_network.py RUN_DIR -o network.png
"""

import argparse
import sys
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inflanet_io  # noqa: E402


def spectrum_and_modes(ax_spectrum, ax_modes, nn, attrs, t, at_rest):
    """Theta(0)'s eigenvalues by rank, and a few mode amplitudes against the a'(0) = 0 closed form."""
    lam = np.asarray(nn["ntk_eigenvalues"])[::-1]
    ax_spectrum.loglog(np.arange(1, lam.size + 1), np.maximum(lam, 1e-300))
    ax_spectrum.set_xlabel("rank k")
    ax_spectrum.set_ylabel("NTK eigenvalue lambda_k")
    modes = nn["mode_amplitudes"]
    pred = inflanet_io.damped_mode(attrs["gamma"], attrs["c"] * nn["ntk_eigenvalues"], modes[0], t)
    n = lam.size
    for k in sorted({n - 1, n - 2, n - 5, n // 2} & set(range(n))):
        line, = ax_modes.plot(t, modes[:, k], label=f"k={n - k} (c lambda={attrs['c'] * nn['ntk_eigenvalues'][k]:.3g})")
        if at_rest:
            ax_modes.plot(t, pred[:, k], "--", color=line.get_color())
    ax_modes.set_xlabel("t")
    if at_rest:
        ax_modes.set_ylabel("a_k (solid: network, dashed: closed form)")
    else:
        ax_modes.set_ylabel("a_k (network)")
        ax_modes.set_title("started with the inflaton's velocity: the a'(0) = 0 closed form does not apply\n"
                           "(see duality.h5 mode_power_prediction, plot_duality.py)", fontsize=8)
    ax_modes.legend(fontsize=7)


def residuals(ax, nn, t):
    """rms over the training points of the trained and the linearised residuals f - y, f_lin - y."""
    y = np.asarray(nn["y"]).reshape(1, -1)
    for name, style in (("f", "o-"), ("f_lin", "s--")):
        ax.semilogy(t, np.sqrt(np.mean((np.asarray(nn[name]) - y) ** 2, axis=1)), style, ms=3, label=f"{name} - y")
    ax.set_xlabel("t")
    ax.set_ylabel("rms residual over the training points")
    ax.legend()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="run directory or nn.h5")
    parser.add_argument("-o", "--output", default="network.png")
    args = parser.parse_args(argv)
    try:
        nn = inflanet_io.load_network(args.run)
    except (FileNotFoundError, OSError, KeyError) as error:
        print(f"plot_network.py: error: {error}", file=sys.stderr)
        return 1
    t, attrs = nn["time"], nn["attrs"]
    coupled = "sites" in nn
    try:
        network = tomllib.loads(attrs.get("deck", "")).get("network", {})
    except tomllib.TOMLDecodeError:
        network = {}
    at_rest = network.get("initial_velocity", "inflaton" if coupled else "zero") == "zero"
    fig, ax = plt.subplots(2, 2, figsize=(11, 8))
    ax[0, 0].semilogy(t, nn["loss"], label="loss")
    ax[0, 0].set_xlabel("t (the lattice's time)" if coupled else "t = n sqrt(eta)")
    ax[0, 0].set_ylabel("loss")
    title = f"{attrs['integrator']}, eta={attrs['eta']:g}, beta={attrs['beta']:g}"
    if coupled:
        title += f"\ncoupled run: {attrs.get('substeps', 1):g} sub-step(s) per step of the dictionary's " \
                 f"eta={attrs.get('eta_dictionary', float('nan')):g}"
    ax[0, 0].set_title(title, fontsize=9)
    for name in ("lin_gap", "ntk_drift"):  # zeros (rows where the NTK was not rebuilt) are left out, not clamped
        values = np.asarray(nn[name][1:], dtype=float)
        ax[0, 1].loglog(t[1:], np.where(values > 0, values, np.nan), "o-", ms=3, label=name)
    ax[0, 1].set_xlabel("t")
    ax[0, 1].legend()
    if "ntk_eigenvalues" in nn:
        spectrum_and_modes(ax[1, 0], ax[1, 1], nn, attrs, t, at_rest)
    else:  # network.ntk_spectrum = "extremes": Theta(0) was never diagonalised, so no eigenmodes to draw
        residuals(ax[1, 0], nn, t)
        ax[1, 1].axis("off")
        ax[1, 1].text(0.0, 0.9, "no eigendecomposition of Theta(0) in this file (network.ntk_spectrum = "
                      "\"extremes\"):\nno eigenvalue spectrum and no mode amplitudes; the extremes of the "
                      "spectrum\n(lambda_max, lambda_min_ritz) are duality.h5's attributes", fontsize=8, va="top")
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main())
