#!/usr/bin/python3
"""Plot a coupled run's or an exact dual's duality.h5: the evidence for (or against) the duality (issue 9).

    plot_duality.py RUN_DIR [-o duality.png] [--clusters 4]
    plot_duality.py RUN_DIR --exact EXACT_DIR [-o quickstart.png]

With --exact (the quickstart's figure: .ci/quickstart, README) RUN_DIR is a coupled MLP run and EXACT_DIR the
exact dual of the same lattice (inputs/quickstart_exact.toml beside inputs/default.toml): one figure, three
systems on one mode set: (a) P per shell at t_end of the lattice, the exact dual and the MLP; (b) their
frequencies at t_end, omega^2 of the lattice, c lambda of each network; (c) P / P_lattice per shell at t_end;
(d) P / P_lattice over time in three shells. The exact dual follows the lattice to rounding (the duality where
it holds); the MLP's departure is its frequencies (the duality where it fails). The footer gives the MLP's
loss and ntk_drift and the velocity matching (duality.velocity_cut and the unmatched fraction).

Both systems are on ONE mode set: the inflaton band-limited to the sub-lattice's modes and sampled on its sites,
the network's residual f - y on the same sites, binned in the same shells (physics.md §5). Panels, in Hubble
units (k/H comoving, t H, omega^2/H^2; H the run's root attribute; code units when H = 0):
  (a) P(k) per shell at t0 and at t_end: P_lattice, P_network (trained) and P_network_lin (NTK-linearised).
      At t0 the three agree to rounding by construction; what they do by t_end is the comparison;
  (b) the dispersion relations: omega^2 = k^2/a^2 + V'' of the lattice at t0 and t_end against the network's
      c lambda per shell, with the spread of c lambda among a shell's modes drawn as a band labelled
      "anisotropy" (cubic anisotropy, not an error bar); shells whose frequencies agree within the file's
      frequency_tolerance (10%) are ringed; the fit the file says describes the network (kernel_form) is drawn;
  (c) the frequency ratio c lambda / omega^2 per shell at t0 and t_end with the +-10% band;
  (d) mode power per eigenspace cluster of Theta(0) over time against the file's prediction (linearised damped
      oscillators from the matched initial velocity), for the resolved clusters of largest initial power;
      clusters at rounding level (cluster_resolved = 0) are not plotted, and the title says how many.
      A coupled run with only the extremes of Theta(0)'s spectrum (ntk_spectrum = "extremes") has no
      eigenspaces: (d) then shows P_network / P_lattice per shell over time. The exact dual (a linear network
      whose kernel is the lattice operator) has no linearised copy and no anisotropy: (a) and (b) draw what it
      has, its c lambda per shell at t0 and t_end (the schedule makes it time-dependent), and (d) is the
      site-by-site difference max |r - phi_band| / max |phi_band| over time, the test of the whole chain.
A footer gives the calibration, the mean mode's c lambda against V'', the matched-shell counts, and H_eff,
labelled as what it is: an integrator consistency check, not evidence.
Exits with status 1 and a message on stderr when the file is missing or not of the contract.
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
    """Values with non-positive or non-finite entries as NaN (log axes)."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def hubble_units(attrs):
    """(H used as the unit, label suffix): the run's H, or 1 with a note when H is absent, zero or not finite."""
    h = attrs.get("H")
    if h is not None and math.isfinite(float(h)) and float(h) > 0:
        return float(h), ""
    return 1.0, " (code units: H = 0)"


class Units:
    def __init__(self, attrs):
        self.h, self.suffix = hubble_units(attrs)
        code = bool(self.suffix)
        self.k = "comoving $k$" + self.suffix if code else "comoving $k/H$"
        self.t = "$t$" + self.suffix if code else "$t H$"
        self.t_symbol = "$t$" if code else "$tH$"
        self.omega2 = "$\\omega^2$" + self.suffix if code else "$\\omega^2 / H^2$"
        self.per_h2 = "" if code else "/H^2"


