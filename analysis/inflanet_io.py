"""Readers for inflanet's output files and the analytic de Sitter expectations they are compared with.

Run directory layout (files written by rank 0 of the C++ code, see include/inflanet/io/):

    RUN_DIR/timeseries.h5   one 1-D dataset per column (step int64, time, a, phi_var, rho, ...)
    RUN_DIR/spectra.h5      k[nk], counts[nk], step/time/a[nt], <name>[nt, nk] (P_phi, P_phidot, ...)
    multi-field run ([[field]] tables in the deck, src/app/lattice_run.cpp): timeseries.h5 has step, time, a, H,
                            rho_kin, rho_grad, rho_pot, rho, p, constraint_violation, continuity_residual,
                            energy_error, then per field X: X_mean, X_var, Xdot_mean, Xdot_var, rho_kin_X,
                            rho_grad_X; spectra.h5 has P_X, P_Xdot per field and P_X_Y (Re<X~ Y~*>, X before Y in
                            deck order) per pair with output.cross_spectra
    RUN_DIR/duality.h5      coupled run (issue 9): both systems on the sub-lattice's shells k[nk]: P_lattice,
                            P_network(_lin), P_ratio, T_*, omega2_lattice, omega2_ratio, matched [nt, nk];
                            c lambda per shell omega2_network[nk] (+ its anisotropy); mode_power and its
                            prediction per eigenspace cluster of Theta(0) [nt, nc]; calibration, EFT and
                            decaying-kernel fits and the integrator check H_eff as root attributes
    RUN_DIR/nn.h5           network (network-only run, or coupled run with sites[N, 3] and *_dictionary)
    RUN_DIR/gw_spectra.h5   gravitational waves (issue 21): k[nk], time/a/rho/rho_gw[nt], drho_gw_dlnk and
                            omega_gw [nt, nk], each dataset with a `units` attribute; group `today` (f [Hz] and
                            h^2 Omega_GW,0 per shell) when the run has a physical scale
    RUN_DIR/resolved.toml   the fully resolved deck (also stored as each file's `deck` attribute)
    RUN_DIR/data_<step>.h5  field snapshots, openPMD 1.1.0 fileBased: /data/<step>/meshes/{phi,phidot},
                            float64 [N][N][N] in C order [x][y][z], value at [i][j][k] = field(i dx, j dx, k dx)

Spectrum normalisation (stored in spectra.h5 as the `normalisation` attribute, physics.md §1):
    P(k_n) = L^3 <|f~_n|^2> / N^6 with f~_n = sum_x f(x) exp(-i k.x),
    <df^2>_box = (1/L^3) sum_{n != 0} P(k_n),   Delta^2 = k^3 P / (2 pi^2),
    k = mean |k| of the modes in the shell (comoving).

No simulation logic lives here; this module only reads files and evaluates closed forms.
Run with Debian's /usr/bin/python3, which sees python3-h5py and python3-numpy.
"""

from __future__ import annotations

import math
import os
import tomllib
from pathlib import Path

import h5py
import numpy as np

TIMESERIES_NAME = "timeseries.h5"
SPECTRA_NAME = "spectra.h5"
DECK_NAME = "resolved.toml"
NETWORK_NAME = "nn.h5"
DUALITY_NAME = "duality.h5"
GW_NAME = "gw_spectra.h5"

# duality.h5 (issue 9's contract), in three variants that the file itself names (duality_variant):
#   "coupled"          the coupled run with the whole Theta(0) eigendecomposition (network.ntk_spectrum = "full",
#                      src/app/coupled_run.cpp): every dataset below;
#   "coupled_extremes" the coupled run with only the extremes of Theta(0)'s spectrum (ntk_spectrum = "extremes",
#                      Lanczos): no eigenvalues, hence no eigenspace clusters and no per-cluster mode power;
#   "exact_dual"       the exact dual (root attribute run = "exact_dual", src/app/exact_dual_run.cpp): a linear
#                      network, so no linearised copy, no anisotropy or leakage (its kernel is diagonal in the
#                      modes), and the site-by-site difference max_site_difference [nt] instead.
# Each writer creates all of its variant's datasets when the run starts, so a file lacking one is from another
# contract or not from these runs.
DUALITY_FIXED = ("k", "k2_mean", "counts", "omega2_network", "omega2_network_anisotropy", "leakage", "ntk_eigenvalues",
                 "cluster_first", "cluster_lambda", "cluster_size", "cluster_resolved")
DUALITY_AXES = ("step", "time", "a")
DUALITY_PER_SHELL = ("P_lattice", "P_network", "P_network_lin", "P_ratio", "T_lattice", "T_network",
                     "omega2_lattice", "omega2_ratio", "matched")  # [nt, nk]
