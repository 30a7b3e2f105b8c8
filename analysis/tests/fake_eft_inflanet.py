#!/usr/bin/python3
"""Stands in for `inflanet check|run DECK key=value ...` in the eft_scan.py tests (no MPI, a fraction of a second).

Like the real binary, `check` prints the resolved deck (the deck, DEFAULTS for two keys it leaves out, the
overrides), and `check` and `run` both refuse with exit status 2 and an `inflanet: error: ...` line naming
the key: an override of a key the deck schema does not know (the keys are read from src/config/schema.cpp, the
schema's source) and a network.sublattice that does not divide lattice.N. `run` then writes into output.dir:
  * resolved.toml: the deck with DEFAULTS and the overrides applied;
  * duality.h5: synthetic_duality.write's contract file for the run's eta, beta, width, depth and activation,
    its ntk_drift_t_end replaced by NTK_DRIFT(width, seed); unless FAKE_INFLANET_LEGACY is set (today's binary:
    the frequency match only under the run's own calibration) also <name>_<calibration> for every calibration
    (calibrated()) and lin_gap_t_end = LIN_GAP(width, seed);
  * nn.h5: rows of step, time, loss, ntk_drift and lin_gap whose last row is NTK_DRIFT and LIN_GAP.
and, after resolved.toml, refuses at run time (exit 2) when network.eta >= 1, as the real run refuses a network
too stiff to sub-cycle once it knows c and the NTK, and fails (exit 1) when network.sigma_w < 0.15, as the real
run does when the loss becomes non-finite. With FAKE_INFLANET_LOG set, every invocation appends one line `VERB key=value ...` there.
"""

import math
import os
import re
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))
import fake_cli  # noqa: E402

SCHEMA = TESTS.parents[1] / "src" / "config" / "schema.cpp"
CALIBRATIONS = ("none", "background", "spectrum")
DEFAULTS = {"network.sigma_b": 0.1, "network.embedding": "periodic"}  # two of the schema's defaults


def schema_keys() -> set:
    """Every key of the real deck schema: the names of its KeySpec declarations."""
    return set(re.findall(r'KeySpec::\w+\(\s*"([^"]+)"', SCHEMA.read_text()))


def seed_noise(seed: int, salt: int) -> float:
    """A deterministic number in [-1, 1] for the seed (the scatter between seeds)."""
    return math.sin(12.9898 * seed + 78.233 * salt) * 0.999


def ntk_drift(width: int, seed: int) -> float:
    """The fake's NTK drift: 0.3 width^-0.75, scattered 5% by the seed."""
    return 0.3 * width**-0.75 * (1 + 0.05 * seed_noise(seed, 1))


def lin_gap(width: int, seed: int) -> float:
    """The fake's linearisation gap: 2 width^-1, scattered 5% by the seed."""
    return 2.0 * width**-1.0 * (1 + 0.05 * seed_noise(seed, 2))


def calibrated(attrs: dict, sigma_w: float) -> dict:
    """The per-calibration attributes: the run's own numbers scaled by the calibration (and sigma_w)."""
    out = {}
    for i, cal in enumerate(CALIBRATIONS):
        factor = (1.0, 0.5, 0.25)[i] * sigma_w
        out[f"rms_log_mismatch_t0_{cal}"] = attrs["rms_log_mismatch_t0"] * factor
        out[f"rms_log_mismatch_t_end_{cal}"] = attrs["rms_log_mismatch_t_end"] * factor
        out[f"matched_shells_t0_{cal}"] = i
        out[f"matched_shells_t_end_{cal}"] = i + 1
        out[f"c_{cal}"] = attrs["c"] * (1 + i)
    return out


def refusal(values: dict, overrides: list):
    """The message of a configuration the real binary refuses (exit 2), or None."""
    known = schema_keys()
    for override in overrides:
        key = override.partition("=")[0].strip()
        if key not in known:
            return f"command line override '{override}': unknown key '{key}'"
    n, m = int(values.get("lattice.N", 16)), int(values.get("network.sublattice", 16))
    if n % m:
        return f"key 'network.sublattice': expected a divisor of lattice.N = {n}, got {m}"
    return None


def main(argv) -> int:
    verb = argv[0] if argv else ""
    values = fake_cli.read_run(["run", *argv[1:]] if verb == "check" else argv, "fake_eft_inflanet.py")
    if values is None or verb not in ("run", "check"):
        return 2
    values = {**DEFAULTS, **values}
    if os.environ.get("FAKE_INFLANET_LOG"):
        with open(os.environ["FAKE_INFLANET_LOG"], "a") as log:
            log.write(" ".join([verb, *argv[2:]]) + "\n")
    why = refusal(values, argv[2:])
    if why:
        print(f"inflanet: error: {why}", file=sys.stderr)
        return 2
    import synthetic_duality  # noqa: E402

    if verb == "check":
        print("# inflanet check: the resolved deck (fake)\n" + synthetic_duality.deck_text(values))
        return 0

    import h5py  # noqa: E402  (only a run writes files: check stays fast)
    import numpy as np  # noqa: E402

    out = Path(values["output.dir"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "resolved.toml").write_text(synthetic_duality.deck_text(values))
    if float(values.get("network.eta", 0.0025)) >= 1.0:
        print("inflanet: error: key 'network.eta': the network needs more than duality.max_subcycles = 100 "
              "sub-steps per step", file=sys.stderr)
        return 2
    sigma_w = float(values.get("network.sigma_w", 1.0))
    if sigma_w < 0.15:
        print("inflanet: error: the network's loss became non-finite; reduce the step", file=sys.stderr)
        return 1
    width, seed = int(values.get("network.width", 256)), int(values.get("network.seed", 1))
    hyper = {name: values[f"network.{name}"] for name in ("eta", "beta") if f"network.{name}" in values}
    path = synthetic_duality.write(out / "duality.h5", width=width, depth=max(int(values.get("network.depth", 2)), 1),
                                   activation=str(values.get("network.activation", "erf")), **hyper)
    drift, gap = ntk_drift(width, seed), lin_gap(width, seed)
    with h5py.File(path, "a") as f:
        f.attrs["ntk_drift_t_end"] = drift
        if not os.environ.get("FAKE_INFLANET_LEGACY"):
            attrs = {name: f.attrs[name] for name in ("rms_log_mismatch_t0", "rms_log_mismatch_t_end", "c")}
            for name, value in calibrated(attrs, sigma_w).items():
                f.attrs[name] = value
            f.attrs["lin_gap_t_end"] = gap
    rows = np.linspace(0.0, 1.0, 4)
    with h5py.File(out / "nn.h5", "w") as f:
        f["step"] = np.arange(4, dtype=np.int64)
        f["time"] = rows
        f["loss"] = 1.0 - 0.1 * rows
        f["ntk_drift"] = drift * rows
        f["lin_gap"] = gap * rows
    print(f"fake inflanet: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
