#!/usr/bin/python3
"""Plot a coupled run's duality.h5: the inflaton lattice and the network side by side (issue 6).

    plot_duality.py RUN_DIR [-o duality.png]

Panels, all in Hubble units (k/H comoving, t H, omega^2/H^2; H the run's root attribute):
  (a) Delta^2 = k^3 P / (2 pi^2) of the inflaton (P_lattice, solid) and of the network residual f - y
      (P_network, dashed) on the same k bins, coloured by t H;
  (b) the dispersion relations: omega2_lattice = k^2/a^2 + V'' at t0 and at the last row, omega2_network =
      c lambda(k) with its shell error bars, and the EFT fit m_eff^2 + c_eff^2 k^2 (+ k4 k^4);
  (c) transfer functions T = P(t)/P(t0) of a few bins, lattice (solid) and network (dashed, markers), against
      the damped-oscillator prediction for the network (dotted): |a(t)|^2 of a'' + gamma a' + omega2 a = 0 with
      omega2 = omega2_network of the bin, gamma the run's friction -ln(beta)/sqrt(eta), a(0) = 1, a'(0) = 0.
      That assumes every mode of a shell shares one eigenvalue (translation invariance, see the leakage),
      the network starts at rest (heavy ball with v = 0) and the network's clock is the file's `time`;
  (d) NTK mode power |a_k|^2 in the eigenbasis of Theta(0) against mode_power_prediction for a few modes;
  (e) leakage (translation-invariance defect) per bin;
  (f) the dictionary and fit attributes as text.
Panels whose datasets are absent say so. When H is 0 (Minkowski), axes fall back to code units.
Exits with status 1 and a message on stderr when the file is missing or unreadable.
"""

import argparse
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inflanet_io  # noqa: E402


def positive(values):
    """Values with non-positive entries as NaN (log axes)."""
    values = np.asarray(values, dtype=float)
    return np.where(values > 0, values, np.nan)


def pick(n: int, count: int) -> list:
    """Up to `count` distinct indices spread over range(n), first and last included."""
    if n <= 0:
        return []
    return sorted({int(round(i)) for i in np.linspace(0, n - 1, min(count, n))})


def missing(ax, names) -> None:
    ax.text(0.5, 0.5, "not in duality.h5:\n" + ", ".join(names), ha="center", va="center",
            transform=ax.transAxes, color="grey")


def transfer(data, name: str):
    """T_<name> from the file, else P_<name>(t)/P_<name>(t0) when P is there, else None."""
    if f"T_{name}" in data:
        return data[f"T_{name}"]
    if f"P_{name}" in data:
        p = data[f"P_{name}"]
        return p / np.where(p[0] != 0, p[0], np.nan)
    return None


def hubble_units(attrs):
    """(H used as the unit, label suffix): the run's H, or 1 with a note when H is absent, zero or not finite."""
    h = attrs.get("H")
    if h is not None and math.isfinite(float(h)) and float(h) > 0:
        return float(h), ""
    return 1.0, " (code units: H = 0)"


def axis_label(hubble: str, code: str, suffix: str) -> str:
    """An axis label: the Hubble-unit form, or the code-unit form with the note when H is not usable."""
    return hubble if not suffix else code + suffix


def panel_spectra(ax, data, unit, suffix, cmap, norm, tH):
    names = [n for n in ("P_lattice", "P_network") if n in data]
    if not names:
        missing(ax, ["P_lattice", "P_network"])
        return
    k = data["k"]
    for name, style in (("P_lattice", "-"), ("P_network", "--")):
        if name not in data:
            continue
        d2 = inflanet_io.delta2(k[None, :], data[name]) / unit**2
        for i in range(d2.shape[0]):
            ax.loglog(k / unit, positive(d2[i]), style, color=cmap(norm(tH[i])), lw=1.0, marker="o", ms=2)
    ax.plot([], [], "k-", label="lattice $\\phi$")
    ax.plot([], [], "k--", label="network $f - y$")
    ax.set_xlabel(axis_label("comoving $k/H$", "comoving $k$", suffix))
    ax.set_ylabel(axis_label("$\\Delta^2 / H^2$", "$\\Delta^2$", suffix))
    ax.set_title("(a) power spectra")
    ax.legend(fontsize=8)