DUALITY_PER_CLUSTER = ("mode_power", "mode_power_prediction")  # [nt, nc]: eigenspace clusters of Theta(0)
DUALITY_REQUIRED = DUALITY_FIXED + DUALITY_AXES + DUALITY_PER_SHELL + DUALITY_PER_CLUSTER
DUALITY_EIGENSPACE = ("ntk_eigenvalues", "cluster_first", "cluster_lambda", "cluster_size", "cluster_resolved")
DUALITY_NOT_IN_EXACT_DUAL = ("omega2_network_anisotropy", "leakage", "P_network_lin") + DUALITY_EIGENSPACE \
    + DUALITY_PER_CLUSTER
DUALITY_VARIANTS = {
    "coupled": DUALITY_REQUIRED,
    "coupled_extremes": tuple(n for n in DUALITY_REQUIRED if n not in DUALITY_EIGENSPACE + DUALITY_PER_CLUSTER),
    "exact_dual": tuple(n for n in DUALITY_REQUIRED if n not in DUALITY_NOT_IN_EXACT_DUAL)
    + ("max_site_difference",),
}
# Row datasets of each variant ([nt] or [nt, ...]), cut to a common length on reading.
DUALITY_ROWS = DUALITY_AXES + DUALITY_PER_SHELL + DUALITY_PER_CLUSTER + ("max_site_difference",)


def duality_variant(attrs: dict) -> str:
    """Which of DUALITY_VARIANTS a duality.h5 is, from its root attributes (strings decoded)."""
    if attrs.get("run") == "exact_dual":
        return "exact_dual"
    return "coupled_extremes" if attrs.get("ntk_spectrum") == "extremes" else "coupled"


# Datasets of the previous contract (issue 6) whose meaning changed: a file with them is refused, not misread.
DUALITY_RETIRED = ("omega2_network_err",)
# Root attributes written when the run starts, and those written by its summary (absent if the run stopped early).
DUALITY_ATTRIBUTES = ("deck", "code_version", "git_commit", "created", "software", "normalisation", "match", "H",
                      "step", "eta", "beta", "gamma", "rho_lambda", "c", "calibrate", "L", "N", "M", "subcycles",
                      "lattice_substeps", "eta_run", "beta_run", "h_run", "stability_bound_run",
                      "eta_c_lambda_max_run", "band", "V2", "mean_mode_c_lambda", "mean_mode_eigen_c_lambda",
                      "mean_mode_rank", "mean_mode_overlap", "initial_velocity", "velocity_mismatch_linearised",
                      "velocity_mismatch_trained", "velocity_unreachable_fraction", "velocity_unreachable_modes",
                      "cluster_tolerance", "cluster_resolution", "frequency_tolerance", "embedding",
                      "preactivation_variance_q")
DUALITY_SUMMARY_ATTRIBUTES = ("rms_log_mismatch_t0", "matched_shells_t0", "rms_log_mismatch_t_end",
                              "matched_shells_t_end", "eft_weights", "eft_shells", "eft_k_max", "m_eff2",
                              "m_eff2_err", "c_eff2", "c_eff2_err", "k4", "k4_err", "eft_terms", "eft_chi2_per_dof",
                              "eft_rms_relative", "decay_log_amplitude", "decay_slope", "decay_rms_relative",
                              "decay_shells", "kernel_form", "H_eff", "H_eff_err", "H_dictionary", "H_eff_mode",
                              "H_eff_note", "ntk_drift_t_end", "max_abs_log_P_ratio_t_end")
# The power-law description and the three-way comparison of forms (issue 12); older files lack them.
DUALITY_KERNEL_FORM_ATTRIBUTES = ("power_log_amplitude", "power_exponent", "power_rms_relative", "power_shells",
                                  "kernel_form_shells", "kernel_form_rms_eft", "kernel_form_rms_decaying",
                                  "kernel_form_rms_power_law")
# The calibrations of the loss scale c (physics.md §5, duality.calibrate). A coupled run reports the frequency
# match under every one of them as <name>_<calibration> (DUALITY_PER_CALIBRATION); a run of an older binary
# reports it only under its own calibration (attribute `calibrate`), as <name>. duality_calibrations() reads both.
CALIBRATIONS = ("none", "background", "spectrum")
DUALITY_PER_CALIBRATION = ("matched_shells_t0", "matched_shells_t_end", "rms_log_mismatch_t0", "rms_log_mismatch_t_end",
                           "c")
# Summary attributes that not every binary writes (absent: the readers below fall back, never fail).
DUALITY_OPTIONAL_ATTRIBUTES = (tuple(f"{name}_{cal}" for name in DUALITY_PER_CALIBRATION for cal in CALIBRATIONS)
                               + ("lin_gap_t_end",) + DUALITY_KERNEL_FORM_ATTRIBUTES)


