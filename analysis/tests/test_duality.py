"""load_duality, plot_duality.py and duality_scan.py (issue 6) on a synthetic duality.h5 that follows the contract
(synthetic_duality.py), with fake_inflanet.py standing in for the binary; and, when the C++ tests have written
one to $INFLANET_TEST_DATA_DIR/duality/duality.h5, the same reader and plot on the real file."""

import csv
import math
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

ANALYSIS = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(ANALYSIS))
sys.path.insert(0, str(TESTS))
import duality_scan  # noqa: E402
import inflanet_io  # noqa: E402
import synthetic_duality  # noqa: E402
from sample_files import sample_data  # noqa: E402

NK, NT, M = 5, 9, 3
PER_BIN = ("P_lattice", "P_network", "T_lattice", "T_network", "omega2_lattice")


@pytest.fixture()
def synthetic(tmp_path) -> Path:
    synthetic_duality.write(tmp_path / "run" / "duality.h5", nk=NK, nt=NT, M=M)
    return tmp_path / "run"


def check_contract(data):
    """Every dataset and attribute of the contract, with consistent shapes."""
    nk, nt = data["k"].size, data["time"].size
    for name in inflanet_io.DUALITY_OPTIONAL:
        assert name in data, f"duality.h5 lacks {name}"
    for name in inflanet_io.DUALITY_ATTRIBUTES:
        assert name in data["attrs"], f"duality.h5 lacks the attribute {name}"
    assert data["counts"].shape == (nk,) and data["step"].shape == data["a"].shape == (nt,)
    assert data["step"].dtype == np.int64
    for name in PER_BIN:
        assert data[name].shape == (nt, nk), name
    for name in ("omega2_network", "omega2_network_err", "leakage"):
        assert data[name].shape == (nk,), name
    n_points = data["ntk_eigenvalues"].size
    assert data["attrs"]["M"] ** 3 == n_points
    assert np.all(np.diff(data["ntk_eigenvalues"]) >= 0), "ntk_eigenvalues must be ascending"
    assert data["mode_power"].shape == data["mode_power_prediction"].shape == (nt, n_points)
    assert data["attrs"]["match"] in ("cosmology", "network")
    assert data["attrs"]["eft_terms"] in (2, 3)
    a = data["attrs"]
    assert math.isclose(a["gamma"], -math.log(a["beta"]) / math.sqrt(a["eta"]), rel_tol=1e-12)
    assert math.isclose(a["H_dictionary"], a["gamma"] / 3, rel_tol=1e-12)
    for name in ("T_lattice", "T_network"):  # P(t0)/P(t0), wherever P(t0) is not zero
        first = data[name][0]
        np.testing.assert_allclose(first[np.isfinite(first)], 1.0, rtol=1e-12)


# --- reader -------------------------------------------------------------------------------------------------------

def test_load_duality_reads_the_contract(synthetic):
    data = inflanet_io.load_duality(synthetic)
    check_contract(data)
    assert data["k"].shape == (NK,) and data["ntk_eigenvalues"].shape == (M**3,)
    a = data["attrs"]
    assert isinstance(a["match"], str) and isinstance(a["deck"], str) and "[network]" in a["deck"]
    assert a["eta"] == 0.5 and a["beta"] == 0.9 and a["subcycles"] == 1 and a["eft_terms"] == 3
    assert a["step"] == pytest.approx(math.sqrt(0.5))  # the attribute is h; the dataset 'step' is the step count
    # the file itself works as the argument too
    assert inflanet_io.load_duality(synthetic / "duality.h5")["k"].shape == (NK,)


