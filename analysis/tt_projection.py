"""An independent numpy check of the gravitational-wave sector's transverse-traceless (TT) projection.

The sector (include/inflanet/gravitational_waves/, issue 21) sources h_ij'' + 3 H h_ij' - lap h_ij / a^2 =
(2 / (M_p^2 a^2)) Pi_ij^TT with the fields' anisotropic stress Pi_ij = sum over fields of d_i phi d_j phi (comoving
derivatives). This module computes Pi_ij^TT from field arrays (a snapshot's meshes, inflanet_io.load_snapshot) with
numpy's full complex FFT, independently of the C++ transforms, so a test can compare the two:

    lambda_ij,lm(k) = P_il P_jm - (1/2) P_ij P_lm,   P_ij = delta_ij - k_i k_j / k^2,
    Pi^TT_ij(k) = lambda_ij,lm(k) Pi_lm(k) = (P Pi P)_ij - (1/2) P_ij tr(P Pi).

Conventions (those of the C++ spectral operators, docs/physics_notes.md): k_n = 2 pi n / L with n in [-N/2, N/2)
per axis; the gradient, an odd derivative, zeroes the Nyquist plane of its axis; the projector depends on k only
through k_i k_j / k^2, so it is even in k and the Nyquist sign does not matter; at k = 0 the projection is zero (a
homogeneous stress sources no wave). Fourier coefficients are numpy's: f~_n = sum_x f(x) exp(-i k.x).

No simulation logic: closed-form linear algebra on arrays, for checks and plots.
"""

from __future__ import annotations

import numpy as np


def wavevectors(n: int, box: float) -> np.ndarray:
    """k[N, N, N, 3] of numpy's fftn ordering (axes x, y, z), k_n = 2 pi n / L, n in [-N/2, N/2)."""
    axis = 2 * np.pi / box * np.fft.fftfreq(n, d=1.0 / n)
    kx, ky, kz = np.meshgrid(axis, axis, axis, indexing="ij")
    return np.stack([kx, ky, kz], axis=-1)


def transverse_projector(k: np.ndarray) -> np.ndarray:
    """P_ij(k) = delta_ij - k_i k_j / k^2 [..., 3, 3]; zero at k = 0."""
    k2 = np.einsum("...i,...i->...", k, k)
    safe = np.where(k2 > 0, k2, 1.0)
    p = np.eye(3) - np.einsum("...i,...j->...ij", k, k) / safe[..., None, None]
    p[k2 == 0] = 0.0
    return p


def project_tt(tensor_k: np.ndarray, k: np.ndarray) -> np.ndarray:
    """lambda_ij,lm(k) T_lm(k) for a tensor field in Fourier space, T[..., 3, 3] (complex or real)."""
    p = transverse_projector(k)
    ptp = p @ tensor_k @ p
    trace = np.einsum("...ii->...", p @ tensor_k)
    return ptp - 0.5 * p * trace[..., None, None]


def gradient(field: np.ndarray, box: float) -> np.ndarray:
    """Spectral d_i f [3, N, N, N] of a real periodic field [N, N, N], the Nyquist plane of axis i zeroed."""
    n = field.shape[0]
    k = wavevectors(n, box)
    f_k = np.fft.fftn(field)
    nyquist = np.isclose(np.abs(np.fft.fftfreq(n, d=1.0 / n)), n / 2) if n % 2 == 0 else np.zeros(n, bool)
    out = []
    for axis in range(3):
        d_k = 1j * k[..., axis] * f_k
        index = [slice(None)] * 3
        index[axis] = nyquist
        d_k[tuple(index)] = 0.0
        out.append(np.fft.ifftn(d_k).real)
    return np.stack(out)


def anisotropic_stress_k(fields, box: float) -> np.ndarray:
    """Pi_ij(k) [N, N, N, 3, 3] = FFT of sum over `fields` (real [N, N, N] arrays) of d_i phi d_j phi."""
    fields = list(fields)
    n = fields[0].shape[0]
    stress = np.zeros((3, 3, n, n, n))
    for phi in fields:
        grad = gradient(np.asarray(phi, dtype=float), box)
        stress += np.einsum("i...,j...->ij...", grad, grad)
    return np.moveaxis(np.fft.fftn(stress, axes=(2, 3, 4)), (0, 1), (-2, -1))


def tt_stress_k(fields, box: float) -> np.ndarray:
    """Pi^TT_ij(k) [N, N, N, 3, 3] of the fields' anisotropic stress: the source of h_ij, before 2 / (M_p^2 a^2)."""
    stress = anisotropic_stress_k(fields, box)
    return project_tt(stress, wavevectors(stress.shape[0], box))


def snapshot_tt_stress_k(snapshot: dict, names, box: float) -> np.ndarray:
    """tt_stress_k of the meshes `names` of a snapshot as inflanet_io.load_snapshot returns it."""
    missing = [name for name in names if name not in snapshot]
    if missing:
        raise KeyError(f"the snapshot has no mesh {', '.join(missing)} (has "
                       f"{', '.join(n for n, v in snapshot.items() if isinstance(v, np.ndarray) and v.ndim == 3)})")
    return tt_stress_k([snapshot[name] for name in names], box)
