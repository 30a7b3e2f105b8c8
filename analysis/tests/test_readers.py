"""Readers, analytic helpers and plot scripts against the sample run written by the C++ test
io.output_files (tests/io/test_output_files.cpp, SampleRun.WritesMasslessDeSitterFilesForAnalysis):
a massless field in de Sitter, H = 1, N = 16, L = 10, 81 timeseries rows (dt = 0.05), spectra every
10 steps. CTest sets INFLANET_TEST_DATA_DIR and runs that test first (fixture inflanet_sample_run).
"""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ANALYSIS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ANALYSIS))
import inflanet_io  # noqa: E402
from sample_files import sample_data  # noqa: E402

COLUMNS = ["step", "time", "a", "phi_mean", "phi_var", "phidot_mean", "phidot_var", "rho_kin", "rho_grad",
           "rho_pot", "rho", "p", "continuity_residual"]
N, L, H, DT = 16, 10.0, 1.0, 0.05


@pytest.fixture(scope="module")
def run_dir() -> Path:
    for name in ("timeseries.h5", "spectra.h5"):
        directory = sample_data(name, "io.output_files").parent
    return directory


# --- analytic helpers against hand values -------------------------------------------------------------

def test_delta2_hand_values():
    assert inflanet_io.delta2(2.0, math.pi**2) == pytest.approx(4.0)  # 8 pi^2 / (2 pi^2)
    np.testing.assert_allclose(inflanet_io.delta2([1.0, 2.0], [2 * math.pi**2, 1.0]), [1.0, 4 / math.pi**2])


def test_massless_desitter_delta2_hand_values():
    # (H/2pi)^2 (1 + (k/aH)^2): H = 2 pi makes the prefactor 1
    assert inflanet_io.massless_desitter_delta2(2.0, 1.0, 2 * math.pi) == pytest.approx(1 + 1 / math.pi**2)
    # at horizon crossing k = aH the vacuum doubles the frozen value
    assert inflanet_io.massless_desitter_delta2(3.0, 3.0, 1.0) == pytest.approx(2 / (4 * math.pi**2))
    # broadcasts over k and a
    out = inflanet_io.massless_desitter_delta2(np.array([1.0, 2.0])[None, :], np.array([1.0, 10.0, 100.0])[:, None], 1.0)
    assert out.shape == (3, 2)


def test_expected_box_variance_by_hand_for_n2():
    # N = 2, L = 2 pi: k_n = |n| for n in {-1, 0}^3 minus 0: three |n| = 1, three sqrt 2, one sqrt 3.
    # a = H = 1 (tau = -1): terms (1 + k^2) / (2 k^3) = 1, 3 / (4 sqrt 2), 2 / (3 sqrt 3).
    hand = (3 * 1 + 3 * 3 / (4 * math.sqrt(2)) + 2 / (3 * math.sqrt(3))) / (2 * math.pi) ** 3
    assert inflanet_io.expected_box_variance_massless(2, 2 * math.pi, 1.0, 1.0) == pytest.approx(hand, rel=1e-14)
    frozen = (3 / 2 + 3 / (2 * 2 * math.sqrt(2)) + 1 / (2 * 3 * math.sqrt(3))) / (2 * math.pi) ** 3
    assert inflanet_io.expected_box_variance_massless(2, 2 * math.pi, 1e8, 1.0) == pytest.approx(frozen, rel=1e-12)


def test_expected_box_variance_matches_a_plain_loop_and_vectorises():
    n_sites, box, hubble = 4, 3.0, 0.7
    a = np.array([0.5, 1.0, 4.0])
    loop = np.zeros_like(a)
    for i in range(-2, 2):
        for j in range(-2, 2):
            for m in range(-2, 2):
                if i == j == m == 0:
                    continue
                k = 2 * math.pi * math.sqrt(i * i + j * j + m * m) / box
                tau = -1 / (a * hubble)
                loop += hubble**2 * (1 + k**2 * tau**2) / (2 * k**3 * box**3)
    got = inflanet_io.expected_box_variance_massless(n_sites, box, a, hubble)
    assert got.shape == a.shape
    np.testing.assert_allclose(got, loop, rtol=1e-13)
    assert np.all(np.diff(got) < 0), "comoving lattice: the vacuum part redshifts, the variance decreases"


def test_massless_desitter_parameters_from_deck_shapes():
    deck = {"background": {"kind": "desitter", "H": 2.0}, "inflaton": {"potential": "quadratic", "m": 0.0}}
    assert inflanet_io.massless_desitter_parameters(deck) == (2.0, 1.0)
    assert inflanet_io.massless_desitter_parameters({**deck, "inflaton": {"potential": "quadratic", "m": 0.5}}) is None
    assert inflanet_io.massless_desitter_parameters({**deck, "background": {"kind": "minkowski"}}) is None


# --- the sample files ---------------------------------------------------------------------------------

