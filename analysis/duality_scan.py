#!/usr/bin/python3
"""The duality's evidence versus hyperparameters (issues 6 and 9, the paper's scan): reruns the coupled run with
duality.match = "network" over eta, beta, width, depth and activation, and tabulates, per point, how well the
network's dispersion relation c lambda(k) matches the lattice's omega^2 = k^2/a^2 + V'' (matched shells, rms
log mismatch, the mean mode's c lambda against V''), the two descriptions of c lambda(k) (EFT m_eff^2, c_eff^2
and a decaying kernel, with which one the run says fits: kernel_form) and the velocity matching.

    /usr/bin/python3 analysis/duality_scan.py --binary build/inflanet --deck inputs/duality_scan.toml --ranks 2 \\
        --eta 0.0025 0.01 --beta 0.97 0.9 --width 64 128 --depth 2 1 --activation erf relu \\
        --out output/duality_scan -- time.t_end=1.0

Each point runs `[mpirun -np R] BINARY run DECK duality.match=network network.eta=... ... output.dir=OUT/<point>
[overrides]` and reads OUT/<point>/duality.h5's attributes. Modes:
  --mode oat  (default) one at a time around the base point, which is the FIRST value of every list given:
              the base, then each hyperparameter over its other values with the rest at the base;
  --mode grid the full Cartesian product.
Hyperparameters not given keep the deck's value. Writes OUT/duality_scan.csv (one row per point, failed runs
included with status 'failed rc=N' and their log in OUT/<point>/run.log; columns COLUMNS) and
OUT/duality_scan.png (matched shells, rms log mismatch, mean-mode c lambda against V'', m_eff^2, c_eff^2 and
the decay slope against each scanned hyperparameter; the line is the one-at-a-time slice through the base
point, grey dots are the other grid points). The CSV keeps the fitted H_eff only as the columns
H_eff_consistency_check(_err): an identity of the integrator (physics.md §5), not evidence, and not plotted.
Values are in the run's code units (k comoving, 1/L units): with match = "network" H itself changes with eta
and beta, so no common Hubble unit exists. Exits 1 if any run failed (the CSV and PNG are still written from
the others).
"""

import argparse
import csv
import itertools
import math
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inflanet_io  # noqa: E402

# (name, deck key, type) of every hyperparameter the scan can vary.
HYPERPARAMETERS = (("eta", "network.eta", float), ("beta", "network.beta", float), ("width", "network.width", int),
                   ("depth", "network.depth", int), ("activation", "network.activation", str))
# Root attributes of duality.h5 copied into the CSV under their own names: the evidence (frequencies), the fits
# of the network's dispersion relation and the velocity matching.
RESULTS = ("H", "gamma", "c", "calibrate", "matched_shells_t0", "matched_shells_t_end", "rms_log_mismatch_t0",
           "mean_mode_c_lambda", "V2", "m_eff2", "m_eff2_err", "c_eff2", "c_eff2_err", "eft_rms_relative",
           "decay_slope", "decay_rms_relative", "kernel_form", "velocity_mismatch_linearised")
# The integrator consistency check (not evidence), CSV column -> duality.h5 attribute.
CONSISTENCY = (("H_eff_consistency_check", "H_eff"), ("H_eff_consistency_check_err", "H_eff_err"))
COLUMNS = ("point", "status", "varied", *(name for name, _, _ in HYPERPARAMETERS), *RESULTS,
           *(column for column, _ in CONSISTENCY), "dir")


def design(values: dict, mode: str) -> list:
    """The scan's points as [(varied, {name: value})], values = {name: [v0, v1, ...]} (only scanned names).

    oat: the base point {name: first value} (varied 'base'), then for each name its other values with the rest
    at the base (varied = name); duplicates dropped. grid: every combination (varied 'grid').
    """
    names = list(values)
    if mode == "grid":
        return [("grid", dict(zip(names, combo))) for combo in itertools.product(*(values[n] for n in names))]
    if mode != "oat":
        raise ValueError(f"unknown mode '{mode}' (oat or grid)")
    base = {n: values[n][0] for n in names}
    points, seen = [("base", base)], {tuple(base.items())}
    for n in names:
        for v in values[n][1:]:
            point = dict(base, **{n: v})
            if tuple(point.items()) not in seen:
                seen.add(tuple(point.items()))
                points.append((n, point))
    return points


def point_name(point: dict) -> str:
    if not point:
        return "base"
    name = "_".join(f"{n}{v:g}" if isinstance(v, float) else f"{n}{v}" for n, v in point.items())
    return re.sub(r"[^A-Za-z0-9_.+-]", "-", name)


