"""analysis/eft_scan.py: the scan file, its expansion, the runs (through fake_eft_inflanet.py, the binary's test
double: no MPI), resume, refusals and failures, the CSV, the figures and the width exponents."""

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

TESTS = Path(__file__).resolve().parent
ANALYSIS = TESTS.parent
sys.path.insert(0, str(ANALYSIS))
sys.path.insert(0, str(TESTS))
import eft_scan  # noqa: E402
import fake_eft_inflanet  # noqa: E402
import inflanet_io  # noqa: E402
import synthetic_duality  # noqa: E402

FAKE = TESTS / "fake_eft_inflanet.py"
BASE = {"lattice.N": 16, "lattice.L": 10.0, "time.t_end": 1.0, "duality.match": "network", "network.width": 64,
        "network.depth": 2, "network.activation": "erf", "network.sigma_w": 1.5, "network.sublattice": 8,
        "network.eta": 0.0025, "network.beta": 0.97, "output.dir": "unused"}


def write_scan(directory: Path, body: str, base: dict = BASE) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "base.toml").write_text(synthetic_duality.deck_text(base))
    path = directory / "scan.toml"
    path.write_text(body)
    return path


def run_scan(scan: Path, out: Path, **env):
    result = subprocess.run([sys.executable, str(ANALYSIS / "eft_scan.py"), str(scan), "--out", str(out),
                             "--binary", str(FAKE)], capture_output=True, text=True,
                            env={**os.environ, "MPLBACKEND": "Agg", **env})
    return result, read_csv(out / "eft_scan.csv"), read_csv(out / "eft_scan_errors.csv")


def read_csv(path: Path) -> list:
    if not path.is_file():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# --- the scan file and its expansion -------------------------------------------------------------------------------

def test_a_scan_table_is_a_product_and_the_base_deck_resolves_beside_the_scan_file(tmp_path):
    path = write_scan(tmp_path, 'base = "base.toml"\nseeds = [1, 2]\n[set]\n"lattice.N" = 32\n[scan]\n'
                                '"network.width" = [128, 256]\n"network.activation" = ["erf", "tanh", "relu"]\n')
    scan = eft_scan.load_scan(path, cwd=tmp_path / "elsewhere")
    assert scan.base == tmp_path / "base.toml" and scan.ranks == 1 and scan.seeds == [1, 2]
    assert scan.fixed == {"lattice.N": 32} and scan.keys == ["network.width", "network.activation"]
    configs = eft_scan.expand(scan)
    # erf is the base's activation: it is left out of the overrides (and out of the name)
    assert [c.values for c in configs] == [{"network.width": w, "network.activation": a} if a != "erf" else
                                           {"network.width": w} for w in (128, 256) for a in ("erf", "tanh", "relu")]
    assert [c.name for c in configs] == ["width128", "width128_activation-tanh", "width128_activation-relu",
                                         "width256", "width256_activation-tanh", "width256_activation-relu"]


def test_scan_tables_are_a_union_whose_shared_base_point_runs_once(tmp_path):
    path = write_scan(tmp_path, 'base = "base.toml"\nseeds = [3]\n'
                                '[[scan]]\n"network.width" = [32, 64, 128]\n'
                                '[[scan]]\n"network.depth" = [1, 2, 3]\n'
                                '[[scan]]\n"network.sigma_w" = [1.5, 2.5]\n"network.sigma_b" = [0.0, 0.5]\n')
    scan = eft_scan.load_scan(path)
    configs = eft_scan.expand(scan)
    by_name = {c.name: c for c in configs}
    assert list(by_name) == ["width32", "base", "width128", "depth1", "depth3", "sigma_b0", "sigma_b0.5",
                             "sigma_w2.5_sigma_b0", "sigma_w2.5_sigma_b0.5"]
    assert by_name["base"].values == {} and by_name["base"].tables == {0, 1}
    assert by_name["sigma_b0"].values == {"network.sigma_b": 0.0} and by_name["depth3"].tables == {1}
    assert scan.keys == ["network.width", "network.depth", "network.sigma_w", "network.sigma_b"]


