"""load_duality, plot_duality.py and duality_scan.py (issue 9's duality.h5 contract) on a synthetic duality.h5 that
follows the contract (synthetic_duality.py), with fake_inflanet.py standing in for the binary; and, when the C++
test app.coupled_run has written them to $INFLANET_TEST_DATA_DIR/duality/{duality.h5, nn.h5} (its deck: N = 16,
M = 8, width 64, relu, t_end = 1, rows every 5 steps), the same reader, the plots and the contract's identities on
the real files; and the summary a hyperparameter scan tabulates (duality_summary)."""

import csv
import math
import re
import subprocess
import sys
from pathlib import Path

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

ANALYSIS = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(ANALYSIS))
sys.path.insert(0, str(TESTS))
import duality_scan  # noqa: E402
import inflanet_io  # noqa: E402
import plot_duality  # noqa: E402
import synthetic_duality  # noqa: E402
from sample_files import sample_data  # noqa: E402

NK, NT, M = 6, 9, 4


@pytest.fixture()
def synthetic(tmp_path) -> Path:
    synthetic_duality.write(tmp_path / "run" / "duality.h5", nk=NK, nt=NT, M=M)
    return tmp_path / "run"


def check_contract(data, rtol=1e-12):
    """Every dataset and attribute of the contract, consistent shapes, and the identities the contract defines."""
    a = data["attrs"]
    for name in inflanet_io.DUALITY_REQUIRED:
        assert name in data, f"duality.h5 lacks {name}"
    for name in inflanet_io.DUALITY_ATTRIBUTES + inflanet_io.DUALITY_SUMMARY_ATTRIBUTES:
        assert name in a, f"duality.h5 lacks the attribute {name}"
    assert "omega2_network_err" not in data, "the retired contract's dataset"
    nk, nt = data["k"].size, data["time"].size
    n_points = data["ntk_eigenvalues"].size
    nc = data["cluster_lambda"].size
    assert a["M"] ** 3 == n_points and nt >= 2
    assert data["step"].dtype == np.int64 and data["step"].shape == data["a"].shape == (nt,)
    for name in ("counts", "omega2_network", "omega2_network_anisotropy", "leakage"):
        assert data[name].shape == (nk,), name
    for name in inflanet_io.DUALITY_PER_SHELL:
        assert data[name].shape == (nt, nk), name
    # Eigenspace clusters partition the ascending spectrum; per-cluster rows have the cluster count as width.
    assert np.all(np.diff(data["ntk_eigenvalues"]) >= 0), "ntk_eigenvalues must be ascending"
    first = data["cluster_first"]
    assert first.shape == (nc + 1,) and first[0] == 0 and first[-1] == n_points and np.all(np.diff(first) > 0)
    np.testing.assert_array_equal(np.diff(first), data["cluster_size"])
    for j in range(nc):
        members = data["ntk_eigenvalues"][first[j]:first[j + 1]]
        slack = 1e-12 * abs(members).max()  # the mean of equal values may differ from them by rounding
        assert members.min() - slack <= data["cluster_lambda"][j] <= members.max() + slack
    assert data["cluster_resolved"].dtype == bool and data["cluster_resolved"].shape == (nc,)
    for name in inflanet_io.DUALITY_PER_CLUSTER:
        assert data[name].shape == (nt, nc), name
    # At t0 the prediction starts from the measured power of every cluster.
    np.testing.assert_allclose(data["mode_power_prediction"][0], data["mode_power"][0], rtol=1e-10,
                               atol=1e-12 * data["mode_power"][0].max())
    # One mode set: k = 0 is removed (ratio NaN), and at t0 P_network = P_lattice shell by shell.
    assert data["k"][0] == 0 and np.isnan(data["P_ratio"][:, 0]).all()
    np.testing.assert_allclose(data["P_ratio"][0, 1:], 1.0, rtol=rtol, atol=0)
    for name in ("T_lattice", "T_network"):  # P(t0)/P(t0)
        np.testing.assert_allclose(data[name][0, 1:], 1.0, rtol=rtol, atol=0)
    # The frequencies: omega^2 = <k^2>/a^2 + V'' at t0 (the shell mean of k^2, as c lambda is a shell mean),
    # ratio = c lambda / omega^2, matched within the tolerance.
    np.testing.assert_allclose(data["omega2_lattice"][0], data["k2_mean"] / data["a"][0] ** 2 + a["V2"], rtol=1e-12)
    assert np.all(data["k2_mean"][1:] >= data["k"][1:] ** 2)  # <k^2> >= <|k|>^2
    np.testing.assert_allclose(data["omega2_ratio"], data["omega2_network"][None, :] / data["omega2_lattice"],
                               rtol=1e-12)
    np.testing.assert_array_equal(data["matched"], np.abs(data["omega2_ratio"] - 1) <= a["frequency_tolerance"])
    assert a["mean_mode_c_lambda"] == data["omega2_network"][0]
    assert a["matched_shells_t0"] == data["matched"][0].sum()
    assert a["matched_shells_t_end"] == data["matched"][-1].sum()
    assert math.isclose(a["rms_log_mismatch_t0"], math.sqrt(np.mean(np.log(data["omega2_ratio"][0]) ** 2)),
                        rel_tol=1e-10)
    # The dictionary and the strings the contract fixes.
    assert a["match"] in ("cosmology", "network") and a["calibrate"] in ("none", "background", "spectrum")
    assert a["initial_velocity"] in ("inflaton", "zero") and a["kernel_form"] in ("eft", "decaying", "power_law")
    assert math.isclose(a["gamma"], -math.log(a["beta"]) / math.sqrt(a["eta"]), rel_tol=1e-12)
    assert math.isclose(a["H_dictionary"], a["gamma"] / 3, rel_tol=1e-12)
    assert math.isclose(a["step"], math.sqrt(a["eta"]), rel_tol=1e-12)  # the attribute is h, the dataset counts
    assert "not evidence" in a["H_eff_note"]