def command(args, point: dict, run_dir: Path) -> list:
    keys = {name: key for name, key, _ in HYPERPARAMETERS}
    cmd = [args.binary, "run", args.deck, "duality.match=network",
           *(f"{keys[n]}={v!r}" if isinstance(v, float) else f"{keys[n]}={v}" for n, v in point.items()),
           f"output.dir={run_dir}", "output.overwrite=true", *args.overrides]  # the scan owns its run dirs
    if args.ranks > 1:
        cmd = [*args.mpirun.split(), "-np", str(args.ranks), *cmd]
    return cmd


def deck_hyperparameters(attrs: dict) -> dict:
    """The hyperparameters the run actually used, from its resolved deck (attribute `deck`) and eta/beta attributes."""
    out = {}
    try:
        network = tomllib.loads(attrs.get("deck", "")).get("network", {})
    except tomllib.TOMLDecodeError:
        network = {}
    for name, key, kind in HYPERPARAMETERS:
        value = attrs.get(name, network.get(key.split(".", 1)[1]))
        if value is not None:
            out[name] = kind(value)
    return out


def run_point(args, out: Path, varied: str, point: dict, env: dict) -> dict:
    name = point_name(point)
    run_dir = out / name
    run_dir.mkdir(parents=True, exist_ok=True)
    row = {"point": name, "varied": varied, "dir": str(run_dir), **point}
    cmd = command(args, point, run_dir)
    with open(run_dir / "run.log", "w") as log:
        log.write(" ".join(cmd) + "\n")
        log.flush()
        rc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
    if rc != 0:
        tail = (run_dir / "run.log").read_text().splitlines()[-5:]
        print(f"duality_scan.py: point {name} failed (rc {rc}):\n  " + "\n  ".join(tail), file=sys.stderr)
        row["status"] = f"failed rc={rc}"
        return row
    try:
        data = inflanet_io.load_duality(run_dir)
    except (FileNotFoundError, OSError, KeyError) as error:
        print(f"duality_scan.py: point {name}: {error}", file=sys.stderr)
        row["status"] = "failed: no duality.h5"
        return row
    attrs = data["attrs"]
    used = deck_hyperparameters(attrs)
    for n, v in point.items():
        if n in used and (used[n] != v if not isinstance(v, float) else not math.isclose(used[n], v, rel_tol=1e-12)):
            print(f"duality_scan.py: warning: point {name} asked {n} = {v}, the run reports {used[n]}", file=sys.stderr)
    for n, v in used.items():
        row.setdefault(n, v)
    row.update({key: attrs.get(key, math.nan) for key in RESULTS})
    row.update({column: attrs.get(key, math.nan) for column, key in CONSISTENCY})
    row["status"] = "ok"
    print(f"{name}: frequencies within 10% in {row['matched_shells_t0']} shell(s) at t0, "
          f"{row['matched_shells_t_end']} at t_end (rms |ln ratio| {row['rms_log_mismatch_t0']:.3g}); mean mode "
          f"c lambda = {row['mean_mode_c_lambda']:.4g} vs V'' = {row['V2']:.4g}; kernel: {row['kernel_form']} "
          f"(m_eff2 = {row['m_eff2']:.4g} ± {row['m_eff2_err']:.2g}, decay slope {row['decay_slope']:.4g})",
          flush=True)
    return row


def write_csv(path: Path, rows: list) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


QUANTITIES = (("matched_shells", "shells within 10%"),
              ("rms_log_mismatch_t0", "rms $|\\ln(c\\lambda/\\omega^2)|$ at $t_0$"),
              ("mean_mode_c_lambda", "mean mode $c\\lambda(0)$"), ("m_eff2", "EFT $m_{eff}^2$"),
              ("c_eff2", "EFT $c_{eff}^2$"), ("decay_slope", "decay slope of $\\ln c\\lambda(k)$"))


