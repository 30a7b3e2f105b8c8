#!/usr/bin/python3
"""Plot Delta^2(k) of phi at each stored time, coloured by the scale factor.

    plot_spectra.py RUN_DIR [-o spectra.png] [--spectrum P_phi]

Reads RUN_DIR/spectra.h5 (or a spectra file given directly). Left: Delta^2 = k^3 P / (2 pi^2) against
comoving k / H; right: against k / (a H) (physical wavenumber over the Hubble rate). For a massless
field in de Sitter the Bunch-Davies expectation (H/2pi)^2 (1 + (k/aH)^2) is overlaid (dashed, same
colour). Delta^2 is shown in units of H^2. Exits with status 1 and a message on stderr when the files
are missing or unreadable.
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
from plot_timeseries import hubble_of  # noqa: E402


# LaTeX symbol of the field whose spectrum a dataset holds.
FIELD_SYMBOLS = {"P_phi": r"\phi", "P_phidot": r"\dot\phi"}


def plot(run: Path, output: Path, spectrum: str) -> None:
    data = inflanet_io.load_spectra(run)
    if spectrum not in data["spectra"]:
        raise KeyError(f"no spectrum '{spectrum}' in {run} (has {', '.join(data['spectra'])})")
    deck = {}
    try:
        deck = inflanet_io.read_deck(run)
    except (FileNotFoundError, ValueError) as error:
        print(f"plot_spectra.py: warning: no usable deck ({error}); code units", file=sys.stderr)
    hubble = hubble_of(deck)
    massless = inflanet_io.massless_desitter_parameters(deck) if deck else None
    h = hubble if hubble is not None else 1.0
    unit = "" if hubble is not None else " (code units, H = 1 assumed)"

    k, a = data["k"], data["a"]
    d2 = inflanet_io.delta2(k[None, :], data["spectra"][spectrum])
    norm = matplotlib.colors.LogNorm(vmin=a.min(), vmax=max(a.max(), a.min() * (1 + 1e-12)))
    cmap = plt.get_cmap("viridis")

    fig, axes = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
    for i in range(len(a)):
        colour = cmap(norm(a[i]))
        for ax, x in ((axes[0], k / h), (axes[1], k / (a[i] * h))):
            ax.loglog(x, d2[i] / h**2, "o-", ms=3, color=colour)
            if massless is not None:
                ax.loglog(x, inflanet_io.massless_desitter_delta2(k, a[i], massless[0]) / h**2, "--",
                          color=colour, lw=0.8)
    axes[0].set_xlabel(r"comoving $k / H$" + unit)
    axes[1].set_xlabel(r"$k / (a H)$")
    for ax in axes:
        ax.set_ylabel(rf"$\Delta^2_{{{FIELD_SYMBOLS.get(spectrum, spectrum)}}} / H^2$")
        ax.axhline((1 / (2 * np.pi)) ** 2, color="grey", lw=0.5)
    axes[1].axvline(1.0, color="grey", lw=0.5)
    title = f"{run}: {spectrum}"
    if massless is not None:
        title += " (dashed: massless Bunch-Davies)"
    fig.suptitle(title)
    fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, label="scale factor a")
    fig.savefig(output, dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="run directory (or spectra.h5)")
    parser.add_argument("-o", "--output", type=Path, default=Path("spectra.png"), help="PNG to write")
    parser.add_argument("--spectrum", default="P_phi", help="dataset to plot (default P_phi)")
    args = parser.parse_args(argv)
    try:
        plot(args.run, args.output, args.spectrum)
    except (FileNotFoundError, OSError, KeyError) as error:
        print(f"plot_spectra.py: error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