def tolerance(attrs) -> float:
    return float(attrs.get("frequency_tolerance", 0.1))


def panel_spectra(ax, data, u: Units):
    """P per shell at t0 and t_end for the lattice, the trained network and the linearised network."""
    k = data["k"] / u.h
    shells = data["k"] > 0  # k = 0 is removed from the band (P = 0)
    last = data["time"].size - 1
    systems = (("P_lattice", "lattice $\\phi$ (band-limited)", "C0", "o", "-"),
               ("P_network", "network $f - y$ (trained)", "C3", "s", "--"),
               ("P_network_lin", "network, NTK-linearised", "C2", "^", ":"))
    for name, label, colour, marker, style in systems:
        if name not in data:  # the exact dual is linear: no NTK-linearised copy
            continue
        p = data[name]
        ax.loglog(k[shells], positive(p[0, shells]), style, color=colour, marker=marker, ms=6, mfc="none", lw=0.8,
                  alpha=0.6)
        ax.loglog(k[shells], positive(p[last, shells]), style, color=colour, marker=marker, ms=4, lw=1.5,
                  label=label)
    ax.plot([], [], "k-", marker="o", ms=6, mfc="none", lw=0.8, alpha=0.6,
            label=f"open, thin: $t_0$ ({u.t_symbol} = {data['time'][0] * u.h:.3g})")
    ax.plot([], [], "k-", marker="o", ms=4, lw=1.5,
            label=f"filled: $t_{{end}}$ ({u.t_symbol} = {data['time'][last] * u.h:.3g})")
    ratio = data["P_ratio"][last, shells]
    finite = ratio[np.isfinite(ratio)]
    spread = (f"; $P_{{net}}/P_{{lat}}$ at $t_{{end}}$: {finite.min():.3g} to {finite.max():.3g}" if finite.size
              else "")
    ax.set_xlabel(u.k)
    ax.set_ylabel("$P(k)$ (shell mean, code units)")
    ax.set_title("(a) power per shell on one mode set" + spread, fontsize=10)
    ax.legend(fontsize=7)


def kernel_fit_curve(attrs, k):
    """(curve, label) of the fit the file names in kernel_form over the shells it used, or None."""
    form = attrs.get("kernel_form")
    if form == "eft" and all(n in attrs for n in ("m_eff2", "c_eff2")):
        kk = np.linspace(0, float(attrs.get("eft_k_max", k.max())), 100)
        k4 = float(attrs.get("k4", 0.0)) if int(attrs.get("eft_terms", 2)) >= 3 else 0.0
        curve = attrs["m_eff2"] + attrs["c_eff2"] * kk**2 + k4 * kk**4
        label = (f"EFT fit (kernel_form) $m_{{eff}}^2 + c_{{eff}}^2 k^2${' + $k_4 k^4$' if k4 else ''}, "
                 f"{attrs.get('eft_shells', '?')} shells, rms rel. {attrs.get('eft_rms_relative', math.nan):.2g}")
        return kk, curve, label
    if form == "decaying" and all(n in attrs for n in ("decay_log_amplitude", "decay_slope")):
        kk = np.linspace(0, k.max(), 100)
        curve = np.exp(attrs["decay_log_amplitude"] + attrs["decay_slope"] * kk)
        exponent = f"{attrs['decay_log_amplitude']:.3g} {attrs['decay_slope']:+.3g} k"
        label = (f"decaying fit (kernel_form) $e^{{{exponent}}}$, "
                 f"rms rel. {attrs.get('decay_rms_relative', math.nan):.2g}")
        return kk, curve, label
    if form == "power_law" and all(n in attrs for n in ("power_log_amplitude", "power_exponent")):
        positive = k[k > 0]
        kk = np.linspace(positive.min(), float(attrs.get("eft_k_max", k.max())), 100)
        curve = np.exp(attrs["power_log_amplitude"]) * kk ** attrs["power_exponent"]
        label = (f"power-law fit (kernel_form) $k^{{{attrs['power_exponent']:.3g}}}$, "
                 f"{attrs.get('power_shells', '?')} shells, rms rel. {attrs.get('power_rms_relative', math.nan):.2g}")
        return kk, curve, label
    return None


