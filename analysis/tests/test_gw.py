"""load_gw and plot_gw.py against gw_spectra.h5 files written here in the contract's exact layout.

The layout is issue 21's contract between the GW sector's writer and these readers (/work's gw-layout note, repeated
in docs/gravitational_waves.md): k[nk]; time, a, rho, rho_gw [nt]; drho_gw_dlnk, omega_gw [nt, nk], each dataset
with a string attribute `units`; the root attributes of src/io/file_metadata.cpp; and, for a run with a physical
scale, a group `today` with frequency_Hz and h2_omega_gw [nk] and the attributes w, efolds, g_star, energy_GeV,
field_GeV. Strings are written as the C++ writers write them (writer_layout.py). The data are closed forms, so
every value read back and drawn is known. Needs no C++ test data.
"""

import sys
from pathlib import Path

import h5py
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ANALYSIS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ANALYSIS))
import inflanet_io  # noqa: E402
import plot_gw  # noqa: E402
from writer_layout import metadata, string_attribute  # noqa: E402

DECK = """# inflanet input deck, fully resolved: the values this run uses.
[lattice]
N = 16
L = 10.0
"""
N, L = 16, 10.0
NT = 6
K_PEAK = 2.0
UNITS = {"k": "M_p (comoving, a = 1)", "time": "1/M_p", "a": "1", "rho": "M_p^4", "rho_gw": "M_p^4",
         "drho_gw_dlnk": "M_p^4", "omega_gw": "1"}
TODAY_UNITS = {"frequency_Hz": "Hz", "h2_omega_gw": "1"}
TODAY_ATTRS = {"w": 0.0, "efolds": 2.5, "g_star": 106.75, "energy_GeV": 2.435e18, "field_GeV": 2.435e18}
HZ_PER_K, H2_PER_OMEGA = 3.7e8, 1.3e-6  # any factors: the reader and the plot only carry them


def closed_form():
    """k_i = 2 pi i / L; t_j = j; a = e^{0.2 t}; rho = 3 a^-4; drho_gw/dlnk = 1e-9 t^2 (k/K)^3 e^{-k/K} a^-4."""
    nk = int(np.ceil(np.sqrt(3) * N / 2)) + 1
    k = 2 * np.pi / L * np.arange(nk, dtype=float)
    t = np.arange(NT, dtype=float)
    a = np.exp(0.2 * t)
    rho = 3.0 * a**-4
    drho = 1e-9 * (t**2 * a**-4)[:, None] * ((k / K_PEAK) ** 3 * np.exp(-k / K_PEAK))[None, :]
    omega = drho / rho[:, None]
    return {"k": k, "time": t, "a": a, "rho": rho, "rho_gw": drho.sum(axis=1), "drho_gw_dlnk": drho,
            "omega_gw": omega}


def write_gw(path, data, today=True, skip=(), skip_units=()):
    """gw_spectra.h5 in the contract's layout: fixed k, unlimited rows (16-row chunks), `units` on each dataset."""
    with h5py.File(path, "w") as f:
        metadata(f, DECK)
        for name, values in data.items():
            if name in skip:
                continue
            values = np.asarray(values, dtype="<f8")
            if name == "k":
                ds = f.create_dataset(name, data=values)
            else:
                ds = f.create_dataset(name, data=values, maxshape=(None,) + values.shape[1:],
                                      chunks=(16,) + values.shape[1:])
            if name not in skip_units:
                string_attribute(ds, "units", UNITS[name])
        if today:
            group = f.create_group("today")
            for name, values in (("frequency_Hz", HZ_PER_K * data["k"]),
                                 ("h2_omega_gw", H2_PER_OMEGA * data["omega_gw"][-1])):
                ds = group.create_dataset(name, data=np.asarray(values, dtype="<f8"))
                string_attribute(ds, "units", TODAY_UNITS[name])
            for name, value in TODAY_ATTRS.items():
                group.attrs.create(name, value, dtype="<f8")


@pytest.fixture()
def gw_run(tmp_path) -> Path:
    run = tmp_path / "gw_run"
    run.mkdir()
    write_gw(run / inflanet_io.GW_NAME, closed_form())
    return run


def test_file_in_the_contract_layout_reads_back(gw_run):
    data = inflanet_io.load_gw(gw_run)
    expected = closed_form()
    for name, values in expected.items():
        np.testing.assert_array_equal(data[name], values, err_msg=name)
    assert data["units"] == UNITS
    assert data["attrs"]["software"] == "inflanet" and data["attrs"]["deck"] == DECK
    today = data["today"]
    np.testing.assert_array_equal(today["frequency_Hz"], HZ_PER_K * expected["k"])
    np.testing.assert_array_equal(today["h2_omega_gw"], H2_PER_OMEGA * expected["omega_gw"][-1])
    assert today["units"] == TODAY_UNITS
    assert {name: today["attrs"][name] for name in TODAY_ATTRS} == TODAY_ATTRS
    # The same file given directly.
    np.testing.assert_array_equal(inflanet_io.load_gw(gw_run / inflanet_io.GW_NAME)["k"], expected["k"])


def test_file_without_today_has_none(tmp_path):
    write_gw(tmp_path / inflanet_io.GW_NAME, closed_form(), today=False)
    data = inflanet_io.load_gw(tmp_path)
    assert data["today"] is None
    assert data["omega_gw"].shape == (NT, len(data["k"]))