# --- reader -------------------------------------------------------------------------------------------------------

def test_load_duality_reads_the_contract(synthetic):
    data = inflanet_io.load_duality(synthetic)
    check_contract(data)
    assert data["k"].shape == (NK,) and data["ntk_eigenvalues"].shape == (M**3,)
    # the synthetic spectrum has degenerate groups: the per-cluster rows are narrower than the spectrum
    assert data["mode_power"].shape[1] == data["cluster_lambda"].size < M**3
    assert not data["cluster_resolved"][0] and data["cluster_resolved"][1:].all()
    a = data["attrs"]
    assert isinstance(a["deck"], str) and "[network]" in a["deck"] and a["subcycles"] == 1
    assert set(data) == set(inflanet_io.DUALITY_REQUIRED) | {"attrs", "variant"}
    assert data["variant"] == "coupled"
    # the file itself works as the argument too
    assert inflanet_io.load_duality(synthetic / "duality.h5")["k"].shape == (NK,)


def test_load_duality_refuses_the_retired_contract_and_a_missing_dataset(tmp_path, synthetic):
    with pytest.raises(FileNotFoundError):
        inflanet_io.load_duality(tmp_path / "nothing")
    with h5py.File(synthetic / "duality.h5", "a") as f:
        f["omega2_network_err"] = f["omega2_network_anisotropy"][()]  # issue 6's file: an error bar, aliased spectra
    with pytest.raises(KeyError, match="retired"):
        inflanet_io.load_duality(synthetic)
    with h5py.File(synthetic / "duality.h5", "a") as f:
        del f["omega2_network_err"]
        del f["cluster_resolved"]
    with pytest.raises(KeyError, match="cluster_resolved"):
        inflanet_io.load_duality(synthetic)


