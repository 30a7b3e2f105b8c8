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
/// unit eigenvector of values[k] (so Theta = V diag(values) V^T).
struct NtkSpectrum {
  std::vector<double> values;
  std::vector<double> vectors;
  std::size_t clamped = 0;    ///< negative (round-off) eigenvalues set to 0
  double most_negative = 0.0; ///< the most negative eigenvalue before clamping (0 if none)
};

/// \brief LAPACKE_dsyevr on a copy of the N x N symmetric matrix (upper triangle read); negative eigenvalues
/// are clamped to 0 and reported. Meant for one rank and N <= 1e4 (O(N^3) time, 2 N^2 doubles of memory).
/// Throws RuntimeError if LAPACK fails.
[[nodiscard]] NtkSpectrum ntk_eigen(std::span<const double> theta, std::size_t n);
/// \brief Sets the negative (round-off) eigenvalues in `values` to 0, adding their count to `clamped` and
/// keeping the most negative in `most_negative`.
void clamp_negative(std::span<double> values, std::size_t& clamped, double& most_negative);

} // namespace inflanet