def _decode(value):
    """HDF5 attributes as plain Python values: fixed-length strings arrive as numpy bytes."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("ascii")
    if isinstance(value, np.ndarray) and value.shape == ():
        return value.item()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _attrs(h5obj) -> dict:
    return {name: _decode(value) for name, value in h5obj.attrs.items()}


def _resolve(path_or_dir, file_name: str) -> Path:
    """`path_or_dir` itself if it is a file, else `path_or_dir/file_name`; FileNotFoundError if absent."""
    path = Path(path_or_dir)
    if path.is_dir():
        path = path / file_name
    if not path.is_file():
        raise FileNotFoundError(f"no inflanet output file at '{path}'")
    return path


def load_timeseries(path_or_dir) -> dict:
    """Reads timeseries.h5 (or the given file): {column: 1-D numpy array, ..., 'attrs': {...}}.

    Columns keep the file's order (root attribute `columns` when present). `step` is int64, the
    rest float64. 'attrs' holds the root attributes as str/float/int (deck, code_version,
    git_commit, created, ...).
    """
    path = _resolve(path_or_dir, TIMESERIES_NAME)
    with h5py.File(path, "r") as f:
        attrs = _attrs(f)
        order = attrs.get("columns", "").split(",") if attrs.get("columns") else list(f.keys())
        data = {name: f[name][()] for name in order if name in f}
        data.update({name: f[name][()] for name in f.keys() if name not in data})
    data["attrs"] = attrs
    return data


def load_spectra(path_or_dir) -> dict:
    """Reads spectra.h5 (or the given file).

    Returns {'k': [nk], 'counts': [nk], 'step': [nt] int64, 'time': [nt], 'a': [nt],
    'spectra': {name: [nt, nk]}, 'attrs': {normalisation, L, N, deck, ...}}.
    k is comoving, in units of 1/length of L.
    """
    path = _resolve(path_or_dir, SPECTRA_NAME)
    fixed = ("k", "counts", "step", "time", "a")
    with h5py.File(path, "r") as f:
        attrs = _attrs(f)
        names = attrs["spectra"].split(",") if attrs.get("spectra") else [n for n in f if n not in fixed]
        out = {name: f[name][()] for name in fixed}
        out["spectra"] = {name: f[name][()] for name in names}
    out["attrs"] = attrs
    return out


def load_network(path_or_dir) -> dict:
    """Reads nn.h5 of a network run (or the given file), issue 5's contract.

    Returns {'x': [N, d], 'y': [N], 'ntk': [N, N] (Theta at t0), 'ntk_eigenvalues': [N] (ascending),
    'step': [nt] int64, 'time': [nt] (t = n sqrt(eta)), 'loss', 'ntk_drift', 'lin_gap': [nt],
    'f', 'f_lin', 'mode_amplitudes': [nt, N] (a_k = u_k . (f - y), eigenbasis of Theta(0)),
    'weights' / 'weights_final': {'W0': [n_out, n_in], 'b0': [n_out], ..., 'attrs': {...}},
    'attrs': {eta, beta, c, gamma, integrator, dataset, deck, ...}}.
    """
    path = _resolve(path_or_dir, NETWORK_NAME)
    out = {}
    with h5py.File(path, "r") as f:
        for name, item in f.items():
            if isinstance(item, h5py.Group):
                group = {key: item[key][()] for key in item}
                group["attrs"] = _attrs(item)
                out[name] = group
            else:
                out[name] = item[()]
        out["attrs"] = _attrs(f)
    return out


def load_duality(path_or_dir) -> dict:
    """Reads duality.h5 of a coupled run or an exact dual (or the given file), issue 9's contract.

    Both systems are on one mode set: the inflaton band-limited to the sub-lattice's modes and sampled on its M^3
    sites, the network's residual on the same sites, binned in the same shells. Returns

      fixed:     'k', 'counts', 'omega2_network' (c lambda per shell), 'omega2_network_anisotropy' (spread of
                 c lambda among a shell's modes: cubic anisotropy, not an error bar), 'leakage': [nk];
                 'ntk_eigenvalues': [N] (ascending); 'cluster_first': [nc + 1] int64 (cluster j holds the
                 eigenvalues cluster_first[j]:cluster_first[j+1]), 'cluster_lambda', 'cluster_size': [nc],
                 'cluster_resolved': [nc] bool (False: eigenvalues at rounding level, dynamics not resolved);
      rows:      'step' [nt] int64, 'time', 'a' [nt];
                 'P_lattice', 'P_network', 'P_network_lin', 'P_ratio' (NaN at k = 0), 'T_lattice', 'T_network',
                 'omega2_lattice' (k^2/a^2 + V''), 'omega2_ratio' (c lambda / omega2_lattice): [nt, nk] float;
                 'matched': [nt, nk] bool (|omega2_ratio - 1| <= frequency_tolerance);
                 'mode_power', 'mode_power_prediction': [nt, nc] (per eigenspace cluster);
      'attrs':   the root attributes with strings decoded (DUALITY_ATTRIBUTES, and DUALITY_SUMMARY_ATTRIBUTES
                 once the run has finished, with DUALITY_OPTIONAL_ATTRIBUTES where the binary writes them: see
                 duality_calibrations; the attribute `step` is the time step h, unrelated to the dataset).

      'variant': "coupled", "coupled_extremes" or "exact_dual" (duality_variant). Only the full coupled run has
                 every dataset above; the others have those of DUALITY_VARIANTS[variant] (the exact dual adds
                 'max_site_difference' [nt]: max over sites |r - phi_band| / max |phi_band|, and its
                 'omega2_network' is a row dataset [nt, nk], c lambda_k g_k(t) with the schedule g_k).

    Row datasets are cut to the rows every one of them has (a run stopped mid-append). Any other dataset of the
    file is returned as stored. Raises FileNotFoundError when there is no file and KeyError when a dataset of
    the file's variant is missing or the file is of the retired contract (omega2_network_err).
    """
    path = _resolve(path_or_dir, DUALITY_NAME)
    out = {}
    with h5py.File(path, "r") as f:
        retired = [name for name in DUALITY_RETIRED if name in f]
        if retired:
            raise KeyError(f"'{path}' is of the retired duality.h5 contract (has {', '.join(retired)}; no "
                           "eigenspace clusters, aliased spectra): rerun the coupled run")
        attrs = _attrs(f)
        variant = duality_variant(attrs)
        missing = [name for name in DUALITY_VARIANTS[variant] if name not in f]
        if missing:
            raise KeyError(f"'{path}' lacks the dataset(s) {', '.join(missing)} of the duality.h5 contract "
                           f"({variant} variant)")
        for name, item in f.items():
            if isinstance(item, h5py.Dataset):
                out[name] = item[()]
        out["attrs"] = attrs
    out["variant"] = variant
    rows = [name for name in DUALITY_ROWS if name in DUALITY_VARIANTS[variant]]
    if variant == "exact_dual":
        rows.append("omega2_network")  # [nt, nk]: c lambda_k g_k(t), the schedule's time-dependent kernel
    nt = min(out[name].shape[0] for name in rows)
    for name in rows:
        out[name] = out[name][:nt]
    if "cluster_first" in out:
        out["cluster_first"] = np.asarray(out["cluster_first"]).astype(np.int64)
        out["cluster_resolved"] = np.asarray(out["cluster_resolved"]) != 0
    out["matched"] = np.asarray(out["matched"]) != 0
    return out


def duality_calibrations(attrs: dict) -> dict:
    """The frequency match under each calibration: {f"{name}_{cal}": value} for name in DUALITY_PER_CALIBRATION
    and cal in CALIBRATIONS, from duality.h5's root attributes `attrs`.

    Each value is the attribute <name>_<cal> when the file has it; else, for the run's own calibration (attribute
    `calibrate`), the attribute <name> (the only one an older binary writes, computed with the run's c); else NaN.
    """
    own = attrs.get("calibrate")
    out = {}
    for name in DUALITY_PER_CALIBRATION:
        for cal in CALIBRATIONS:
            value = attrs.get(f"{name}_{cal}")
            if value is None and cal == own:
                value = attrs.get(name)
            out[f"{name}_{cal}"] = math.nan if value is None else value
    return out


def network_t_end(run_dir, attrs: dict | None = None) -> dict:
    """{'ntk_drift': ..., 'lin_gap': ...} at the end of a coupled run in `run_dir`: duality.h5's attributes
    ntk_drift_t_end / lin_gap_t_end when `attrs` (its root attributes) has them, else the last row of nn.h5's
    datasets of the same name, else NaN (no nn.h5, or an empty one)."""
    attrs = attrs or {}
    out = {name: attrs.get(f"{name}_t_end") for name in ("ntk_drift", "lin_gap")}
    if any(value is None for value in out.values()):
        try:
            network = load_network(run_dir)
        except (FileNotFoundError, OSError):
            network = {}
        for name, value in out.items():
            if value is None:
                series = np.atleast_1d(network.get(name, []))
                out[name] = float(series[-1]) if series.size else math.nan
    return out


def duality_summary(run_dir) -> dict:
    """The scalars a hyperparameter scan tabulates for one finished coupled run in `run_dir`: every root
    attribute of duality.h5 (load_duality: contract-checked, strings decoded), the frequency match under each
    calibration (duality_calibrations) and the network's ntk_drift and lin_gap at t_end (network_t_end).

    Raises what load_duality raises (FileNotFoundError, KeyError)."""
    attrs = load_duality(run_dir)["attrs"]
    out = dict(attrs)
    out.update(duality_calibrations(attrs))
    out.update(network_t_end(run_dir, attrs))
    return out


def damped_mode(gamma: float, omega2, a0, t):
    """a(t) of a'' + gamma a' + omega2 a = 0 with a(0) = a0, a'(0) = 0 (vectorised over modes and times):
    the per-mode prediction of the NTK-linearised network (physics.md §4), omega2 = c lambda_k."""
    omega2 = np.asarray(omega2, dtype=float)
    t = np.asarray(t, dtype=float)[:, None]
    q = (0.25 * gamma**2 - omega2).astype(complex)
    mu = np.sqrt(q)
    b = 0.5 * gamma * np.asarray(a0, dtype=float)
    small = np.abs(mu) < 1e-12
    mu_safe = np.where(small, 1.0, mu)
    u = np.where(small, a0 + b * t, a0 * np.cosh(mu * t) + b * np.sinh(mu_safe * t) / mu_safe)
    return np.real(np.exp(-0.5 * gamma * t) * u)


def damped_power(gamma: float, omega2, t):
    """|a(t)|^2 / |a(0)|^2 for a'' + gamma a' + omega2 a = 0 started at rest (a(0) = 1, a'(0) = 0).

    The transfer function P(t)/P(t0) of a shell whose modes all share omega2 (a translation-invariant kernel)
    and start with zero velocity (heavy ball starts with v = 0). `t` is the time since t0; returns [nt, n].
    """
    omega2 = np.atleast_1d(np.asarray(omega2, dtype=float))
    return damped_mode(gamma, omega2, np.ones_like(omega2), t) ** 2


# gw_spectra.h5 (issue 21's contract between the GW sector's writer and this reader): every dataset carries a string
# attribute `units`; the rows (one per output time) may be one short in some datasets while the run appends.
GW_FIXED = ("k",)  # [nk]
GW_ROWS = ("time", "a", "rho", "rho_gw")  # [nt]
GW_PER_SHELL = ("drho_gw_dlnk", "omega_gw")  # [nt, nk]
GW_REQUIRED = GW_FIXED + GW_ROWS + GW_PER_SHELL
GW_TODAY = ("frequency_Hz", "h2_omega_gw")  # group `today`, [nk]
GW_TODAY_ATTRIBUTES = ("w", "efolds", "g_star", "energy_GeV", "field_GeV")


def _gw_dataset(path, f, name):
    """A dataset of gw_spectra.h5 and its units, KeyError naming what is missing."""
    if name not in f or not isinstance(f[name], h5py.Dataset):
        raise KeyError(f"'{path}' lacks the dataset {f.name.rstrip('/')}/{name} of the gw_spectra.h5 contract")
    item = f[name]
    if "units" not in item.attrs:
        raise KeyError(f"'{path}': dataset {item.name} has no `units` attribute (the gw_spectra.h5 contract)")
    return item[()], _decode(item.attrs["units"])


def load_gw(path_or_dir) -> dict:
    """Reads gw_spectra.h5 of a run with gravitational waves (or the given file), issue 21's contract.

    Returns
      'k': [nk] comoving shell wavenumber (program momentum unit, k at a = 1);
      'time', 'a', 'rho' (total energy density), 'rho_gw' (shell sum of the GW energy density): [nt];
      'drho_gw_dlnk', 'omega_gw' (= drho_gw_dlnk / rho): [nt, nk];
      'units': {dataset name: its `units` attribute} for every dataset above;
      'attrs': the root attributes (deck, code_version, git_commit, created, software, ...), strings decoded;
      'today': None when the file has no group `today` (a run without a physical scale), else
               {'frequency_Hz': [nk] (Hz), 'h2_omega_gw': [nk] (h^2 Omega_GW,0 per ln f), 'units': {...},
                'attrs': {'w', 'efolds', 'g_star', 'energy_GeV', 'field_GeV', ...}}.
    Any other dataset of the root group is returned as stored (with its units when it has them). Row datasets are
    cut to the rows every one of them has (a run stopped mid-append). Raises FileNotFoundError when there is no
    file, KeyError when a dataset, units attribute or today attribute of the contract is missing, and ValueError
    when the shapes disagree.
    """
    path = _resolve(path_or_dir, GW_NAME)
    out, units = {}, {}
    with h5py.File(path, "r") as f:
        for name in GW_REQUIRED:
            out[name], units[name] = _gw_dataset(path, f, name)
        for name, item in f.items():
            if isinstance(item, h5py.Dataset) and name not in out:
                out[name] = item[()]
                if "units" in item.attrs:
                    units[name] = _decode(item.attrs["units"])
        attrs = _attrs(f)
        today = None
        if "today" in f:
            group = f["today"]
            today = {"units": {}, "attrs": _attrs(group)}
            for name in GW_TODAY:
                today[name], today["units"][name] = _gw_dataset(path, group, name)
            missing = [name for name in GW_TODAY_ATTRIBUTES if name not in today["attrs"]]
            if missing:
                raise KeyError(f"'{path}': group today lacks the attribute(s) {', '.join(missing)} of the "
                               "gw_spectra.h5 contract")
    nk = out["k"].shape[0]
    for name in GW_PER_SHELL:
        if out[name].ndim != 2 or out[name].shape[1] != nk:
            raise ValueError(f"'{path}': {name} has shape {out[name].shape}; expected [n_out, {nk}] (k has {nk} "
                             "shells)")
    if today is not None:
        for name in GW_TODAY:
            if today[name].shape != (nk,):
                raise ValueError(f"'{path}': today/{name} has shape {today[name].shape}; expected ({nk},)")
    rows = GW_ROWS + GW_PER_SHELL
    nt = min(out[name].shape[0] for name in rows)
    for name in rows:
        out[name] = out[name][:nt]
    out["units"] = units
    out["attrs"] = attrs
    out["today"] = today
    return out


def load_snapshot(path) -> dict:
    """Reads one snapshot file data_<step>.h5 (openPMD 1.1.0, fileBased, one iteration).

    Returns {'phi': [N, N, N], 'phidot': [N, N, N] (every mesh of the iteration, by record name, float64,
    axes [x][y][z]), 'time', 'a', 'H' (float), 'step' (int), 'dx' (comoving grid spacing, float),
    'attrs': root attributes (openPMD, software, deck, code_version, git_commit, date, ...),
    'iteration_attrs': the iteration's attributes, 'mesh_attrs': {name: attributes},
    'units': snapshot_units()}. time, dx and the meshes are in the run's program units (units names them).
    Raises FileNotFoundError if the file is absent and ValueError if it is not an openPMD fileBased snapshot.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no inflanet output file at '{path}'")
    with h5py.File(path, "r") as f:
        attrs = _attrs(f)
        if "openPMD" not in attrs or "data" not in f:
            raise ValueError(f"'{path}' is not an openPMD snapshot (no openPMD attribute or /data group)")
        iterations = list(f["data"].keys())
        if len(iterations) != 1:
            raise ValueError(f"'{path}' holds {len(iterations)} iterations; expected 1 (fileBased)")
        group = f["data"][iterations[0]]
        meshes_path = attrs.get("meshesPath", "meshes/").strip("/")
        meshes = group[meshes_path]
        out = {name: meshes[name][()] for name in meshes}
        mesh_attrs = {name: _attrs(meshes[name]) for name in meshes}
        iteration_attrs = _attrs(group)
    first = next(iter(mesh_attrs.values()), {})
    spacing = np.atleast_1d(first.get("gridSpacing", [np.nan]))
    out.update(
        time=float(iteration_attrs["time"]),
        a=float(iteration_attrs.get("a", np.nan)),
        H=float(iteration_attrs.get("H", np.nan)),
        step=int(iteration_attrs.get("step", iterations[0])),
        dx=float(spacing[0]),
        attrs=attrs,
        iteration_attrs=iteration_attrs,
        mesh_attrs=mesh_attrs,
    )
    out["units"] = snapshot_units(out)
    return out