def test_load_duality_cuts_rows_to_a_common_length_and_decodes_fixed_length_strings(synthetic):
    with h5py.File(synthetic / "duality.h5", "a") as f:
        f["mode_power"].resize(NT - 1, axis=0)  # a run stopped between two appends
        f.attrs["match"] = np.bytes_("cosmology")  # fixed-length ASCII, as H5T_C_S1 writers produce
    data = inflanet_io.load_duality(synthetic)
    assert data["attrs"]["match"] == "cosmology"
    for name in inflanet_io.DUALITY_AXES + inflanet_io.DUALITY_PER_SHELL + inflanet_io.DUALITY_PER_CLUSTER:
        assert data[name].shape[0] == NT - 1, name


def test_duality_calibrations_prefers_each_calibration_s_attribute_then_the_run_s_own():
    attrs = {"calibrate": "spectrum", "c": 2.0, "rms_log_mismatch_t0": 0.5, "matched_shells_t0": 3, "c_none": 1.0}
    got = inflanet_io.duality_calibrations(attrs)
    assert set(got) == {f"{n}_{cal}" for n in inflanet_io.DUALITY_PER_CALIBRATION for cal in inflanet_io.CALIBRATIONS}
    assert got["c_none"] == 1.0 and got["c_spectrum"] == 2.0 and got["rms_log_mismatch_t0_spectrum"] == 0.5
    assert got["matched_shells_t0_spectrum"] == 3
    assert math.isnan(got["c_background"]) and math.isnan(got["rms_log_mismatch_t0_none"])


def test_duality_summary_takes_t_end_attributes_else_the_last_row_of_nn_h5(synthetic):
    with h5py.File(synthetic / "nn.h5", "w") as f:
        f["ntk_drift"] = np.array([0.0, 0.02, 0.03])
        f["lin_gap"] = np.array([0.0, 0.1, 0.4])
    summary = inflanet_io.duality_summary(synthetic)
    assert summary["ntk_drift"] == 0.01  # the synthetic file's ntk_drift_t_end
    assert summary["lin_gap"] == 0.4  # no lin_gap_t_end: nn.h5's last row
    assert summary["rms_log_mismatch_t0_none"] == summary["rms_log_mismatch_t0"]  # calibrate = "none"
    assert math.isnan(summary["rms_log_mismatch_t0_spectrum"]) and summary["m_eff2"] > 0
    with h5py.File(synthetic / "duality.h5", "a") as f:
        f.attrs["lin_gap_t_end"] = 0.5
    assert inflanet_io.duality_summary(synthetic)["lin_gap"] == 0.5
    (synthetic / "nn.h5").unlink()
    with h5py.File(synthetic / "duality.h5", "a") as f:
        del f.attrs["ntk_drift_t_end"]
    assert math.isnan(inflanet_io.duality_summary(synthetic)["ntk_drift"])


def test_damped_power_hand_values():
    t = np.array([0.0, 0.5, 1.0, 2.0])
    # undamped: cos^2(omega t)
    np.testing.assert_allclose(inflanet_io.damped_power(0.0, 4.0, t)[:, 0], np.cos(2 * t) ** 2, atol=1e-14)
    # critical (omega2 = gamma^2/4): a = (1 + gamma t / 2) e^{-gamma t / 2}
    g = 2.0
    np.testing.assert_allclose(inflanet_io.damped_power(g, 1.0, t)[:, 0], ((1 + t) * np.exp(-t)) ** 2, rtol=1e-12)
    # overdamped gamma = 5, omega2 = 4: roots -1, -4, a = (4 e^{-t} - e^{-4t}) / 3
    np.testing.assert_allclose(inflanet_io.damped_power(5.0, 4.0, t)[:, 0],
                               ((4 * np.exp(-t) - np.exp(-4 * t)) / 3) ** 2, rtol=1e-12)
    assert inflanet_io.damped_power(0.3, [1.0, 2.0, 3.0], t).shape == (4, 3)


# --- plot_duality.py ----------------------------------------------------------------------------------------------