def panel_dispersion(ax, data, attrs, unit, suffix):
    k = data["k"]
    tname, per_h2, times_h2 = ("$t$", "", "") if suffix else ("$tH$", "/H^2", " H^2")
    u2 = unit**2
    have = False
    if "omega2_lattice" in data:
        w = data["omega2_lattice"]
        ax.plot(k / unit, w[0] / u2, "-", color="C0", label=f"lattice $k^2/a^2 + V''$, {tname} = {data['time'][0] * unit:.3g}")
        ax.plot(k / unit, w[-1] / u2, "-", color="C9",
                label=f"lattice, {tname} = {data['time'][min(len(data['time']), w.shape[0]) - 1] * unit:.3g}")
        have = True
    if "omega2_network" in data:
        err = data.get("omega2_network_err")
        ax.errorbar(k / unit, data["omega2_network"] / u2, yerr=None if err is None else err / u2, fmt="o",
                    color="C3", ms=4, capsize=2, label="network $c\\,\\lambda(k)$")
        have = True
    if all(name in attrs for name in ("m_eff2", "c_eff2")):
        kk = np.linspace(0, k.max() * 1.05, 200)
        terms = int(attrs.get("eft_terms", 2))
        k4 = float(attrs.get("k4", 0.0)) if terms >= 3 else 0.0
        fit = attrs["m_eff2"] + attrs["c_eff2"] * kk**2 + k4 * kk**4
        label = (f"EFT: $m_{{eff}}^2{per_h2}$ = {attrs['m_eff2'] / u2:.4g} ± {attrs.get('m_eff2_err', np.nan) / u2:.2g}\n"
                 f"$c_{{eff}}^2$ = {attrs['c_eff2']:.4g} ± {attrs.get('c_eff2_err', np.nan):.2g}")
        if terms >= 3:
            label += f"\n$k_4{times_h2}$ = {k4 * u2:.3g} ± {attrs.get('k4_err', np.nan) * u2:.2g}"
        if "eft_chi2_per_dof" in attrs:
            label += f"\n$\\chi^2$/dof = {attrs['eft_chi2_per_dof']:.3g}"
        ax.plot(kk / unit, fit / u2, ":", color="k", label=label)
        have = True
    if not have:
        missing(ax, ["omega2_lattice", "omega2_network", "m_eff2", "c_eff2"])
        return
    ax.set_xlabel(axis_label("comoving $k/H$", "comoving $k$", suffix))
    ax.set_ylabel(axis_label("$\\omega^2 / H^2$", "$\\omega^2$", suffix))
    ax.set_yscale("symlog", linthresh=max(1e-3, float(np.nanmin(np.abs(data.get("omega2_network", [1.0])))) / u2))
    ax.set_title("(b) dispersion relations")
    ax.legend(fontsize=7)


def panel_transfer(ax, data, attrs, unit, suffix, bins):
    t = data["time"]
    tl, tn = transfer(data, "lattice"), transfer(data, "network")
    if tl is None and tn is None:
        missing(ax, ["T_lattice", "T_network"])
        return
    k = data["k"]
    prediction = None
    if "omega2_network" in data and "gamma" in attrs:
        tt = np.linspace(t[0], t[-1], 400)
        prediction = (tt, inflanet_io.damped_power(float(attrs["gamma"]), data["omega2_network"], tt - t[0]))
    for j, b in enumerate(bins):
        colour = f"C{j}"
        if tl is not None:
            ax.semilogy(t[: tl.shape[0]] * unit, positive(tl[:, b]), "-", color=colour, label=f"{'$k$' if suffix else '$k/H$'} = {k[b] / unit:.3g}")
        if tn is not None:
            ax.semilogy(t[: tn.shape[0]] * unit, positive(tn[:, b]), "--", marker="o", ms=3, color=colour)
        if prediction is not None:
            ax.semilogy(prediction[0] * unit, positive(prediction[1][:, b]), ":", color=colour, lw=1.2)
    ax.plot([], [], "k-", label="lattice")
    ax.plot([], [], "k--o", ms=3, label="network")
    if prediction is not None:
        ax.plot([], [], "k:", label="damped oscillator\n$a(0)=1$, $\\dot a(0)=0$")
    ax.set_xlabel(axis_label("$t H$", "$t$", suffix))
    ax.set_ylabel("$T = P(t)/P(t_0)$")
    ax.set_title("(c) transfer functions")
    ax.legend(fontsize=7)