def panel_dispersion(ax, data, attrs, u: Units):
    k = data["k"] / u.h
    u2 = u.h**2
    last = data["time"].size - 1
    w = data["omega2_lattice"]
    ax.semilogy(k, w[0] / u2, "-", color="C0", lw=1.8, label="lattice $k^2/a^2 + V''$ at $t_0$")
    ax.semilogy(k, w[last] / u2, "--", color="C9", lw=1.8,
                label=f"lattice at $t_{{end}}$ ($a$ = {data['a'][last]:.3g})")
    cl = np.asarray(data["omega2_network"])
    if cl.ndim == 2:  # the exact dual: c lambda_k g_k(t), one row per output time
        ax.semilogy(k, positive(cl[0]) / u2, "o", color="C3", ms=4, label="network $c\\,\\lambda$ per shell at $t_0$")
        ax.semilogy(k, positive(cl[last]) / u2, "s", color="C1", ms=4,
                    label="network $c\\,\\lambda$ per shell at $t_{end}$")
    else:
        spread = data["omega2_network_anisotropy"]
        ax.fill_between(k, positive(cl - spread) / u2, positive(cl + spread) / u2, color="C3", alpha=0.25, lw=0,
                        label="anisotropy (spread of $c\\lambda$ in a shell; not an error bar)")
        ax.semilogy(k, positive(cl) / u2, "o", color="C3", ms=4, label="network $c\\,\\lambda$ per shell")
    for row, colour, size, when in ((0, "k", 11, "$t_0$"), (last, "C1", 15, "$t_{end}$")):
        hit = data["matched"][row]
        row_cl = cl[row] if cl.ndim == 2 else cl
        ax.semilogy(k[hit], positive(row_cl[hit]) / u2, "o", mfc="none", mec=colour, ms=size, mew=1.2,
                    label=f"frequencies within {tolerance(attrs):.0%} at {when} ({int(hit.sum())} shells)")
    fit = kernel_fit_curve(attrs, data["k"])
    if fit is not None:
        ax.semilogy(fit[0] / u.h, positive(fit[1]) / u2, ":", color="0.3", lw=1.2, label=fit[2])
    if "V2" in attrs:
        ax.axhline(attrs["V2"] / u2, color="0.6", lw=0.6, ls="-.")
        ax.annotate(f"$V''$ = {attrs['V2'] / u2:.3g}", (k.max(), attrs["V2"] / u2), fontsize=7, ha="right",
                    va="bottom", color="0.4")
    ax.set_xlabel(u.k)
    ax.set_ylabel(u.omega2)
    ax.set_title("(b) dispersion relations: lattice $\\omega^2$ vs network $c\\lambda$", fontsize=10)
    ax.legend(fontsize=6.5)


def panel_ratio(ax, data, attrs, u: Units):
    k = data["k"] / u.h
    last = data["time"].size - 1
    tol = tolerance(attrs)
    ratio = data["omega2_ratio"]
    ax.axhspan(1 - tol, 1 + tol, color="C2", alpha=0.2, lw=0, label=f"$\\pm${tol:.0%}")
    ax.axhline(1.0, color="C2", lw=0.8)
    ax.semilogy(k, positive(ratio[0]), "o-", color="k", ms=4, label="$t_0$")
    ax.semilogy(k, positive(ratio[last]), "s--", color="C1", ms=4, label="$t_{end}$")
    counts = [int(data["matched"][row].sum()) for row in (0, last)]
    ax.set_xlabel(u.k)
    ax.set_ylabel("$c\\lambda / \\omega^2_{lattice}$")
    ax.set_title(f"(c) frequency ratio: {counts[0]} of {k.size} shells within {tol:.0%} at $t_0$, "
                 f"{counts[1]} at $t_{{end}}$", fontsize=10)
    ax.legend(fontsize=7)


