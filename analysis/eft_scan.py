#!/usr/bin/python3
"""The hyperparameter scan of the network's effective field theory (physics.md §5, "Training points that are
lattice sites"): reruns the coupled run over a product (or a union of products) of deck values and seeds, and
tabulates, per run, the fit c lambda(k) ~ m_eff^2 + c_eff^2 k^2 of the network's NTK dispersion relation, the
decaying-kernel alternative, the mean mode's c lambda, the frequency match under each calibration, and the
network's departure from its linearisation at t_end (ntk_drift, lin_gap). With network.width scanned it also
measures the width exponents of ntk_drift and lin_gap.

    /usr/bin/python3 analysis/eft_scan.py inputs/scans/eft_scan.toml --out output/eft_scan [--binary build/inflanet]

The scan file (TOML):

    base = "inputs/duality_scan.toml"  # the deck every run starts from: a path relative to the scan file's
                                       # directory or one above it (up to the repository root), else to the cwd
    ranks = 2                          # MPI ranks per run (mpirun --allow-run-as-root --oversubscribe when > 1)
    seeds = [1, 2, 3, 4]               # values of network.seed: every configuration runs once per seed
    [set]                              # overrides applied to every run
    "lattice.N" = 32
    [scan]                             # one axis per deck key; the scan is their product
    "network.width" = [64, 256, 1024]

`[[scan]]` (an array of tables) makes the scan the union of the tables' products, e.g. one key at a time around
the base. A configuration is the set of overrides that differ from the base deck (with [set] applied, and its
defaults as `inflanet check` resolves them): a table value equal to the base's is the base itself, so the base
runs once however many tables contain it.

For every configuration the tool first asks `inflanet check BASE [set] [configuration]` (exit 2: refused, the
message names the key; an unknown key is refused the same way), then, per seed,

    [mpirun -np RANKS] BINARY run BASE [set] [configuration] network.seed=S output.dir=DIR/runs/<config>_seed<S>

with OPENBLAS_NUM_THREADS=1. A refused configuration and a run that fails (exit 1; exit 2 at run time is
'refused') are reported and recorded, and the scan goes on. A finished run leaves DIR/runs/<name>/scan_done.json
(its row, written atomically); a second invocation skips it and re-reads the row (a run whose overrides changed
since, or whose base deck is another, is run again; refused and failed ones are retried). Progress lines give runs done / total, the last run's
time, the mean time per run and the ETA, and after each configuration the configurations done / total, its time, the
mean per configuration and the ETA.

Writes (rewritten as the scan goes, complete at its end):
  DIR/eft_scan.csv          one row per (configuration, seed), columns(): config, the scanned keys by deck name,
                            seed, status (ok / refused / failed), RESULT_COLUMNS, wall_s (the run's wall time as
                            the tool measured it) and run_dir; scanned keys a configuration does not set are read
                            from its run's resolved.toml (else the base deck); results are NaN where a run
                            reports nothing;
  DIR/eft_scan_errors.csv   the rows whose status is not ok, with the return code, message and log file;
  DIR/eft_scan_tables.md    per scan table, each configuration's seed mean ± std of the dispersion, the
                            frequency match and the linearisation (write_tables);
  DIR/eft_scan_<key>.png    per scanned key: PANELS against the key (each seed's points, and the mean with the
                            standard deviation over seeds), one series per value of the other keys scanned with it;
  DIR/width_exponents.csv, DIR/width_exponents.png   with network.width scanned: the local slopes
                            d ln q / d ln width of q = ntk_drift and lin_gap and a power-law fit over the widths
                            where they have settled (width_exponent(); SETTLED says what settled means).
The frequency match under calibrations other than the run's own is NaN for binaries that write only the run's
own (inflanet_io.duality_calibrations). Exit status: 0 when every run is ok, 1 when some were refused or failed
(the tables and figures are still written), 2 for an unusable scan file or binary.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import scipy.stats  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inflanet_io  # noqa: E402

SEED_KEY = "network.seed"
WIDTH_KEY = "network.width"
DONE_NAME = "scan_done.json"
DEFAULT_MPIRUN = "mpirun --allow-run-as-root --oversubscribe"

# Result columns, in the CSV's order. duality.h5 root attributes under their own names: the EFT fit, the decaying
# kernel, the mean mode, the frequency match per calibration (inflanet_io.duality_calibrations), the run's own
# calibration; then the network at t_end (inflanet_io.network_t_end).
EFT_COLUMNS = ("m_eff2", "m_eff2_err", "c_eff2", "c_eff2_err", "eft_chi2_per_dof", "eft_shells", "eft_k_max",
               "eft_rms_relative")
DECAY_COLUMNS = ("decay_slope", "decay_log_amplitude", "decay_rms_relative", "decay_shells", "power_exponent",
                 "power_log_amplitude", "power_rms_relative", "power_shells", "kernel_form_rms_eft",
                 "kernel_form_rms_decaying", "kernel_form_rms_power_law", "kernel_form")
CALIBRATED_COLUMNS = tuple(f"{name}_{cal}" for name in inflanet_io.DUALITY_PER_CALIBRATION
                           for cal in inflanet_io.CALIBRATIONS)
RESULT_COLUMNS = (*EFT_COLUMNS, *DECAY_COLUMNS, "mean_mode_c_lambda", *CALIBRATED_COLUMNS, "calibrate", "ntk_drift",
                  "lin_gap")
ERROR_COLUMNS = ("run", "config", "seed", "status", "rc", "message", "log")


def columns(keys) -> tuple:
    """The CSV's columns for the scanned deck keys `keys`."""
    return ("config", *keys, "seed", "status", *RESULT_COLUMNS, "wall_s", "run_dir")


# --- the scan file --------------------------------------------------------------------------------------------------

class ScanFileError(Exception):
    """The scan file cannot be used (exit status 2)."""


@dataclass
class Scan:
    """A scan file, read and checked: the base deck's path, ranks, seeds, the [set] overrides ({key: value}) and
    the scan tables ([{key: [values]}]: one per [scan] or [[scan]] table; each table is a product)."""
    path: Path
    base: Path
    ranks: int
    seeds: list
    fixed: dict
    tables: list

    @property
    def keys(self) -> list:
        """Every scanned deck key, in order of first appearance."""
        return list(dict.fromkeys(key for table in self.tables for key in table))


