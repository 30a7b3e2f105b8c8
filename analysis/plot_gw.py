#!/usr/bin/python3
"""Plot the gravitational-wave spectrum of a run: Omega_GW(k) at the output times, and today's h^2 Omega_GW(f).

    plot_gw.py RUN_DIR [-o gw.png] [--colour a|time]

Reads RUN_DIR/gw_spectra.h5 (or a gw_spectra.h5 given directly; analysis/inflanet_io.py load_gw). Left:
Omega_GW = (1/rho) d rho_GW / d ln k against comoving k, one line per output time, coloured by the scale factor
(default) or the time. Right, when the file has its `today` group (a run with a physical scale): today's
h^2 Omega_GW,0 against the frequency f [Hz], assuming the late-universe history the group's attributes state
(w, e-folds, g_*; docs/gravitational_waves.md), as a plain log-log plot without detector sensitivities. Axis units
are the datasets' `units` attributes. Shells with zero power (k = 0) are left out of the log axes. Exits with
status 1 and a message on stderr when the file is missing or not in the gw_spectra.h5 layout.
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

COLOURINGS = ("a", "time")


def _unit(units: dict, name: str) -> str:
    """' [unit]' for a dataset, nothing for a dimensionless one."""
    text = units.get(name, "")
    return "" if text in ("", "1", "dimensionless") else f" [{text}]"


def _positive(x, y):
    keep = (np.asarray(x) > 0) & (np.asarray(y) > 0) & np.isfinite(x) & np.isfinite(y)
    return np.asarray(x)[keep], np.asarray(y)[keep]


def make_figure(data: dict, title: str, colour: str = "a"):
    """The figure of one gw_spectra.h5 (as load_gw returns it): one panel, or two with today's spectrum."""
    if colour not in COLOURINGS:
        raise ValueError(f"colour by one of {', '.join(COLOURINGS)}, not '{colour}'")
    units, today = data["units"], data["today"]
    fig, axes = plt.subplots(1, 2 if today is not None else 1, figsize=(12 if today is not None else 6.5, 5),
                             layout="constrained", squeeze=False)
    axes = axes[0]
    values = np.asarray(data[colour], dtype=float)
    if colour == "a" and len(values) and values.min() > 0:
        norm = matplotlib.colors.LogNorm(vmin=values.min(), vmax=max(values.max(), values.min() * (1 + 1e-12)))
    else:
        lo = values.min() if len(values) else 0.0
        norm = matplotlib.colors.Normalize(vmin=lo, vmax=max(values.max() if len(values) else 1.0, lo + 1e-300))
    cmap = plt.get_cmap("viridis")
    k = data["k"]
    for i in range(len(values)):
        x, y = _positive(k, data["omega_gw"][i])
        if len(x):
            axes[0].loglog(x, y, "o-", ms=2.5, lw=1, color=cmap(norm(values[i])))
    axes[0].set_xlabel("comoving $k$" + _unit(units, "k"))
    axes[0].set_ylabel(r"$\Omega_{\rm GW} = \rho^{-1}\, d\rho_{\rm GW} / d\ln k$" + _unit(units, "omega_gw"))
    axes[0].set_title("at the output times")
    label = "scale factor $a$" if colour == "a" else "time $t$"
    fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes[0],
                 label=label + _unit(units, colour))
    if today is not None:
        x, y = _positive(today["frequency_Hz"], today["h2_omega_gw"])
        axes[1].loglog(x, y, "o-", ms=2.5, lw=1, color="black")
        axes[1].set_xlabel("frequency today $f$" + _unit(today["units"], "frequency_Hz"))
        axes[1].set_ylabel(r"$h^2\, \Omega_{\rm GW,0}(f)$" + _unit(today["units"], "h2_omega_gw"))
        a = today["attrs"]
        axes[1].set_title(f"today: w = {a['w']:.4g} for {a['efolds']:.4g} e-folds, then radiation "
                          f"(g* = {a['g_star']:.5g})", fontsize=10)
    fig.suptitle(title)
    return fig


def plot(run: Path, output: Path, colour: str = "a") -> None:
    data = inflanet_io.load_gw(run)
    fig = make_figure(data, f"{run}: gravitational waves", colour)
    fig.savefig(output, dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="run directory (or gw_spectra.h5)")
    parser.add_argument("-o", "--output", type=Path, default=Path("gw.png"), help="PNG to write")
    parser.add_argument("--colour", choices=COLOURINGS, default="a",
                        help="colour the output times by the scale factor (default) or the time")
    args = parser.parse_args(argv)
    try:
        plot(args.run, args.output, args.colour)
    except (FileNotFoundError, OSError, KeyError, ValueError) as error:
        print(f"plot_gw.py: error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
