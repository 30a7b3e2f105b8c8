#!/usr/bin/python3
"""The road away from the exact dual (issue 10; physics.md §5, "Exact duals"): starts from the linear
Fourier-feature readout whose NTK is the lattice operator (network.embedding = "fourier", depth 0) and turns one
knob at a time towards an ordinary MLP, each setting a real coupled run of a small deck, and records how far the
network then is from the lattice.

    /usr/bin/python3 analysis/duality_departure.py --binary build/inflanet --ranks 2 \\
        --out output/duality_departure

Settings (every MLP with duality.calibrate = "spectrum", the exact dual with none):
  exact       the exact dual: depth 0, embedding fourier (deterministic: one seed);
  base        the base MLP: one hidden layer on the Fourier features (depth 1, embedding fourier), width 256,
              erf, sigma_w 1, sigma_b 0 (--base-* change it);
  q           the base with sigma_w in --sigma-w: the first layer's pre-activation variance
              q = sigma_w^2 <|x|^2> / d_in + sigma_b^2 is read back from the run (attribute preactivation_variance_q);
  width       the base at --widths;  depth  the base at --depths (hidden layers on the Fourier features);
  activation  the base with --activations;  embedding  the base with the periodic (cos, sin)(2 pi x_d / L) inputs;
  sigma_b     the base with --sigma-b (a bias adds a constant to the kernel: the k = 0 eigenvalue).
The base is run once per seed (knob "base") and drawn in every knob's panel at its value. Every MLP setting runs
with each of --seeds (network.seed; default 1 2 3): the scatter over seeds is finite-width noise.

Each run is `[mpirun -np R] BINARY run DECK key=value ... output.dir=OUT/<run>` and is read from
OUT/<run>/duality.h5's attributes. Recorded per run: max over shells of |ln(P_network/P_lattice)| at t_end
(max_abs_log_P_ratio_t_end), the frequency mismatch rms of ln(c lambda/omega^2) at t_end (rms_log_mismatch_t_end)
and the NTK drift ||Theta_t - Theta_0|| / ||Theta_0|| at t_end (ntk_drift_t_end; 0 for the linear exact dual).
Writes OUT/duality_departure.csv (one row per run, COLUMNS; a failed run keeps its row with status
'failed rc=N', its first error line (error) and its log in OUT/<run>/run.log, and q when the run got far enough to write it) and
OUT/duality_departure.png (one column per knob, one row per metric: seeds as dots, their mean as the line,
failed runs as red crosses at the top; a first column sets the exact dual (dashed) against the base MLP;
the knobs other than q share each row's y scale). Resumable: a run whose
OUT/<run>/row.json exists (written when it finished, ok or failed) is not rerun unless --force.
Exits 1 if any run failed (the CSV and PNG are still written).
"""

import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# duality.h5 attribute -> CSV column: the three metrics and q.
METRICS = (("max_abs_log_P_ratio_t_end", r"max$_k\,|\ln(P_{net}/P_{lat})|$ at $t_{end}$"),
           ("rms_log_mismatch_t_end", r"rms $\ln(c\lambda/\omega^2)$ at $t_{end}$"),
           ("ntk_drift_t_end", r"NTK drift $\|\Theta_t-\Theta_0\|/\|\Theta_0\|$"))
EXTRA = ("preactivation_variance_q", "c", "mean_mode_c_lambda")
SETTING_KEYS = ("depth", "width", "activation", "sigma_w", "sigma_b", "embedding")
COLUMNS = ("knob", "value", "seed", *(m for m, _ in METRICS), "q", "wall_s", "status", *SETTING_KEYS, "c",
           "mean_mode_c_lambda", "run", "error")
KNOBS = ("q", "width", "depth", "activation", "embedding", "sigma_b")


def settings(args) -> list:
    """[(knob, value, setting dict)]: the exact dual, the base MLP, then each knob's non-base values."""
    base = {"depth": 1, "width": args.base_width, "activation": args.base_activation, "sigma_w": args.base_sigma_w,
            "sigma_b": args.base_sigma_b, "embedding": "fourier"}
    out = [("exact", "depth 0", {"depth": 0, "embedding": "fourier"}), ("base", "base", base)]
    scans = {"q": ("sigma_w", args.sigma_w), "width": ("width", args.widths), "depth": ("depth", args.depths),
             "activation": ("activation", args.activations), "embedding": ("embedding", ["periodic"]),
             "sigma_b": ("sigma_b", args.sigma_b)}
    for knob in args.knobs:
        key, values = scans[knob]
        for v in values:
            if v != base[key]:
                out.append((knob, v, dict(base, **{key: v})))
    return out