# openPMD's unitDimension lists powers of these SI base units, in this order.
SI_BASE_UNITS = ("m", "kg", "s", "A", "K", "mol", "cd")


def si_unit(unit_dimension) -> str:
    """The SI unit string (yt/unyt syntax) of an openPMD unitDimension: [2, 1, -2, 0, 0, 0, 0] -> 'm**2*kg/s**2';
    'dimensionless' when every power is 0."""
    up, down = [], []
    for symbol, power in zip(SI_BASE_UNITS, np.asarray(unit_dimension, dtype=float)):
        if power == 0:
            continue
        p = int(power) if float(power).is_integer() else float(power)
        (up if p > 0 else down).append(symbol if abs(p) == 1 else f"{symbol}**{abs(p)}")
    if not up and not down:
        return "dimensionless"
    return ("*".join(up) or "1") + ("/" + "/".join(down) if down else "")


def snapshot_units(snap: dict) -> dict:
    """The units of a snapshot from load_snapshot: {'energy', 'field' (the names of the program units of energy
    and field, e.g. 'M_p'), 'length', 'time' (their names, e.g. '1/M_p'), 'fields': {record: its program unit},
    'scaled' (whether the file has a physical scale), 'given' (whether the deck gave it in [units]; a Friedmann
    run's scale, M_p, is there by default), 'length_unit_si' (metres per program length), 'time_unit_si'
    (seconds per program time), 'energy_GeV', 'field_GeV' (None without a scale)}.
    Files written before units were recorded read as the de Sitter convention (H, M_p) without a scale."""
    attrs, iteration, meshes = snap["attrs"], snap["iteration_attrs"], snap["mesh_attrs"]
    energy, field = attrs.get("unitEnergy", "H"), attrs.get("unitField", "M_p")
    scaled = "unitEnergy_GeV" in attrs
    first = next(iter(meshes.values()), {})
    try:
        given = "units" in tomllib.loads(attrs.get("deck", ""))
    except tomllib.TOMLDecodeError:
        given = False
    return {
        "energy": energy,
        "field": field,
        "length": f"1/{energy}",
        "time": f"1/{energy}",
        "fields": {name: m.get("units", "") for name, m in meshes.items()},
        "scaled": scaled,
        "given": given,
        "length_unit_si": float(first.get("gridUnitSI", 1.0)) if scaled else None,
        "time_unit_si": float(iteration.get("timeUnitSI", 1.0)) if scaled else None,
        "energy_GeV": float(attrs["unitEnergy_GeV"]) if scaled else None,
        "field_GeV": float(attrs["unitField_GeV"]) if scaled else None,
    }