def run_plot(run, out):
    return subprocess.run([sys.executable, str(ANALYSIS / "plot_duality.py"), str(run), "-o", str(out)],
                          capture_output=True, text=True)


def test_plot_duality_writes_a_png(synthetic, tmp_path):
    out = tmp_path / "duality.png"
    result = run_plot(synthetic, out)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 20000


def test_plot_duality_of_a_run_without_summary_and_with_zero_H(tmp_path):
    run = tmp_path / "run"
    synthetic_duality.write(run / "duality.h5", summary=False, activation="relu")
    with h5py.File(run / "duality.h5", "a") as f:
        f.attrs["H"] = 0.0
    out = tmp_path / "partial.png"
    result = run_plot(run, out)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 20000
    assert "did not finish" in plot_duality.footer(inflanet_io.load_duality(run)["attrs"])


def test_plot_duality_leaves_out_unresolved_clusters_and_says_so(synthetic):
    data = inflanet_io.load_duality(synthetic)
    unresolved = np.flatnonzero(~data["cluster_resolved"])
    assert unresolved.size == 1
    data["mode_power"][0, unresolved] = 1e6 * data["mode_power"][0].max()  # the largest power, yet not resolved
    chosen = plot_duality.chosen_clusters(data, 3)
    resolved_power = np.where(data["cluster_resolved"], data["mode_power"][0], -np.inf)
    assert chosen == list(np.argsort(-resolved_power, kind="stable")[:3])
    fig, ax = plt.subplots()
    plot_duality.panel_clusters(ax, data, data["attrs"], plot_duality.Units(data["attrs"]), 3)
    assert "1 cluster(s) (5 eigenvalues) at rounding level" in ax.get_title() and "not plotted" in ax.get_title()
    plotted = [line for line in ax.get_lines() if len(line.get_xdata()) == NT]
    assert len(plotted) == 2 * 3  # measured and predicted, for three resolved clusters
    plt.close(fig)


def test_plot_duality_calls_H_eff_a_consistency_check_only(synthetic):
    data = inflanet_io.load_duality(synthetic)
    text = plot_duality.footer(data["attrs"])
    lines = [line for line in text.splitlines() if "H_eff" in line]
    assert lines and all("consistency check, not evidence" in line for line in lines)


def test_plot_duality_missing_run_or_retired_file_fails_cleanly(tmp_path, synthetic):
    result = run_plot(tmp_path / "nothing", tmp_path / "x.png")
    assert result.returncode == 1
    assert "plot_duality.py: error:" in result.stderr and "Traceback" not in result.stderr
    with h5py.File(synthetic / "duality.h5", "a") as f:
        f["omega2_network_err"] = f["omega2_network_anisotropy"][()]
    result = run_plot(synthetic, tmp_path / "x.png")
    assert result.returncode == 1 and "retired" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.png").exists()


# --- duality_scan.py ----------------------------------------------------------------------------------------------

@pytest.fixture()
def deck(tmp_path) -> Path:
    path = tmp_path / "deck.toml"
    path.write_text(synthetic_duality.deck_text({
        "lattice.N": 6, "lattice.L": 10.0, "duality.match": "cosmology", "network.width": 32, "network.depth": 2,
        "network.activation": "erf", "network.eta": 0.5, "network.beta": 0.9, "output.dir": "unused"}))
    return path


def scan(tmp_path, deck, *args):
    out = tmp_path / "scan"
    result = subprocess.run([sys.executable, str(ANALYSIS / "duality_scan.py"), "--binary",
                             str(TESTS / "fake_inflanet.py"), "--deck", str(deck), "--out", str(out), *args],
                            capture_output=True, text=True)
    rows = []
    if (out / "duality_scan.csv").is_file():
        with open(out / "duality_scan.csv", newline="") as f:
            rows = list(csv.DictReader(f))
    return result, out, rows


