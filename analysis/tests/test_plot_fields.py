"""plot_fields.py and read_fields_timeseries against synthetic multi-field run directories.

The files are written here with h5py in the layout of the C++ writers (src/io/timeseries_file.cpp,
src/io/spectra_file.cpp, src/io/file_metadata.cpp; column and spectrum names of src/app/fields_run.cpp):
root string attributes as fixed-length, null-terminated ASCII scalars; chunked, unlimited 1-D columns (step
int64, the rest float64, 512-row chunks); spectra.h5 with fixed k[nk], counts[nk], unlimited step/time/a (16-row
chunks) and one [nt, nk] dataset per spectrum. The data are closed forms, so the summary's numbers are known:
var(chi) = v0 exp(2 mu t + B tanh((t - t_burst) / w)) (growth with one burst), var(phi) = exp(-2 gamma t),
P_chi(k, t) = P0(k) exp(2 mu_k t) with mu_k peaked at one shell, P_phi_chi = r0 sqrt(P_phi P_chi).
Needs no C++ test data.
"""

import math
import re
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

ANALYSIS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ANALYSIS))
import inflanet_io  # noqa: E402
import plot_fields  # noqa: E402
from writer_layout import metadata as _metadata  # noqa: E402
from writer_layout import string_attribute as _string_attribute  # noqa: E402

# src/app/fields_run.cpp: timeseries_columns and spectrum_names.
COMMON = ["step", "time", "a", "H", "rho_kin", "rho_grad", "rho_pot", "rho", "p", "constraint_violation",
          "continuity_residual", "energy_error"]
PER_FIELD = ["{x}_mean", "{x}_var", "{x}dot_mean", "{x}dot_var", "rho_kin_{x}", "rho_grad_{x}"]
NORMALISATION = ("P(k_n) = L^3 <|f~_n|^2> / N^6 with f~_n = sum_x f(x) exp(-i k.x); "
                 "<df^2>_box = (1/L^3) sum_{n != 0} P(k_n); Delta^2 = k^3 P / (2 pi^2); "
                 "k = mean |k| of the modes in the shell (comoving)")

# The synthetic run (code units; m = 2 so that m t and k / m differ from t and k).
M = 2.0
N, L = 16, 10.0
DT, ROWS = 0.01, 601  # t in [0, 6]
MU, B, T_BURST, W = 0.8, 3.0, 3.0, 0.2  # chi: ln var = 2 mu t + B tanh((t - t_burst) / w)
GAMMA = 0.25  # phi: var = exp(-2 gamma t)
SPECTRA_EVERY = 50  # rows: 13 spectra
MU_K, PEAK, SIGMA = 1.5, 5, 1.2  # mu_k = MU_K exp(-(i - PEAK)^2 / (2 SIGMA^2)), shell index i
R0 = 0.3
CONSTRAINT_FINAL = 1.25e-7

FIELDS_DECK = f"""# inflanet input deck, fully resolved: the values this run uses.
[lattice]
N = {N}
L = {L}

[background]
kind = "friedmann"
H = 1.0             # (default)
a0 = 1.0

[[field]]
name = "phi"
mean = 1.0
velocity = 0.0
fluctuations = "bunch-davies"
seed = 11
kcut = 0.0

[[field]]
name = "chi"
mean = 0.0
velocity = 0.0
fluctuations = "bunch-davies"
seed = 12
kcut = 0.0

[potential]
kind = "chaotic_g2"
m = {M}
g2 = 2.5e-07

[time]
dt = {DT}
t_end = {DT * (ROWS - 1)}
integrator = "leapfrog"

[output]
dir = "synthetic"
timeseries_every = 1
spectra_every = {SPECTRA_EVERY}
cross_spectra = true
"""

INFLATON_DECK = """# inflanet input deck, fully resolved: the values this run uses.
[lattice]
N = 16
L = 10.0

[background]
kind = "desitter"
H = 1.0
a0 = 1.0

[inflaton]
potential = "quadratic"
m = 0.0

[time]
dt = 0.05
t_end = 1.0
"""


