#pragma once
/// \file
/// \brief The empirical neural tangent kernel of an Mlp, built layer by layer from BLAS rank-k products
/// (physics.md §4), and its eigendecomposition.
///
/// Theta_ij = sum_p df(x_i)/dtheta_p df(x_j)/dtheta_p. With H_k = sigma_w A_k W_k^T / sqrt(n_k) + sigma_b b_k
/// one has df_i/dW_k[a, b] = sigma_w G_k[i, a] A_k[i, b] / sqrt(n_k) and df_i/db_k[a] = sigma_b G_k[i, a],
/// G_k[i, :] = df(x_i)/dH_k[i, :], so summing over (a, b) and a
///   Theta = sum_k (G_k G_k^T) o (sigma_w^2 A_k A_k^T / n_k + sigma_b^2)        (o: elementwise product)
/// two symmetric rank-k products per layer and no N x P Jacobian. Scalar output (O = 1) only.

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "inflanet/nn/mlp.hpp"

namespace inflanet {

/// \brief One layer's NTK factors: A_k [N x n_in] and G_k [N x n_out], row-major, rows = points.
struct NtkLayer {
  std::span<const double> a;
  std::span<const double> g;
  int n_in = 0;
  int n_out = 0;
};

/// \brief Every layer's factors for N points, with the scales they enter with. The spans may view an Mlp's
/// stored passes (ntk_factors) or buffers gathered from several ranks (the distributed build).
struct NtkFactors {
  std::size_t points = 0;
  double sigma_w = 1.0;
  double sigma_b = 0.0;
  std::vector<NtkLayer> layers;
};

/// \brief Runs forward(x) and backward(1) on the network (O = 1, else InputError) and returns views of its
/// stored A_k, G_k. The views stay valid until the network's next forward/backward.
[[nodiscard]] NtkFactors ntk_factors(Mlp& network, std::span<const double> x, std::size_t points);

/// \brief The full N x N kernel (row-major, both triangles filled) from the factors. `work` is resized to
/// N x N: per layer, G G^T goes to its upper triangle and sigma_w^2 A A^T / n to its lower one (two
/// dsyrk calls into one buffer; the diagonal of G G^T is kept aside), and a tiled pass adds their
/// elementwise product to Theta's upper triangle (mirrored during the last layer's pass).
void layerwise_ntk(const NtkFactors& factors, std::span<double> theta, std::vector<double>& work);

/// \brief Convenience: the N x N kernel of `network` on x (ntk_factors + layerwise_ntk).
[[nodiscard]] std::vector<double> empirical_ntk(Mlp& network, std::span<const double> x, std::size_t points);

/// \brief The block Theta[r0:r1, c0:c1], (r1 - r0) x (c1 - c0) row-major, from the factors of all N points:
/// (G[r0:r1] G[c0:c1]^T) o (sigma_w^2 A[r0:r1] A[c0:c1]^T / n + sigma_b^2), two dgemm calls per layer. Any
/// tile of any layout (the block-cyclic matrices of the distributed eigensolver) is built from it without
/// moving Theta; the distributed build's rows [r0, r1) are the block [r0:r1, 0:N]. Since Theta is symmetric,
/// the row-major block [c0:c1, r0:r1] is the column-major block [r0:r1, c0:c1]. `work` is resized to 2 (r1 -
/// r0) (c1 - c0).
void ntk_block(const NtkFactors& factors, std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1,
               std::span<double> out, std::vector<double>& work);

/// \brief Eigenpairs of a symmetric PSD kernel. values ascending; vectors N x N row-major with column k the
/// unit eigenvector of values[k] (so Theta = V diag(values) V^T), its sign fixed by fix_eigenvector_signs.
struct NtkSpectrum {
  std::vector<double> values;
  std::vector<double> vectors;
  std::size_t clamped = 0;    ///< negative (round-off) eigenvalues set to 0
  double most_negative = 0.0; ///< the most negative eigenvalue before clamping (0 if none)
};

/// \brief LAPACKE_dsyevr on a copy of the N x N symmetric matrix (upper triangle read); negative eigenvalues
/// are clamped to 0 and reported; the eigenvectors' signs follow fix_eigenvector_signs. Meant for one rank
/// and N <= 1e4 (O(N^3) time, 2 N^2 doubles of memory). Throws RuntimeError if LAPACK fails.
[[nodiscard]] NtkSpectrum ntk_eigen(std::span<const double> theta, std::size_t n);
/// \brief Sets the negative (round-off) eigenvalues in `values` to 0, adding their count to `clamped` and
/// keeping the most negative in `most_negative`.
void clamp_negative(std::span<double> values, std::size_t& clamped, double& most_negative);

/// \brief An elementwise reduction over the ranks that share an eigenvector matrix, in place (identity on one
/// rank).
using EigenvectorReduction = std::function<void(std::span<double>)>;

/// \brief The sign rule of every eigenvector the library returns (ntk_eigen, NtkEigensystem): each unit
/// eigenvector is multiplied by -1 where needed so that its pivot component is positive. The pivot is the
/// component of lowest global index among those within sign_pivot_tolerance (relative) of the vector's
/// largest magnitude, so a tie (exact, or within the rounding by which solvers on different rank counts
/// differ) is broken by the lowest index rather than by rounding. A solver's eigenvector is defined up to
/// its sign only, so with the rule every rank count writes the same vectors to rounding, and restarts on
/// another rank count continue the same mode amplitudes.
///
/// In a degenerate eigenspace (a cluster) the basis itself is the solver's choice and differs between rank
/// counts; the rule is applied to whatever basis was returned, so only basis-free quantities of a cluster
/// (sums over its vectors of products of components) are physical there.
///
/// q holds this rank's part of the N x N eigenvector matrix: entry (r, c) of the local block, global row
/// global_rows[r] of eigenvector global_cols[c], at q[r row_stride + c col_stride]. max_over_ranks and
/// sum_over_ranks combine N doubles over every rank holding a part (each (row, column) on exactly one
/// rank). Sign flips are exact, so products of a vector's components with the same vector's components
/// (projections and syntheses) are bitwise unchanged. Collective when the reductions are.
void fix_eigenvector_signs(std::span<double> q, std::size_t row_stride, std::size_t col_stride,
                           std::span<const std::size_t> global_rows, std::span<const std::size_t> global_cols,
                           std::size_t n, const EigenvectorReduction& max_over_ranks,
                           const EigenvectorReduction& sum_over_ranks);
/// \brief Relative tolerance within which two components count as equally large for fix_eigenvector_signs:
/// far above the eigensolvers' rounding (1e-12 and less on a unit vector of well-separated eigenvalues),
/// far below the spread of distinct components.
inline constexpr double sign_pivot_tolerance = 1e-6;

} // namespace inflanet
