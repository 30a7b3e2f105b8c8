"""load_network and plot_network.py on the nn.h5 written by the C++ test app.network_run
(NetworkRun.NnH5HasEveryDatasetAndAttributeOfTheContract: 4^3 lattice points, width 48, 40 euler steps,
eta = 0.5, beta = 0.9, rows every 5 steps), copied to $INFLANET_TEST_DATA_DIR/network."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ANALYSIS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ANALYSIS))
import inflanet_io  # noqa: E402
from sample_files import sample_data  # noqa: E402


@pytest.fixture(scope="module")
def run_dir() -> Path:
    return sample_data("network/nn.h5", "app.network_run").parent


def test_load_network_has_the_contract(run_dir):
    nn = inflanet_io.load_network(run_dir)
    n = 64
    assert nn["x"].shape == (n, 6) and nn["y"].shape == (n,)
    assert nn["ntk"].shape == (n, n) and nn["ntk_eigenvalues"].shape == (n,)
    assert list(nn["step"]) == list(range(0, 41, 5))
    for name in ("f", "f_lin", "mode_amplitudes"):
        assert nn[name].shape == (9, n)
    assert nn["weights"]["attrs"]["parameterization"] == "ntk"
    assert nn["weights_final"]["W0"].shape == (48, 6)
    a = nn["attrs"]
    assert a["integrator"] == "euler" and a["eta"] == 0.5 and a["beta"] == 0.9
    assert math.isclose(a["gamma"], -math.log(0.9) / math.sqrt(0.5), rel_tol=1e-14)
    assert math.isclose(a["c"], 1 / n, rel_tol=1e-14)
    np.testing.assert_allclose(nn["time"], nn["step"] * math.sqrt(0.5), rtol=1e-13)


def test_mode_amplitudes_follow_the_damped_oscillator_for_the_linear_model(run_dir):
    nn = inflanet_io.load_network(run_dir)
    a = nn["attrs"]
    # f_lin is the linear model (exact heavy ball): project it, compare the top modes with the ODE to O(h).
    u = np.linalg.eigh(nn["ntk"])[1]
    r_lin = nn["f_lin"] - nn["y"]
    modes = r_lin @ u
    pred = inflanet_io.damped_mode(a["gamma"], a["c"] * np.linalg.eigh(nn["ntk"])[0], modes[0], nn["time"])
    top = slice(-3, None)
    scale = np.abs(modes[0, top]).max()
    assert np.abs(modes[:, top] - pred[:, top]).max() < 0.5 * scale
    # And mode_amplitudes at t0 are the projection of the network's residual.
    np.testing.assert_allclose(np.abs(nn["mode_amplitudes"][0]), np.abs((nn["f"][0] - nn["y"]) @ u), atol=1e-10)


def test_plot_network_writes_a_png(run_dir, tmp_path):
    out = tmp_path / "nn.png"
    subprocess.run([sys.executable, str(ANALYSIS / "plot_network.py"), str(run_dir), "-o", str(out)], check=True)
    assert out.stat().st_size > 10000