def write_timeseries(path, columns: dict, deck: str):
    """TimeseriesFile: metadata, `columns` attribute, one chunked unlimited 1-D dataset per column."""
    with h5py.File(path, "w") as f:
        _metadata(f, deck)
        _string_attribute(f, "columns", ",".join(columns))
        for name, values in columns.items():
            dtype = "<i8" if name == "step" else "<f8"
            f.create_dataset(name, data=np.asarray(values, dtype=dtype), maxshape=(None,), chunks=(512,))


def write_spectra(path, k, counts, step, time, a, spectra: dict, deck: str):
    """SpectraFile: metadata, normalisation/L/N/spectra attributes, fixed k and counts, unlimited step/time/a
    and [nt, nk] spectra."""
    with h5py.File(path, "w") as f:
        _metadata(f, deck)
        _string_attribute(f, "normalisation", NORMALISATION)
        f.attrs.create("L", L, dtype="<f8")
        f.attrs.create("N", N, dtype="<i8")
        _string_attribute(f, "spectra", ",".join(spectra))
        f.create_dataset("k", data=np.asarray(k, dtype="<f8"))
        f.create_dataset("counts", data=np.asarray(counts, dtype="<f8"))
        f.create_dataset("step", data=np.asarray(step, dtype="<i8"), maxshape=(None,), chunks=(16,))
        f.create_dataset("time", data=np.asarray(time, dtype="<f8"), maxshape=(None,), chunks=(16,))
        f.create_dataset("a", data=np.asarray(a, dtype="<f8"), maxshape=(None,), chunks=(16,))
        for name, values in spectra.items():
            values = np.asarray(values, dtype="<f8")
            f.create_dataset(name, data=values, maxshape=(None, values.shape[1]), chunks=(16, values.shape[1]))


def ln_var_chi(t):
    return 2 * MU * t + B * np.tanh((t - T_BURST) / W)


def shells():
    nk = int(math.ceil(math.sqrt(3) * N / 2)) + 1
    k = 2 * np.pi / L * np.arange(nk, dtype=float)
    counts = np.maximum(1.0, 4 * np.pi * np.arange(nk, dtype=float) ** 2)
    counts[0] = 1.0
    mu_k = MU_K * np.exp(-((np.arange(nk) - PEAK) ** 2) / (2 * SIGMA**2))
    return k, counts, mu_k


@pytest.fixture()
def fields_run(tmp_path) -> Path:
    run = tmp_path / "fields_run"
    run.mkdir()
    (run / "resolved.toml").write_text(FIELDS_DECK)
    step = np.arange(ROWS)
    t = DT * step
    a = np.exp(0.1 * t)
    columns = {name: np.zeros(ROWS) for name in COMMON}
    columns.update(step=step, time=t, a=a, H=np.full(ROWS, 0.1), rho_kin=np.full(ROWS, 0.5),
                   rho_grad=np.full(ROWS, 0.01), rho_pot=np.full(ROWS, 0.49), rho=np.ones(ROWS),
                   p=np.zeros(ROWS), constraint_violation=np.linspace(1e-8, CONSTRAINT_FINAL, ROWS))
    var = {"phi": np.exp(-2 * GAMMA * t), "chi": 1e-12 * np.exp(ln_var_chi(t))}
    for x in ("phi", "chi"):
        for template in PER_FIELD:
            columns[template.format(x=x)] = np.full(ROWS, 0.25 if "rho" in template else 0.0)
        columns[f"{x}_var"] = var[x]
    write_timeseries(run / "timeseries.h5", columns, FIELDS_DECK)

    k, counts, mu_k = shells()
    rows = np.arange(0, ROWS, SPECTRA_EVERY)
    ts = t[rows]
    p0 = 1.0 / (1.0 + k**2)
    p_phi = p0[None, :] * np.exp(-0.3 * ts)[:, None]
    p_chi = 1e-3 * p0[None, :] * np.exp(2 * mu_k[None, :] * ts[:, None])
    spectra = {"P_phi": p_phi, "P_phidot": p_phi, "P_chi": p_chi, "P_chidot": p_chi,
               "P_phi_chi": R0 * np.sqrt(p_phi * p_chi)}
    write_spectra(run / "spectra.h5", k, counts, step[rows], ts, a[rows], spectra, FIELDS_DECK)
    return run