def resolve_base(text: str, scan_path: Path, cwd: Path) -> Path:
    """The base deck `text` names: absolute as given, else the first that exists of the scan file's directory
    and each directory above it up to the repository root (the first with .git), then `cwd`."""
    given = Path(text)
    if given.is_absolute():
        if not given.is_file():
            raise ScanFileError(f"{scan_path}: base deck '{text}' does not exist")
        return given
    candidates = []
    for directory in (scan_path.resolve().parent, *scan_path.resolve().parent.parents):
        candidates.append(directory / given)
        if (directory / ".git").exists():
            break
    candidates.append(cwd / given)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ScanFileError(f"{scan_path}: base deck '{text}' not found (looked in "
                        + ", ".join(str(c.parent) for c in candidates) + ")")


def _scalar(value) -> bool:
    return isinstance(value, (str, int, float, bool))


def load_scan(path, cwd=None) -> Scan:
    """Reads and checks a scan file (module docstring); raises ScanFileError naming the problem. Deck keys are
    not checked here: `inflanet check` judges them, configuration by configuration."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as error:
        raise ScanFileError(f"cannot read the scan file: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ScanFileError(f"{path}: not TOML: {error}") from None
    unknown = set(data) - {"base", "ranks", "seeds", "set", "scan"}
    if unknown:
        raise ScanFileError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))} (base, ranks, seeds, "
                            "[set], [scan] or [[scan]])")
    if not isinstance(data.get("base"), str):
        raise ScanFileError(f"{path}: 'base' (the base deck, a string) is required")
    ranks = data.get("ranks", 1)
    if not isinstance(ranks, int) or isinstance(ranks, bool) or ranks < 1:
        raise ScanFileError(f"{path}: 'ranks' must be an integer >= 1, got {ranks!r}")
    seeds = data.get("seeds")
    if (not isinstance(seeds, list) or not seeds
            or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in seeds)):
        raise ScanFileError(f"{path}: 'seeds' must be a non-empty list of integers >= 0 (values of {SEED_KEY})")
    if len(set(seeds)) != len(seeds):
        raise ScanFileError(f"{path}: 'seeds' repeats a value")
    fixed = data.get("set", {})
    if not isinstance(fixed, dict) or not all(_scalar(v) for v in fixed.values()):
        raise ScanFileError(f"{path}: [set] must be a table of \"key.path\" = value (scalars)")
    raw = data.get("scan", {})
    tables = raw if isinstance(raw, list) else [raw]
    checked = []
    for number, table in enumerate(tables, 1):
        where = f"{path}: scan table {number}" if isinstance(raw, list) else f"{path}: [scan]"
        if not isinstance(table, dict):
            raise ScanFileError(f"{where} is not a table")
        axes = {}
        for key, values in table.items():
            values = values if isinstance(values, list) else [values]
            if not values or not all(_scalar(v) for v in values):
                raise ScanFileError(f"{where}: '{key}' must be a value or a non-empty list of values")
            axes[key] = values
        checked.append(axes)
    for key in [*fixed, *(k for t in checked for k in t)]:
        if key in (SEED_KEY, "output.dir"):
            raise ScanFileError(f"{path}: '{key}' is set by the tool ({SEED_KEY} by 'seeds', output.dir by --out)")
    return Scan(path=path, base=resolve_base(data["base"], path, Path(cwd or Path.cwd())), ranks=ranks,
                seeds=seeds, fixed=fixed, tables=checked)


def flatten(deck: dict, prefix: str = "") -> dict:
    """{'section.key': value} of a (nested) TOML table."""
    out = {}
    for key, value in deck.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def base_values(scan: Scan, binary=None, env=None) -> dict:
    """The base deck's values by dotted key with [set] applied: the deck `inflanet check BASE [set]` resolves
    (defaults included: it prints the resolved deck) when `binary` is given and accepts it, else the base file's
    own values (keys left to defaults are then absent)."""
    with open(scan.base, "rb") as f:
        values = flatten(tomllib.load(f))
    values.update(scan.fixed)
    if binary is not None:
        cmd = [str(binary), "check", str(scan.base), *(f"{k}={literal(v)}" for k, v in scan.fixed.items())]
        try:
            result = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if result.returncode == 0:
                values.update(flatten(tomllib.loads(result.stdout)))
        except (OSError, tomllib.TOMLDecodeError):
            pass
    return values


# --- configurations -------------------------------------------------------------------------------------------------

@dataclass
class Configuration:
    """One point of the scan: `values` are its overrides beyond the base and [set] ({} for the base itself),
    `tables` the indices of the scan tables that contain it, `name` its directory name's stem."""
    name: str
    values: dict
    tables: set


def same(a, b) -> bool:
    """Equal as deck values: numbers by value (a real key accepts 1 for 1.0), booleans only as booleans."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def literal(value) -> str:
    """`value` as the TOML literal of a command-line override (key.path=LITERAL)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    return json.dumps(str(value))  # a TOML basic string: quotes and backslashes escaped as JSON does


def _name_part(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, ".12g")
    return str(value)


def configuration_name(values: dict, keys) -> str:
    """A directory-safe name for the overrides `values`: 'base' for none, else e.g. 'width64_activation-tanh'
    (the key's last component, or the whole key when two scanned keys share it)."""
    if not values:
        return "base"
    last = [k.rsplit(".", 1)[-1] for k in keys]
    parts = []
    for key, value in values.items():
        stem = key.rsplit(".", 1)[-1]
        label = stem if last.count(stem) == 1 else key.replace(".", "-")
        text = _name_part(value)
        parts.append(f"{label}{text}" if re.match(r"[-+0-9.]", text) else f"{label}-{text}")
    return re.sub(r"[^A-Za-z0-9_.+-]", "-", "_".join(parts))


def expand(scan: Scan, base: dict | None = None) -> list:
    """The scan's configurations: the union over tables of each table's product, in order of first appearance.
    A value equal to the base's (`base`: base_values) is left out of a configuration's overrides, so points that
    differ only by restating the base are one configuration (e.g. the base point of several one-key tables)."""
    base = base_values(scan) if base is None else base
    keys = scan.keys
    found = {}
    for index, table in enumerate(scan.tables):
        names = list(table)
        for combo in itertools.product(*(table[n] for n in names)):
            values = {k: v for k, v in zip(names, combo) if not (k in base and same(base[k], v))}
            identity = tuple(sorted((k, type(v).__name__ if isinstance(v, bool) else "", literal(v))
                                    for k, v in values.items()))
            if identity not in found:
                found[identity] = Configuration(name="", values=values, tables=set())
            found[identity].tables.add(index)
    configs = list(found.values())
    used = {}
    for config in configs:
        name = configuration_name(config.values, keys)
        used[name] = used.get(name, 0) + 1
        config.name = name if used[name] == 1 else f"{name}-{used[name]}"
    return configs


