#pragma once
/// \file
/// \brief The exact transverse-traceless (TT) projector of a Fourier mode and its two polarisation tensors.
///
/// With spectral derivatives a mode n of the lattice is the continuum plane wave e^{i k.x}, k = 2 pi n / L,
/// so the TT projector is the continuum one, with no choice of lattice momentum to make (a finite-difference
/// code must pick one; Figueroa, Garcia-Bellido and Rajantie 2011 compare the choices):
///   P_ij = delta_ij - khat_i khat_j,
///   Lambda_ij,lm = (P_il P_jm + P_im P_jl) / 2 - P_ij P_lm / 2     (symmetrised in l, m),
/// and on symmetric tensors Lambda = sum_A e^A (x) e^A with the orthonormal polarisation tensors
///   e^+ = (u u - v v) / sqrt(2),  e^x = (u v + v u) / sqrt(2),  e^A_ij e^B_ij = delta^AB,
/// u, v a right-handed orthonormal pair perpendicular to khat. So a symmetric S_ij(k) has the TT part
///   S^TT_ij = sum_A e^A_ij S_A,   S_A = e^A_lm S_lm,   and  S^TT_ij S^TT*_ij = sum_A |S_A|^2.
///
/// The basis is fixed per mode: u = (axis of smallest |khat component|) x khat, normalised, v = khat x u,
/// computed from the canonical one of +-k (the first non-zero of (k_z, k_y, k_x) positive), so e^A(-k) =
/// e^A(k) and a real tensor field has Hermitian polarisation amplitudes, S_A(-k) = S_A(k)* (both partners
/// of the r2c transform's kz = 0 and Nyquist planes then hold consistent values).
///
/// Modes without tensor part (has_tensor_modes is false; Lambda = 0 there, e^A undefined):
/// - k = 0: a homogeneous h_ij is not a wave (it is a change of coordinates), and P is undefined;
/// - for even N, any mode on a Nyquist plane (some |n_a| = N/2): the lattice's n_a = -N/2 is its own +-k
///   partner, so its k_a has no sign and no direction khat exists. The spectral gradient zeroes these planes
///   for the same reason (SpectralOperators), so the fields' TT stress is consistently cut there too.
///
/// Symmetric tensors are stored as their six independent components in the order xx, xy, xz, yy, yz, zz.

#include <array>
#include <cstddef>
#include <numbers>

namespace inflanet {

/// \brief A symmetric 3x3 tensor: components (xx, xy, xz, yy, yz, zz).
using SymmetricTensor = std::array<double, 6>;

/// \brief The index into a SymmetricTensor of component (i, j), i, j in {0, 1, 2} (either order).
[[nodiscard]] constexpr int symmetric_index(int i, int j) noexcept {
  constexpr int table[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
  return table[i][j];
}

/// \brief 1 for diagonal components, 2 for off-diagonal ones: the multiplicity of component c in a full
/// contraction A_ij B_ij = sum_c multiplicity(c) A_c B_c.
[[nodiscard]] constexpr double symmetric_multiplicity(int c) noexcept {
  return (c == 0 || c == 3 || c == 5) ? 1.0 : 2.0;
}

/// \brief The two polarisation tensors of one mode (see the file comment).
struct PolarisationBasis {
  SymmetricTensor plus{};
  SymmetricTensor cross{};
};

/// \brief The orthonormal pair u, v perpendicular to khat of the file comment (right-handed: v = khat x u),
/// from which the polarisation tensors are built; six doubles per mode, so the sector can keep it per mode.
struct PolarisationVectors {
  std::array<double, 3> u{};
  std::array<double, 3> v{};
};

/// \brief Whether mode n = (nx, ny, nz) of an N^3 lattice has a TT part: false for n = 0 and, for even N,
/// on the Nyquist planes (see the file comment).
[[nodiscard]] bool has_tensor_modes(std::ptrdiff_t nx, std::ptrdiff_t ny, std::ptrdiff_t nz,
                                    std::ptrdiff_t n) noexcept;

/// \brief u and v of a mode with wavevector (kx, ky, kz) != 0 (any units; only the direction counts).
[[nodiscard]] PolarisationVectors polarisation_vectors(double kx, double ky, double kz) noexcept;

/// \brief e^+ = (u u - v v) / sqrt(2) and e^x = (u v + v u) / sqrt(2) of a pair u, v (no square root: cheap
/// enough to build per mode in a pass from stored vectors).
[[nodiscard]] inline PolarisationBasis polarisation_basis(const PolarisationVectors& w) noexcept {
  constexpr double r = 1.0 / std::numbers::sqrt2;
  const std::array<double, 3>&u = w.u, &v = w.v;
  PolarisationBasis basis;
  for (int i = 0; i < 3; ++i) {
    for (int j = i; j < 3; ++j) {
      const int c = symmetric_index(i, j);
      basis.plus[c] = r * (u[i] * u[j] - v[i] * v[j]);
      basis.cross[c] = r * (u[i] * v[j] + v[i] * u[j]);
    }
  }
  return basis;
}

/// \brief e^+ and e^x of a mode with wavevector (kx, ky, kz) != 0 (any units; only the direction counts).
[[nodiscard]] PolarisationBasis polarisation_basis(double kx, double ky, double kz) noexcept;

/// \brief Lambda_ij,lm(k) of the file comment for wavevector k != 0; i, j, l, m in {0, 1, 2}.
[[nodiscard]] double tt_projector(const std::array<double, 3>& k, int i, int j, int l, int m) noexcept;

/// \brief e_ij S_ij for a polarisation tensor e and a symmetric tensor S (components of one mode, complex or
/// real).
template <class T>
[[nodiscard]] T contract(const SymmetricTensor& e, const std::array<T, 6>& s) noexcept {
  return e[0] * s[0] + e[3] * s[3] + e[5] * s[5] + 2.0 * (e[1] * s[1] + e[2] * s[2] + e[4] * s[4]);
}

} // namespace inflanet