def test_design_one_at_a_time_and_grid():
    values = {"eta": [0.1, 0.2, 0.5], "beta": [0.9, 0.8], "activation": ["erf", "relu"]}
    oat = duality_scan.design(values, "oat")
    assert oat[0] == ("base", {"eta": 0.1, "beta": 0.9, "activation": "erf"})
    assert len(oat) == 1 + 2 + 1 + 1
    assert ("beta", {"eta": 0.1, "beta": 0.8, "activation": "erf"}) in oat
    grid = duality_scan.design(values, "grid")
    assert len(grid) == 3 * 2 * 2 and len({tuple(p.items()) for _, p in grid}) == 12
    assert duality_scan.design({}, "oat") == [("base", {})]


def test_scan_columns_are_the_evidence_and_H_eff_only_a_consistency_column():
    evidence = {"matched_shells_t0", "matched_shells_t_end", "rms_log_mismatch_t0", "mean_mode_c_lambda", "V2",
                "m_eff2", "m_eff2_err", "c_eff2", "c_eff2_err", "eft_rms_relative", "decay_slope",
                "decay_rms_relative", "kernel_form", "velocity_mismatch_linearised"}
    assert evidence <= set(duality_scan.COLUMNS)
    assert [c for c in duality_scan.COLUMNS if "H_eff" in c] == ["H_eff_consistency_check",
                                                                  "H_eff_consistency_check_err"]
    assert "H_dictionary" not in duality_scan.COLUMNS and "mean_mode_gamma" not in duality_scan.COLUMNS


def test_scan_over_two_etas_writes_the_csv_and_png(tmp_path, deck):
    result, out, rows = scan(tmp_path, deck, "--eta", "0.2", "0.5")
    assert result.returncode == 0, result.stderr
    assert list(rows[0].keys()) == list(duality_scan.COLUMNS)
    assert [float(r["eta"]) for r in rows] == [0.2, 0.5]
    assert [r["varied"] for r in rows] == ["base", "eta"] and all(r["status"] == "ok" for r in rows)
    for row in rows:
        eta = float(row["eta"])
        # hyperparameters not scanned come from the run's resolved deck
        assert row["beta"] == "0.9" and row["width"] == "32" and row["depth"] == "2" and row["activation"] == "erf"
        expected = synthetic_duality.fit_attributes(eta, 0.9, 32, 2, "erf")
        for key in ("m_eff2", "m_eff2_err", "c_eff2", "c_eff2_err", "eft_rms_relative", "decay_slope",
                    "decay_rms_relative"):
            assert float(row[key]) == pytest.approx(expected[key], rel=1e-12), key
        assert row["kernel_form"] == "eft"
        assert float(row["H_eff_consistency_check"]) == pytest.approx(expected["H_eff"], rel=1e-12)
        # every evidence column is the run's own attribute
        attrs = inflanet_io.load_duality(row["dir"])["attrs"]
        for key in ("matched_shells_t0", "matched_shells_t_end", "rms_log_mismatch_t0", "mean_mode_c_lambda",
                    "V2", "velocity_mismatch_linearised"):
            assert float(row[key]) == pytest.approx(float(attrs[key]), rel=1e-12), key
        assert float(row["H"]) == pytest.approx(-math.log(0.9) / (3 * math.sqrt(eta)), rel=1e-12)
        assert (Path(row["dir"]) / "duality.h5").is_file() and (Path(row["dir"]) / "run.log").is_file()
    assert "frequencies within 10%" in result.stdout and "H_eff" not in result.stdout
    assert (out / "duality_scan.png").stat().st_size > 20000


def test_scan_records_a_failed_run_and_exits_1(tmp_path, deck):
    result, out, rows = scan(tmp_path, deck, "--eta", "0.2", "2.0", "--activation", "erf", "relu")
    assert result.returncode == 1
    assert "unstable" in result.stderr  # the run's own message is relayed
    status = {(r["eta"], r["activation"]): r["status"] for r in rows}
    assert status == {("0.2", "erf"): "ok", ("2.0", "erf"): "failed rc=3", ("0.2", "relu"): "ok"}
    relu = next(r for r in rows if r["activation"] == "relu")
    expected = synthetic_duality.fit_attributes(0.2, 0.9, 32, 2, "relu")
    assert float(relu["decay_slope"]) == pytest.approx(expected["decay_slope"])
    assert relu["kernel_form"] == "decaying"
    assert (out / "duality_scan.png").is_file()