def run_name(config: Configuration, seed: int) -> str:
    return f"{config.name}_seed{seed}"


def overrides(scan: Scan, config: Configuration, seed: int) -> list:
    """The run's overrides before output.dir: [set] (less the keys the configuration sets), the configuration,
    the seed."""
    return [*(f"{k}={literal(v)}" for k, v in scan.fixed.items() if k not in config.values),
            *(f"{k}={literal(v)}" for k, v in config.values.items()), f"{SEED_KEY}={seed}"]


def command(binary: str, verb: str, scan: Scan, config: Configuration, seed: int, run_dir: Path,
            mpirun: str = DEFAULT_MPIRUN) -> list:
    """`[mpirun ... -np RANKS] BINARY verb BASE overrides... output.dir=RUN_DIR` (mpirun only when ranks > 1)."""
    launcher = [*mpirun.split(), "-np", str(scan.ranks)] if scan.ranks > 1 else []
    # The scan owns its run directories: a run it repeats (its overrides changed) replaces the old one.
    return [*launcher, str(binary), verb, str(scan.base), *overrides(scan, config, seed), f"output.dir={run_dir}",
            "output.overwrite=true"]


# --- running --------------------------------------------------------------------------------------------------------

def error_message(log: str, limit: int = 600) -> str:
    """The program's own error lines of a run's output (`inflanet: error: ...`, one per problem), else its last
    three non-empty lines that are not the launcher's frame; joined by ' | '."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    picked = [line for line in lines if re.search(r"\berror\b", line, re.IGNORECASE) and "mpirun" not in line]
    if not picked:
        picked = [line for line in lines if not line.startswith("---")][-3:]
    picked = [re.sub(r"^inflanet: error: ", "", line) for line in picked]
    text = " | ".join(dict.fromkeys(picked))
    return text if len(text) <= limit else text[:limit - 3] + "..."


def write_json_atomically(path: Path, data: dict) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=1, sort_keys=False))
    os.replace(temporary, path)


def read_done(run_dir: Path, expected_overrides: list, base: Path):
    """The row of a finished run (its scan_done.json), or None when there is none, it is unreadable or it
    was made from another base deck or with other overrides (then the run is stale and runs again)."""
    path = run_dir / DONE_NAME
    if not path.is_file():
        return None
    try:
        done = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if (done.get("overrides") != expected_overrides or done.get("base") != str(base)
            or not isinstance(done.get("row"), dict)):
        return None
    return done["row"]


def run_values(run_dir: Path) -> dict:
    """The deck values the run resolved (its resolved.toml), by dotted key; {} when there is none."""
    try:
        return flatten(inflanet_io.read_deck(run_dir / inflanet_io.DECK_NAME))
    except (FileNotFoundError, OSError, tomllib.TOMLDecodeError):
        return {}


def number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def plain(value):
    """A value as the CSV and JSON hold it: numpy scalars as Python numbers."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def make_row(scan: Scan, config: Configuration, seed: int, run_dir: Path, out: Path, base: dict, status: str,
             summary: dict | None = None, wall_s: float = math.nan) -> dict:
    """The CSV row of one run: the scanned keys (the configuration's values, else the run's resolved deck, else
    the base deck), the seed, the status, the results (NaN where absent) and the wall time."""
    resolved = run_values(run_dir) if run_dir.is_dir() else {}
    row = {"config": config.name}
    for key in scan.keys:
        row[key] = config.values.get(key, resolved.get(key, base.get(key, "")))
    row.update(seed=seed, status=status)
    summary = summary or {}
    for name in RESULT_COLUMNS:
        row[name] = plain(summary.get(name, math.nan))
    row["wall_s"] = wall_s
    row["run_dir"] = os.path.relpath(run_dir, out)
    return row


class ConfigurationProgress:
    """Configurations done / total (all seeds of one configuration, its check included), the time of the last
    one, the mean over those this invocation ran, and the ETA of the configurations still to do."""

    def __init__(self, total: int, to_run: int):
        self.total, self.left, self.done, self.times = total, to_run, total - to_run, []

    def report(self, name: str, seconds: float) -> str:
        self.done += 1
        self.left = max(self.left - 1, 0)
        self.times.append(seconds)
        mean = sum(self.times) / len(self.times)
        line = (f"configurations {self.done}/{self.total}: {name} done in {seconds:.1f} s; mean {mean:.1f} s per "
                f"configuration; ETA {format_seconds(mean * self.left)} ({self.left} to run)")
        print(line, flush=True)
        return line


class Progress:
    """Runs done / total, the last run's time, the mean over the runs this invocation executed, and the ETA of
    the runs still to do."""

    def __init__(self, total: int, to_run: int):
        self.total, self.left, self.done, self.times = total, to_run, 0, []

    def skipped(self, count: int = 1) -> None:
        self.done += count

    def report(self, name: str, status: str, seconds: float, executed: bool) -> str:
        self.done += 1
        self.left = max(self.left - 1, 0)
        if executed:
            self.times.append(seconds)
        mean = sum(self.times) / len(self.times) if self.times else math.nan
        eta = mean * self.left if self.times else math.nan
        average = f"{mean:.1f} s per run over {len(self.times)}" if self.times else "n/a (no run executed yet)"
        line = (f"[{self.done}/{self.total}] {name}: {status} in {seconds:.1f} s; mean {average}; "
                f"ETA {format_seconds(eta)} ({self.left} to run)")
        print(line, flush=True)
        return line


