#!/usr/bin/python3
"""Plot a multi-field run (decks with [[field]] tables): each field's spectrum and the run's diagnostics.

    plot_fields.py RUN_DIR [--out DIR] [--min-modes 10]

Reads RUN_DIR/resolved.toml (the field names, in deck order, and [potential]), RUN_DIR/timeseries.h5 and
RUN_DIR/spectra.h5, and writes into DIR (default RUN_DIR):

  fields_spectra.png     one panel per field X: Delta^2_X = k^3 P_X / (2 pi^2) against k / (a m) when [potential]
                         has a mass m (else comoving k), one curve per stored time, coloured by m t (else t);
                         with cross-spectra (output.cross_spectra) a last panel with the correlation
                         r(k) = P_X_Y / sqrt(P_X P_Y) of every pair at the last stored time;
  fields_timeseries.png  (a) ln a and H against time, (b) each field's box variance, (c) the energy fractions
                         rho_kin_X / rho, rho_grad_X / rho per field and rho_pot / rho, (d) the Friedmann
                         constraint violation |3 H^2 - rho| / rho ([background] kind = "friedmann"), else the
                         continuity residual and the energy error.

and prints a summary: per field the growth factor of its variance from the first to the last row and the time
of its fastest growth (largest d ln var / dt: least-squares slope over one inflaton period 2 pi / m when m is
known, between consecutive rows otherwise); the final a and constraint violation;
per field the shell whose power grew the most from the first to the last spectrum, with the factor.

Shells holding fewer than --min-modes lattice modes (the corner shells beyond the Nyquist sphere, down to the
single mode (N/2, N/2, N/2)) are left out of the plots and the summary: one real Gaussian mode's power can lie
anywhere, and its correlation r is +-1 by construction.

Times are m t and wavenumbers k / m when m is known (units of the deck otherwise). A directory of a
single-field run (no [[field]] in its deck) is refused: plot it with plot_timeseries.py and plot_spectra.py.
Exits with status 1 and a message on stderr when the files are missing, unreadable or not a multi-field run.
"""

import argparse
import itertools
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inflanet_io  # noqa: E402

SPECTRA_PNG = "fields_spectra.png"
TIMESERIES_PNG = "fields_timeseries.png"


def mass_of(deck):
    """[potential] m when it is given and positive, else None."""
    potential = deck.get("potential", {}) if isinstance(deck, dict) else {}
    m = potential.get("m")
    return float(m) if m is not None and float(m) > 0 else None


def load_run(run: Path, min_modes: float = 0) -> dict:
    """The timeseries (read_fields_timeseries) and the spectra of a multi-field run, spectra cut to the rows
    every dataset has; spectra['shells'] marks the shells used (k > 0, at least `min_modes` modes)."""
    out = inflanet_io.read_fields_timeseries(run)
    spectra = inflanet_io.load_spectra(run)
    nt = min([len(spectra[name]) for name in ("step", "time", "a")] + [len(v) for v in spectra["spectra"].values()])
    for name in ("step", "time", "a"):
        spectra[name] = spectra[name][:nt]
    spectra["spectra"] = {name: values[:nt] for name, values in spectra["spectra"].items()}
    missing = [f"P_{x}" for x in out["fields"] if f"P_{x}" not in spectra["spectra"]]
    if missing:
        raise KeyError(f"'{run}' spectra.h5 lacks {', '.join(missing)} (has {', '.join(spectra['spectra'])})")
    spectra["shells"] = (spectra["k"] > 0) & (spectra["counts"] >= min_modes)
    out["spectra"] = spectra
    out["m"] = mass_of(out["deck"])
    return out


def cross_pairs(fields, spectra) -> list:
    """(X, Y, name) of every stored cross-spectrum P_X_Y, X before Y in deck order."""
    return [(x, y, f"P_{x}_{y}") for x, y in itertools.combinations(fields, 2) if f"P_{x}_{y}" in spectra]


def correlation(k, p_x, p_y, p_xy):
    """r(k) = P_XY / sqrt(P_X P_Y) per shell (NaN at k = 0 and where P_X or P_Y is not positive)."""
    k, p_x, p_y, p_xy = (np.asarray(v, dtype=float) for v in (k, p_x, p_y, p_xy))
    good = (k > 0) & (p_x > 0) & (p_y > 0)
    r = np.full(k.shape, np.nan)
    r[good] = p_xy[good] / np.sqrt(p_x[good] * p_y[good])
    return r


