#!/usr/bin/python3
"""Plot an inflanet run's scalar diagnostics: energies, field variance and continuity residual.

    plot_timeseries.py RUN_DIR [-o timeseries.png]

Reads RUN_DIR/timeseries.h5 (or a timeseries file given directly). Axes are in Hubble units when the
deck gives a de Sitter H (time as H t = e-folds, energies / H^4, variance / H^2); otherwise in code
units. For a massless field in de Sitter the expected box variance (physics.md §2) is overlaid.
Exits with status 1 and a message on stderr when the files are missing or unreadable.
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


def hubble_of(deck):
    """The deck's de Sitter H, or None."""
    background = deck.get("background", {}) if isinstance(deck, dict) else {}
    kind = str(background.get("kind", background.get("type", ""))).lower().replace("-", "_")
    if kind in ("de_sitter", "desitter"):
        h = background.get("H", background.get("hubble"))
        return float(h) if h is not None else None
    return None


def plot(run: Path, output: Path) -> None:
    series = inflanet_io.load_timeseries(run)
    deck = {}
    try:
        deck = inflanet_io.read_deck(run if Path(run).is_dir() else Path(run))
    except (FileNotFoundError, ValueError, KeyError) as error:  # a run without a deck still plots
        print(f"plot_timeseries.py: warning: no usable deck ({error}); code units", file=sys.stderr)
    hubble = hubble_of(deck)
    massless = inflanet_io.massless_desitter_parameters(deck) if deck else None

    time = series["time"]
    if hubble is not None:
        x, xlabel = hubble * time, r"$H t$ (e-folds)"
        e_unit, e_label = hubble**4, r"$/H^4$"
        v_unit, v_label = hubble**2, r"$/H^2$"
    else:
        x, xlabel = time, r"$t$ (code units)"
        e_unit, e_label, v_unit, v_label = 1.0, " (code units)", 1.0, " (code units)"

    fig, axes = plt.subplots(3, 1, figsize=(7, 10), sharex=True)

    ax = axes[0]
    for name, style in (("rho_kin", "-"), ("rho_grad", "--"), ("rho_pot", ":"), ("rho", "-")):
        if name not in series:
            continue
        values = series[name] / e_unit
        positive = values > 0
        if not positive.any():
            ax.plot([], [], style, label=name.replace("_", " ") + " (≤ 0 throughout, not shown)")
            continue
        ax.plot(x[positive], values[positive], style, label=name.replace("_", " "), lw=2 if name == "rho" else 1)
    ax.set_yscale("log")
    ax.set_ylabel(r"energy density" + e_label)
    ax.legend(fontsize="small")
    ax.set_title(str(run))

    ax = axes[1]
    if "phi_var" in series:
        ax.plot(x, series["phi_var"] / v_unit, label=r"$\langle\delta\phi^2\rangle_{\rm box}$ (lattice)")
    if massless is not None and "a" in series:
        h, _ = massless
        lattice = deck.get("lattice", {})
        if "N" in lattice and "L" in lattice:
            expected = inflanet_io.expected_box_variance_massless(int(lattice["N"]), float(lattice["L"]),
                                                                  series["a"], h)
            ax.plot(x, expected / v_unit, "k--", label="massless de Sitter expectation")
    ax.set_ylabel(r"$\langle\delta\phi^2\rangle$" + v_label)
    ax.legend(fontsize="small")

    ax = axes[2]
    if "continuity_residual" in series:
        residual = np.abs(series["continuity_residual"])
        positive = residual > 0
        ax.semilogy(x[positive], residual[positive])
    ax.set_ylabel(r"continuity residual $|\Delta\rho|/\rho$")
    ax.set_xlabel(xlabel)

    fig.tight_layout()
    fig.savefig(output, dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="run directory (or timeseries.h5)")
    parser.add_argument("-o", "--output", type=Path, default=Path("timeseries.png"), help="PNG to write")
    args = parser.parse_args(argv)
    try:
        plot(args.run, args.output)
    except (FileNotFoundError, OSError, KeyError) as error:
        print(f"plot_timeseries.py: error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