def format_seconds(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "unknown"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def execute(cmd: list, log_path: Path, env: dict):
    """Runs `cmd` with stdout and stderr into `log_path` (after a first line with the command); (return code,
    wall seconds, the program's output)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    with open(log_path, "w") as log:
        log.write(" ".join(cmd) + "\n")
        log.flush()
        try:
            rc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
        except OSError as error:  # the binary or launcher cannot be started
            log.write(f"eft_scan.py: cannot start: {error}\n")
            rc = 127
    return rc, time.monotonic() - start, log_path.read_text().split("\n", 1)[-1]


class Runner:
    """Runs a scan's configurations (check once, then each seed) and collects the rows and errors."""

    def __init__(self, scan: Scan, out: Path, binary: str, mpirun: str = DEFAULT_MPIRUN):
        self.scan, self.out, self.binary, self.mpirun = scan, out, binary, mpirun
        self.keys = scan.keys
        self.rows, self.errors = [], []
        self.env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
        self.env.setdefault("OMP_NUM_THREADS", "1")
        self.base = base_values(scan, binary, self.env)
        self.configs = expand(scan, self.base)

    def run_dir(self, config: Configuration, seed: int) -> Path:
        return self.out / "runs" / run_name(config, seed)

    def record(self, row: dict, rc, message: str, log: Path | None) -> None:
        self.rows.append(row)
        if row["status"] != "ok":
            self.errors.append({"run": run_name_from_row(row), "config": row["config"], "seed": row["seed"],
                                "status": row["status"], "rc": rc, "message": message,
                                "log": os.path.relpath(log, self.out) if log else ""})
            print(f"eft_scan.py: {run_name_from_row(row)}: {row['status']} (rc {rc}): {message}", file=sys.stderr,
                  flush=True)

    def run(self) -> list:
        scan, out = self.scan, self.out
        done = {(c.name, s): read_done(self.run_dir(c, s), overrides(scan, c, s), scan.base)
                for c in self.configs for s in scan.seeds}
        total = len(done)
        to_run = sum(row is None for row in done.values())
        print(f"eft_scan.py: {len(self.configs)} configuration(s) x {len(scan.seeds)} seed(s) = {total} run(s) of "
              f"{scan.base} on {scan.ranks} rank(s); {total - to_run} already done, {to_run} to run", flush=True)
        progress = Progress(total, to_run)
        configurations = ConfigurationProgress(len(self.configs),
                                               sum(any(done[(c.name, s)] is None for s in scan.seeds)
                                                   for c in self.configs))
        for config in self.configs:
            pending = [s for s in scan.seeds if done[(config.name, s)] is None]
            config_start = time.monotonic()
            for seed in scan.seeds:
                row = done[(config.name, seed)]
                if row is not None:
                    # The row as first written; keys scanned since are filled in, as for a new run.
                    fresh = make_row(scan, config, seed, self.run_dir(config, seed), out, self.base, "ok")
                    self.rows.append({**fresh, **{k: v for k, v in row.items() if k != "config"}})
                    progress.skipped()
            if not pending:
                continue
            start = time.monotonic()
            check_dir = self.run_dir(config, pending[0])
            check_log = check_dir / "check.log"
            rc, _, text = execute(command(self.binary, "check", scan, config, pending[0], check_dir, self.mpirun),
                                  check_log, self.env)
            if rc != 0:
                status = "refused" if rc == 2 else "failed"
                message = f"inflanet check {'refused it' if rc == 2 else 'failed'}: {error_message(text)}"
                for seed in pending:
                    row = make_row(scan, config, seed, self.run_dir(config, seed), out, self.base, status)
                    self.record(row, rc, message, check_log)
                    progress.report(run_name(config, seed), status, time.monotonic() - start, executed=False)
                    start = time.monotonic()
                self.write_tables()
                configurations.report(config.name, time.monotonic() - config_start)
                continue
            for seed in pending:
                self.run_one(config, seed, progress, start)
                start = time.monotonic()
                self.write_tables()
            configurations.report(config.name, time.monotonic() - config_start)
        self.write_tables()
        return self.rows

    def run_one(self, config: Configuration, seed: int, progress: Progress, start: float) -> None:
        run_dir = self.run_dir(config, seed)
        (run_dir / DONE_NAME).unlink(missing_ok=True)  # a stale result must not survive a rerun that fails
        log = run_dir / "run.log"
        rc, wall, text = execute(command(self.binary, "run", self.scan, config, seed, run_dir, self.mpirun), log,
                                 self.env)
        summary, message = None, ""
        if rc == 0:
            try:
                summary = inflanet_io.duality_summary(run_dir)
                status = "ok"
            except (FileNotFoundError, OSError, KeyError) as error:
                status, message = "failed", f"no usable duality.h5: {error}"
        else:
            status = "refused" if rc == 2 else "failed"
            message = error_message(text)
        row = make_row(self.scan, config, seed, run_dir, self.out, self.base, status, summary, wall)
        self.record(row, rc, message, log)
        if status == "ok":
            write_json_atomically(run_dir / DONE_NAME, {"overrides": overrides(self.scan, config, seed),
                                                        "base": str(self.scan.base), "rc": rc, "row": row})
        progress.report(run_name(config, seed), status, time.monotonic() - start, executed=True)

    def write_tables(self) -> None:
        write_csv(self.out / "eft_scan.csv", columns(self.keys), self.rows)
        write_csv(self.out / "eft_scan_errors.csv", ERROR_COLUMNS, self.errors)


def run_name_from_row(row: dict) -> str:
    return f"{row['config']}_seed{row['seed']}"


def write_csv(path: Path, fieldnames, rows) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(temporary, path)


# --- width exponents ------------------------------------------------------------------------------------------------

SETTLED = ("settled: the longest tail of the widths (ending at the largest, at least 3 widths) over which the local "
           "slope d ln q / d ln width is constant within the seed scatter: (1) no trend: the curvature c of a "
           "weighted quadratic fit of ln q in ln width (d slope / d ln width = 2c) is within 2 sigma of 0 (with 3 "
           "widths: the two local slopes agree within 2 sigma), and (2) no excess scatter: the power-law fit's "
           "chi^2 is below the 99% quantile of chi^2(dof); if no tail qualifies the exponent is NOT settled and is "
           "fitted over the top 3 widths, flagged")


def local_slopes(widths, means, sigma_ln):
    """Local exponents s_i = d ln q / d ln width between consecutive widths and their errors, from the errors
    sigma_ln of ln q (the relative standard errors of the seed means), propagated: ds = sqrt(s_i^2 + s_{i+1}^2) /
    d ln w."""
    lw, lq, sig = np.log(widths), np.log(means), np.asarray(sigma_ln, dtype=float)
    dlw = np.diff(lw)
    return np.diff(lq) / dlw, np.sqrt(sig[:-1] ** 2 + sig[1:] ** 2) / dlw


def power_law_fit(widths, means, sigma_ln) -> dict:
    """Weighted least squares of ln q = ln A + p ln width (weights 1 / sigma_ln^2; unweighted when any sigma is
    unknown or zero). Returns exponent p, amplitude A, err_scatter (the formal error from the seed scatter's
    sigma_ln, NaN when unweighted), err_fit (the error the residuals imply: the formal error times
    sqrt(chi^2 / dof), NaN with 2 points) and chi2_per_dof."""
    x, y = np.log(np.asarray(widths, float)), np.log(np.asarray(means, float))
    sig = np.asarray(sigma_ln, dtype=float)
    weighted = bool(np.all(np.isfinite(sig)) and np.all(sig > 0))
    w = 1.0 / sig**2 if weighted else np.ones_like(x)
    s, sx, sy, sxx, sxy = w.sum(), (w * x).sum(), (w * y).sum(), (w * x * x).sum(), (w * x * y).sum()
    delta = s * sxx - sx * sx
    p = (s * sxy - sx * sy) / delta
    a = (sxx * sy - sx * sxy) / delta
    formal = math.sqrt(s / delta)
    dof = x.size - 2
    chi2 = float((w * (y - a - p * x) ** 2).sum())
    chi2_per_dof = chi2 / dof if dof > 0 else math.nan
    return {"exponent": float(p), "amplitude": float(math.exp(a)),
            "err_scatter": formal if weighted else math.nan,
            "err_fit": formal * math.sqrt(chi2_per_dof) if dof > 0 else math.nan,
            "chi2_per_dof": chi2_per_dof if weighted else math.nan}


def curvature(widths, means, sigma_ln):
    """(c, its error) of the weighted least-squares fit ln q = a + b x + c x^2, x = ln width - its mean (weights
    1 / sigma_ln^2): the local slope's trend is d(d ln q / d ln width) / d ln width = 2c."""
    x = np.log(np.asarray(widths, float))
    x -= x.mean()
    design = np.stack([np.ones_like(x), x, x * x], axis=1)
    w = 1.0 / np.asarray(sigma_ln, float) ** 2
    normal = design.T @ (w[:, None] * design)
    coefficients = np.linalg.solve(normal, design.T @ (w * np.log(np.asarray(means, float))))
    return float(coefficients[2]), float(math.sqrt(np.linalg.inv(normal)[2, 2]))


def settled_start(widths, means, sigma_ln, sigmas: float = 2.0, quantile: float = 0.99, min_widths: int = 3):
    """The first index of the settled tail of the widths (SETTLED), or None when none qualifies or the seed
    scatter is unknown (fewer than 2 seeds, or none at all, at some width)."""
    sig = np.asarray(sigma_ln, dtype=float)
    if not (np.all(np.isfinite(sig)) and np.all(sig > 0)):
        return None
    for start in range(0, len(widths) - min_widths + 1):
        c, c_err = curvature(widths[start:], means[start:], sig[start:])
        if abs(c) > sigmas * c_err:
            continue
        fit = power_law_fit(widths[start:], means[start:], sig[start:])
        dof = len(widths) - start - 2
        if fit["chi2_per_dof"] * dof <= scipy.stats.chi2.ppf(quantile, dof):
            return start
    return None


def width_exponent(samples: dict) -> dict:
    """The width dependence of one quantity q from `samples` = {width: {seed: q}}.

    Per width (ascending; widths whose seed mean is not positive are left out, as are non-finite values): the
    seeds, the seed mean and its standard error; the local slopes between consecutive widths with their errors;
    the settled tail (SETTLED) and the power-law fit over it (power_law_fit). Returns a dict with arrays
    'widths', 'n', 'mean', 'sem', 'slopes', 'slope_errs', 'values' (per width, {seed: q}) and the fit's
    'exponent', 'exponent_err' (the largest of err_fit, err_scatter and err_seeds: with n seeds it has about
    n - 1 degrees of freedom), 'err_fit', 'err_scatter', 'err_seeds' (seed_exponent_error), 'amplitude',
    'chi2_per_dof', 'start' (first index of the fitted range), 'width_min', 'width_max', 'settled' (bool) and
    'note' (what was done, in words). With fewer than two usable widths the fit entries are NaN."""
    widths, n, mean, sem, values = [], [], [], [], []
    for width in sorted(samples):
        vals = {s: float(v) for s, v in samples[width].items() if math.isfinite(number(v))}
        if not vals:
            continue
        arr = np.array(list(vals.values()))
        m = float(arr.mean())
        if m <= 0:
            continue
        widths.append(float(width))
        n.append(arr.size)
        mean.append(m)
        sem.append(float(arr.std(ddof=1) / math.sqrt(arr.size)) if arr.size > 1 else math.nan)
        values.append(vals)
    widths, mean, sem = np.array(widths), np.array(mean), np.array(sem)
    out = {"widths": widths, "n": np.array(n, dtype=int), "mean": mean, "sem": sem, "values": values,
           "slopes": np.array([]), "slope_errs": np.array([]), "exponent": math.nan, "exponent_err": math.nan,
           "err_fit": math.nan, "err_scatter": math.nan, "err_seeds": math.nan, "amplitude": math.nan,
           "chi2_per_dof": math.nan,
           "start": None, "width_min": math.nan, "width_max": math.nan, "settled": False}
    if widths.size < 2:
        out["note"] = f"{widths.size} usable width(s): no slope"
        return out
    sigma_ln = sem / mean
    out["slopes"], out["slope_errs"] = local_slopes(widths, mean, sigma_ln)
    start = settled_start(widths, mean, sigma_ln)
    if start is not None:
        out["settled"] = True
        note = f"settled over widths {widths[start]:g}-{widths[-1]:g}"
    else:
        start = max(widths.size - 3, 0)
        if not np.all(np.isfinite(sigma_ln)):
            why = "fewer than 2 seeds at some width: no scatter to judge it by"
        elif widths.size < 3:
            why = "fewer than 3 widths"
        else:
            why = "no tail of >= 3 widths qualifies"
        note = (f"NOT SETTLED ({why}): fitted over the top {widths.size - start} widths "
                f"{widths[start]:g}-{widths[-1]:g}, flagged")
    fit = power_law_fit(widths[start:], mean[start:], sigma_ln[start:])
    fit["err_seeds"] = seed_exponent_error(widths[start:], values[start:])
    errors = [e for e in (fit["err_fit"], fit["err_scatter"], fit["err_seeds"]) if math.isfinite(e)]
    out.update(fit, start=start, width_min=float(widths[start]), width_max=float(widths[-1]), note=note,
               exponent_err=max(errors) if errors else math.nan)
    return out


def seed_exponent_error(widths, values) -> float:
    """The standard error of the exponent from the seed scatter directly: the spread of the exponents fitted to
    each seed alone (least squares of ln q in ln width over `widths`; `values` per width {seed: q}), over the
    square root of their number; only seeds with a positive value at every width count; NaN for fewer than 2."""
    seeds = [s for s in values[0] if all(s in v and v[s] > 0 for v in values)]
    if len(seeds) < 2 or len(widths) < 2:
        return math.nan
    x = np.log(np.asarray(widths, float))
    exponents = [np.polyfit(x, np.log([v[s] for v in values]), 1)[0] for s in seeds]
    return float(np.std(exponents, ddof=1) / math.sqrt(len(seeds)))


WIDTH_COLUMNS = ("series", "quantity", "kind", "width", "width_next", "n_seeds", "mean", "sem", "local_slope",
                 "local_slope_err", "in_fit", "exponent", "exponent_err", "exponent_err_fit", "exponent_err_scatter",
                 "exponent_err_seeds", "amplitude", "chi2_per_dof", "width_min", "width_max", "settled", "note")
WIDTH_QUANTITIES = ("ntk_drift", "lin_gap")


def width_samples(rows: list, quantity: str) -> dict:
    """{width: {seed: quantity}} of the ok rows."""
    out = {}
    for row in rows:
        width = number(row.get(WIDTH_KEY))
        if row.get("status") == "ok" and math.isfinite(width):
            out.setdefault(int(width), {})[row["seed"]] = number(row.get(quantity))
    return out


def width_exponents(series: dict, out: Path) -> list:
    """Writes out/width_exponents.csv and .png for `series` = {label: rows} (one series per combination of the
    other keys scanned with the width) and prints each quantity's local slopes and exponent. Returns the
    results [(label, quantity, width_exponent())]."""
    print(f"width exponents: {SETTLED}")
    results, table = [], []
    for label, rows in series.items():
        for quantity in WIDTH_QUANTITIES:
            r = width_exponent(width_samples(rows, quantity))
            results.append((label, quantity, r))
            name = f"{quantity}" + (f" [{label}]" if label else "")
            slopes = ", ".join(f"{r['widths'][i]:g}-{r['widths'][i + 1]:g}: {s:+.3f} ± {e:.3f}"
                               for i, (s, e) in enumerate(zip(r["slopes"], r["slope_errs"])))
            print(f"  {name}: local slopes d ln q / d ln width: {slopes or 'none'}")
            print(f"  {name}: {r['note']}; exponent {r['exponent']:+.3f} ± {r['exponent_err']:.3f} "
                  f"(the largest of: fit residuals {r['err_fit']:.3f}, seed means' errors propagated "
                  f"{r['err_scatter']:.3f}, per-seed exponents' spread {r['err_seeds']:.3f}) over widths "
                  f"{r['width_min']:g}-{r['width_max']:g}", flush=True)
            for i, width in enumerate(r["widths"]):
                table.append({"series": label, "quantity": quantity, "kind": "width", "width": int(width),
                              "width_next": int(r["widths"][i + 1]) if i + 1 < r["widths"].size else "",
                              "n_seeds": int(r["n"][i]), "mean": r["mean"][i], "sem": r["sem"][i],
                              "local_slope": r["slopes"][i] if i < r["slopes"].size else "",
                              "local_slope_err": r["slope_errs"][i] if i < r["slopes"].size else "",
                              "in_fit": r["start"] is not None and i >= r["start"]})
            table.append({"series": label, "quantity": quantity, "kind": "fit", "exponent": r["exponent"],
                          "exponent_err": r["exponent_err"], "exponent_err_fit": r["err_fit"],
                          "exponent_err_scatter": r["err_scatter"], "exponent_err_seeds": r["err_seeds"],
                          "amplitude": r["amplitude"],
                          "chi2_per_dof": r["chi2_per_dof"], "width_min": r["width_min"],
                          "width_max": r["width_max"], "settled": r["settled"], "note": r["note"]})
    write_csv(out / "width_exponents.csv", WIDTH_COLUMNS, table)
    plot_width_exponents(out / "width_exponents.png", results)
    return results


def plot_width_exponents(path: Path, results: list) -> None:
    """Per quantity: q against width (each seed, the seed mean with its standard error, the fit over its range)
    and the local slopes with their errors (the fitted exponent as a band over the fitted range). The dotted
    lines at -1/2 and -1 are references (the NTK change's bound, and the rate at initialisation for smooth
    activations), not fits."""
    fig, axes = plt.subplots(len(WIDTH_QUANTITIES), 2, figsize=(11, 4.2 * len(WIDTH_QUANTITIES)), squeeze=False,
                             layout="constrained")
    for colour, (label, quantity, r) in enumerate(results):
        row = WIDTH_QUANTITIES.index(quantity)
        ax, ax_slope = axes[row, 0], axes[row, 1]
        c = f"C{colour // len(WIDTH_QUANTITIES)}"
        suffix = f" [{label}]" if label else ""
        for i, vals in enumerate(r["values"]):
            ax.plot([r["widths"][i]] * len(vals), list(vals.values()), ".", color=c, alpha=0.35)
        if r["widths"].size:
            ax.errorbar(r["widths"], r["mean"], yerr=np.nan_to_num(r["sem"]), fmt="o", color=c, capsize=3,
                        label=f"seed mean ± s.e.{suffix}")
        if math.isfinite(r["exponent"]):
            w = np.geomspace(r["width_min"], r["width_max"], 20)
            flag = "" if r["settled"] else " (NOT settled)"
            ax.plot(w, r["amplitude"] * w ** r["exponent"], "-", color=c,
                    label=f"fit: width^({r['exponent']:.3f} ± {r['exponent_err']:.3f}){flag}")
            ax_slope.fill_between([r["width_min"], r["width_max"]], r["exponent"] - r["exponent_err"],
                                  r["exponent"] + r["exponent_err"], color=c, alpha=0.15,
                                  label=f"fitted exponent ± error{suffix}")
        if r["slopes"].size:
            mid = np.sqrt(r["widths"][:-1] * r["widths"][1:])
            ax_slope.errorbar(mid, r["slopes"], yerr=np.nan_to_num(r["slope_errs"]), fmt="s-", color=c, capsize=3,
                              label=f"local slope{suffix}")
        for ax_ in (ax, ax_slope):
            ax_.set_xscale("log")
            ax_.set_xlabel("network.width")
        if r["widths"].size and np.all(r["mean"] > 0):
            ax.set_yscale("log")
            anchor_w, anchor_q = r["widths"][0], r["mean"][0]
            w = np.geomspace(r["widths"][0], r["widths"][-1], 20)
            if colour < len(WIDTH_QUANTITIES):
                ax.plot(w, anchor_q * (w / anchor_w) ** -0.5, ":", color="0.4", label="width^-1/2 (reference)")
                ax.plot(w, anchor_q * (w / anchor_w) ** -1.0, "--", color="0.6", lw=0.8, label="width^-1 (reference)")
        ax.set_ylabel(f"{quantity} at t_end")
        ax_slope.set_ylabel(f"d ln {quantity} / d ln width")
        ax_slope.axhline(-0.5, ls=":", color="0.4")
        ax_slope.axhline(-1.0, ls="--", color="0.6", lw=0.8)
        ax.legend(fontsize=7)
        if ax_slope.get_legend_handles_labels()[0]:
            ax_slope.legend(fontsize=7)
    fig.suptitle("Width exponents of the network's departure from its linearisation\n(shaded: the fitted "
                 "exponent ± error; lines at -1/2 and -1: references)", fontsize=10)
    fig.savefig(path, dpi=100)
    plt.close(fig)


# --- figures per scanned key ----------------------------------------------------------------------------------------

CAL = inflanet_io.CALIBRATIONS
# (panel title, the columns drawn in it (one series each), log y when positive)
PANELS = (("EFT $m_{eff}^2$", ("m_eff2",), False), ("EFT $c_{eff}^2$", ("c_eff2",), False),
          ("decay slope of $\\ln c\\lambda(k)$", ("decay_slope",), False),
          ("mean mode $c\\lambda(0)$", ("mean_mode_c_lambda",), False),
          ("rms $|\\ln(c\\lambda/\\omega^2)|$ at $t_0$", tuple(f"rms_log_mismatch_t0_{c}" for c in CAL), False),
          ("shells matched within 10% at $t_0$", tuple(f"matched_shells_t0_{c}" for c in CAL), False),
          ("ntk_drift at $t_{end}$", ("ntk_drift",), True), ("lin_gap at $t_{end}$", ("lin_gap",), True))


def series_of(rows: list, key: str, configs: list, tables: list) -> tuple:
    """The rows of the configurations that belong to a scan table with `key` (`tables`: the scan's), grouped by
    the values of the other keys those tables scan: ({label: rows}, [other keys]); label '' for one group."""
    scanning = {i for i, table in enumerate(tables) if key in table}
    names = {c.name for c in configs if c.tables & scanning}
    keys = list(dict.fromkeys(k for i in sorted(scanning) for k in tables[i]))
    others = [k for k in keys if k != key]
    groups = {}
    for row in rows:
        if row["config"] in names:
            label = ", ".join(f"{k}={row.get(k)}" for k in others)
            groups.setdefault(label, []).append(row)
    if len(groups) == 1:
        groups = {"": next(iter(groups.values()))}
    return groups, others


def x_axis(values: list, declared: list):
    """(x of a value, categorical?, log?, ordered categories): strings and booleans are categorical, in the
    scan file's order; numbers are logarithmic when positive and spanning more than a factor 10."""
    present = [v for v in values if not (isinstance(v, str) and v == "") and v is not None]
    categorical = any(isinstance(v, (str, bool)) for v in [*present, *declared])
    if categorical:
        order = [str(v) for v in dict.fromkeys([*declared, *present])]
        return (lambda v: order.index(str(v)) if str(v) in order else math.nan), True, False, order
    numbers = [number(v) for v in [*present, *declared] if math.isfinite(number(v))]
    log = bool(numbers) and min(numbers) > 0 and max(numbers) / min(numbers) > 10
    return number, False, log, []


def plot_key(path: Path, key: str, rows: list, configs: list, tables: list, declared: list) -> None:
    """DIR/eft_scan_<key>.png: each panel of PANELS against `key`: each seed's value (dots) and the mean with the
    standard deviation over seeds (line with error bars), per series; refused and failed values as red marks."""
    groups, others = series_of(rows, key, configs, tables)
    all_rows = [r for g in groups.values() for r in g]
    x_of, categorical, log_x, order = x_axis([r.get(key) for r in all_rows], declared)
    fig, axes = plt.subplots(2, 4, figsize=(18, 8), squeeze=False, layout="constrained")
    for ax, (title, names, log_y) in zip(axes.flat, PANELS):
        colour = 0
        for label, group in groups.items():
            ok = [r for r in group if r["status"] == "ok"]
            for name in names:
                c = f"C{colour % 10}"
                colour += 1
                tag = name.rsplit("_", 1)[-1] if len(names) > 1 else ""
                legend = ", ".join(t for t in (tag, label) if t)
                xs = [x_of(r.get(key)) for r in ok]
                ys = [number(r.get(name)) for r in ok]
                ax.plot(xs, ys, ".", color=c, alpha=0.45, ms=5)
                by_x = {}
                for x, y in zip(xs, ys):
                    if math.isfinite(x) and math.isfinite(y):
                        by_x.setdefault(x, []).append(y)
                if by_x:
                    xm = sorted(by_x)
                    ax.errorbar(xm, [np.mean(by_x[x]) for x in xm],
                                yerr=[np.std(by_x[x], ddof=1) if len(by_x[x]) > 1 else 0.0 for x in xm],
                                fmt="o-", ms=4, capsize=3, color=c, label=legend or "mean ± std over seeds")
        for label, group in groups.items():
            bad = sorted({x for x in (x_of(r.get(key)) for r in group if r["status"] != "ok") if math.isfinite(x)})
            for i, x in enumerate(bad):
                ax.axvline(x, color="r", ls=":", lw=1,
                           label=("refused / failed" + (f": {label}" if label else "")) if i == 0 else None)
        if categorical:
            ax.set_xticks(range(len(order)), order, rotation=20)
            ax.set_xlim(-0.5, len(order) - 0.5)
        elif log_x:
            ax.set_xscale("log")
        if log_y:
            finite = [number(r.get(n)) for r in all_rows for n in names if r["status"] == "ok"]
            finite = [v for v in finite if math.isfinite(v)]
            if finite and min(finite) > 0:
                ax.set_yscale("log")
        ok_rows = [r for r in all_rows if r["status"] == "ok"]
        missing = [n.rsplit("_", 1)[-1] for n in names
                   if ok_rows and not any(math.isfinite(number(r.get(n))) for r in ok_rows)]
        if missing and len(names) > 1:
            ax.text(0.02, 0.02, "not reported by the runs: " + ", ".join(missing), transform=ax.transAxes,
                    fontsize=7, color="0.4")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(key)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=6.5)
    seeds = sorted({r["seed"] for r in all_rows})
    fig.suptitle(f"The network's EFT against {key} (seeds {', '.join(map(str, seeds))}; dots: each seed; lines: "
                 f"mean ± std over seeds" + (f"; series by {', '.join(others)}" if others else "") + ")",
                 fontsize=11)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def figure_name(key: str) -> str:
    return f"eft_scan_{re.sub(r'[^A-Za-z0-9_.+-]', '-', key)}.png"