def chosen_clusters(data, count: int):
    """Indices of up to `count` resolved clusters with the largest initial mode power, largest first."""
    resolved = np.flatnonzero(data["cluster_resolved"])
    power0 = data["mode_power"][0, resolved]
    order = np.argsort(-np.nan_to_num(power0, nan=-np.inf), kind="stable")
    return [int(j) for j in resolved[order[:count]]]


def panel_clusters(ax, data, attrs, u: Units, count: int):
    t = data["time"] * u.h
    power, prediction = data["mode_power"], data["mode_power_prediction"]
    size = data["cluster_size"]
    unresolved = ~data["cluster_resolved"]
    c = attrs.get("c")
    for j, cluster in enumerate(chosen_clusters(data, count)):
        colour = f"C{j}"
        label = f"cluster {cluster}: {int(size[cluster])} eigenvalue(s)"
        if c is not None:
            label += f", $c\\lambda{u.per_h2}$ = {c * data['cluster_lambda'][cluster] / u.h**2:.3g}"
        ax.semilogy(t, positive(power[:, cluster]), "o", ms=3.5, color=colour, label=label)
        ax.semilogy(t, positive(prediction[:, cluster]), "-", color=colour, lw=1.0)
    ax.plot([], [], "ko", ms=3.5, label="measured (trained network)")
    ax.plot([], [], "k-", label="prediction: linearised damped oscillators,\nmatched initial velocity")
    n_unres, values_unres = int(unresolved.sum()), int(size[unresolved].sum())
    ax.set_xlabel(u.t)
    ax.set_ylabel("power in the eigenspace cluster")
    title = f"(d) mode power per eigenspace cluster of $\\Theta(0)$ ({size.size} clusters)"
    if n_unres:
        title += (f"\n{n_unres} cluster(s) ({values_unres} eigenvalues) at rounding level: not resolved, "
                  "not plotted")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)


def panel_power_ratio(ax, data, u: Units):
    """P_network / P_lattice per shell over time (no eigenspaces to resolve: ntk_spectrum = "extremes")."""
    t = data["time"] * u.h
    k = data["k"] / u.h
    ratio = data["P_ratio"]
    for j in np.flatnonzero(data["k"] > 0):
        ax.semilogy(t, positive(ratio[:, j]), "o-", ms=3, lw=0.8, color=plt.cm.viridis(j / max(k.size - 1, 1)))
    mappable = plt.cm.ScalarMappable(cmap="viridis", norm=plt.Normalize(k.min(), k.max()))
    ax.figure.colorbar(mappable, ax=ax, label=u.k)
    ax.axhline(1.0, color="0.5", lw=0.8)
    ax.set_xlabel(u.t)
    ax.set_ylabel("$P_{network} / P_{lattice}$")
    ax.set_title("(d) power ratio per shell over time (ntk_spectrum = \"extremes\": no eigenspaces of "
                 "$\\Theta(0)$)", fontsize=10)


def panel_site_difference(ax, data, u: Units):
    """The exact dual's site-by-site difference from the band-limited inflaton over time."""
    t = data["time"] * u.h
    ax.semilogy(t, positive(data["max_site_difference"]), "o-", color="C3", ms=4)
    ax.set_xlabel(u.t)
    ax.set_ylabel("max$_{sites}$ |r - $\\phi_{band}$| / max |$\\phi_{band}$|")
    ax.set_title("(d) the exact dual against the band-limited inflaton, site by site", fontsize=10)


def footer_exact_dual(attrs) -> str:
    def num(name, fmt=".3g"):
        value = attrs.get(name)
        return "?" if value is None else format(value, fmt) if isinstance(value, (int, float)) else str(value)

    lines = [f"exact dual: a linear Fourier-feature readout, dispersion = {num('dispersion')}, schedule = "
             f"{num('schedule')}; eta = {num('eta', '.4g')}, beta = {num('beta', '.6g')} (gamma = {num('gamma', '.4g')}, "
             f"{num('subcycles', 'd')} network step(s) per lattice step)"]
    if "max_site_difference_t_end" in attrs:
        lines.append(f"max site difference {num('max_site_difference', '.3g')} over the run, "
                     f"{num('max_site_difference_t_end', '.3g')} at t_end; shells within {tolerance(attrs):.0%} at "
                     f"t_end: {num('matched_shells_t_end', 'd')} (with the lattice dispersion the frequency match is "
                     "by construction: a consistency check; the site difference is the test)")
    else:
        lines.append("no summary attributes: the run did not finish")
    return "\n".join(lines)