@pytest.mark.parametrize("missing", inflanet_io.GW_REQUIRED)
def test_missing_dataset_is_a_clear_error(tmp_path, missing, capsys):
    write_gw(tmp_path / inflanet_io.GW_NAME, closed_form(), skip=(missing,))
    with pytest.raises(KeyError, match=rf"lacks the dataset /?{missing} of the gw_spectra.h5 contract"):
        inflanet_io.load_gw(tmp_path)
    assert plot_gw.main([str(tmp_path), "-o", str(tmp_path / "gw.png")]) == 1
    err = capsys.readouterr().err
    assert "plot_gw.py: error" in err and missing in err
    assert not (tmp_path / "gw.png").exists()


def test_missing_units_or_today_attribute_is_an_error(tmp_path):
    write_gw(tmp_path / inflanet_io.GW_NAME, closed_form(), skip_units=("omega_gw",))
    with pytest.raises(KeyError, match=r"omega_gw has no `units` attribute"):
        inflanet_io.load_gw(tmp_path)
    write_gw(tmp_path / inflanet_io.GW_NAME, closed_form())
    with h5py.File(tmp_path / inflanet_io.GW_NAME, "a") as f:
        del f["today"].attrs["g_star"]
    with pytest.raises(KeyError, match=r"today lacks the attribute\(s\) g_star"):
        inflanet_io.load_gw(tmp_path)
    with h5py.File(tmp_path / inflanet_io.GW_NAME, "a") as f:
        del f["today/h2_omega_gw"]
    with pytest.raises(KeyError, match=r"lacks the dataset /today/h2_omega_gw"):
        inflanet_io.load_gw(tmp_path)


def test_shapes_that_disagree_are_refused(tmp_path):
    data = closed_form()
    data["omega_gw"] = data["omega_gw"][:, :-1]
    write_gw(tmp_path / inflanet_io.GW_NAME, {**data, "k": closed_form()["k"]}, today=False)
    with pytest.raises(ValueError, match=r"omega_gw has shape .*expected \[n_out, \d+\]"):
        inflanet_io.load_gw(tmp_path)


def test_missing_file_is_an_error(tmp_path, capsys):
    with pytest.raises(FileNotFoundError):
        inflanet_io.load_gw(tmp_path)
    assert plot_gw.main([str(tmp_path / "absent")]) == 1
    assert "plot_gw.py: error" in capsys.readouterr().err


def test_a_row_half_appended_is_cut(gw_run):
    """A file read while the run appends: rho already has the next row."""
    with h5py.File(gw_run / inflanet_io.GW_NAME, "a") as f:
        f["rho"].resize((NT + 1,))
        f["rho"][NT] = 1.0
    data = inflanet_io.load_gw(gw_run)
    assert {len(data[name]) for name in inflanet_io.GW_ROWS + inflanet_io.GW_PER_SHELL} == {NT}


def _panel(fig, title_start):
    return next(ax for ax in fig.axes if ax.get_title().startswith(title_start))


def test_figure_draws_every_output_time_and_today_with_the_files_units(gw_run):
    data = inflanet_io.load_gw(gw_run)
    fig = plot_gw.make_figure(data, "synthetic")
    spectra, today = _panel(fig, "at the output times"), _panel(fig, "today")
    assert "[M_p (comoving, a = 1)]" in spectra.get_xlabel() and "Omega" in spectra.get_ylabel()
    assert today.get_xlabel().endswith("[Hz]") and "h^2" in today.get_ylabel()
    assert spectra.get_xscale() == spectra.get_yscale() == today.get_xscale() == today.get_yscale() == "log"
    assert "w = 0 for 2.5 e-folds" in today.get_title() and "g* = 106.75" in today.get_title()
    # t = 0 has no power at all: one line per later output time, k = 0 left out, values as in the file.
    lines = spectra.get_lines()
    assert len(lines) == NT - 1
    for line, row in zip(lines, range(1, NT)):
        np.testing.assert_array_equal(line.get_xdata(), data["k"][1:])
        np.testing.assert_array_equal(line.get_ydata(), data["omega_gw"][row][1:])
    # Coloured by a: the last output time is the top of the colour map, and a colour bar names a.
    np.testing.assert_allclose(lines[-1].get_color(), plt.get_cmap("viridis")(1.0))
    assert any(ax.get_ylabel() == "scale factor $a$" for ax in fig.axes)
    (line,) = today.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), HZ_PER_K * data["k"][1:])
    np.testing.assert_array_equal(line.get_ydata(), H2_PER_OMEGA * data["omega_gw"][-1][1:])
    plt.close(fig)


def test_figure_without_today_has_one_panel_coloured_by_time(tmp_path):
    write_gw(tmp_path / inflanet_io.GW_NAME, closed_form(), today=False)
    fig = plot_gw.make_figure(inflanet_io.load_gw(tmp_path), "synthetic", colour="time")
    assert not any(ax.get_title().startswith("today") for ax in fig.axes)
    assert any(ax.get_ylabel() == "time $t$ [1/M_p]" for ax in fig.axes)
    plt.close(fig)


def test_main_writes_the_png(gw_run, tmp_path, capsys):
    out = tmp_path / "gw.png"
    assert plot_gw.main([str(gw_run), "-o", str(out), "--colour", "time"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    assert f"wrote {out}" in capsys.readouterr().out