# The per-table summaries of eft_scan_tables.md: (column, format) of the dispersion and of the match.
TABLE_DISPERSION = (("mean_mode_c_lambda", "{:.3g}"), ("m_eff2", "{:.3g}"), ("c_eff2", "{:.3g}"),
                    ("power_exponent", "{:.3g}"), ("decay_slope", "{:.3g}"), ("kernel_form", None))
TABLE_MATCH = (("rms_log_mismatch_t0_none", "{:.3g}"), ("rms_log_mismatch_t0_background", "{:.3g}"),
               ("rms_log_mismatch_t0_spectrum", "{:.3g}"), ("matched_shells_t0_spectrum", "{:.2g}"),
               ("ntk_drift", "{:.3g}"), ("lin_gap", "{:.3g}"), ("wall_s", "{:.2g}"))


def summarise_column(rows: list, column: str, fmt) -> str:
    """'mean ± std' over the rows' finite values (fmt None: the most frequent value and its count)."""
    values = [r.get(column) for r in rows if r.get("status") == "ok"]
    if fmt is None:
        present = [str(v) for v in values if v not in (None, "")]
        if not present:
            return "-"
        top = max(dict.fromkeys(present), key=present.count)
        return top if present.count(top) == len(present) else f"{top} ({present.count(top)}/{len(present)})"
    numbers = np.array([number(v) for v in values], dtype=float)
    numbers = numbers[np.isfinite(numbers)]
    if numbers.size == 0:
        return "-"
    if numbers.size == 1:
        return fmt.format(numbers[0])
    return f"{fmt.format(numbers.mean())} ± {fmt.format(numbers.std(ddof=1))}"