def footer(attrs) -> str:
    def num(name, fmt=".3g"):
        value = attrs.get(name)
        return "?" if value is None else format(value, fmt) if isinstance(value, (int, float)) else str(value)

    eigenmode = (f", eigenmode closest to uniform is rank {num('mean_mode_rank', 'd')} from the top (overlap "
                 f"{num('mean_mode_overlap', '.3f')})" if "mean_mode_rank" in attrs
                 else " (no eigenvectors: ntk_spectrum = extremes)")
    lines = [
        f"loss scale c = {num('c', '.4g')} (calibrate = {num('calibrate')}); mean mode: c$\\lambda$(k=0) = "
        f"{num('mean_mode_c_lambda', '.4g')} vs V'' = {num('V2', '.4g')}{eigenmode}; "
        f"initial velocity: {num('initial_velocity')} "
        f"(linearised mismatch {num('velocity_mismatch_linearised', '.2g')})"
    ]
    if "matched_shells_t0" in attrs:
        lines.append(
            f"shells within {tolerance(attrs):.0%}: {num('matched_shells_t0', 'd')} at t0, "
            f"{num('matched_shells_t_end', 'd')} at t_end; rms |ln(c$\\lambda/\\omega^2$)| = "
            f"{num('rms_log_mismatch_t0')} at t0; network kernel: {num('kernel_form')} "
            f"(EFT m_eff$^2$ = {num('m_eff2', '.3g')} $\\pm$ {num('m_eff2_err', '.2g')}, "
            f"rms rel. {num('eft_rms_relative', '.2g')}; "
            f"decay slope {num('decay_slope', '.3g')}, rms rel. {num('decay_rms_relative', '.2g')})")
        if "H_eff" in attrs and not math.isfinite(float(attrs["H_eff"])):
            why = ("no eigenmode to fit: ntk_spectrum = extremes" if attrs.get("ntk_spectrum") == "extremes"
                   else "the fit had no usable eigenmode")
            lines.append(f"H_eff (an integrator consistency check) not measured: {why}")
        elif "H_eff" in attrs:
            lines.append(f"integrator consistency check, not evidence: H_eff = {num('H_eff', '.6g')} $\\pm$ "
                         f"{num('H_eff_err', '.2g')} vs H = {num('H_dictionary', '.6g')} (an identity of the "
                         "integrator for any exact eigenmode)")
    else:
        lines.append("no summary attributes: the run did not finish")
    return "\n".join(lines)


def plot(run: Path, output: Path, clusters: int = 4) -> None:
    data = inflanet_io.load_duality(run)
    attrs = data["attrs"]
    if data["time"].size == 0:
        raise KeyError(f"'{run}' has no rows")
    u = Units(attrs)
    fig, axes = plt.subplot_mosaic([["a", "b"], ["c", "d"], ["text", "text"]], figsize=(15, 12),
                                   height_ratios=[1, 1, 0.13], layout="constrained")
    panel_spectra(axes["a"], data, u)
    panel_dispersion(axes["b"], data, attrs, u)
    panel_ratio(axes["c"], data, attrs, u)
    variant = data["variant"]
    if variant == "exact_dual":
        panel_site_difference(axes["d"], data, u)
    elif variant == "coupled_extremes":
        panel_power_ratio(axes["d"], data, u)
    else:
        panel_clusters(axes["d"], data, attrs, u, clusters)
    text = footer_exact_dual(attrs) if variant == "exact_dual" else footer(attrs)
    axes["text"].axis("off")
    axes["text"].text(0.0, 1.0, text, fontsize=8.5, va="top", ha="left", transform=axes["text"].transAxes)
    fig.suptitle(f"{run}: inflaton lattice and network on one mode set (match = {attrs.get('match', '?')}, "
                 f"N = {attrs.get('N', '?')}, M = {attrs.get('M', '?')})")
    fig.savefig(output, dpi=100)
    plt.close(fig)