def load_yt(path, physical=None):
    """A snapshot as a yt dataset (yt.load_uniform_grid) in the deck's units.

    physical=None: in physical units when the deck gave them ([units]), else in program units; True: physical
    units (ValueError when the file has no physical scale); False: program units.
    Program units: code_length is the program length (1/H, 1/M_p: ds.domain_width is L), code_time the
    program time (ds.current_time is t), fields dimensionless numbers in the program field unit.
    Physical units: code_length = gridUnitSI m, code_time = timeUnitSI s (ds.domain_width.to('cm'),
    ds.current_time.to('s') are the box and time in cgs), each field its unitSI times its unitDimension in SI.
    The dataset's attribute `inflanet_units` is snapshot_units() of the file, with 'physical' added.
    Needs yt (Debian: python3-yt)."""
    import yt  # optional: only this reader needs it

    snap = load_snapshot(path)
    units = snap["units"]
    if physical is None:
        physical = units["given"]
    if physical and not units["scaled"]:
        raise ValueError(f"'{path}' has no physical scale (the deck gives no [units]): load it in program units")
    names = list(snap["mesh_attrs"])
    shape = snap[names[0]].shape
    box = [[0.0, n * snap["dx"]] for n in shape]
    if physical:
        data = {name: (snap[name] * float(snap["mesh_attrs"][name]["unitSI"]),
                       si_unit(snap["mesh_attrs"][name]["unitDimension"])) for name in names}
        ds = yt.load_uniform_grid(data, shape, length_unit=(units["length_unit_si"], "m"),
                                  time_unit=(units["time_unit_si"], "s"), bbox=np.array(box),
                                  sim_time=snap["time"], periodicity=(True, True, True))
    else:
        data = {name: (snap[name], "dimensionless") for name in names}
        ds = yt.load_uniform_grid(data, shape, length_unit=1.0, time_unit=1.0, bbox=np.array(box),
                                  sim_time=snap["time"], periodicity=(True, True, True))
    ds.inflanet_units = dict(units, physical=bool(physical))
    return ds