def variance_growth(time, var, window=None) -> dict:
    """Growth of a variance series: the factor var[-1] / var[0], and the fastest growth: the largest slope
    d ln var / dt and the time where it occurs.

    With `window` (a time span; plot_fields uses one inflaton period 2 pi / m), the slope at each row is the
    least-squares slope of ln var over the rows within window / 2 of it (at least two rows), which averages out
    the oscillation of a resonantly growing variance within each burst; without, it is the slope between
    consecutive rows, placed at their midpoint. Rows with var <= 0 are left out of the slopes. NaN when no slope
    can be formed.
    """
    time = np.asarray(time, dtype=float)
    var = np.asarray(var, dtype=float)
    factor = float(var[-1] / var[0]) if len(var) and var[0] != 0 else float("nan")
    nan = {"factor": factor, "max_rate": float("nan"), "t_max_rate": float("nan")}
    keep = var > 0
    t, lv = time[keep], np.log(var[keep])
    if len(t) < 2:
        return nan
    if not window:
        dt = np.diff(t)
        ok = dt > 0
        if not ok.any():
            return nan
        rate = np.where(ok, np.diff(lv) / np.where(ok, dt, 1.0), -np.inf)
        i = int(np.argmax(rate))
        return {"factor": factor, "max_rate": float(rate[i]), "t_max_rate": float(0.5 * (t[i] + t[i + 1]))}
    # Least-squares slopes over sliding windows from cumulative sums (times shifted and scaled for accuracy).
    u = (t - t[0]) / window
    lo = np.searchsorted(t, t - 0.5 * window, side="left")
    hi = np.searchsorted(t, t + 0.5 * window, side="right")
    c1 = np.concatenate(([0.0], np.cumsum(u)))
    c2 = np.concatenate(([0.0], np.cumsum(u * u)))
    cl = np.concatenate(([0.0], np.cumsum(lv)))
    cul = np.concatenate(([0.0], np.cumsum(u * lv)))
    n = (hi - lo).astype(float)
    su, suu, sl, sul = c1[hi] - c1[lo], c2[hi] - c2[lo], cl[hi] - cl[lo], cul[hi] - cul[lo]
    denominator = suu - su * su / np.maximum(n, 1.0)
    ok = (n >= 2) & (denominator > 1e-14 * np.maximum(suu, 1e-300))
    if not ok.any():
        return nan
    slope = np.where(ok, (sul - su * sl / np.maximum(n, 1.0)) / np.where(ok, denominator, 1.0), -np.inf) / window
    i = int(np.argmax(slope))
    return {"factor": factor, "max_rate": float(slope[i]), "t_max_rate": float(t[i])}


def spectral_growth(k, P, shells=None) -> dict:
    """The shell (k > 0, in `shells` when given, positive power at both ends) whose power grew the most from the
    first to the last record: {'k': comoving k, 'index', 'factor': P[-1] / P[0]} (NaN when there is none)."""
    k = np.asarray(k, dtype=float)
    P = np.asarray(P, dtype=float)
    ok = (k > 0) & (P[0] > 0) & (P[-1] > 0)
    if shells is not None:
        ok &= np.asarray(shells, dtype=bool)
    if P.shape[0] < 1 or not ok.any():
        return {"k": float("nan"), "index": -1, "factor": float("nan")}
    ratio = np.where(ok, P[-1] / np.where(ok, P[0], 1.0), -np.inf)
    i = int(np.argmax(ratio))
    return {"k": float(k[i]), "index": i, "factor": float(ratio[i])}


def summarise(run_data: dict) -> dict:
    """The summary's numbers: {'fields': {X: {'var': variance_growth, 'spectrum': spectral_growth}}, 'a_final',
    'constraint_final', 'm', 't_final'} (times and rates in code units)."""
    columns = run_data["columns"]
    spectra = run_data["spectra"]
    out = {"m": run_data["m"], "fields": {}, "a_final": float(columns["a"][-1]),
           "t_final": float(columns["time"][-1]),
           "constraint_final": float(columns["constraint_violation"][-1]) if "constraint_violation" in columns
           else float("nan"),
           "a_spectrum_final": float(spectra["a"][-1]) if len(spectra["a"]) else float("nan")}
    for x in run_data["fields"]:
        window = 2 * np.pi / run_data["m"] if run_data["m"] else None
        out["fields"][x] = {"var": variance_growth(columns["time"], columns[f"{x}_var"], window),
                            "spectrum": spectral_growth(spectra["k"], spectra["spectra"][f"P_{x}"],
                                                         spectra.get("shells"))}
    return out