def test_timeseries_shapes_types_and_attrs(run_dir):
    series = inflanet_io.load_timeseries(run_dir)
    assert [c for c in series if c != "attrs"] == COLUMNS
    for name in COLUMNS:
        assert series[name].shape == (81,), name
    assert series["step"].dtype == np.int64
    assert series["time"].dtype == np.float64
    np.testing.assert_array_equal(series["step"], np.arange(81))
    np.testing.assert_allclose(series["time"], DT * series["step"], rtol=1e-15)
    np.testing.assert_allclose(series["a"], np.exp(H * series["time"]), rtol=1e-14)
    np.testing.assert_allclose(series["rho"], series["rho_kin"] + series["rho_grad"] + series["rho_pot"], rtol=1e-14)
    attrs = series["attrs"]
    for key in ("deck", "code_version", "git_commit", "created", "software"):
        assert isinstance(attrs[key], str) and attrs[key], key
    assert attrs["software"] == "inflanet"
    assert attrs["created"].endswith("Z") and attrs["created"][10] == "T"


def test_spectra_shapes_values_and_attrs(run_dir):
    spectra = inflanet_io.load_spectra(run_dir)
    nk = 14
    assert spectra["k"].shape == (nk,) and spectra["counts"].shape == (nk,)
    assert spectra["step"].dtype == np.int64
    np.testing.assert_array_equal(spectra["step"], np.arange(0, 81, 10))
    assert set(spectra["spectra"]) == {"P_phi", "P_phidot"}
    for values in spectra["spectra"].values():
        assert values.shape == (9, nk)
    assert spectra["counts"].sum() == N**3 - 1
    assert np.all(np.diff(spectra["k"]) > 0)
    assert spectra["k"][0] > 2 * math.pi / L * 0.99  # shells start at the fundamental mode
    attrs = spectra["attrs"]
    assert attrs["L"] == L and attrs["N"] == N
    assert attrs["normalisation"].startswith("P(k_n) = L^3 <|f~_n|^2> / N^6")
    assert "Delta^2 = k^3 P / (2 pi^2)" in attrs["normalisation"]


def test_box_variance_is_the_spectrum_sum_and_matches_expectation(run_dir):
    series = inflanet_io.load_timeseries(run_dir)
    spectra = inflanet_io.load_spectra(run_dir)
    rows = np.searchsorted(series["step"], spectra["step"])
    from_spectrum = (spectra["counts"] * spectra["spectra"]["P_phi"]).sum(axis=1) / L**3
    np.testing.assert_allclose(series["phi_var"][rows], from_spectrum, rtol=1e-12)
    expected = inflanet_io.expected_box_variance_massless(N, L, series["a"], H)
    np.testing.assert_allclose(series["phi_var"], expected, rtol=0.05)  # sample scatter is 5% per shell


def test_superhorizon_delta2_freezes_at_h_over_2pi(run_dir):
    spectra = inflanet_io.load_spectra(run_dir)
    d2 = inflanet_io.delta2(spectra["k"][None, :], spectra["spectra"]["P_phi"])
    last = d2[-1]  # a = e^4 ~ 55 > k_max / H: every shell is outside the horizon
    np.testing.assert_allclose(last, (H / (2 * math.pi)) ** 2, rtol=0.25)  # shell averaging + scatter
    theory = inflanet_io.massless_desitter_delta2(spectra["k"][None, :], spectra["a"][:, None], H)
    assert np.median(np.abs(d2 / theory - 1)) < 0.1


def test_read_deck_from_toml_and_from_attribute(run_dir):
    from_dir = inflanet_io.read_deck(run_dir)
    from_attr = inflanet_io.read_deck(run_dir / "timeseries.h5")
    from_spectra = inflanet_io.read_deck(run_dir / "spectra.h5")
    assert from_dir == from_attr == from_spectra
    assert from_attr["lattice"] == {"N": N, "L": L}
    assert inflanet_io.massless_desitter_parameters(from_attr) == (H, 1.0)


def test_missing_files_raise(tmp_path):
    with pytest.raises(FileNotFoundError, match="no inflanet output file"):
        inflanet_io.load_timeseries(tmp_path)
    with pytest.raises(FileNotFoundError):
        inflanet_io.load_spectra(tmp_path / "nope.h5")
    with pytest.raises(FileNotFoundError, match="no deck"):
        inflanet_io.read_deck(tmp_path)


# --- plot scripts -------------------------------------------------------------------------------------

def run_script(script, *args):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(["/usr/bin/python3", str(ANALYSIS / script), *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.mark.parametrize("script", ["plot_timeseries.py", "plot_spectra.py"])
def test_plot_script_writes_png(run_dir, tmp_path, script):
    out = tmp_path / (script.replace(".py", ".png"))
    result = run_script(script, run_dir, "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.is_file() and out.stat().st_size > 10_000
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("script", ["plot_timeseries.py", "plot_spectra.py"])
def test_plot_script_fails_clearly_without_files(tmp_path, script):
    result = run_script(script, tmp_path / "missing-run", "-o", tmp_path / "x.png")
    assert result.returncode == 1
    assert "error: no inflanet output file" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_plot_scripts_are_executable_with_debian_python():
    for script in ("plot_timeseries.py", "plot_spectra.py"):
        path = ANALYSIS / script
        assert path.read_text().startswith("#!/usr/bin/python3\n")
        assert os.access(path, os.X_OK)
