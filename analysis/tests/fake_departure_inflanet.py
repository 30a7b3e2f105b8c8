#!/usr/bin/python3
"""Stands in for `inflanet run DECK key=value ...` in the duality_departure.py tests: reads the deck, applies the
overrides and writes a duality.h5 with the attributes the script reads. Like the real coupled run it writes the
start-of-run attributes (preactivation_variance_q, c) first and the t_end metrics only at the end, and, like
the real run at small sigma_w (the lazy regime lost: the loss becomes non-finite), fails with exit status 1
after the start when network.sigma_w < 0.15, leaving a duality.h5 without the t_end metrics. The metrics are
synthetic (grow with q, depth and 1/sqrt(width), scatter with the seed); the exact dual (depth 0) is rounding."""

import math
import random
import sys
from pathlib import Path

import h5py

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fake_cli  # noqa: E402



def main(argv) -> int:
    v = fake_cli.read_run(argv, "fake_departure_inflanet.py")
    if v is None:
        return 2
    depth = int(v.get("network.depth", 0))
    out = Path(v["output.dir"])
    out.mkdir(parents=True, exist_ok=True)
    if depth > 0 and v.get("duality.calibrate") != "spectrum":
        print("fake inflanet: an MLP of the departure study is calibrated (spectrum)", file=sys.stderr)
        return 2
    sw, sb = float(v.get("network.sigma_w", 1.0)), float(v.get("network.sigma_b", 0.0))
    q = 0.5 * sw * sw + sb * sb if v.get("network.embedding") == "periodic" else 3.0 * sw * sw + sb * sb
    with h5py.File(out / "duality.h5", "w") as f:
        f.attrs["c"] = 1.0 / 512 if depth == 0 else 1.7 / (sw * sw)
        if depth > 0:
            f.attrs["preactivation_variance_q"] = q
            f.attrs["mean_mode_c_lambda"] = 0.49 + q
    if depth > 0 and sw < 0.15:
        print("inflanet: error: the network's loss became non-finite; reduce the step", file=sys.stderr)
        return 1
    rng = random.Random(int(v.get("network.seed", 1)) * 7919 + depth)
    if depth == 0:
        metrics = (7e-15, 2e-16, 0.0)
    else:
        width = int(v.get("network.width", 256))
        noise = 1.0 + 0.2 * rng.uniform(-1.0, 1.0)
        metrics = (noise * q * depth, noise * 0.1 * q, noise * depth / math.sqrt(width))
    with h5py.File(out / "duality.h5", "a") as f:
        for name, value in zip(("max_abs_log_P_ratio_t_end", "rms_log_mismatch_t_end", "ntk_drift_t_end"), metrics):
            f.attrs[name] = value
    print(f"fake inflanet: wrote {out / 'duality.h5'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