def panel_modes(ax, data, attrs, unit, suffix, count):
    if "mode_power" not in data:
        missing(ax, ["mode_power"])
        return
    power = data["mode_power"]
    t = data["time"][: power.shape[0]]
    prediction = data.get("mode_power_prediction")
    eig = data.get("ntk_eigenvalues")
    n = power.shape[1]
    lname = "$c\\lambda$" if suffix else "$c\\lambda/H^2$"
    for j, m in enumerate(reversed(pick(n, count))):  # from the top (largest eigenvalue, nearly uniform) down
        colour = f"C{j}"
        label = f"mode {n - m} of {n}"
        if eig is not None and "c" in attrs:
            label += f", {lname} = {attrs['c'] * eig[m] / unit**2:.3g}"
        ax.semilogy(t * unit, positive(power[:, m]), "o", ms=3, color=colour, label=label)
        if prediction is not None:
            ax.semilogy(t * unit, positive(prediction[: power.shape[0], m]), "-", color=colour, lw=1.0)
    ax.plot([], [], "ko", ms=3, label="measured")
    if prediction is not None:
        ax.plot([], [], "k-", label="mode_power_prediction")
    ax.set_xlabel(axis_label("$t H$", "$t$", suffix))
    ax.set_ylabel("$|a_k|^2$ (eigenbasis of $\\Theta(0)$)")
    ax.set_title("(d) NTK mode power")
    ax.legend(fontsize=7)


def panel_leakage(ax, data, unit, suffix):
    if "leakage" not in data:
        missing(ax, ["leakage"])
        return
    ax.semilogy(data["k"] / unit, positive(data["leakage"]), "o-")
    ax.set_xlabel(axis_label("comoving $k/H$", "comoving $k$", suffix))
    ax.set_ylabel("leakage $\\|\\Theta u_k - \\lambda u_k\\| / \\|\\Theta\\|$")
    ax.set_title("(e) translation-invariance defect")


def panel_text(ax, attrs):
    ax.axis("off")

    def fmt(name, err=None):
        if name not in attrs:
            return f"{name}: absent"
        value = attrs[name]
        text = f"{name} = {value:.6g}" if isinstance(value, float) else f"{name} = {value}"
        if err and err in attrs:
            text += f" ± {attrs[err]:.2g}"
        return text

    lines = ["dictionary (physics.md §5)", fmt("match"), fmt("H"), fmt("step"), fmt("eta"), fmt("beta"),
             fmt("gamma"), fmt("rho_lambda"), fmt("c"), fmt("subcycles"),
             f"{fmt('N')}, {fmt('M')}, {fmt('L')}", "",
             "damping of the mean mode", fmt("mean_mode_gamma", "mean_mode_gamma_err"),
             fmt("H_eff", "H_eff_err"), fmt("H_dictionary")]
    if "H_eff" in attrs and attrs.get("H_dictionary"):
        lines.append(f"H_eff / H_dictionary - 1 = {attrs['H_eff'] / attrs['H_dictionary'] - 1:.2e}")
    ax.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=8, transform=ax.transAxes)
    ax.set_title("(f) run")


def plot(run: Path, output: Path, bins: int = 4, modes: int = 4) -> None:
    data = inflanet_io.load_duality(run)
    attrs = data["attrs"]
    unit, suffix = hubble_units(attrs)
    tH = data["time"] * unit
    cmap = plt.get_cmap("viridis")
    norm = matplotlib.colors.Normalize(vmin=tH.min(), vmax=max(tH.max(), tH.min() + 1e-12))
    fig, axes = plt.subplots(2, 3, figsize=(17, 10), layout="constrained")
    panel_spectra(axes[0, 0], data, unit, suffix, cmap, norm, tH)
    fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes[0, 0], label=axis_label("$t H$", "$t$", suffix))
    panel_dispersion(axes[0, 1], data, attrs, unit, suffix)
    panel_transfer(axes[0, 2], data, attrs, unit, suffix, pick(len(data["k"]), bins))
    panel_modes(axes[1, 0], data, attrs, unit, suffix, modes)
    panel_leakage(axes[1, 1], data, unit, suffix)
    panel_text(axes[1, 2], attrs)
    fig.suptitle(f"{run}: inflaton lattice and network (match = {attrs.get('match', '?')})")
    fig.savefig(output, dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="run directory (or duality.h5)")
    parser.add_argument("-o", "--output", type=Path, default=Path("duality.png"), help="PNG to write")
    parser.add_argument("--bins", type=int, default=4, help="k bins shown in the transfer-function panel")
    parser.add_argument("--modes", type=int, default=4, help="NTK eigenmodes shown in the mode-power panel")
    args = parser.parse_args(argv)
    try:
        plot(args.run, args.output, args.bins, args.modes)
    except (FileNotFoundError, OSError, KeyError) as error:
        print(f"plot_duality.py: error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