def read_deck(path) -> dict:
    """The run's deck as a dict (tomllib).

    `path` may be a .toml file, an .h5 file with a `deck` attribute, or a run directory (then
    resolved.toml is preferred, else the `deck` attribute of timeseries.h5 or spectra.h5).
    """
    path = Path(path)
    candidates = [path]
    if path.is_dir():
        candidates = [path / DECK_NAME, path / TIMESERIES_NAME, path / SPECTRA_NAME]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        if candidate.suffix == ".toml":
            with open(candidate, "rb") as f:
                return tomllib.load(f)
        with h5py.File(candidate, "r") as f:
            if "deck" in f.attrs:
                return tomllib.loads(_decode(f.attrs["deck"]))
    raise FileNotFoundError(f"no deck found at '{path}' (looked for {', '.join(map(str, candidates))})")


# Per-field columns of a multi-field run's timeseries.h5 (src/app/lattice_run.cpp), "{x}" = the field's name.
FIELD_COLUMNS = ("{x}_mean", "{x}_var", "{x}dot_mean", "{x}dot_var", "rho_kin_{x}", "rho_grad_{x}")


def field_names(deck: dict) -> list:
    """The names of a multi-field deck's [[field]] tables, in deck order; [] for a deck without them (a
    single-field [inflaton] run, or a network run)."""
    tables = deck.get("field", []) if isinstance(deck, dict) else []
    if isinstance(tables, dict):  # a lone [field] table, not an array of tables
        tables = [tables]
    return [str(table["name"]) for table in tables if isinstance(table, dict) and "name" in table]