def run_name(knob: str, setting: dict, seed) -> str:
    if knob == "exact":
        return "exact"
    s = setting
    name = f"d{s['depth']}_w{s['width']}_{s['activation']}_sw{s['sigma_w']:g}_sb{s['sigma_b']:g}_{s['embedding']}"
    return re.sub(r"[^A-Za-z0-9_.+-]", "-", name) + f"_seed{seed}"


def command(args, setting: dict, seed, run_dir: Path) -> list:
    if setting["depth"] == 0:
        keys = ["network.depth=0", "network.embedding=fourier", "duality.calibrate=none"]
    else:
        keys = [f"network.{k}={setting[k]}" for k in SETTING_KEYS] + ["duality.calibrate=spectrum",
                                                                     f"network.seed={seed}"]
    # The script owns its run directories: a second invocation recomputes them (output.overwrite).
    cmd = [args.binary, "run", str(args.deck), *keys, f"output.dir={run_dir}", "output.overwrite=true",
           *args.overrides]
    if args.ranks > 1:
        cmd = [*args.mpirun.split(), "-np", str(args.ranks), *cmd]
    return cmd


def read_attributes(path: Path) -> dict:
    """The root attributes of duality.h5 that the CSV keeps; {} if the file is missing or unreadable."""
    try:
        with h5py.File(path, "r") as f:
            return {k: float(f.attrs[k]) for k in (*(m for m, _ in METRICS), *EXTRA) if k in f.attrs}
    except (OSError, KeyError, ValueError):
        return {}


def first_error(log: Path) -> str:
    """The run's first error line (the launcher's own lines skipped), else its last line."""
    lines = log.read_text().splitlines() if log.is_file() else []
    errors = [line for line in lines if "error" in line.lower() and "mpirun" not in line.lower()]
    return (errors or lines[-1:] or [""])[0].strip()[:200]


def run_one(args, knob, value, setting, seed, env) -> dict:
    name = run_name(knob, setting, seed)
    run_dir = args.out / name
    done = run_dir / "row.json"
    if done.is_file() and not args.force:
        row = json.loads(done.read_text())
        row.update(knob=knob, value=value)
        if row["status"] != "ok" and not row.get("error"):
            row["error"] = first_error(run_dir / "run.log")
        print(f"{name}: {row['status']} (kept from an earlier run; --force reruns)", flush=True)
        return row
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "duality.h5").unlink(missing_ok=True)
    row = {"knob": knob, "value": value, "seed": seed if setting["depth"] > 0 else "", "run": name,
           **{k: setting.get(k, "") for k in SETTING_KEYS}}
    if setting["depth"] == 0:
        row.update(width="", activation="linear", sigma_w="", sigma_b="")
    cmd = command(args, setting, seed, run_dir)
    start = time.monotonic()
    with open(run_dir / "run.log", "w") as log:
        log.write(" ".join(cmd) + "\n")
        log.flush()
        rc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
    row["wall_s"] = round(time.monotonic() - start, 2)
    attrs = read_attributes(run_dir / "duality.h5")
    row["q"] = attrs.get("preactivation_variance_q", "")
    row["c"] = attrs.get("c", "")
    row["mean_mode_c_lambda"] = attrs.get("mean_mode_c_lambda", "")
    missing = [m for m, _ in METRICS if m not in attrs]
    if rc != 0:
        row["error"] = first_error(run_dir / "run.log")
        print(f"duality_departure.py: {name} failed (rc {rc}): {row['error']}", file=sys.stderr)
        row["status"] = f"failed rc={rc}"
    elif missing:
        print(f"duality_departure.py: {name}: duality.h5 lacks {', '.join(missing)}", file=sys.stderr)
        row["status"] = "failed: no t_end metrics"
    else:
        row["status"] = "ok"
    for m, _ in METRICS:
        row[m] = attrs.get(m, "") if row["status"] == "ok" else ""
    if row["status"] == "ok":
        print(f"{name}: max|ln P ratio| = {row[METRICS[0][0]]:.3g}, rms ln(c lambda/omega^2) = "
              f"{row[METRICS[1][0]]:.3g}, NTK drift = {row[METRICS[2][0]]:.3g}, q = {row['q']}, "
              f"{row['wall_s']} s", flush=True)
    done.write_text(json.dumps(row))
    return row