def write_tables(scan: Scan, configs: list, rows: list, path: Path) -> None:
    """eft_scan_tables.md: per scan table, its configurations (rows) against the seed mean ± standard deviation
    of the dispersion (TABLE_DISPERSION) and of the frequency match and linearisation (TABLE_MATCH)."""
    lines = [f"<!-- written by analysis/eft_scan.py from {path.parent / 'eft_scan.csv'}: mean ± std over seeds "
             f"{list(scan.seeds)} -->", ""]
    for index, table in enumerate(scan.tables):
        keys = list(table)
        names = [c.name for c in configs if index in c.tables]
        for title, spec in (("dispersion", TABLE_DISPERSION), ("frequency match and linearisation", TABLE_MATCH)):
            lines.append(f"**{', '.join(keys)}: {title}**")
            lines.append("")
            lines.append("| " + " | ".join([*keys, *(c for c, _ in spec)]) + " |")
            lines.append("|" + "---|" * (len(keys) + len(spec)))
            for name in names:
                group = [r for r in rows if r["config"] == name]
                if not group:
                    continue
                values = [str(group[0].get(k, "")) for k in keys]
                lines.append("| " + " | ".join([*values, *(summarise_column(group, c, f) for c, f in spec)]) + " |")
            lines.append("")
    path.write_text("\n".join(lines) + "\n")