def read_fields_timeseries(path_or_dir) -> dict:
    """Reads a multi-field run's timeseries.h5 with the field names of its deck.

    `path_or_dir` is the run directory (the deck is resolved.toml, else the timeseries' `deck` attribute).
    Returns {'fields': [names in deck order], 'deck': {...}, 'columns': {column: 1-D array}, 'attrs': {...}}.
    Columns are cut to the rows every one of them has (a file read while the run appended a row).
    Raises FileNotFoundError (no file), ValueError (the deck has no [[field]] tables: not a multi-field run)
    and KeyError (a field's column is missing).
    """
    path = Path(path_or_dir)
    deck = read_deck(path if path.is_dir() else path.parent)
    names = field_names(deck)
    if not names:
        raise ValueError(f"'{path}' is not a multi-field run: its deck has no [[field]] tables (a single-field "
                         "[inflaton] run? plot it with plot_timeseries.py and plot_spectra.py)")
    series = load_timeseries(path)
    attrs = series.pop("attrs")
    missing = [column.format(x=x) for x in names for column in FIELD_COLUMNS if column.format(x=x) not in series]
    if missing:
        raise KeyError(f"'{path}' lacks the column(s) {', '.join(missing)} of the fields {', '.join(names)}")
    rows = min(len(values) for values in series.values())
    return {"fields": names, "deck": deck, "columns": {name: v[:rows] for name, v in series.items()}, "attrs": attrs}