def test_the_base_deck_is_found_above_the_scan_file_or_in_the_cwd(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "deck.toml").write_text("[network]\nwidth = 8\n")
    scan = tmp_path / "inputs" / "s.toml"
    scan.write_text('base = "inputs/deck.toml"\nseeds = [1]\n[scan]\n"network.width" = [4]\n')
    assert eft_scan.load_scan(scan, cwd=tmp_path / "nowhere").base == tmp_path / "inputs" / "deck.toml"
    other = tmp_path / "cwd"
    (other / "decks").mkdir(parents=True)
    (other / "decks" / "d.toml").write_text("[network]\nwidth = 8\n")
    scan.write_text('base = "decks/d.toml"\nseeds = [1]\n[scan]\n"network.width" = [4]\n')
    assert eft_scan.load_scan(scan, cwd=other).base == other / "decks" / "d.toml"
    scan.write_text('base = "missing.toml"\nseeds = [1]\n')
    with pytest.raises(eft_scan.ScanFileError, match="not found"):
        eft_scan.load_scan(scan, cwd=other)


@pytest.mark.parametrize("body, problem", [
    ('base = "base.toml"\n', "seeds"),
    ('base = "base.toml"\nseeds = [1]\nrank = 2\n', "unknown top-level"),
    ('base = "base.toml"\nseeds = [1]\n[scan]\n"network.seed" = [1, 2]\n', "network.seed"),
    ('base = "base.toml"\nseeds = [1]\n[scan]\n"network.width" = []\n', "non-empty"),
    ('base = "base.toml"\nseeds = [1]\nranks = 0\n', "ranks"),
])
def test_an_unusable_scan_file_is_refused_with_exit_2(tmp_path, capsys, body, problem):
    path = write_scan(tmp_path, body)
    with pytest.raises(eft_scan.ScanFileError, match=problem):
        eft_scan.load_scan(path)
    assert eft_scan.main([str(path), "--out", str(tmp_path / "out"), "--binary", str(FAKE)]) == 2
    assert problem in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_overrides_are_toml_literals_and_mpirun_starts_more_than_one_rank(tmp_path):
    assert [eft_scan.literal(v) for v in ("tanh", 'a"b', 64, 0.0025, 1e-5, True)] == \
        ['"tanh"', '"a\\"b"', "64", "0.0025", "1e-05", "true"]
    scan = eft_scan.load_scan(write_scan(tmp_path, 'base = "base.toml"\nseeds = [7]\nranks = 2\n[set]\n'
                                                   '"time.t_end" = 0.5\n"network.activation" = "relu"\n[scan]\n'
                                                   '"network.activation" = ["tanh"]\n'))
    config = eft_scan.expand(scan)[0]
    cmd = eft_scan.command("build/inflanet", "run", scan, config, 7, Path("/o/runs/x"))
    assert cmd == ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2", "build/inflanet", "run",
                   str(tmp_path / "base.toml"), "time.t_end=0.5", 'network.activation="tanh"', "network.seed=7",
                   "output.dir=/o/runs/x", "output.overwrite=true"]
    scan.ranks = 1
    assert eft_scan.command("inflanet", "check", scan, config, 7, Path("d"))[:2] == ["inflanet", "check"]


def test_a_value_equal_to_a_default_the_base_leaves_out_is_the_base(tmp_path):
    scan = eft_scan.load_scan(write_scan(tmp_path, 'base = "base.toml"\nseeds = [1]\n[scan]\n'
                                                   '"network.embedding" = ["periodic", "fourier"]\n'))
    # the base file alone does not say that the embedding defaults to "periodic"; `inflanet check` does
    assert [c.name for c in eft_scan.expand(scan)] == ["embedding-periodic", "embedding-fourier"]
    base = eft_scan.base_values(scan, FAKE)
    assert base["network.embedding"] == "periodic" and base["network.width"] == 64
    assert [c.name for c in eft_scan.expand(scan, base)] == ["base", "embedding-fourier"]