def number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def plot(path: Path, rows: list, values: dict, mode: str = "oat") -> None:
    """The evidence and fits against each scanned hyperparameter with more than one value; failed points as red
    lines. EFT points of runs whose kernel_form is not "eft" are drawn hollow (the EFT does not describe them)."""
    scanned = [n for n in values if len(values[n]) > 1] or list(values) or ["eta"]
    base = {n: values[n][0] for n in values}
    ok = [r for r in rows if r.get("status") == "ok"]
    size = (max(4.4 * len(scanned), 9.0), 2.3 * len(QUANTITIES))
    fig, axes = plt.subplots(len(QUANTITIES), len(scanned), figsize=size,
                             squeeze=False, layout="constrained")
    for col, name in enumerate(scanned):
        categorical = any(isinstance(r.get(name), str) for r in ok)
        order = list(dict.fromkeys([*values.get(name, []), *(r.get(name) for r in ok)]))
        order = [v for v in order if v is not None]

        def x_of(v):
            return order.index(v) if categorical else float(v)

        through_base = sorted((r for r in ok if all(r.get(m) == base[m] for m in base if m != name) and name in r),
                              key=lambda r: x_of(r[name]))
        others = [r for r in ok if r not in through_base and name in r] if mode == "grid" else []
        failed = [r for r in rows if r.get("status") != "ok" and name in r
                  and all(r.get(m) == base[m] for m in base if m != name)]
        for row_index, (key, label) in enumerate(QUANTITIES):
            ax = axes[row_index, col]
            keys = ("matched_shells_t0", "matched_shells_t_end") if key == "matched_shells" else (key,)
            for sub, k in enumerate(keys):
                suffix = {"matched_shells_t0": " at $t_0$", "matched_shells_t_end": " at $t_{end}$"}.get(k, "")
                if others:
                    ax.plot([x_of(r[name]) for r in others], [number(r.get(k)) for r in others], ".", color="0.6",
                            label="other grid points" if sub == 0 else None)
                if not through_base:
                    continue
                x = [x_of(r[name]) for r in through_base]
                y = [number(r.get(k)) for r in through_base]
                err = [number(r.get(f"{k}_err", 0.0)) for r in through_base] if f"{k}_err" in COLUMNS else None
                ax.errorbar(x, y, yerr=err, fmt="o-" if sub == 0 else "s--", capsize=3, color=f"C{sub}",
                            label="through the base point" + suffix)
                if k in ("m_eff2", "c_eff2"):
                    not_eft = [(xi, yi) for xi, yi, r in zip(x, y, through_base) if r.get("kernel_form") != "eft"]
                    if not_eft:
                        ax.plot(*zip(*not_eft), "o", mfc="white", mec="C0", ms=8, zorder=5,
                                label="kernel_form != eft (EFT does not fit)")
                if k == "mean_mode_c_lambda":
                    ax.plot(x, [number(r.get("V2")) for r in through_base], "s--", mfc="none", color="k",
                            label="$V''$ (lattice, $t_0$)")
            for j, r in enumerate(failed):
                ax.axvline(x_of(r[name]), color="r", ls=":", label="run failed" if j == 0 else None)
            if categorical:
                ax.set_xticks(range(len(order)), [str(v) for v in order])
            elif order and min(order) > 0 and max(order) / min(order) >= 4:
                ax.set_xscale("log")
            ax.set_xlabel(name)
            ax.set_ylabel(label + " (code units)" if key not in ("matched_shells", "rms_log_mismatch_t0") else label,
                          fontsize=8)
            if ax.get_legend_handles_labels()[0] and (row_index in (0, 2, 3) or failed):
                ax.legend(fontsize=6.5)
    fig.suptitle("Frequency match and the network's dispersion relation versus hyperparameters\n(base: "
                 + ", ".join(f"{n}={v}" for n, v in base.items()) + ")", fontsize=11)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n", 2)[2])
    p.add_argument("--binary", default=os.environ.get("INFLANET_BINARY", "build/inflanet"))
    p.add_argument("--deck", default="inputs/duality_scan.toml")
    p.add_argument("--ranks", type=int, default=1, help="MPI ranks per run (mpirun when > 1)")
    p.add_argument("--mpirun", default="mpirun --allow-run-as-root --oversubscribe", help="launcher and its options")
    p.add_argument("--out", type=Path, default=Path("output/duality_scan"))
    p.add_argument("--mode", choices=("oat", "grid"), default="oat")
    for name, _, kind in HYPERPARAMETERS:
        p.add_argument(f"--{name}", type=kind, nargs="+", help=f"values of {name} (first: the base point)")
    p.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    p.add_argument("overrides", nargs="*", help="extra deck overrides key=value for every run")
    args = p.parse_args(argv)
    values = {name: getattr(args, name) for name, _, _ in HYPERPARAMETERS if getattr(args, name)}
    points = design(values, args.mode)
    if args.dry_run:
        for _, point in points:
            print(" ".join(command(args, point, args.out / point_name(point))))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    rows = [run_point(args, args.out, varied, point, env) for varied, point in points]
    write_csv(args.out / "duality_scan.csv", rows)
    plot(args.out / "duality_scan.png", rows, values, args.mode)
    failed = [r["point"] for r in rows if r["status"] != "ok"]
    print(f"wrote {args.out / 'duality_scan.csv'} and {args.out / 'duality_scan.png'}: {len(rows) - len(failed)} of "
          f"{len(rows)} points ok" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