def test_synthetic_files_read_back_in_the_writers_layout(fields_run):
    data = inflanet_io.read_fields_timeseries(fields_run)
    assert data["fields"] == ["phi", "chi"]
    assert list(data["columns"])[:len(COMMON)] == COMMON  # the `columns` attribute's order
    assert data["columns"]["step"].dtype == np.int64
    assert data["attrs"]["software"] == "inflanet"
    spectra = inflanet_io.load_spectra(fields_run)
    assert list(spectra["spectra"]) == ["P_phi", "P_phidot", "P_chi", "P_chidot", "P_phi_chi"]
    assert spectra["attrs"]["normalisation"] == NORMALISATION


def test_main_writes_both_pngs_and_prints_the_growth_factors(fields_run, tmp_path, capsys):
    out = tmp_path / "figures"
    assert plot_fields.main([str(fields_run), "--out", str(out)]) == 0
    for name in (plot_fields.SPECTRA_PNG, plot_fields.TIMESERIES_PNG):
        png = out / name
        assert png.is_file() and png.stat().st_size > 10_000
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = capsys.readouterr().out
    t_end = DT * (ROWS - 1)
    variance = {m.group(1): float(m.group(2)) for m in re.finditer(r"(\w+): var grew by a factor (\S+)", text)}
    assert variance["chi"] == pytest.approx(math.exp(ln_var_chi(t_end) - ln_var_chi(0.0)), rel=1e-6)
    assert variance["phi"] == pytest.approx(math.exp(-2 * GAMMA * t_end), rel=1e-6)
    spectral = {m.group(1): (float(m.group(2)), float(m.group(3))) for m in
                re.finditer(r"(\w+): P_\w+ grew most at comoving k = (\S+) m .*? by a factor (\S+)", text)}
    k, _, mu_k = shells()
    t_last = DT * (ROWS - 1 - (ROWS - 1) % SPECTRA_EVERY)
    assert spectral["chi"][0] == pytest.approx(k[PEAK] / M, rel=1e-5)
    assert spectral["chi"][1] == pytest.approx(math.exp(2 * mu_k[PEAK] * t_last), rel=1e-6)
    assert spectral["phi"][1] == pytest.approx(math.exp(-0.3 * t_last), rel=1e-6)
    assert re.search(r"final a = (\S+);", text).group(1) == f"{math.exp(0.1 * t_end):.9g}"
    assert f"final constraint violation |3H^2 - rho|/rho = {CONSTRAINT_FINAL:.3e}" in text


def test_fastest_growth_is_at_the_burst_in_units_of_m(fields_run):
    summary = plot_fields.summarise(plot_fields.load_run(fields_run))
    chi = summary["fields"]["chi"]["var"]
    # One inflaton period 2 pi / m = 3.14 holds the whole burst (w = 0.2): the windowed slope peaks at its centre.
    assert chi["t_max_rate"] == pytest.approx(T_BURST, abs=DT)
    assert chi["max_rate"] > 2 * MU
    phi = summary["fields"]["phi"]["var"]
    assert phi["max_rate"] == pytest.approx(-2 * GAMMA, rel=1e-9)  # a pure exponential: every slope is -2 gamma