def plot_all(scan: Scan, configs: list, rows: list, out: Path) -> list:
    """The per-key figures, and the width exponents when network.width is scanned. Returns the files written."""
    written = [out / "eft_scan_tables.md"]
    write_tables(scan, configs, rows, written[0])
    for key in scan.keys:
        declared = list(dict.fromkeys(v for t in scan.tables for v in t.get(key, [])))
        path = out / figure_name(key)
        plot_key(path, key, rows, configs, scan.tables, declared)
        written.append(path)
    if WIDTH_KEY in scan.keys:
        series, _ = series_of(rows, WIDTH_KEY, configs, scan.tables)
        width_exponents(series, out)
        written += [out / "width_exponents.csv", out / "width_exponents.png"]
    return written


# --- main -----------------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n", 1)[1])
    p.add_argument("scan", type=Path, help="the scan file (TOML)")
    p.add_argument("--out", type=Path, required=True, help="output directory (DIR)")
    p.add_argument("--binary", default=os.environ.get("INFLANET_BINARY", "build/inflanet"))
    p.add_argument("--mpirun", default=DEFAULT_MPIRUN, help="launcher and its options (used when ranks > 1)")
    p.add_argument("--ranks", type=int, help="MPI ranks per run (overrides the scan file's 'ranks')")
    p.add_argument("--dry-run", action="store_true", help="print the configurations and commands, run nothing")
    args = p.parse_args(argv)
    try:
        scan = load_scan(args.scan)
        if args.ranks is not None:
            if args.ranks < 1:
                raise ScanFileError("--ranks must be >= 1")
            scan.ranks = args.ranks
    except ScanFileError as error:
        print(f"eft_scan.py: {error}", file=sys.stderr)
        return 2
    out = args.out.resolve()
    binary = Path(args.binary)
    executable = binary.is_file() and os.access(binary, os.X_OK)
    if args.dry_run:
        for config in expand(scan, base_values(scan, binary if executable else None)):
            for seed in scan.seeds:
                run_dir = out / "runs" / run_name(config, seed)
                print(" ".join(command(args.binary, "run", scan, config, seed, run_dir, args.mpirun)))
        return 0
    if not executable:
        print(f"eft_scan.py: the binary '{args.binary}' is not an executable file (--binary)", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    runner = Runner(scan, out, str(binary.resolve()), args.mpirun)
    rows = runner.run()
    written = plot_all(scan, runner.configs, rows, out)
    bad = [r for r in rows if r["status"] != "ok"]
    print(f"eft_scan.py: wrote {out / 'eft_scan.csv'}, " + ", ".join(str(w.name) for w in written)
          + f": {len(rows) - len(bad)} of {len(rows)} run(s) ok"
          + (f"; not ok: {len(bad)} (see {out / 'eft_scan_errors.csv'})" if bad else ""), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