def three_systems(run: Path, exact: Path):
    """(mlp, exact, network) data of the quickstart's figure; KeyError unless both share one mode set."""
    mlp, dual = inflanet_io.load_duality(run), inflanet_io.load_duality(exact)
    if dual["variant"] != "exact_dual":
        raise KeyError(f"'{exact}' is not an exact dual's duality.h5 (variant {dual['variant']})")
    if mlp["variant"] == "exact_dual":
        raise KeyError(f"'{run}' is an exact dual; the first directory is the MLP's run")
    if mlp["k"].shape != dual["k"].shape or not np.allclose(mlp["k"], dual["k"], rtol=1e-12):
        raise KeyError("the two runs do not share one mode set (their shells differ)")
    return mlp, dual, inflanet_io.load_network(run)


def plot_three(run: Path, exact: Path, output: Path) -> None:
    """The quickstart's figure: the lattice, the exact dual and the MLP side by side on one mode set."""
    mlp, dual, net = three_systems(run, exact)
    rows = min(mlp["time"].size, dual["time"].size)
    if rows == 0:
        raise KeyError("no rows")
    last = rows - 1
    u = Units(mlp["attrs"])
    k = mlp["k"] / u.h
    shells = mlp["k"] > 0
    lattice = mlp["P_lattice"]
    # The two runs evolve the same lattice field: their P_lattice agree to rounding (reported, not assumed).
    same = np.nanmax(np.abs(dual["P_lattice"][:rows, shells] - lattice[:rows, shells]) /
                     np.abs(lattice[:rows, shells]))
    fig, axes = plt.subplot_mosaic([["a", "b"], ["c", "d"], ["text", "text"]], figsize=(15, 12),
                                   height_ratios=[1, 1, 0.12], layout="constrained")
    systems = ((lattice, "lattice $\\phi$ (band-limited)", "C0", "o", "-"),
               (dual["P_network"], "exact dual (Fourier features, NTK = lattice operator)", "C2", "^", "--"),
               (mlp["P_network"], "MLP (relu, trained)", "C3", "s", ":"))
    ax = axes["a"]
    ax.loglog(k[shells], positive(lattice[0, shells]), "-", color="0.6", lw=0.8,
              label="all three at $t_0$ (equal by construction)")
    for p, label, colour, marker, style in systems:
        ax.loglog(k[shells], positive(p[last, shells]), style, color=colour, marker=marker, ms=5, mfc="none",
                  lw=1.4, label=label)
    ax.set_xlabel(u.k)
    ax.set_ylabel("$P(k)$ (shell mean, code units)")
    ax.set_title(f"(a) power per shell at $t_{{end}}$ ({u.t_symbol} = {mlp['time'][last] * u.h:.3g}) on one mode "
                 "set", fontsize=10)
    ax.legend(fontsize=7)

    ax = axes["b"]
    u2 = u.h**2
    ax.semilogy(k, positive(mlp["omega2_lattice"][last]) / u2, "-", color="C0", lw=1.8,
                label="lattice $k^2/a^2 + V''$ at $t_{end}$")
    cl_dual = np.asarray(dual["omega2_network"])
    cl_dual = cl_dual[min(last, cl_dual.shape[0] - 1)] if cl_dual.ndim == 2 else cl_dual
    ax.semilogy(k, positive(cl_dual) / u2, "^", color="C2", ms=7, mfc="none",
                label="exact dual $c\\lambda(k)\\,g_k(t)$ at $t_{end}$")
    ax.semilogy(k, positive(mlp["omega2_network"]) / u2, "s", color="C3", ms=5,
                label="MLP $c\\lambda$ per shell (fixed kernel)")
    ax.set_xlabel(u.k)
    ax.set_ylabel(u.omega2)
    ax.set_title("(b) frequencies: where they agree the network follows the field", fontsize=10)
    ax.legend(fontsize=7)

    ax = axes["c"]
    ax.axhline(1.0, color="0.5", lw=0.8)
    for p, label, colour, marker, style in systems[1:]:
        ax.semilogy(k[shells], positive(p[last, shells] / lattice[last, shells]), style, color=colour,
                    marker=marker, ms=5, label=label)
    ax.set_xlabel(u.k)
    ax.set_ylabel("$P / P_{lattice}$ at $t_{end}$")
    ax.set_title("(c) each network's power against the lattice's, shell by shell", fontsize=10)
    ax.legend(fontsize=7)

    ax = axes["d"]
    t = mlp["time"][:rows] * u.h
    picked = np.flatnonzero(shells)
    picked = picked[[0, picked.size // 2, picked.size - 1]] if picked.size >= 3 else picked
    for j, shell in enumerate(picked):
        colour = f"C{j + 4}"
        ax.semilogy(t, positive(mlp["P_network"][:rows, shell] / lattice[:rows, shell]), "s:", color=colour, ms=3,
                    label=f"MLP, $k/H$ = {k[shell]:.2f}")
        ax.semilogy(t, positive(dual["P_network"][:rows, shell] / lattice[:rows, shell]), "^--", color=colour,
                    ms=3, mfc="none", label=f"exact dual, $k/H$ = {k[shell]:.2f}")
    ax.set_xlabel(u.t)
    ax.set_ylabel("$P / P_{lattice}$")
    ax.set_title("(d) over time in three shells", fontsize=10)
    ax.legend(fontsize=7, ncol=2)

    a = mlp["attrs"]
    loss, drift = np.asarray(net.get("loss", [])), np.asarray(net.get("ntk_drift", []))
    cut = (f"matched only along eigenvalues above {a['velocity_cut']:.3g} lambda_max "
           f"(duality.velocity_cut; {int(a.get('velocity_cut_modes', 0))} modes left out, unmatched fraction of "
           f"|dphi/dt| {a.get('velocity_unmatched_fraction', math.nan):.3g})" if "velocity_cut" in a
           else "matched in every mode above rounding (no duality.velocity_cut)")
    lines = [f"MLP: loss {loss[0]:.4g} -> {loss[-1]:.4g}, ntk_drift at t_end {drift[-1]:.3g}; initial velocity "
             f"{cut}" if loss.size and drift.size else "MLP: no nn.h5 rows",
             f"exact dual: max site difference from the band-limited inflaton "
             f"{dual['attrs'].get('max_site_difference', math.nan):.3g} over the run; the two runs' P_lattice "
             f"agree to {same:.2g} (relative)"]
    axes["text"].axis("off")
    axes["text"].text(0.0, 1.0, "\n".join(lines), fontsize=9, va="top", ha="left",
                      transform=axes["text"].transAxes)
    fig.suptitle(f"the duality where it holds and where it fails: lattice, exact dual and MLP on one mode set "
                 f"(N = {a.get('N', '?')}, M = {a.get('M', '?')}; {run}, {exact})")
    fig.savefig(output, dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="run directory (or duality.h5)")
    parser.add_argument("-o", "--output", type=Path, default=Path("duality.png"), help="PNG to write")
    parser.add_argument("--clusters", type=int, default=4,
                        help="resolved eigenspace clusters (largest initial power) shown in panel (d)")
    parser.add_argument("--exact", type=Path, default=None,
                        help="an exact dual's run of the same lattice: draw the three systems side by side")
    args = parser.parse_args(argv)
    try:
        if args.exact is not None:
            plot_three(args.run, args.exact, args.output)
        else:
            plot(args.run, args.output, args.clusters)
    except (FileNotFoundError, OSError, KeyError) as error:
        print(f"plot_duality.py: error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