def test_same_compares_deck_values_as_the_deck_does():
    assert eft_scan.same(1, 1.0) and eft_scan.same("erf", "erf") and eft_scan.same(True, True)
    assert not eft_scan.same(True, 1) and not eft_scan.same("1", 1) and not eft_scan.same(0.5, 0.25)


def test_error_message_keeps_the_program_s_error_lines_not_the_launcher_s():
    log = ("step 1\ninflanet: error: key 'network.sublattice': expected a divisor of lattice.N = 16, got 3\n"
           "-----\nPrimary job  terminated normally, but 1 process returned\na non-zero exit code.\n"
           "mpirun detected that one or more processes exited with non-zero status, thus causing\n")
    assert eft_scan.error_message(log) == "key 'network.sublattice': expected a divisor of lattice.N = 16, got 3"
    assert eft_scan.error_message("a\nb\nc\nd\n") == "b | c | d"


# --- a scan through the test double --------------------------------------------------------------------------------

SCAN = '''base = "base.toml"
ranks = 1
seeds = [1, 2]
[set]
"time.t_end" = 0.5
[[scan]]
"network.width" = [64, 128, 256, 512]
[[scan]]
"network.activation" = ["erf", "tanh"]
[[scan]]
"network.sublattice" = [3]       # refused: does not divide lattice.N = 16
[[scan]]
"network.sigma_w" = [0.1]        # fails at run time (exit 1)
[[scan]]
"network.widht" = [64]           # an unknown key: refused
'''


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    directory = tmp_path_factory.mktemp("eft_scan")
    path = write_scan(directory, SCAN)
    out = directory / "out"
    result, rows, errors = run_scan(path, out)
    return {"path": path, "out": out, "result": result, "rows": rows, "errors": errors}


def test_every_configuration_and_seed_has_a_row_with_every_column(scanned):
    rows, keys = scanned["rows"], ["network.width", "network.activation", "network.sublattice", "network.sigma_w",
                                   "network.widht"]
    assert scanned["result"].returncode == 1, scanned["result"].stderr
    with open(scanned["out"] / "eft_scan.csv", newline="") as f:
        header = next(csv.reader(f))
    assert header == list(eft_scan.columns(keys))
    for column in ("m_eff2", "m_eff2_err", "c_eff2", "c_eff2_err", "eft_chi2_per_dof", "eft_shells", "eft_k_max",
                   "decay_slope", "decay_log_amplitude", "decay_rms_relative", "decay_shells", "kernel_form",
                   "mean_mode_c_lambda", "eft_rms_relative", "ntk_drift", "lin_gap", "wall_s", "seed", "status",
                   *(f"{n}_{cal}" for n in ("matched_shells_t0", "matched_shells_t_end", "rms_log_mismatch_t0",
                                             "rms_log_mismatch_t_end", "c") for cal in ("none", "background",
                                                                                         "spectrum"))):
        assert column in header, column
    configs = ["base", "width128", "width256", "width512", "activation-tanh", "sublattice3", "sigma_w0.1",
               "widht64"]
    assert [(r["config"], r["seed"]) for r in rows] == [(c, str(s)) for c in configs for s in (1, 2)]
    status = {r["config"]: r["status"] for r in rows}
    assert status == {**{c: "ok" for c in configs[:5]}, "sublattice3": "refused", "sigma_w0.1": "failed",
                      "widht64": "refused"}