def test_variance_growth_of_a_pure_exponential():
    t = np.linspace(0.0, 5.0, 201)
    for window in (None, 1.0):
        growth = plot_fields.variance_growth(t, 3.0 * np.exp(2 * 0.7 * t), window)
        assert growth["factor"] == pytest.approx(math.exp(2 * 0.7 * 5.0), rel=1e-12)
        assert growth["max_rate"] == pytest.approx(1.4, rel=1e-9)
    burst = plot_fields.variance_growth(t, np.exp(np.tanh((t - 2.0) / 0.1)))  # consecutive rows
    assert burst["t_max_rate"] == pytest.approx(2.0, abs=t[1] - t[0])


def test_correlation_of_the_cross_spectrum(fields_run):
    spectra = inflanet_io.load_spectra(fields_run)
    s = spectra["spectra"]
    r = plot_fields.correlation(spectra["k"], s["P_phi"][-1], s["P_chi"][-1], s["P_phi_chi"][-1])
    assert math.isnan(r[0])  # k = 0
    np.testing.assert_allclose(r[1:], R0, rtol=1e-12)
    assert plot_fields.cross_pairs(["phi", "chi"], s) == [("phi", "chi", "P_phi_chi")]


def test_pngs_default_to_the_run_directory(fields_run):
    assert plot_fields.main([str(fields_run)]) == 0
    assert (fields_run / plot_fields.SPECTRA_PNG).is_file()
    assert (fields_run / plot_fields.TIMESERIES_PNG).is_file()


def test_a_row_half_appended_is_cut(fields_run):
    """A file read while the run appends: one column already has the next row."""
    with h5py.File(fields_run / "timeseries.h5", "a") as f:
        f["step"].resize((ROWS + 1,))
        f["step"][ROWS] = ROWS
    data = inflanet_io.read_fields_timeseries(fields_run)
    assert {len(v) for v in data["columns"].values()} == {ROWS}


def test_single_field_run_is_refused_with_a_clear_message(tmp_path, capsys):
    run = tmp_path / "inflaton_run"
    run.mkdir()
    (run / "resolved.toml").write_text(INFLATON_DECK)
    columns = {name: np.arange(3, dtype=float) for name in
               ("step", "time", "a", "phi_mean", "phi_var", "phidot_mean", "phidot_var", "rho_kin", "rho_grad",
                "rho_pot", "rho", "p", "continuity_residual", "energy_error", "eta")}
    write_timeseries(run / "timeseries.h5", columns, INFLATON_DECK)
    assert plot_fields.main([str(run), "--out", str(tmp_path / "figures")]) == 1
    err = capsys.readouterr().err
    assert "not a multi-field run" in err and "[[field]]" in err and "plot_timeseries.py" in err
    assert not (tmp_path / "figures").exists()
    with pytest.raises(ValueError, match=r"\[\[field\]\]"):
        inflanet_io.read_fields_timeseries(run)


def test_missing_run_directory_is_an_error(tmp_path, capsys):
    assert plot_fields.main([str(tmp_path / "absent")]) == 1
    assert "plot_fields.py: error" in capsys.readouterr().err


def test_shells_with_few_modes_are_left_out(fields_run, capsys):
    """A one-mode corner shell whose power happens to grow hugely does not win the summary (--min-modes 10),
    unless asked for (--min-modes 0)."""
    with h5py.File(fields_run / "spectra.h5", "a") as f:
        f["counts"][-1] = 1.0
        p_chi = f["P_chi"][()]
        p_chi[-1, -1] = p_chi[0, -1] * 1e30
        f["P_chi"][...] = p_chi
    k, _, _ = shells()
    pattern = r"chi: P_chi grew most at comoving k = (\S+) m"
    assert plot_fields.main([str(fields_run)]) == 0
    assert float(re.search(pattern, capsys.readouterr().out).group(1)) == pytest.approx(k[PEAK] / M, rel=1e-5)
    assert plot_fields.main([str(fields_run), "--min-modes", "0"]) == 0
    assert float(re.search(pattern, capsys.readouterr().out).group(1)) == pytest.approx(k[-1] / M, rel=1e-5)
