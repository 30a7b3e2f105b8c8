"""Every shipped deck has a reader and a plot that work on its real output (issue 22).

Each deck of inputs/ runs here, shortened (a smaller lattice, fewer steps: the overrides below, the physics and
run kind of the deck kept), with the inflanet binary under test (INFLANET_BINARY, set by CTest). Then every
output file it wrote is read by inflanet_io and every plot that applies to it is drawn: plot_duality.py for
duality.h5 (coupled, extremes and exact-dual variants), plot_network.py for nn.h5, plot_fields.py for a
multi-field run, plot_spectra.py and plot_timeseries.py for a one-field run, plot_slice.py for a snapshot;
and its printed summary holds no bare nan.
A deck without a row here fails the test, and so does a deck the README's table does not list (or a row of
that table naming no deck): a new deck comes with its reader test and its line in the README.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import h5py
import pytest

ANALYSIS = Path(__file__).resolve().parent.parent
ROOT = ANALYSIS.parent
sys.path.insert(0, str(ANALYSIS))
import inflanet_io  # noqa: E402

# deck -> (ranks, overrides): a short real run of the same kind; snapshots where the deck writes none.
SHORT = {
    "default": (2, ["lattice.N=16", "network.sublattice=4", "network.width=16", "time.t_end=0.2"]),
    "calibrated": (1, ["lattice.N=16", "network.sublattice=4", "network.width=16", "time.t_end=0.2"]),
    "counterexample_erf": (1, ["lattice.N=16", "network.sublattice=4", "network.width=16", "time.t_end=0.2"]),
    "coupled_m32": (2, ["lattice.N=16", "network.sublattice=8", "network.width=16", "time.t_end=0.1"]),
    "duality_scan": (1, ["lattice.N=16", "network.sublattice=4", "network.width=16", "time.t_end=0.25"]),
    "exact_minkowski": (2, ["lattice.N=16", "network.sublattice=8", "time.t_end=1.0", "output.spectra_every=5"]),
    "exact_desitter": (1, ["lattice.N=8", "network.sublattice=4", "time.t_end=0.2"]),
    "quickstart_exact": (1, ["lattice.N=16", "network.sublattice=4", "time.t_end=0.2"]),  # default's lattice
    "duality_departure": (1, ["time.t_end=0.5", "output.spectra_every=5", "output.timeseries_every=5"]),
    "network_lattice": (1, ["lattice.N=16", "network.sublattice=4", "network.width=32", "network.steps=20",
                            "network.ntk_every=10", "network.output_every=5"]),
    "desitter_massless": (2, ["lattice.N=16", "time.t_end=0.5", "output.snapshot_every=25"]),
    "desitter_quadratic": (1, ["lattice.N=16", "time.t_end=0.5", "output.spectra_every=10"]),
    "minkowski_quartic": (3, ["lattice.N=16", "time.t_end=2.0", "output.spectra_every=20",
                              "output.snapshot_every=50"]),
    "preheating": (2, ["lattice.N=16", "time.t_end=1.0e5", "output.spectra_every=10", "output.snapshot_every=40"]),
    "preheating_gw": (2, ["lattice.N=16", "time.t_end=2.8498e6", "output.spectra_every=10",
                          "gravitational_waves.every=10"]),
}


def shipped_decks():
    return sorted(p.stem for p in (ROOT / "inputs").glob("*.toml"))


def readme_decks():
    """The deck files named in the first cell of the README's table of decks."""
    text = (ROOT / "README.md").read_text()
    return sorted({m.group(1) for m in re.finditer(r"^\| `((?:scans/)?[A-Za-z0-9_]+)\.toml` \|", text, re.M)})


def test_every_deck_has_a_short_run_here_and_a_row_in_the_readme():
    assert sorted(SHORT) == shipped_decks(), "a deck of inputs/ without a short run here, or a row for none"
    scans = sorted(f"scans/{p.stem}" for p in (ROOT / "inputs" / "scans").glob("*.toml"))
    assert readme_decks() == sorted(shipped_decks() + scans), "README.md's table of decks is out of date"


def binary() -> str:
    value = os.environ.get("INFLANET_BINARY")
    if not value or not Path(value).is_file():
        pytest.fail("INFLANET_BINARY is unset or not a file: run through ctest, which sets it to the build's "
                    "inflanet", pytrace=False)
    return value


def run_deck(deck: str, out: Path) -> Path:
    ranks, overrides = SHORT[deck]
    command = ["mpiexec", "-n", str(ranks), "--oversubscribe"]
    if os.geteuid() == 0:
        command.append("--allow-run-as-root")
    command += [binary(), "run", str(ROOT / "inputs" / f"{deck}.toml"), f"output.dir=\"{out}\"", *overrides]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    # The summary says what it could not measure; it never prints a bare nan (`H_eff = nan +- nan`).
    undefined = [line for line in result.stdout.splitlines() if re.search(r"\bnan\b", line, re.IGNORECASE)]
    assert not undefined, "\n".join(undefined)
    return out