def format_summary(run: Path, summary: dict) -> str:
    m = summary["m"]
    t_unit, t_name, r_name = (m, "m t", "m") if m else (1.0, "t", "1/t")
    k_name = "m" if m else "(deck units)"
    lines = [f"{run}: {len(summary['fields'])} fields ({', '.join(summary['fields'])}), "
             f"{t_name} = {summary['t_final'] * t_unit:.6g} at the last row; growth rates are least-squares slopes "
             + ("of ln var over one inflaton period 2 pi/m" if m else "between consecutive rows")]
    for x, s in summary["fields"].items():
        v = s["var"]
        lines.append(f"  {x}: var grew by a factor {v['factor']:.9e} from the first to the last row; fastest growth "
                     f"d ln var/dt = {v['max_rate'] / t_unit:.4g} {r_name} at {t_name} = {v['t_max_rate'] * t_unit:.6g}")
    lines.append(f"  final a = {summary['a_final']:.9g}; final constraint violation |3H^2 - rho|/rho = "
                 f"{summary['constraint_final']:.3e}")
    for x, s in summary["fields"].items():
        g = s["spectrum"]
        k = g["k"] / m if m else g["k"]
        physical = g["k"] / (summary["a_spectrum_final"] * m) if m else g["k"] / summary["a_spectrum_final"]
        lines.append(f"  {x}: P_{x} grew most at comoving k = {k:.6g} {k_name} (k/a = {physical:.6g} {k_name} at the "
                     f"last spectrum), by a factor {g['factor']:.9e} from the first to the last spectrum")
    return "\n".join(lines)


def _positive(x, y):
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(y) & (y > 0)
    return np.asarray(x)[keep], y[keep]


def plot_spectra(run: Path, run_data: dict, output: Path) -> None:
    spectra, fields, m = run_data["spectra"], run_data["fields"], run_data["m"]
    k, a, time = spectra["k"], spectra["a"], spectra["time"]
    pairs = cross_pairs(fields, spectra["spectra"])
    t_unit, t_label = (m, r"$m\,t$") if m else (1.0, r"$t$")
    panels = len(fields) + (1 if pairs else 0)
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4.6), layout="constrained", squeeze=False)
    axes = axes[0]
    cmap = plt.get_cmap("viridis")
    tt = time * t_unit
    norm = matplotlib.colors.Normalize(vmin=tt.min() if len(tt) else 0.0,
                                       vmax=max(tt.max(), tt.min() + 1e-300) if len(tt) else 1.0)
    shells = spectra["shells"]
    for ax, x in zip(axes, fields):
        d2 = inflanet_io.delta2(k[None, :], spectra["spectra"][f"P_{x}"])
        for i in range(len(a)):
            kx = k / (a[i] * m) if m else k
            ax.loglog(*_positive(kx[shells], d2[i, shells]), "-", lw=1, color=cmap(norm(tt[i])))
        ax.set_xlabel(r"$k / (a m)$" if m else r"comoving $k$")
        ax.set_ylabel(rf"$\Delta^2_{{\{x}}}$" if x in ("phi", "chi", "psi", "sigma") else rf"$\Delta^2$ of {x}")
        ax.set_title(f"{x}: {len(a)} spectra")
    if pairs:
        ax = axes[-1]
        last = -1
        for x, y, name in pairs:
            r = correlation(k, spectra["spectra"][f"P_{x}"][last], spectra["spectra"][f"P_{y}"][last],
                            spectra["spectra"][name][last])
            good = np.isfinite(r) & shells
            kx = k / (a[last] * m) if m else k
            ax.semilogx(kx[good], r[good], "o-", ms=2.5, lw=1, label=f"{x}-{y}")
        ax.axhline(0.0, color="grey", lw=0.5)
        ax.set_ylim(-1.05, 1.05)
        ax.set_xlabel(r"$k / (a m)$" if m else r"comoving $k$")
        ax.set_ylabel(r"$r(k) = P_{XY} / \sqrt{P_X P_Y}$")
        when = f"{t_label} = {tt[last]:.4g}" if len(tt) else ""
        ax.set_title(f"correlation at the last time ({when})")
        ax.legend(fontsize="small")
    fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), ax=list(axes[:len(fields)]), label=t_label)
    potential = run_data["deck"].get("potential", {})
    fig.suptitle(f"{run}: {potential.get('kind', '')} " + ", ".join(f"{key} = {value:g}" for key, value in
                                                                     potential.items() if isinstance(value, float)))
    fig.savefig(output, dpi=100)
    plt.close(fig)