def write_csv(path: Path, rows: list) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def knob_points(rows: list, knob: str, base: dict) -> list:
    """[(x, [rows])] of a knob's panel, base included at its value; x numeric (q, width, depth, sigma_b) or a label."""
    key = {"q": "sigma_w", "width": "width", "depth": "depth", "activation": "activation", "embedding": "embedding",
           "sigma_b": "sigma_b"}[knob]
    groups = {}
    for r in rows:
        if r["knob"] in (knob, "base"):
            groups.setdefault(str(r[key]) if knob in ("activation", "embedding") else number(r[key]), []).append(r)
    if knob == "q":  # x is the measured q (one value per sigma_w: it depends on the inputs only)
        regrouped = {}
        for sw, rs in groups.items():
            qs = [number(r["q"]) for r in rs if math.isfinite(number(r["q"]))]
            regrouped[float(np.mean(qs)) if qs else sw] = rs
        groups = regrouped
    order = sorted(groups, key=lambda x: (str(x) != str(base.get(key)), str(x))) if knob in (
        "activation", "embedding") else sorted(groups)
    return [(x, groups[x]) for x in order]


def draw_seeds(ax, xs, groups, metric) -> None:
    """Each seed as a dot, the mean over seeds as the line, failed runs as red crosses at the top edge."""
    means, mx = [], []
    for i, (x, rs) in enumerate(zip(xs, groups)):
        ok = [v for v in (number(r[metric]) for r in rs if r["status"] == "ok") if math.isfinite(v) and v > 0]
        ax.plot([x] * len(ok), ok, ".", color="C0", alpha=0.7, ms=6, label="seeds" if i == 0 and ok else None)
        if ok:
            means.append(float(np.mean(ok)))
            mx.append(x)
        failed = [r for r in rs if r["status"] != "ok"]
        if failed:
            ax.plot([x], [1.0], "x", color="r", ms=9, mew=2, transform=ax.get_xaxis_transform(), clip_on=False,
                    label=f"{len(failed)} run(s) failed")
    if means:
        ax.plot(mx, means, "o-", color="C1", mfc="none", label="mean over seeds")