def test_scan_grid_mode_and_dry_run(tmp_path, deck):
    result, _, rows = scan(tmp_path, deck, "--mode", "grid", "--beta", "0.9", "0.8", "--depth", "1", "2")
    assert result.returncode == 0, result.stderr
    assert sorted((r["beta"], r["depth"]) for r in rows) == [("0.8", "1"), ("0.8", "2"), ("0.9", "1"), ("0.9", "2")]
    dry = subprocess.run([sys.executable, str(ANALYSIS / "duality_scan.py"), "--dry-run", "--binary", "inflanet",
                          "--deck", "d.toml", "--ranks", "2", "--width", "64", "--out", "o", "--", "network.steps=10"],
                         capture_output=True, text=True, check=True)
    line = dry.stdout.strip()
    assert line.startswith("mpirun ") and "-np 2 inflanet run d.toml duality.match=network network.width=64" in line
    assert line.endswith("output.dir=o/width64 output.overwrite=true network.steps=10")


# --- the real files, when the C++ test app.coupled_run has written them -------------------------------------------

@pytest.fixture(scope="module")
def real_dir() -> Path:
    # Fails (never skips) when the C++ test app.coupled_run has not written it.
    return sample_data("duality/duality.h5", "app.coupled_run").parent


def test_real_duality_h5_has_the_contract_and_one_mode_set(real_dir):
    data = inflanet_io.load_duality(real_dir)
    check_contract(data, rtol=1e-12)  # P_network(t0) = P_lattice(t0) to rounding in every shell k > 0
    a = data["attrs"]
    assert a["N"] == 16 and a["M"] == 8 and list(data["step"]) == [0, 5, 10, 15, 20]
    assert a["initial_velocity"] == "inflaton" and a["velocity_mismatch_linearised"] < 1e-10
    assert data["cluster_size"].sum() == a["M"] ** 3


def test_real_mode_power_is_the_residual_power_of_nn_h5(real_dir):
    """The clusters' powers sum to |f - y|^2 of the same rows of nn.h5 (the eigenbasis is orthonormal), and both
    files describe one network: same eigenvalues, same rows, the optimizer actually run."""
    data = inflanet_io.load_duality(real_dir)
    nn = inflanet_io.load_network(real_dir)
    np.testing.assert_array_equal(nn["step"], data["step"])
    residual = nn["f"] - nn["y"]
    np.testing.assert_allclose(data["mode_power"].sum(axis=1), (residual**2).sum(axis=1), rtol=1e-10)
    np.testing.assert_allclose(nn["ntk_eigenvalues"], data["ntk_eigenvalues"], rtol=0, atol=0)
    a, b = data["attrs"], nn["attrs"]
    assert b["eta"] == pytest.approx(a["eta_run"], rel=1e-14) and b["beta"] == pytest.approx(a["beta_run"], rel=1e-14)
    assert b["eta_dictionary"] == a["eta"] and b["beta_dictionary"] == a["beta"] and b["substeps"] == a["subcycles"]


def test_real_nn_h5_sites_are_the_sub_lattice_and_embed_as_x(real_dir):
    data = inflanet_io.load_duality(real_dir)
    nn = inflanet_io.load_network(real_dir)
    n_lattice, m = data["attrs"]["N"], data["attrs"]["M"]
    sites = nn["sites"]
    assert sites.dtype == np.int64 and sites.shape == (m**3, 3)
    stride = n_lattice // m
    assert np.all(sites % stride == 0) and sites.min() == 0 and sites.max() == n_lattice - stride
    assert len({tuple(s) for s in sites}) == m**3
    angle = 2 * np.pi * sites / n_lattice  # x -> (cos, sin) of 2 pi x_d / L, per axis
    embedded = np.stack([f(angle[:, d]) for d in range(3) for f in (np.cos, np.sin)], axis=1)
    np.testing.assert_allclose(nn["x"], embedded, atol=1e-14)


