"""load_snapshot and plot_slice.py against the index-coded snapshot written by the C++ test
io.snapshot_checkpoint_np2 (tests/io/mpi_snapshot_checkpoint.cpp, IndexCodedSnapshot): step 8 of the sample run
(N = 16, L = 10, H = 1, t = 0.4, dt = 0.05, a = e^0.4), phi[x, y, z] = x + y/100 + z/10^4,
phidot[x, y, z] = -((16 x + y) 16 + z). CTest sets INFLANET_TEST_DATA_DIR and runs that test first.
"""

import math
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

ANALYSIS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ANALYSIS))
import inflanet_io  # noqa: E402
from sample_files import sample_data  # noqa: E402

N, L, STEP = 16, 10.0, 8


@pytest.fixture(scope="module")
def snapshot() -> Path:
    return sample_data(f"data_{STEP}.h5", "io.snapshot_checkpoint_np2")


def expected_fields():
    x, y, z = np.meshgrid(np.arange(N), np.arange(N), np.arange(N), indexing="ij")
    return x + y / 100.0 + z / 1e4, -((x * N + y) * N + z).astype(float)


def test_load_snapshot_values_axis_order_and_scalars(snapshot):
    snap = inflanet_io.load_snapshot(snapshot)
    phi, phidot = expected_fields()
    assert snap["phi"].shape == (N, N, N) and snap["phi"].dtype == np.float64
    np.testing.assert_array_equal(snap["phi"], phi)  # bitwise: the C++ writer computed the same doubles
    np.testing.assert_array_equal(snap["phidot"], phidot)
    assert snap["step"] == STEP
    assert snap["time"] == 0.4
    assert snap["a"] == math.exp(0.4)
    assert snap["H"] == 1.0
    assert snap["dx"] == L / N
    assert snap["attrs"]["openPMD"] == "1.1.0"
    assert "N = 16" in snap["attrs"]["deck"]


def test_openpmd_attribute_types_as_h5py_sees_them(snapshot):
    with h5py.File(snapshot, "r") as f:
        for name, value in [("openPMD", "1.1.0"), ("basePath", "/data/%T/"), ("meshesPath", "meshes/"),
                            ("iterationEncoding", "fileBased"), ("iterationFormat", "data_%T.h5"),
                            ("software", "inflanet")]:
            raw = f.attrs[name]
            assert isinstance(raw, np.bytes_), f"{name} must be a fixed-length string, got {type(raw)}"
            assert raw.decode() == value  # what yt does
            assert f.attrs.get_id(name).get_type().get_class() == h5py.h5t.STRING
            assert not f.attrs.get_id(name).get_type().is_variable_str()
        for name in ("softwareVersion", "date", "deck", "code_version", "git_commit"):
            assert isinstance(f.attrs[name], np.bytes_), name
        assert f.attrs["openPMDextension"].dtype == np.uint32
        iteration = f[f"/data/{STEP}"]
        for name in ("time", "dt", "timeUnitSI", "a", "H"):
            assert iteration.attrs[name].dtype == np.float64 and np.shape(iteration.attrs[name]) == (), name
        assert iteration.attrs["step"].dtype == np.int64
        for record in ("phi", "phidot"):
            mesh = f[f"/data/{STEP}/meshes/{record}"]
            assert mesh.dtype == np.float64 and mesh.shape == (N, N, N)
            assert mesh.attrs["geometry"] == b"cartesian"
            assert mesh.attrs["dataOrder"] == b"C"
            labels = mesh.attrs["axisLabels"]
            assert labels.dtype.kind == "S" and list(labels) == [b"x", b"y", b"z"]
            for name, length in (("gridSpacing", 3), ("gridGlobalOffset", 3), ("position", 3),
                                 ("unitDimension", 7)):
                value = mesh.attrs[name]
                assert value.dtype == np.float64 and value.shape == (length,), name
            np.testing.assert_array_equal(mesh.attrs["gridSpacing"], [L / N] * 3)
            assert np.shape(mesh.attrs["gridUnitSI"]) == () and mesh.attrs["gridUnitSI"].dtype == np.float64
            assert mesh.attrs["unitSI"] == 1.0
            assert mesh.attrs["timeOffset"].dtype == np.float32


def test_xdmf_sidecar_points_at_the_meshes(snapshot):
    xml = snapshot.with_suffix(".xmf").read_text()
    for record in ("phi", "phidot"):
        assert f"data_{STEP}.h5:/data/{STEP}/meshes/{record}" in xml
    assert 'Dimensions="16 16 16"' in xml and "ORIGIN_DXDYDZ" in xml and 'Center="Node"' in xml


def test_load_snapshot_rejects_missing_and_foreign_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="no inflanet output file"):
        inflanet_io.load_snapshot(tmp_path / "data_1.h5")
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = np.zeros(3)
    with pytest.raises(ValueError, match="not an openPMD snapshot"):
        inflanet_io.load_snapshot(foreign)


def run_slice(*args):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(["/usr/bin/python3", str(ANALYSIS / "plot_slice.py"), *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.parametrize("extra", [[], ["--field", "phidot", "--axis", "0", "--index", "3"]])
def test_plot_slice_writes_png(snapshot, tmp_path, extra):
    out = tmp_path / "slice.png"
    result = run_slice(snapshot, *extra, "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.is_file() and out.stat().st_size > 10_000
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_slice_fails_clearly(snapshot, tmp_path):
    result = run_slice(tmp_path / "data_0.h5", "-o", tmp_path / "x.png")
    assert result.returncode == 1 and "error: no inflanet output file" in result.stderr
    result = run_slice(snapshot, "--field", "rho", "-o", tmp_path / "x.png")
    assert result.returncode == 1 and "no field 'rho'" in result.stderr
    result = run_slice(snapshot, "--index", "99", "-o", tmp_path / "x.png")
    assert result.returncode == 1 and "outside" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_slice_of_keeps_the_right_plane():
    phi, _ = expected_fields()
    plane, names = inflanet_io_slice(phi, 1, 5)
    assert names == ("x", "z")
    np.testing.assert_array_equal(plane, phi[:, 5, :])


def inflanet_io_slice(data, axis, index):
    sys.path.insert(0, str(ANALYSIS))
    import plot_slice  # noqa: E402

    return plot_slice.slice_of(data, axis, index)


def test_plot_slice_is_executable_with_debian_python():
    path = ANALYSIS / "plot_slice.py"
    assert path.read_text().startswith("#!/usr/bin/python3\n")
    assert os.access(path, os.X_OK)