def test_load_duality_tolerates_absent_optional_datasets_and_decodes_fixed_length_strings(tmp_path):
    path = tmp_path / "duality.h5"
    with h5py.File(path, "w") as f:
        f["k"], f["counts"] = np.arange(1.0, 4.0), np.ones(3, dtype=np.int64)
        f["step"], f["time"], f["a"] = np.arange(2, dtype=np.int64), np.arange(2.0), np.ones(2)
        f.attrs["match"] = np.bytes_("cosmology")  # fixed-length ASCII, as H5T_C_S1 writers produce
        f.attrs["H"] = 1.0
    data = inflanet_io.load_duality(tmp_path)
    assert data["attrs"]["match"] == "cosmology"
    assert "P_lattice" not in data and "mode_power" not in data


def test_load_duality_missing_file_and_required_dataset(tmp_path):
    with pytest.raises(FileNotFoundError):
        inflanet_io.load_duality(tmp_path)
    with h5py.File(tmp_path / "duality.h5", "w") as f:
        f["k"] = np.arange(3.0)
    with pytest.raises(KeyError, match="counts"):
        inflanet_io.load_duality(tmp_path)


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

def test_plot_duality_writes_a_png(synthetic, tmp_path):
    out = tmp_path / "duality.png"
    result = subprocess.run([sys.executable, str(ANALYSIS / "plot_duality.py"), str(synthetic), "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 20000


def test_plot_duality_with_two_term_eft_zero_H_and_missing_panels(tmp_path):
    run = tmp_path / "run"
    synthetic_duality.write(run / "duality.h5", eft_terms=2)
    with h5py.File(run / "duality.h5", "a") as f:
        for name in ("mode_power", "mode_power_prediction", "leakage", "T_network"):
            del f[name]
        f.attrs["H"] = 0.0
    out = tmp_path / "partial.png"
    result = subprocess.run([sys.executable, str(ANALYSIS / "plot_duality.py"), str(run), "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 20000


def test_plot_duality_missing_run_fails_cleanly(tmp_path):
    result = subprocess.run([sys.executable, str(ANALYSIS / "plot_duality.py"), str(tmp_path / "nothing"),
                             "-o", str(tmp_path / "x.png")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "plot_duality.py: error:" in result.stderr and "Traceback" not in result.stderr
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
        expected = synthetic_duality.eft_parameters(eta, 0.9, 32, 2, "erf")
        for key in ("m_eff2", "m_eff2_err", "c_eff2", "c_eff2_err", "H_eff", "H_eff_err", "H_dictionary"):
            assert float(row[key]) == pytest.approx(expected[key], rel=1e-12), key
        assert float(row["H_dictionary"]) == pytest.approx(-math.log(0.9) / (3 * math.sqrt(eta)), rel=1e-12)
        assert (Path(row["dir"]) / "duality.h5").is_file() and (Path(row["dir"]) / "run.log").is_file()
    assert (out / "duality_scan.png").stat().st_size > 20000


def test_scan_records_a_failed_run_and_exits_1(tmp_path, deck):
    result, out, rows = scan(tmp_path, deck, "--eta", "0.2", "2.0", "--activation", "erf", "relu")
    assert result.returncode == 1
    assert "unstable" in result.stderr  # the run's own message is relayed
    status = {(r["eta"], r["activation"]): r["status"] for r in rows}
    assert status == {("0.2", "erf"): "ok", ("2.0", "erf"): "failed rc=3", ("0.2", "relu"): "ok"}
    relu = next(r for r in rows if r["activation"] == "relu")
    assert float(relu["c_eff2"]) == pytest.approx(synthetic_duality.eft_parameters(0.2, 0.9, 32, 2, "relu")["c_eff2"])
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
    assert line.endswith("output.dir=o/width64 network.steps=10")


# --- the real file, when the C++ tests have written one ----------------------------------------------------------

def test_real_duality_h5_reads_and_plots(tmp_path):
    directory = sample_data("duality/duality.h5", "app.coupled_run").parent.parent
    data = inflanet_io.load_duality(directory / "duality")
    check_contract(data)
    out = tmp_path / "real.png"
    result = subprocess.run([sys.executable, str(ANALYSIS / "plot_duality.py"), str(directory / "duality"),
                             "-o", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 20000