def test_rows_hold_the_run_s_results_and_the_values_of_keys_it_did_not_scan(scanned):
    ok = [r for r in scanned["rows"] if r["status"] == "ok"]
    for row in ok:
        width, seed, activation = int(row["network.width"]), int(row["seed"]), row["network.activation"]
        # the keys a configuration does not set come from its run's resolved deck
        assert row["network.sublattice"] == "8" and row["network.sigma_w"] == "1.5"
        expected = synthetic_duality.fit_attributes(0.0025, 0.97, width, 2, activation)
        for key in ("m_eff2", "c_eff2", "c_eff2_err", "decay_slope", "eft_rms_relative", "eft_chi2_per_dof"):
            assert float(row[key]) == pytest.approx(expected[key], rel=1e-12), key
        assert row["kernel_form"] == expected["kernel_form"]
        attrs = inflanet_io.load_duality(scanned["out"] / row["run_dir"])["attrs"]
        for cal in ("none", "background", "spectrum"):
            for name in ("matched_shells_t0", "rms_log_mismatch_t0", "rms_log_mismatch_t_end", "c"):
                assert float(row[f"{name}_{cal}"]) == pytest.approx(float(attrs[f"{name}_{cal}"]), rel=1e-12)
        assert float(row["ntk_drift"]) == pytest.approx(fake_eft_inflanet.ntk_drift(width, seed), rel=1e-12)
        assert float(row["lin_gap"]) == pytest.approx(fake_eft_inflanet.lin_gap(width, seed), rel=1e-12)
        assert float(row["wall_s"]) > 0 and row["calibrate"] == "none"
    assert {r["network.width"] for r in ok if r["config"] == "activation-tanh"} == {"64"}


def test_refused_and_failed_configurations_are_reported_and_the_rest_runs(scanned):
    errors, stderr = scanned["errors"], scanned["result"].stderr
    assert [(e["config"], e["status"], e["rc"]) for e in errors] == \
        [(c, s, rc) for c, s, rc in (("sublattice3", "refused", "2"), ("sigma_w0.1", "failed", "1"),
                                     ("widht64", "refused", "2")) for _ in range(2)]
    messages = {e["config"]: e["message"] for e in errors}
    assert "network.sublattice" in messages["sublattice3"] and "inflanet check refused" in messages["sublattice3"]
    assert "unknown key 'network.widht'" in messages["widht64"]
    assert "non-finite" in messages["sigma_w0.1"]
    assert all((scanned["out"] / e["log"]).is_file() for e in errors)
    assert "unknown key 'network.widht'" in stderr and "Traceback" not in stderr
    # the configurations after the refused and failed ones ran
    assert sum(r["status"] == "ok" for r in scanned["rows"]) == 10
    for name in ("sublattice3", "widht64"):  # refused by check: never run
        assert not (scanned["out"] / "runs" / f"{name}_seed1" / "run.log").exists()


def test_progress_lines_give_runs_done_the_last_time_the_mean_and_the_eta(scanned):
    lines = [line for line in scanned["result"].stdout.splitlines() if line.startswith("[")]
    assert len(lines) == 16 and lines[0].startswith("[1/16] base_seed1: ok in ")
    assert "mean" in lines[-1] and "ETA 0m00s (0 to run)" in lines[-1] and "s per run over" in lines[3]
    configs = [line for line in scanned["result"].stdout.splitlines() if line.startswith("configurations ")]
    assert configs[0].startswith("configurations 1/") and "s per configuration; ETA" in configs[0]
    assert configs[-1].endswith("(0 to run)") and len(configs) == int(configs[0].split("/")[1].split(":")[0])


def test_figures_per_scanned_key_and_the_width_exponents(scanned):
    out = scanned["out"]
    for key in ("network.width", "network.activation", "network.sublattice", "network.sigma_w", "network.widht"):
        assert (out / f"eft_scan_{key}.png").stat().st_size > 20000, key
    assert (out / "width_exponents.png").stat().st_size > 20000
    table = read_csv(out / "width_exponents.csv")
    fits = {r["quantity"]: r for r in table if r["kind"] == "fit"}
    # the test double's laws: ntk_drift ~ width^-0.75, lin_gap ~ width^-1 (the seed scatter is a common factor)
    assert float(fits["ntk_drift"]["exponent"]) == pytest.approx(-0.75, abs=1e-9)
    assert float(fits["lin_gap"]["exponent"]) == pytest.approx(-1.0, abs=1e-9)
    assert fits["ntk_drift"]["settled"] == "True" and fits["ntk_drift"]["width_min"] == "64.0"
    widths = [r for r in table if r["kind"] == "width" and r["quantity"] == "ntk_drift"]
    assert [int(r["width"]) for r in widths] == [64, 128, 256, 512] and all(r["n_seeds"] == "2" for r in widths)
    assert float(widths[0]["local_slope"]) == pytest.approx(-0.75, abs=1e-9) and widths[-1]["local_slope"] == ""
    assert "settled: the longest tail" in scanned["result"].stdout
    assert "ntk_drift: settled over widths 64-512; exponent -0.750" in scanned["result"].stdout


