"""A synthetic duality.h5 that follows issue 9's contract (src/app/coupled_run.cpp), for the analysis tests and
fake_inflanet.py.

Nothing here is physics: the numbers are closed forms chosen so that the plots and the scan have something
recognisable to show and the tests something exact to check:
  * both systems on one mode set: P_network(t0) = P_lattice(t0) shell by shell, k = 0 (bin 0) removed (P = 0,
    ratios NaN), as the band-limited coupled run has it;
  * the network's dispersion c lambda(k) is the EFT form m_eff^2 + c_eff^2 k^2 for erf and a decaying kernel
    A exp(slope k) otherwise; its parameters are simple functions of the hyperparameters (fit_attributes), so a
    scan's CSV can be checked against them;
  * omega2_ratio, matched and the summary's matched_shells / rms_log_mismatch follow from the stored arrays by
    the contract's definitions (|ratio - 1| <= 10%), so the tests can recompute them;
  * Theta(0)'s eigenvalues come in degenerate groups and a rounding-level tail: cluster_* groups them and
    marks the tail unresolved; mode_power follows its prediction to 1%.
"""

import math
import sys
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import inflanet_io  # noqa: E402

ACTIVATION_FACTOR = {"erf": 1.0, "relu": 2.0, "tanh": 1.5}
V2 = 0.25  # V'' of the synthetic inflaton (m = 0.5 H)
FREQUENCY_TOLERANCE = 0.1


def fit_attributes(eta, beta, width, depth, activation):
    """The fit and consistency attributes a synthetic run with these hyperparameters reports (closed forms).

    erf: the network's c lambda(k) is exactly m_eff2 + c_eff2 k^2 (kernel_form "eft"); any other activation: a
    decaying kernel exp(decay_log_amplitude + decay_slope k) (kernel_form "decaying"), where the EFT numbers
    are those of a poor fit. H_eff is the integrator consistency check (H_dictionary to 1e-3), not evidence.
    """
    factor = ACTIVATION_FACTOR.get(activation, 3.0)
    eft_form = activation == "erf"
    m_eff2 = factor * (0.5 / depth + 1.0 / width) * V2
    c_eff2 = factor * (1.0 + eta)
    h_dictionary = -math.log(beta) / (3 * math.sqrt(eta))
    return {
        "m_eff2": m_eff2, "m_eff2_err": 0.01 * m_eff2,
        "c_eff2": c_eff2, "c_eff2_err": 0.02 * c_eff2,
        "k4": 0.0, "k4_err": 0.0, "eft_terms": 2,
        "eft_chi2_per_dof": 1.0 if eft_form else 40.0,
        "eft_rms_relative": 1e-3 if eft_form else 0.8,
        "decay_log_amplitude": math.log(m_eff2), "decay_slope": -factor * depth / 2.0,
        "decay_rms_relative": 0.5 if eft_form else 2e-3,
        "kernel_form": "eft" if eft_form else "decaying",
        "H_dictionary": h_dictionary, "H_eff": h_dictionary * (1 + 1e-3), "H_eff_err": 0.005 * h_dictionary,
    }


def network_dispersion(k, fits):
    """c lambda(k) of the synthetic network: the form its kernel_form names."""
    if fits["kernel_form"] == "eft":
        return fits["m_eff2"] + fits["c_eff2"] * k**2
    return np.exp(fits["decay_log_amplitude"] + fits["decay_slope"] * k)


def deck_text(values: dict) -> str:
    """A TOML deck from {'section.key': value} (scalars only)."""
    sections = {}
    for dotted, value in values.items():
        section, key = dotted.split(".", 1)
        sections.setdefault(section, {})[key] = value
    lines = []
    for section, keys in sections.items():
        lines.append(f"[{section}]")
        for key, value in keys.items():
            if isinstance(value, str):
                lines.append(f'{key} = "{value}"')
            elif isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            else:
                lines.append(f"{key} = {value!r}")
        lines.append("")
    return "\n".join(lines)


def frequency_match(omega2_network, omega2_lattice):
    """(ratio, matched, matched count, rms |ln ratio|) of 1-D per-shell arrays, the contract's definitions
    (src/duality/calibration.cpp, compare_frequencies): every shell, k = 0 included (its omega^2 is V'')."""
    ratio = omega2_network / omega2_lattice
    matched = np.abs(ratio - 1) <= FREQUENCY_TOLERANCE
    return ratio, matched, int(matched.sum()), math.sqrt(np.mean(np.log(ratio) ** 2))


