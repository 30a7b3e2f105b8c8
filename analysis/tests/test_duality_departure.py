"""duality_departure.py (issue 10, "The road away from exactness") with fake_departure_inflanet.py standing in
for the binary: the CSV has one row per run (the exact dual once, every MLP setting at every seed), a failed run
keeps its row (status, q, no metrics), the figure is written, and a second call resumes without rerunning."""

import csv
import subprocess
import sys
from pathlib import Path

ANALYSIS = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
REPO = ANALYSIS.parent


def departure(tmp_path, *args):
    out = tmp_path / "departure"
    result = subprocess.run([sys.executable, str(ANALYSIS / "duality_departure.py"), "--binary",
                             str(TESTS / "fake_departure_inflanet.py"), "--deck",
                             str(REPO / "inputs" / "duality_departure.toml"), "--out", str(out), *args],
                            capture_output=True, text=True)
    rows = []
    if (out / "duality_departure.csv").is_file():
        with open(out / "duality_departure.csv", newline="") as f:
            rows = list(csv.DictReader(f))
    return result, out, rows


SMALL = ("--seeds", "1", "2", "3", "--sigma-w", "0.1", "1.0", "--widths", "64", "256", "--depths", "1", "2",
         "--activations", "erf", "relu", "--sigma-b", "0")


def test_departure_writes_csv_and_png_and_records_the_failed_run(tmp_path):
    result, out, rows = departure(tmp_path, *SMALL)
    # sigma_w = 0.1 fails (as the real run does: the loss becomes non-finite): exit 1, rows kept.
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "duality_departure.png").stat().st_size > 10_000
    knobs = [r["knob"] for r in rows]
    # exact once; base, q (sigma_w 0.1), width 64, depth 2, relu, periodic: 6 MLP settings x 3 seeds.
    assert knobs.count("exact") == 1 and len(rows) == 1 + 6 * 3
    assert sorted(r["seed"] for r in rows if r["knob"] == "width") == ["1", "2", "3"]
    exact = next(r for r in rows if r["knob"] == "exact")
    assert exact["status"] == "ok" and float(exact["ntk_drift_t_end"]) == 0.0 and exact["seed"] == ""
    failed = [r for r in rows if r["status"] != "ok"]
    assert len(failed) == 3 and all(r["knob"] == "q" and r["status"] == "failed rc=1" for r in failed)
    assert all("non-finite" in r["error"] for r in failed)
    for r in failed:
        assert r["max_abs_log_P_ratio_t_end"] == "" and float(r["q"]) == 3.0 * 0.1 ** 2  # q read from the start
        assert (out / r["run"] / "run.log").read_text().startswith(str(TESTS / "fake_departure_inflanet.py"))
    ok = [r for r in rows if r["status"] == "ok" and r["knob"] != "exact"]
    assert all(float(r[m]) > 0 for r in ok for m in ("max_abs_log_P_ratio_t_end", "rms_log_mismatch_t_end",
                                                     "ntk_drift_t_end"))
    # Seeds scatter (finite width): three different drifts for the base.
    base = [float(r["ntk_drift_t_end"]) for r in rows if r["knob"] == "base"]
    assert len(set(base)) == 3


def test_departure_resumes_and_dry_run(tmp_path):
    args = ("--seeds", "1", "2", "3", "--knobs", "width", "--widths", "64")
    result, out, rows = departure(tmp_path, *args)
    assert result.returncode == 0, result.stderr
    assert len(rows) == 1 + 2 * 3
    stamps = {r["run"]: (out / r["run"] / "run.log").stat().st_mtime_ns for r in rows}
    result, out, again = departure(tmp_path, *args)
    assert result.returncode == 0 and "kept from an earlier run" in result.stdout
    assert again == rows
    assert all((out / r["run"] / "run.log").stat().st_mtime_ns == stamps[r["run"]] for r in again)
    dry = subprocess.run([sys.executable, str(ANALYSIS / "duality_departure.py"), "--dry-run", "--ranks", "2",
                          "--knobs", "depth", "--depths", "3", "--out", str(tmp_path / "d")],
                         capture_output=True, text=True)
    lines = dry.stdout.splitlines()
    assert dry.returncode == 0 and len(lines) == 1 + 2 * 3 and not (tmp_path / "d").exists()
    assert "duality.calibrate=none" in lines[0] and all("duality.calibrate=spectrum" in x for x in lines[1:])
    assert all(x.startswith("mpirun") and "-np 2" in x for x in lines)
