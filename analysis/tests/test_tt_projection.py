"""tt_projection.py: the exact continuum TT projector on every lattice mode, and the TT part of the fields'
anisotropic stress against closed forms and on a snapshot written by the C++ writer.

The snapshot is data_8.h5 of io.snapshot_checkpoint_np2 (tests/io/mpi_snapshot_checkpoint.cpp: N = 16, L = 10,
phi = x + y/100 + z/10^4, phidot = -((16 x + y) 16 + z)); CTest sets INFLANET_TEST_DATA_DIR and runs it first.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

ANALYSIS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ANALYSIS))
import inflanet_io  # noqa: E402
import tt_projection as tt  # noqa: E402
from sample_files import sample_data  # noqa: E402

N, L = 8, 3.0


def random_symmetric(shape, seed):
    rng = np.random.default_rng(seed)
    t = rng.normal(size=shape + (3, 3)) + 1j * rng.normal(size=shape + (3, 3))
    return t + np.swapaxes(t, -1, -2)


def assert_tt(t_tt, k, scale):
    """Transverse, traceless and symmetric to rounding relative to `scale`, on every mode."""
    tol = 1e-13 * scale
    assert np.max(np.abs(np.einsum("...i,...ij->...j", k, t_tt))) <= tol * np.max(np.abs(k))
    assert np.max(np.abs(np.einsum("...ii->...", t_tt))) <= tol
    assert np.max(np.abs(t_tt - np.swapaxes(t_tt, -1, -2))) <= tol


def test_projector_is_transverse_traceless_idempotent_and_self_adjoint_on_every_mode():
    # Every mode of an 8^3 lattice, the Nyquist planes (n = -4 on any axis) and their intersections included.
    k = tt.wavevectors(N, L)
    assert np.isclose(np.abs(k[..., 0]).max(), np.pi * N / L)  # the Nyquist plane is there
    a, b = random_symmetric((N, N, N), 1), random_symmetric((N, N, N), 2)
    a_tt = tt.project_tt(a, k)
    scale = np.max(np.abs(a))
    assert_tt(a_tt, k, scale)
    np.testing.assert_allclose(tt.project_tt(a_tt, k), a_tt, rtol=0, atol=1e-13 * scale)  # idempotent
    # Self-adjoint: sum_ij conj(A_ij) (Lambda B)_ij = sum_ij conj((Lambda A)_ij) B_ij, mode by mode.
    left = np.einsum("...ij,...ij->...", np.conj(a), tt.project_tt(b, k))
    right = np.einsum("...ij,...ij->...", np.conj(a_tt), b)
    np.testing.assert_allclose(left, right, rtol=0, atol=1e-12 * scale**2)
    # k = 0: nothing survives. Elsewhere a TT tensor has exactly two polarisations: rank 2 in the plane normal to k.
    assert np.all(a_tt[0, 0, 0] == 0)
    for n in [(1, 0, 0), (-4, 2, 1), (-4, -4, -4), (3, -4, 0)]:
        s = np.linalg.svd(tt.project_tt(random_symmetric((), 20 + sum(n)).real, k[n]), compute_uv=False)
        assert s[1] > 1e-3 * s[0] and s[2] <= 1e-13 * s[0], n


def test_projector_keeps_a_tt_tensor_and_removes_longitudinal_and_trace_parts():
    k = np.array([0.3, -1.1, 0.7])
    khat = k / np.linalg.norm(k)
    e1 = np.cross(khat, [1.0, 0.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(khat, e1)
    plus, cross = np.outer(e1, e1) - np.outer(e2, e2), np.outer(e1, e2) + np.outer(e2, e1)
    for pol in (plus, cross):
        np.testing.assert_allclose(tt.project_tt(pol, k), pol, atol=1e-15)
    for other in (np.outer(khat, khat), np.outer(khat, e1) + np.outer(e1, khat), np.eye(3) - np.outer(khat, khat)):
        np.testing.assert_allclose(tt.project_tt(other, k), 0.0, atol=1e-15)


def test_a_single_plane_wave_sources_no_tensor_mode():
    # phi = A cos(k.x + c): Pi_ij = A^2 k_i k_j sin^2, purely longitudinal (and homogeneous): Pi^TT = 0.
    x = np.arange(N) * L / N
    X, Y, Z = np.meshgrid(x, x, x, indexing="ij")
    kv = 2 * np.pi / L * np.array([1.0, 1.0, -1.0])  # 2k inside the band: no aliasing
    phi = 0.7 * np.cos(kv[0] * X + kv[1] * Y + kv[2] * Z + 0.3)
    stress = tt.anisotropic_stress_k([phi], L)
    pi_tt = tt.tt_stress_k([phi], L)
    assert np.max(np.abs(stress)) > 1.0
    assert np.max(np.abs(pi_tt)) <= 1e-13 * np.max(np.abs(stress))


def test_two_crossing_plane_waves_source_the_closed_form_plus_polarisation():
    # phi = cos(kappa x) + cos(kappa y): the cross term 2 kappa^2 sin(kappa x) sin(kappa y) (e_x e_y + e_y e_x)/2
    # has, at K = kappa (1, 1, 0), the DFT coefficient -(N^3/4) kappa^2 (e_x e_y + e_y e_x). With e_+ = K/|K|,
    # e_- = (1, -1, 0)/sqrt2: e_x e_y + e_y e_x = e_+e_+ - e_-e_-, whose TT part is -(e_-e_- - e_z e_z)/2, so
    # Pi^TT(K) = (N^3 kappa^2 / 8) (e_-e_- - e_z e_z). The self terms sit at 2 kappa e_x, 2 kappa e_y (longitudinal).
    n = 16
    x = np.arange(n) * L / n
    X, Y, _ = np.meshgrid(x, x, x, indexing="ij")
    kappa = 2 * np.pi / L * 2
    pi_tt = tt.tt_stress_k([np.cos(kappa * X) + np.cos(kappa * Y)], L)
    e_minus, e_z = np.array([1.0, -1.0, 0.0]) / np.sqrt(2), np.array([0.0, 0.0, 1.0])
    expected = n**3 * kappa**2 / 8 * (np.outer(e_minus, e_minus) - np.outer(e_z, e_z))
    np.testing.assert_allclose(pi_tt[2, 2, 0], expected, rtol=0, atol=1e-12 * np.abs(expected).max())
    np.testing.assert_allclose(pi_tt[-2, -2, 0], expected, rtol=0, atol=1e-12 * np.abs(expected).max())
    # K' = kappa (1, -1, 0), from cos(a - b) = +cos(K'.x): +(N^3/4) kappa^2 S, whose TT part along e_- is
    # (e_+e_+ - e_z e_z)/2.
    e_plus = np.array([1.0, 1.0, 0.0]) / np.sqrt(2)
    expected_m = n**3 * kappa**2 / 8 * (np.outer(e_plus, e_plus) - np.outer(e_z, e_z))
    np.testing.assert_allclose(pi_tt[2, -2, 0], expected_m, rtol=0, atol=1e-12 * np.abs(expected).max())
    # Nothing else: the four modes +-K, +-K' hold the whole TT stress.
    rest = pi_tt.copy()
    for idx in [(2, 2, 0), (-2, -2, 0), (2, -2, 0), (-2, 2, 0)]:
        rest[idx] = 0
    assert np.max(np.abs(rest)) <= 1e-12 * np.abs(expected).max()


def test_gradient_zeroes_the_nyquist_plane_of_its_axis():
    # cos(pi x / dx) is the Nyquist mode of x: its spectral x-derivative is zero (odd derivative), as in C++.
    x = np.arange(N) * L / N
    X, Y, _ = np.meshgrid(x, x, x, indexing="ij")
    grad = tt.gradient(np.cos(np.pi * N / L * X) + np.sin(2 * np.pi / L * Y), L)
    np.testing.assert_allclose(grad[0], 0.0, atol=1e-13)
    np.testing.assert_allclose(grad[1], 2 * np.pi / L * np.cos(2 * np.pi / L * Y), atol=1e-12)


def test_tt_stress_of_a_snapshot_written_by_the_cxx_writer():
    snap = inflanet_io.load_snapshot(sample_data("data_8.h5", "io.snapshot_checkpoint_np2"))
    box = snap["dx"] * snap["phi"].shape[0]
    pi_tt = tt.snapshot_tt_stress_k(snap, ["phi", "phidot"], box)
    k = tt.wavevectors(snap["phi"].shape[0], box)
    scale = np.max(np.abs(tt.anisotropic_stress_k([snap["phi"], snap["phidot"]], box)))
    assert np.max(np.abs(pi_tt)) > 1e-3 * scale  # the index-coded fields do source tensor modes
    assert_tt(pi_tt, k, scale)
    # A real stress: Pi^TT(-k) = conj(Pi^TT(k)).
    flipped = np.conj(pi_tt[(-np.arange(16)) % 16][:, (-np.arange(16)) % 16][:, :, (-np.arange(16)) % 16])
    np.testing.assert_allclose(pi_tt, flipped, rtol=0, atol=1e-12 * scale)
    with pytest.raises(KeyError, match="no mesh chi"):
        tt.snapshot_tt_stress_k(snap, ["phi", "chi"], box)