def eigen_clusters(M: int):
    """Ascending eigenvalues of a synthetic Theta(0) with M^3 points and their clusters (tolerance 1e-9 of the
    top): a top eigenvalue (the uniform mode), degenerate groups of 6 (as plane-wave shells give), and a tail
    of a few values at rounding level that form one unresolved cluster."""
    n = M**3
    tail = min(5, n // 4)
    groups, values = [], []
    remaining = n - 1 - tail
    level = 40.0
    while remaining > 0:
        size = min(6, remaining)
        groups.append(size)
        values += [level] * size
        remaining -= size
        level /= 3.0
    top = 5.0 * n
    ascending = np.array(sorted(values + [top]), dtype=float)
    rounding = n * np.finfo(float).eps * top
    ascending = np.concatenate([rounding * np.linspace(0.1, 0.5, tail), ascending])
    first = [0]
    for i in range(1, n):
        if ascending[i] - ascending[i - 1] > 1e-9 * top:
            first.append(i)
    first.append(n)
    first = np.array(first, dtype=np.int64)
    size = np.diff(first).astype(float)
    lam = np.array([ascending[first[j]:first[j + 1]].mean() for j in range(size.size)])
    resolved = (ascending[first[:-1]] > rounding).astype(float)
    return ascending, first, lam, size, resolved, rounding


def write(path, *, eta=0.0004, beta=math.exp(-3 * 0.02), width=256, depth=2, activation="erf", nk=6, nt=9, M=4,
          N=8, L=10.0, steps_per_row=4, subcycles=1, summary=True) -> Path:
    """Writes a synthetic duality.h5 at `path` (a file path) and returns it. summary=False leaves out the
    attributes the run writes at its end (a run stopped early)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    h = math.sqrt(eta)
    gamma = -math.log(beta) / h
    H = gamma / 3
    c = 1.0 / M**3
    fits = fit_attributes(eta, beta, width, depth, activation)

    n_shell = np.arange(nk, dtype=float)
    k = 2 * np.pi * np.sqrt(n_shell) / L  # bin 0 is k = 0
    counts = np.array([1, 6, 12, 8, 6, 24, 24, 12][:nk] + [30] * max(0, nk - 8), dtype=np.int64)
    step = np.arange(nt, dtype=np.int64) * steps_per_row
    time = step * h
    a = np.exp(H * time)
    k2_mean = k**2 * (1.0 + 0.01 * (k > 0))  # a shell's <k^2> exceeds its mean |k| squared
    omega2_lattice = k2_mean[None, :] / a[:, None] ** 2 + V2
    omega2_network = network_dispersion(k, fits)
    anisotropy = 0.02 * omega2_network * (counts > 1)
    ratio = omega2_network[None, :] / omega2_lattice
    matched = np.abs(ratio - 1) <= FREQUENCY_TOLERANCE
    _, _, matched0, rms0 = frequency_match(omega2_network, omega2_lattice[0])
    _, _, matched_end, rms_end = frequency_match(omega2_network, omega2_lattice[-1])

    removed = np.arange(nk) == 0
    p0 = np.where(removed, 0.0, 1.0 / np.where(removed, 1.0, k) ** 3)
    t_lattice = 1.0 / (1.0 + (k[None, :] * time[:, None]) ** 2 / (1.0 + a[:, None] ** 2))
    t_network = inflanet_io.damped_power(gamma, omega2_network, time - time[0])
    p_lattice, p_network = p0 * t_lattice, p0 * t_network
    p_network_lin = p_network * (1 + 1e-3 * (time[:, None] - time[0]))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_ratio = np.where(removed, np.nan, p_network / p_lattice)
    t_lattice[:, removed] = np.nan
    t_network[:, removed] = np.nan

    rng = np.random.default_rng(3)
    ascending, first, lam, size, resolved, rounding = eigen_clusters(M)
    rr = size * rng.uniform(0.5, 2.0, size.size)
    prediction = rr * inflanet_io.damped_power(gamma, c * lam, time - time[0])
    mode_power = prediction * (1 + 0.01 * rng.normal(size=prediction.shape))
    mode_power[0] = prediction[0]

    top_lambda = ascending[-1]
    deck = deck_text({
        "lattice.N": N, "lattice.L": L,
        "duality.match": "network",
        "network.dataset": "lattice", "network.sublattice": M, "network.width": width, "network.depth": depth,
        "network.activation": activation, "network.eta": eta, "network.beta": beta,
        "output.dir": str(path.parent),
    })
    attrs = {
        "deck": deck, "code_version": "0.0.0-synthetic", "git_commit": "0" * 40,
        "created": "2026-01-01T00:00:00Z", "software": "inflanet (synthetic test file)",
        "normalisation": "P = L^3 <|f~|^2> / M^6",
        "match": "network", "H": H, "step": h, "eta": eta, "beta": beta, "gamma": gamma,
        "rho_lambda": 3 * H**2, "c": c, "calibrate": "none", "L": L, "N": np.int64(N), "M": np.int64(M),
        "subcycles": np.int64(subcycles), "lattice_substeps": np.int64(1),
        "eta_run": eta / subcycles**2, "beta_run": beta ** (1 / subcycles), "h_run": h / subcycles,
        "stability_bound_run": 2 * (1 + beta ** (1 / subcycles)),
        "eta_c_lambda_max_run": eta / subcycles**2 * c * top_lambda,
        "band": "synthetic: |n_d| <= M/2, k = 0 removed", "V2": V2,
        "mean_mode_c_lambda": float(omega2_network[0]), "mean_mode_eigen_c_lambda": c * top_lambda,
        "mean_mode_rank": np.int64(0), "mean_mode_overlap": 0.999,
        "initial_velocity": "inflaton", "velocity_mismatch_linearised": 1e-12, "velocity_mismatch_trained": 1e-4,
        "velocity_unreachable_fraction": 1e-9,
        "velocity_unreachable_modes": np.int64(int(size[resolved == 0].sum())),
        "cluster_tolerance": 1e-9, "cluster_resolution": rounding, "frequency_tolerance": FREQUENCY_TOLERANCE,
        "embedding": "periodic", "preactivation_variance_q": 1.1,
    }
    if summary:
        attrs.update(fits)
        attrs.update({
            "rms_log_mismatch_t0": rms0, "matched_shells_t0": np.int64(matched0),
            "rms_log_mismatch_t_end": rms_end, "matched_shells_t_end": np.int64(matched_end),
            "eft_weights": "synthetic: relative residuals", "eft_shells": np.int64(min(nk, 3)),
            "eft_k_max": float(k[min(nk, 3) - 1]), "eft_terms": np.int64(fits["eft_terms"]),
            "decay_shells": np.int64(nk), "H_eff_mode": np.int64(first[-2]),
            "H_eff_note": "integrator consistency check, not evidence",
            "ntk_drift_t_end": 0.01, "max_abs_log_P_ratio_t_end": float(np.nanmax(np.abs(np.log(p_ratio[-1, 1:])))),
        })
    with h5py.File(path, "w") as f:
        for name, value in attrs.items():
            f.attrs[name] = value
        for name, value in (("k", k), ("k2_mean", k2_mean), ("counts", counts), ("omega2_network", omega2_network),
                            ("omega2_network_anisotropy", anisotropy), ("leakage", 1e-3 * (1 + k)),
                            ("ntk_eigenvalues", ascending), ("cluster_first", first.astype(float)),
                            ("cluster_lambda", lam), ("cluster_size", size), ("cluster_resolved", resolved)):
            f[name] = value
        for name, value in (("step", step), ("time", time), ("a", a)):
            f.create_dataset(name, data=value, maxshape=(None,))
        for name, value in (("P_lattice", p_lattice), ("P_network", p_network), ("P_network_lin", p_network_lin),
                            ("P_ratio", p_ratio), ("T_lattice", t_lattice), ("T_network", t_network),
                            ("omega2_lattice", omega2_lattice), ("omega2_ratio", ratio),
                            ("matched", matched.astype(float)), ("mode_power", mode_power),
                            ("mode_power_prediction", prediction)):
            f.create_dataset(name, data=value, maxshape=(None, value.shape[1]))
    return path