def test_real_files_plot(real_dir, tmp_path):
    out = tmp_path / "real.png"
    result = run_plot(real_dir, out)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 20000
    out = tmp_path / "nn.png"
    result = subprocess.run([sys.executable, str(ANALYSIS / "plot_network.py"), str(real_dir), "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10000


# --- the variants: the coupled run without eigenvectors, and the exact dual -------------------------------------

def as_extremes(run: Path) -> Path:
    """The synthetic coupled file as a run with network.ntk_spectrum = "extremes" writes it: no eigenspaces."""
    with h5py.File(run / "duality.h5", "a") as f:
        for name in inflanet_io.DUALITY_EIGENSPACE + inflanet_io.DUALITY_PER_CLUSTER:
            del f[name]
        f.attrs["ntk_spectrum"] = "extremes"
        f.attrs["H_eff"] = math.nan
    return run


def as_exact_dual(run: Path) -> Path:
    """The synthetic coupled file as the exact dual writes it: a linear network, its c lambda per row, and the
    site-by-site difference."""
    with h5py.File(run / "duality.h5", "a") as f:
        for name in inflanet_io.DUALITY_NOT_IN_EXACT_DUAL:
            del f[name]
        cl = f["omega2_network"][()]
        del f["omega2_network"]
        f["omega2_network"] = np.tile(cl, (NT, 1)) * np.linspace(1.0, 0.5, NT)[:, None]
        f["max_site_difference"] = np.full(NT, 3e-16)
        f.attrs["run"] = "exact_dual"
        f.attrs["dispersion"] = "lattice"
        f.attrs["schedule"] = "desitter"
        f.attrs["max_site_difference"] = 3e-16
        f.attrs["max_site_difference_t_end"] = 3e-16
    return run


def test_each_variant_is_named_by_the_file_and_read_with_its_own_datasets(synthetic):
    data = inflanet_io.load_duality(as_extremes(synthetic))
    assert data["variant"] == "coupled_extremes"
    assert "cluster_first" not in data and "mode_power" not in data and "P_network_lin" in data
    with h5py.File(synthetic / "duality.h5", "a") as f:
        del f["leakage"]  # still required of this variant
    with pytest.raises(KeyError, match="leakage.*coupled_extremes"):
        inflanet_io.load_duality(synthetic)


def test_the_exact_dual_is_read_with_its_kernel_per_row_and_its_site_difference(synthetic):
    as_exact_dual(synthetic)
    with h5py.File(synthetic / "duality.h5", "a") as f:  # a row dataset one row longer is cut with the others
        del f["max_site_difference"]
        f["max_site_difference"] = np.zeros(NT + 1)
    data = inflanet_io.load_duality(synthetic)
    assert data["variant"] == "exact_dual"
    assert data["omega2_network"].shape == (NT, NK) and data["max_site_difference"].shape == (NT,)
    assert "P_network_lin" not in data and "omega2_network_anisotropy" not in data


@pytest.mark.parametrize("variant", ["coupled_extremes", "exact_dual"])
def test_plot_duality_draws_every_variant(synthetic, tmp_path, variant):
    run = as_extremes(synthetic) if variant == "coupled_extremes" else as_exact_dual(synthetic)
    out = tmp_path / f"{variant}.png"
    result = run_plot(run, out)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000
    data = inflanet_io.load_duality(run)
    text = (plot_duality.footer_exact_dual(data["attrs"]) if variant == "exact_dual"
            else plot_duality.footer(data["attrs"]))
    assert not re.search(r"\bnan\b", text) and "?" not in text.split("initial velocity")[0]