def massless_desitter_parameters(deck: dict):
    """(H, a0) if the deck describes a massless test field in exact de Sitter, else None.

    That is the schema of docs/input_deck.md: [background] kind = "desitter", H, a0 and
    [inflaton] potential = "quadratic" with m = 0.
    """
    background = deck.get("background", {}) or {}
    inflaton = deck.get("inflaton", {}) or {}
    if background.get("kind", "desitter") != "desitter":
        return None
    if inflaton.get("potential", "quadratic") != "quadratic" or float(inflaton.get("m", 0.0)) != 0.0:
        return None
    return float(background.get("H", 1.0)), float(background.get("a0", 1.0))


def delta2(k, P):
    """Dimensionless power Delta^2(k) = k^3 P(k) / (2 pi^2) (broadcasts)."""
    k = np.asarray(k, dtype=float)
    return k**3 * np.asarray(P, dtype=float) / (2 * np.pi**2)


def massless_desitter_delta2(k, a, H):
    """Bunch-Davies Delta^2 of a massless field in de Sitter: (H/2pi)^2 (1 + (k/(aH))^2).

    k comoving; broadcasts over k and a (e.g. k[None, :], a[:, None]).
    """
    k = np.asarray(k, dtype=float)
    a = np.asarray(a, dtype=float)
    return (H / (2 * np.pi)) ** 2 * (1 + (k / (a * H)) ** 2)


def lattice_mode_norms(N: int) -> np.ndarray:
    """|n| for every lattice mode n in [-N/2, N/2)^3 except n = 0 (flat array, N^3 - 1 entries)."""
    n = np.arange(-(N // 2), N - N // 2)
    n2 = n[:, None, None] ** 2 + n[None, :, None] ** 2 + n[None, None, :] ** 2
    n2 = n2.ravel()
    return np.sqrt(n2[n2 > 0].astype(float))


def expected_box_variance_massless(N: int, L: float, a, H: float):
    """Expected <dphi^2>_box of a massless field in de Sitter on an N^3 lattice of side L (physics.md §2).

        <dphi^2>(a) = sum_{n != 0} H^2 (1 + k_n^2 tau^2) / (2 k_n^3 L^3),  k_n = 2 pi |n| / L,  tau = -1/(aH),

    n over [-N/2, N/2)^3 (Nyquist modes included). Vectorised: `a` may be a scalar or an array
    (returns the same shape). Sums over distinct |n|^2 with multiplicities to stay cheap for large N.
    """
    norms2, multiplicity = np.unique(np.round(lattice_mode_norms(N) ** 2).astype(np.int64), return_counts=True)
    k = 2 * np.pi * np.sqrt(norms2.astype(float)) / L
    a = np.asarray(a, dtype=float)
    tau2 = 1.0 / (a * H) ** 2
    ir = np.sum(multiplicity / (2 * k**3))  # frozen super-horizon part, a-independent
    uv = np.sum(multiplicity / (2 * k))  # vacuum part, redshifts as tau^2
    return H**2 * (ir + uv * tau2) / L**3


def default_test_data_dir():
    """INFLANET_TEST_DATA_DIR, or None when unset (used by the tests)."""
    value = os.environ.get("INFLANET_TEST_DATA_DIR")
    return Path(value) if value else None