def plot_timeseries(run: Path, run_data: dict, output: Path) -> None:
    columns, fields, m = run_data["columns"], run_data["fields"], run_data["m"]
    background = str(run_data["deck"].get("background", {}).get("kind", ""))
    t_unit, t_label = (m, r"$m\,t$") if m else (1.0, r"$t$")
    x = columns["time"] * t_unit
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, axes = plt.subplots(2, 2, figsize=(13, 9), sharex=True, layout="constrained")
    (ax_a, ax_var), (ax_frac, ax_err) = axes

    ax_a.plot(x, np.log(columns["a"]), color="k", label=r"$\ln a$")
    ax_a.set_ylabel(r"$\ln a$")
    ax_h = ax_a.twinx()
    h_unit, h_label = (m, r"$H / m$") if m else (1.0, r"$H$")
    ax_h.semilogy(*_positive(x, columns["H"] / h_unit), color=colours[3], label=h_label)
    ax_h.set_ylabel(h_label, color=colours[3])
    ax_a.set_title(f"(a) expansion ({background or 'background'})")
    ax_a.legend(handles=ax_a.get_lines() + ax_h.get_lines(), fontsize="small", loc="center right")

    for i, name in enumerate(fields):
        ax_var.semilogy(*_positive(x, columns[f"{name}_var"]), color=colours[i % len(colours)],
                        label=rf"var({name})")
    ax_var.set_ylabel(r"box variance $\langle\delta X^2\rangle$")
    ax_var.set_title("(b) field variances")
    ax_var.legend(fontsize="small")

    rho = columns["rho"]
    for i, name in enumerate(fields):
        colour = colours[i % len(colours)]
        ax_frac.semilogy(*_positive(x, columns[f"rho_kin_{name}"] / rho), "-", color=colour, label=f"kinetic {name}")
        ax_frac.semilogy(*_positive(x, columns[f"rho_grad_{name}"] / rho), "--", color=colour,
                         label=f"gradient {name}")
    ax_frac.semilogy(*_positive(x, columns["rho_pot"] / rho), ":", color="k", label="potential (all fields)")
    ax_frac.set_ylabel(r"energy fraction $/\rho$")
    ax_frac.set_title("(c) energy fractions")
    ax_frac.legend(fontsize="small", ncol=2)
    ax_frac.set_xlabel(t_label)

    if background == "friedmann" and "constraint_violation" in columns:
        ax_err.semilogy(*_positive(x, np.abs(columns["constraint_violation"])), color="k")
        ax_err.set_ylabel(r"$|3H^2 - \rho| / \rho$")
        ax_err.set_title("(d) Friedmann constraint violation")
    else:
        for name, colour in (("continuity_residual", colours[0]), ("energy_error", colours[1])):
            if name in columns:
                ax_err.semilogy(*_positive(x, np.abs(columns[name])), color=colour, label=name.replace("_", " "))
        ax_err.set_ylabel("|residual|")
        ax_err.set_title("(d) continuity residual and energy error")
        ax_err.legend(fontsize="small")
    ax_err.set_xlabel(t_label)
    fig.suptitle(str(run))
    fig.savefig(output, dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="run directory of a multi-field run")
    parser.add_argument("--out", type=Path, default=None, help="directory for the PNGs (default: the run directory)")
    parser.add_argument("--min-modes", type=float, default=10,
                        help="leave out shells with fewer lattice modes than this (default 10)")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else args.run
    try:
        if not args.run.is_dir():
            raise FileNotFoundError(f"'{args.run}' is not a run directory")
        run_data = load_run(args.run, args.min_modes)
        if len(run_data["columns"]["time"]) == 0 or len(run_data["spectra"]["time"]) == 0:
            raise ValueError(f"'{args.run}' has no rows yet")
        out.mkdir(parents=True, exist_ok=True)
        plot_spectra(args.run, run_data, out / SPECTRA_PNG)
        plot_timeseries(args.run, run_data, out / TIMESERIES_PNG)
    except (FileNotFoundError, OSError, KeyError, ValueError) as error:
        print(f"plot_fields.py: error: {error}", file=sys.stderr)
        return 1
    print(format_summary(args.run, summarise(run_data)))
    print(f"wrote {out / SPECTRA_PNG} and {out / TIMESERIES_PNG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