def plot(script: str, *args) -> None:
    result = subprocess.run([sys.executable, str(ANALYSIS / script), *map(str, args)], capture_output=True,
                            text=True, env=dict(os.environ, MPLBACKEND="Agg"), timeout=300)
    assert result.returncode == 0, f"{script} {args}: {result.stderr[-3000:]}"


@pytest.mark.parametrize("deck", sorted(SHORT))
def test_the_deck_runs_and_every_output_is_read_and_plotted(deck, tmp_path):
    run = run_deck(deck, tmp_path / deck)
    figures = tmp_path / "figures"
    figures.mkdir()
    drawn = []
    if (run / "duality.h5").exists():
        data = inflanet_io.load_duality(run)
        assert data["time"].size >= 2
        plot("plot_duality.py", run, "-o", figures / "duality.png")
        drawn.append("duality")
    if (run / "nn.h5").exists():
        assert inflanet_io.load_network(run)["loss"].size >= 2
        plot("plot_network.py", run, "-o", figures / "network.png")
        drawn.append("network")
    if (run / "spectra.h5").exists():
        spectra = inflanet_io.load_spectra(run)
        timeseries = inflanet_io.load_timeseries(run)
        assert spectra["time"].size >= 1 and timeseries["time"].size >= 2
        names = inflanet_io.field_names(inflanet_io.read_deck(run / "resolved.toml"))
        if len(names) > 1:
            inflanet_io.read_fields_timeseries(run)
            plot("plot_fields.py", run, "--out", figures)
            drawn.append("fields")
        else:
            plot("plot_spectra.py", run, "-o", figures / "spectra.png")
            plot("plot_timeseries.py", run, "-o", figures / "timeseries.png")
            drawn.append("spectra")
    if (run / "gw_spectra.h5").exists():
        assert inflanet_io.load_gw(run)["time"].size >= 1
        plot("plot_gw.py", run, "-o", figures / "gw.png")
        drawn.append("gw")
    # Every dataset names its unit (the network's weights, parameters in the NTK parameterisation, are the one
    # documented exception).
    for name in ("timeseries.h5", "spectra.h5", "duality.h5", "nn.h5", "gw_spectra.h5"):
        if (run / name).exists():
            with h5py.File(run / name, "r") as f:
                unlabelled = []
                f.visititems(lambda path, item: unlabelled.append(path) if isinstance(item, h5py.Dataset)
                             and "units" not in item.attrs and not path.startswith("weights") else None)
                assert not unlabelled, f"{deck}: {name} datasets without a units attribute: {unlabelled}"
    snapshots = sorted(run.glob("data_*.h5"))
    if snapshots:
        snapshot = inflanet_io.load_snapshot(snapshots[-1])
        field = sorted(snapshot["mesh_attrs"])[0]
        assert snapshot[field].ndim == 3
        plot("plot_slice.py", snapshots[-1], "--field", field, "-o", figures / "slice.png")
        drawn.append("slice")
    assert drawn, f"{deck} wrote nothing that a reader of analysis/ reads"
    assert all(p.stat().st_size > 10_000 for p in figures.glob("*.png"))


def test_the_quickstart_figure_puts_the_lattice_the_exact_dual_and_the_mlp_on_one_mode_set(tmp_path):
    """.ci/quickstart's figure on short real runs of its two decks (the same lattice, shortened alike)."""
    mlp, exact = run_deck("default", tmp_path / "default"), run_deck("quickstart_exact", tmp_path / "exact")
    attrs = inflanet_io.load_duality(mlp)["attrs"]
    # The default deck matches the velocity only above its cut, and records what it left out.
    assert attrs["velocity_cut"] == 1e-3
    assert 0.0 <= attrs["velocity_unmatched_fraction"] <= 1.0 and attrs["velocity_cut_modes"] >= 0
    import plot_duality  # noqa: E402
    a, b, _ = plot_duality.three_systems(mlp, exact)
    # One lattice: both runs band-limit the same field on the same sites (2 ranks against 1: rounding).
    rows = min(a["time"].size, b["time"].size)
    shells = a["k"] > 0
    assert rows >= 2
    assert abs(b["P_lattice"][:rows, shells] / a["P_lattice"][:rows, shells] - 1).max() < 1e-10
    out = tmp_path / "quickstart.png"
    plot("plot_duality.py", mlp, "--exact", exact, "-o", out)
    assert out.stat().st_size > 10_000
    # The directories the other way round are refused with a message, not a traceback.
    result = subprocess.run([sys.executable, str(ANALYSIS / "plot_duality.py"), str(exact), "--exact", str(mlp),
                             "-o", str(tmp_path / "x.png")], capture_output=True, text=True)
    assert result.returncode == 1 and "plot_duality.py: error:" in result.stderr
