#pragma once
/// \file
/// \brief The NTK's dispersion relation on a sub-lattice data set (physics.md §5): plane-wave Rayleigh
/// quotients lambda(k) = u_k^dagger Theta u_k, their translation-invariance defect (leakage), and their
/// shell averages on the same bins as the lattice's PowerSpectrum.
///
/// Training points are the sites of an M^3 sub-lattice of a periodic box of side L in C order,
/// i = (ix M + iy) M + iz, site x_i = (ix, iy, iz) L / M (the order of lattice_dataset and of the network
/// run). Plane waves u_k(x_i) = e^{i k.x_i} / sqrt(N), N = M^3, k = 2 pi n / L, n in [-M/2, M/2)^3.
///
/// Route (Theta real symmetric): for each row i, G_i(k) = sum_j Theta_ij e^{-i k.x_j} is one unnormalised
/// r2c FFT of the row reshaped M^3 (FftPlan on Decomposition(Box{M, L}, MPI_COMM_SELF)); then
///   lambda(k)       = (1/N) sum_i Re[e^{-i k.x_i} conj G_i(k)],
///   ||Theta u_k||^2 = (1/N) sum_i |G_i(k)|^2,
///   ||Theta u_k - lambda u_k||^2 = (1/N) sum_i |G_i(k) - lambda(k) e^{-i k.x_i}|^2.
/// Only the half space kz in [0, M/2] is computed: lambda(-k) = lambda(k) for real symmetric Theta.
///
/// Per-mode layout ("transposed", that of a Field's Fourier slab on the serial decomposition):
///   mode index (jy * M + jx) * (M/2 + 1) + l,   n_y = signed(jy), n_x = signed(jx), n_z = l,
/// with signed(j) = j < M/2 ? j : j - M (Box::signed_mode); size M * M * (M/2 + 1).
/// PowerSpectrum::shell_mean on that decomposition bins vectors of this layout.

#include <cstddef>
#include <span>
#include <vector>

namespace inflanet {

/// \brief Row-block partial sums, per half-space mode in the transposed layout above. The caller sums
/// them elementwise over the row blocks (e.g. PointDistribution::sum_in_place) before binning.
struct NtkDispersionPartial {
  std::vector<double> rayleigh; ///< (1/N) sum_{i in block} Re[e^{-i k.x_i} conj G_i(k)]
  std::vector<double> norm2;    ///< (1/N) sum_{i in block} |G_i(k)|^2
  /// Optional, from ntk_dispersion_residual2 (second pass, reduced): (1/N) sum_i |G_i - lambda
  /// e^{-ik.x_i}|^2. When present (non-empty) ntk_dispersion_shells takes the leakage from it (rounding floor
  /// ~1e-16) instead of from norm2 - lambda^2 (floor ~sqrt(eps) ~ 1e-8 relative, by cancellation).
  std::vector<double> residual2;
};

/// \brief Number of half-space modes, M * M * (M/2 + 1).
[[nodiscard]] std::size_t ntk_dispersion_modes(std::ptrdiff_t m) noexcept;

/// \brief Partial sums of rows [r0, r1) of Theta. theta_rows: (r1 - r0) x N, row-major (the local rows of a
/// DistributedNtk, or the full kernel with r0 = 0, r1 = N). One M^3 FFT per row; no communication (the
/// FFT runs on MPI_COMM_SELF), so ranks may call it with their own blocks, including empty ones.
/// InputError for m < 1, length <= 0 or a size mismatch.
[[nodiscard]] NtkDispersionPartial ntk_dispersion_partial(std::span<const double> theta_rows, std::size_t r0,
                                                          std::size_t r1, std::ptrdiff_t m, double length);

/// \brief Second pass for a precise leakage: (1/N) sum_{i in [r0, r1)} |G_i(k) - lambda(k) e^{-i k.x_i}|^2
/// per half-space mode, given the REDUCED rayleigh sums (= lambda per mode). Sum over blocks, then store
/// in NtkDispersionPartial::residual2.
[[nodiscard]] std::vector<double> ntk_dispersion_residual2(std::span<const double> theta_rows, std::size_t r0,
                                                           std::size_t r1, std::ptrdiff_t m, double length,
                                                           std::span<const double> lambda);

/// \brief The dispersion relation in shells of |n| of width 1 (PowerSpectrum's bins on an M^3 lattice of
/// side L): `k` = mean |k| of the shell's modes, `counts` = modes of the full lattice (Hermitian
/// weights), `lambda` = Hermitian-weighted shell mean of the per-mode Rayleigh quotients, `lambda_err` =
/// sqrt(var / n_indep) with var their weighted variance over the shell and n_indep = max(1, counts / 2)
/// (a mode and its conjugate have the same lambda), `leakage` = shell mean of the per-mode
/// ||Theta u_k - lambda u_k|| / theta_norm (theta_norm = ||Theta||_2, the largest eigenvalue).
struct NtkDispersion {
  std::vector<double> k, counts, lambda, lambda_err, leakage;
};

/// \brief Bins reduced partial sums (see NtkDispersionPartial). Serial (MPI_COMM_SELF); InputError for
/// theta_norm <= 0 or sizes that do not match m.
[[nodiscard]] NtkDispersion ntk_dispersion_shells(const NtkDispersionPartial& reduced, std::ptrdiff_t m,
                                                  double length, double theta_norm);

/// \brief Per-mode lambda and leakage (transposed half-space layout) from reduced partial sums, as used by
/// ntk_dispersion_shells.
struct NtkDispersionModes {
  std::vector<double> lambda, leakage;
};
[[nodiscard]] NtkDispersionModes ntk_dispersion_per_mode(const NtkDispersionPartial& reduced,
                                                         double theta_norm);

} // namespace inflanet