def plot(path: Path, rows: list, base: dict, knobs: list) -> None:
    """Column 0: the exact dual against the base MLP (the first step of the road) on the full log range, the
    exact dual as the dashed line. Then one column per knob, y shared along each row (but for q, whose small
    values leave the lazy regime and span decades) so knobs compare, the
    exact dual's value written in the corner (it sits 13-16 decades below)."""
    exact = next((r for r in rows if r["knob"] == "exact" and r["status"] == "ok"), None)
    knobs = [k for k in knobs if any(r["knob"] == k for r in rows)] or ["q"]
    ncol = len(knobs) + 1
    fig, axes = plt.subplots(len(METRICS), ncol, figsize=(3.0 * ncol, 2.7 * len(METRICS)), squeeze=False,
                             layout="constrained")
    labels = {"q": "pre-activation variance q (measured)", "width": "width", "depth": "depth (hidden layers)",
              "activation": "activation", "embedding": "embedding", "sigma_b": r"$\sigma_b$"}
    base_rows = [r for r in rows if r["knob"] == "base"]
    for row_index, (metric, label) in enumerate(METRICS):
        ax = axes[row_index, 0]
        ref = number(exact[metric]) if exact is not None else math.nan
        if ref > 0:
            ax.plot([0], [ref], "s", color="k")
            ax.axhline(ref, color="k", ls="--", lw=1, label=f"exact dual ({ref:.1g})")
        else:
            ax.text(0.05, 0.05, f"exact dual: {ref:g}", transform=ax.transAxes, fontsize=7)
        draw_seeds(ax, [1], [base_rows], metric)
        ax.set_yscale("log")
        ax.set_xticks([0, 1], ["exact dual", "base MLP"])
        ax.set_xlim(-0.5, 1.5)
        ax.set_ylabel(label, fontsize=8)
        if row_index == 0:
            ax.set_title("the first step", fontsize=9)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=6, loc="center right")
        shared = None
        for col, knob in enumerate(knobs, start=1):
            points = knob_points(rows, knob, base)
            categorical = knob in ("activation", "embedding")
            xs = list(range(len(points))) if categorical else [x for x, _ in points]
            ax = axes[row_index, col]
            if knob != "q":  # q reaches the lazy regime's breakdown: its own scale, the others share one
                if shared is not None:
                    ax.sharey(shared)
                shared = shared or ax
            draw_seeds(ax, xs, [rs for _, rs in points], metric)
            if exact is not None:
                ax.text(0.03, 0.03, f"exact dual: {number(exact[metric]):.1g}", transform=ax.transAxes, fontsize=6,
                        color="0.3")
            ax.set_yscale("log")
            if categorical:
                ax.set_xticks(xs, [str(x) for x, _ in points])
                ax.set_xlim(-0.5, len(xs) - 0.5)
            elif xs and min(xs) > 0 and max(xs) / min(xs) >= 4:
                ax.set_xscale("log")
            if knob == "depth":
                ax.set_xticks(xs, [f"{x:g}" for x in xs])
            if row_index == len(METRICS) - 1:
                ax.set_xlabel(labels[knob], fontsize=8)
            if row_index == 0:
                ax.set_title(f"knob: {knob}", fontsize=9)
            if any(r["status"] != "ok" for _, rs in points for r in rs) and ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=6, loc="best")
    fig.suptitle("From the exact dual (linear Fourier-feature readout) to an MLP, one knob at a time; dots: seeds, "
                 "line: their mean\n(base MLP: " + ", ".join(f"{k}={v}" for k, v in base.items())
                 + "; calibrate = spectrum)", fontsize=10)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n", 2)[2])
    p.add_argument("--binary", default=os.environ.get("INFLANET_BINARY", "build/inflanet"))
    p.add_argument("--deck", type=Path, default=Path("inputs/duality_departure.toml"))
    p.add_argument("--ranks", type=int, default=1, help="MPI ranks per run (mpirun when > 1)")
    p.add_argument("--mpirun", default="mpirun --allow-run-as-root --oversubscribe", help="launcher and its options")
    p.add_argument("--out", type=Path, default=Path("output/duality_departure"))
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="network.seed of every MLP setting")
    p.add_argument("--knobs", nargs="+", choices=KNOBS, default=list(KNOBS))
    p.add_argument("--sigma-w", type=float, nargs="+", default=[0.1, 0.2, 0.5, 1.0, 2.0])
    p.add_argument("--widths", type=int, nargs="+", default=[64, 256, 1024])
    p.add_argument("--depths", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--activations", nargs="+", default=["erf", "relu", "tanh", "softplus"])
    p.add_argument("--sigma-b", type=float, nargs="+", default=[0.0, 0.1])
    p.add_argument("--base-width", type=int, default=256)
    p.add_argument("--base-activation", default="erf")
    p.add_argument("--base-sigma-w", type=float, default=1.0)
    p.add_argument("--base-sigma-b", type=float, default=0.0)
    p.add_argument("--force", action="store_true", help="rerun runs that already have OUT/<run>/row.json")
    p.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    p.add_argument("overrides", nargs="*", help="extra deck overrides key=value for every run")
    args = p.parse_args(argv)
    plan = [(knob, value, setting, seed) for knob, value, setting in settings(args)
            for seed in ([args.seeds[0]] if setting["depth"] == 0 else args.seeds)]
    if args.dry_run:
        for knob, value, setting, seed in plan:
            print(" ".join(command(args, setting, seed, args.out / run_name(knob, setting, seed))))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    rows = [run_one(args, knob, value, setting, seed, env) for knob, value, setting, seed in plan]
    write_csv(args.out / "duality_departure.csv", rows)
    base = settings(args)[1][2]
    plot(args.out / "duality_departure.png", rows, base, args.knobs)
    failed = [r["run"] for r in rows if r["status"] != "ok"]
    print(f"wrote {args.out / 'duality_departure.csv'} and {args.out / 'duality_departure.png'}: "
          f"{len(rows) - len(failed)} of {len(rows)} runs ok" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
