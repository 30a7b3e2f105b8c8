"""A synthetic duality.h5 that follows issue 6's contract, for the analysis tests (and fake_inflanet.py).

Nothing here is physics: the numbers are closed forms chosen so that the plots and the scan have something
recognisable to show (the network spectra follow the damped oscillator exactly, the EFT parameters are simple
functions of the hyperparameters, so a scan's CSV can be checked against them).
"""

import math
from pathlib import Path

import h5py
import numpy as np

import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import inflanet_io  # noqa: E402

ACTIVATION_FACTOR = {"erf": 1.0, "relu": 2.0, "tanh": 1.5}


def eft_parameters(eta, beta, width, depth, activation):
    """The synthetic EFT parameters a run with these hyperparameters reports (for checking the scan's CSV)."""
    factor = ACTIVATION_FACTOR.get(activation, 3.0)
    m_eff2 = factor * (0.5 / depth + 1.0 / width)
    c_eff2 = factor * (1.0 + eta)
    h_dictionary = -math.log(beta) / (3 * math.sqrt(eta))
    return {
        "m_eff2": m_eff2, "m_eff2_err": 0.01 * m_eff2,
        "c_eff2": c_eff2, "c_eff2_err": 0.02 * c_eff2,
        "k4": -1e-3 * factor, "k4_err": 1e-4,
        "eft_chi2_per_dof": 1.1, "eft_terms": 3,
        "H_dictionary": h_dictionary, "H_eff": h_dictionary * (1 + 1e-3), "H_eff_err": 0.005 * h_dictionary,
    }


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


def write(path, *, eta=0.5, beta=0.9, width=256, depth=2, activation="erf", nk=5, nt=9, M=3, N=6, L=10.0,
          steps_per_row=4, subcycles=1, eft_terms=3) -> Path:
    """Writes a synthetic duality.h5 at `path` (a file path) and returns it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n_points = M**3
    h = math.sqrt(eta)
    gamma = -math.log(beta) / h
    H = gamma / 3
    c = 1.0 / n_points
    eft = eft_parameters(eta, beta, width, depth, activation)
    eft["eft_terms"] = eft_terms
    if eft_terms == 2:
        eft["k4"], eft["k4_err"] = 0.0, 0.0

    k = 2 * np.pi * np.arange(1, nk + 1) / L
    counts = np.array([6, 12, 8, 6, 24, 24, 12, 30][:nk] + [30] * max(0, nk - 8), dtype=np.int64)
    step = np.arange(nt, dtype=np.int64) * steps_per_row
    time = step * h
    a = np.exp(H * time)
    m2 = 0.1 * H**2
    omega2_lattice = k[None, :] ** 2 / a[:, None] ** 2 + m2
    omega2_network = eft["m_eff2"] + eft["c_eff2"] * k**2 + eft["k4"] * k**4
    p0 = 1.0 / k**3
    t_lattice = 1.0 / (1.0 + (k[None, :] * time[:, None]) ** 2 / (1.0 + a[:, None] ** 2))
    t_network = inflanet_io.damped_power(gamma, omega2_network, time - time[0])
    rng = np.random.default_rng(3)
    ntk_eigenvalues = np.sort(rng.uniform(0.5, 40.0, n_points))
    ntk_eigenvalues[-1] = 5.0 * n_points  # the nearly uniform top mode
    a0 = rng.normal(size=n_points)
    prediction = a0**2 * inflanet_io.damped_power(gamma, c * ntk_eigenvalues, time - time[0])
    mode_power = prediction * (1 + 0.01 * rng.normal(size=prediction.shape))

    deck = deck_text({
        "lattice.N": N, "lattice.L": L,
        "duality.match": "network",
        "network.dataset": "lattice", "network.sublattice": M, "network.width": width, "network.depth": depth,
        "network.activation": activation, "network.eta": eta, "network.beta": beta,
        "output.dir": str(path.parent),
    })
    with h5py.File(path, "w") as f:
        attrs = {
            "deck": deck, "code_version": "0.0.0-synthetic", "git_commit": "0" * 40,
            "created": "2026-01-01T00:00:00Z", "software": "inflanet (synthetic test file)",
            "match": "network", "H": H, "step": h, "eta": eta, "beta": beta, "gamma": gamma,
            "rho_lambda": 3 * H**2, "c": c, "N": np.int64(N), "M": np.int64(M), "L": L,
            "subcycles": np.int64(subcycles), "normalisation": "P = L^3 <|f~|^2> / M^6",
            "mean_mode_gamma": 3 * eft["H_eff"], "mean_mode_gamma_err": 3 * eft["H_eff_err"],
        }
        attrs.update(eft)
        attrs["eft_terms"] = np.int64(eft_terms)
        for name, value in attrs.items():
            f.attrs[name] = value
        f["k"] = k
        f["counts"] = counts
        for name, value in (("step", step), ("time", time), ("a", a)):
            f.create_dataset(name, data=value, maxshape=(None,))
        for name, value in (("P_lattice", p0 * t_lattice), ("P_network", p0 * t_network), ("T_lattice", t_lattice),
                            ("T_network", t_network), ("omega2_lattice", omega2_lattice),
                            ("mode_power", mode_power), ("mode_power_prediction", prediction)):
            f.create_dataset(name, data=value, maxshape=(None, value.shape[1]))
        f["omega2_network"] = omega2_network
        f["omega2_network_err"] = 0.01 * omega2_network
        f["leakage"] = 1e-3 * (1 + k)
        f["ntk_eigenvalues"] = ntk_eigenvalues
    return path