def test_a_second_invocation_runs_nothing_that_finished(scanned, tmp_path):
    log = tmp_path / "calls.log"
    result, rows, errors = run_scan(scanned["path"], scanned["out"], FAKE_INFLANET_LOG=str(log))
    calls = log.read_text().splitlines()
    # the base's defaults are asked for; the finished runs are re-read; only the refused and failed ones are tried
    # again
    assert calls[0] == "check time.t_end=0.5"
    assert [c.split()[0] for c in calls[1:]] == ["check", "check", "run", "run", "check"]
    assert all("network.sigma_w=0.1" in c for c in calls[2:5])
    assert "10 already done, 6 to run" in result.stdout
    assert [(r["config"], r["seed"], r["status"]) for r in rows] == \
        [(r["config"], r["seed"], r["status"]) for r in scanned["rows"]]
    first = {(r["config"], r["seed"]): r for r in scanned["rows"]}
    for row in rows:
        if row["status"] == "ok":
            assert row == first[(row["config"], row["seed"])]
    assert len(errors) == 6


def test_a_run_whose_overrides_changed_runs_again(tmp_path):
    body = 'base = "base.toml"\nseeds = [1]\n[set]\n"time.t_end" = 0.5\n[scan]\n"network.depth" = [3]\n'
    path = write_scan(tmp_path, body)
    out = tmp_path / "out"
    assert run_scan(path, out)[0].returncode == 0
    log = tmp_path / "calls.log"
    path.write_text(body.replace("0.5", "0.25"))
    result, rows, _ = run_scan(path, out, FAKE_INFLANET_LOG=str(log))
    assert result.returncode == 0 and [c.split()[0] for c in log.read_text().splitlines()] == ["check"] * 2 + ["run"]
    assert "time.t_end=0.25" in log.read_text()


def test_a_run_the_binary_refuses_once_started_is_refused_with_its_message(tmp_path):
    path = write_scan(tmp_path, 'base = "base.toml"\nseeds = [1]\n[scan]\n"network.eta" = [1.0]\n')
    result, rows, errors = run_scan(path, tmp_path / "out")
    assert result.returncode == 1 and [(r["config"], r["status"]) for r in rows] == [("eta1", "refused")]
    assert errors[0]["rc"] == "2" and "max_subcycles" in errors[0]["message"]
    assert errors[0]["log"] == "runs/eta1_seed1/run.log" and float(rows[0]["wall_s"]) > 0
    assert rows[0]["network.eta"] == "1.0"


def test_today_s_binary_gives_the_run_s_own_calibration_and_nan_for_the_others(tmp_path):
    path = write_scan(tmp_path, 'base = "base.toml"\nseeds = [4]\n[scan]\n"network.depth" = [1]\n')
    result, rows, _ = run_scan(path, tmp_path / "out", FAKE_INFLANET_LEGACY="1")
    assert result.returncode == 0, result.stderr
    (row,) = rows
    attrs = inflanet_io.load_duality(tmp_path / "out" / row["run_dir"])["attrs"]
    assert "rms_log_mismatch_t0_none" not in attrs and attrs["calibrate"] == "none"
    assert float(row["rms_log_mismatch_t0_none"]) == pytest.approx(attrs["rms_log_mismatch_t0"], rel=1e-12)
    assert float(row["matched_shells_t_end_none"]) == attrs["matched_shells_t_end"]
    assert float(row["c_none"]) == pytest.approx(attrs["c"], rel=1e-12)
    for cal in ("background", "spectrum"):
        assert all(math.isnan(float(row[f"{n}_{cal}"])) for n in inflanet_io.DUALITY_PER_CALIBRATION)
    # lin_gap from nn.h5's last row (today's duality.h5 has no lin_gap_t_end)
    assert float(row["lin_gap"]) == pytest.approx(fake_eft_inflanet.lin_gap(64, 4), rel=1e-12)
    assert not (tmp_path / "out" / "width_exponents.csv").exists()
    assert (tmp_path / "out" / "eft_scan_network.depth.png").is_file()


