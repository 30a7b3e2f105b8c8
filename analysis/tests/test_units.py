"""Units in the files and yt in the deck's units (issue 22 item 7): a tiny real Friedmann run (inputs/preheating.toml
on 8^3, 4 steps) is loaded by inflanet_io.load_yt with the box length and time in the deck's units: the program
units 1/M_p by default, cm and s when asked for (or when the deck gives [units]); the index-coded de Sitter
snapshot of io.snapshot_checkpoint_np2 (no physical scale) loads in program units and refuses physical ones.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

ANALYSIS = Path(__file__).resolve().parent.parent
ROOT = ANALYSIS.parent
sys.path.insert(0, str(ANALYSIS))
import inflanet_io  # noqa: E402
from sample_files import sample_data  # noqa: E402

import yt  # noqa: E402,F401  (Debian python3-yt; a missing yt fails here, never skips)

# CODATA 2018 hbar and hbar c, PDG reduced Planck mass: 1/M_p in s and m.
HBAR_GEV_S, HBAR_C_GEV_M, MP_GEV = 6.582119569e-25, 1.973269804e-16, 2.435e18
L, DT, STEPS, N = 2.1e6, 2500.0, 4, 8


def run_preheating(out: Path, *overrides) -> Path:
    binary = os.environ.get("INFLANET_BINARY")
    if not binary or not Path(binary).is_file():
        pytest.fail("INFLANET_BINARY is unset or not a file: run through ctest", pytrace=False)
    command = [binary, "run", str(ROOT / "inputs" / "preheating.toml"), f"output.dir=\"{out}\"", f"lattice.N={N}",
               f"time.t_end={STEPS * DT}", f"output.snapshot_every={STEPS}", "output.spectra_every=4",
               "output.checkpoint_every=0", "output.final_checkpoint=false", *overrides]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return out / f"data_{STEPS}.h5"


@pytest.fixture(scope="module")
def friedmann(tmp_path_factory) -> Path:
    return run_preheating(tmp_path_factory.mktemp("friedmann"))


def test_friedmann_snapshot_names_its_units_and_scale(friedmann):
    snap = inflanet_io.load_snapshot(friedmann)
    units = snap["units"]
    assert (units["energy"], units["field"], units["length"]) == ("M_p", "M_p", "1/M_p")
    assert units["scaled"] and not units["given"]  # the Friedmann default M_p, not written in the deck
    assert units["fields"] == {"phi": "M_p", "phidot": "M_p^2", "chi": "M_p", "chidot": "M_p^2"}
    assert units["length_unit_si"] == pytest.approx(HBAR_C_GEV_M / MP_GEV, rel=1e-12)
    assert units["time_unit_si"] == pytest.approx(HBAR_GEV_S / MP_GEV, rel=1e-12)
    # load_snapshot keeps the program units: dx and t as the deck gives them.
    assert snap["dx"] == L / N and snap["time"] == pytest.approx(STEPS * DT, rel=1e-12)
    phi = snap["mesh_attrs"]["phi"]
    assert phi["unitSI"] == pytest.approx(MP_GEV * 1.602176634e-10, rel=1e-12)  # 1 M_p of field in J
    assert list(phi["unitDimension"]) == [2, 1, -2, 0, 0, 0, 0]


def test_yt_shows_a_friedmann_box_and_time_in_the_decks_units(friedmann):
    ds = inflanet_io.load_yt(friedmann)  # the deck gives no [units]: program units 1/M_p
    assert not ds.inflanet_units["physical"]
    np.testing.assert_allclose(ds.domain_width.to("code_length").d, [L] * 3, rtol=1e-12)
    assert float(ds.current_time.to("code_time")) == pytest.approx(STEPS * DT, rel=1e-12)
    assert list(ds.domain_dimensions) == [N] * 3

    ds = inflanet_io.load_yt(friedmann, physical=True)  # the same file in cgs
    np.testing.assert_allclose(ds.domain_width.to("cm").d, [L * HBAR_C_GEV_M / MP_GEV * 100.0] * 3, rtol=1e-9)
    assert float(ds.current_time.to("s")) == pytest.approx(STEPS * DT * HBAR_GEV_S / MP_GEV, rel=1e-9)
    snap = inflanet_io.load_snapshot(friedmann)
    grid = ds.covering_grid(0, ds.domain_left_edge, ds.domain_dimensions)
    np.testing.assert_allclose(grid["stream", "phi"].to("J").d, snap["phi"] * MP_GEV * 1.602176634e-10, rtol=1e-9)


def test_a_deck_that_gives_units_loads_in_physical_units(friedmann, tmp_path):
    # The same file as if its deck had said [units] (the C++ test config.deck_units checks that a deck giving
    # them resolves with its [units] section): the deck's own choice then is cgs.
    snapshot = tmp_path / friedmann.name
    shutil.copy(friedmann, snapshot)
    with h5py.File(snapshot, "r+") as f:
        deck = f.attrs["deck"].decode() + f"\n[units]\nenergy_GeV = {MP_GEV}\n"
        f.attrs["deck"] = np.bytes_(deck)
    ds = inflanet_io.load_yt(snapshot)
    assert ds.inflanet_units["given"] and ds.inflanet_units["physical"]
    assert float(ds.domain_width[0].to("m")) == pytest.approx(L * HBAR_C_GEV_M / MP_GEV, rel=1e-9)
    assert not inflanet_io.load_yt(snapshot, physical=False).inflanet_units["physical"]


def test_a_snapshot_without_a_scale_loads_in_program_units_only():
    snapshot = sample_data("data_8.h5", "io.snapshot_checkpoint_np2")  # de Sitter, N = 16, L = 10, t = 0.4
    units = inflanet_io.load_snapshot(snapshot)["units"]
    assert (units["length"], units["scaled"]) == ("1/H", False)
    ds = inflanet_io.load_yt(snapshot)
    np.testing.assert_allclose(ds.domain_width.to("code_length").d, [10.0] * 3, rtol=1e-12)
    assert float(ds.current_time.to("code_time")) == pytest.approx(0.4, rel=1e-12)
    with pytest.raises(ValueError, match="no physical scale"):
        inflanet_io.load_yt(snapshot, physical=True)


def test_si_unit_spells_openpmd_unit_dimensions():
    assert inflanet_io.si_unit([2, 1, -2, 0, 0, 0, 0]) == "m**2*kg/s**2"
    assert inflanet_io.si_unit([-1, 1, -2, 0, 0, 0, 0]) == "kg/m/s**2"
    assert inflanet_io.si_unit([0, 0, 1, 0, 0, 0, 0]) == "s"
    assert inflanet_io.si_unit([0] * 7) == "dimensionless"