# --- width exponents on synthetic data -----------------------------------------------------------------------------

WIDTHS = [64 * 2**i for i in range(9)]  # 64 ... 16384


def samples(law, seeds=6, noise=0.02, rng_seed=1) -> dict:
    rng = np.random.default_rng(rng_seed)
    return {w: {s: law(w) * (1 + noise * rng.normal()) for s in range(seeds)} for w in WIDTHS}


def test_local_slopes_and_their_propagated_errors():
    slopes, errors = eft_scan.local_slopes(np.array([100.0, 400.0]), np.array([1.0, 0.25]), np.array([0.03, 0.04]))
    assert slopes == pytest.approx([-1.0]) and errors == pytest.approx([0.05 / math.log(4)])


def test_a_power_law_settles_over_every_width_and_its_exponent_is_recovered():
    r = eft_scan.width_exponent(samples(lambda w: 3.0 * w**-0.75))
    assert r["settled"] and r["start"] == 0 and r["width_min"] == 64 and r["width_max"] == 16384
    assert abs(r["exponent"] + 0.75) < 3 * r["exponent_err"] and r["exponent_err"] < 0.01
    assert np.all(np.abs(r["slopes"] + 0.75) < 4 * r["slope_errs"])
    assert math.isfinite(r["err_fit"]) and math.isfinite(r["err_scatter"])


def test_a_crossover_from_minus_one_half_to_minus_one_is_fitted_where_it_has_settled():
    w0 = 256.0
    r = eft_scan.width_exponent(samples(lambda w: w**-0.5 * (1 + w / w0) ** -0.5, noise=0.01, rng_seed=2))
    assert r["slopes"][0] == pytest.approx(-0.5 - 0.5 * (90.5 / w0) / (1 + 90.5 / w0), abs=0.05)  # -0.63 at 90
    assert r["settled"] and r["width_min"] >= 1024 and r["width_max"] == 16384
    assert -1.02 < r["exponent"] < -0.93, r
    assert "settled over widths" in r["note"]


def test_a_curve_that_never_settles_is_fitted_over_the_top_three_widths_and_flagged():
    r = eft_scan.width_exponent(samples(lambda w: math.exp(-0.05 * math.log(w) ** 2), noise=0.001))
    assert not r["settled"] and r["width_min"] == 4096 and "NOT SETTLED" in r["note"]
    one_seed = eft_scan.width_exponent({w: {1: w**-0.5} for w in WIDTHS[:4]})
    assert not one_seed["settled"] and "fewer than 2 seeds" in one_seed["note"]
    assert one_seed["exponent"] == pytest.approx(-0.5) and math.isnan(one_seed["err_scatter"])
    assert math.isnan(eft_scan.width_exponent({64: {1: 0.1, 2: 0.2}})["exponent"])


def test_tables_give_each_configuration_its_seed_mean_and_scatter(scanned):
    text = (scanned["out"] / "eft_scan_tables.md").read_text()
    assert "**network.width: dispersion**" in text and "**network.width: frequency match and linearisation**" in text
    rows = [r for r in scanned["rows"] if r["status"] == "ok" and r["config"].startswith("width")]
    assert rows, "the scan has ok width configurations"
    # One table line per ok configuration of the width table, with mean ± std of a column over its seeds.
    config = rows[0]["config"]
    values = np.array([float(r["ntk_drift"]) for r in scanned["rows"] if r["config"] == config and r["status"] == "ok"])
    expected = f"{values.mean():.3g} ± {values.std(ddof=1):.3g}" if values.size > 1 else f"{values[0]:.3g}"
    width = rows[0]["network.width"]
    lines = [line for line in text.splitlines() if line.startswith(f"| {width} |") and expected in line]
    assert lines, (expected, text)
