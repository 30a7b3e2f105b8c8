#pragma once
/// \file
/// \brief Krylov methods on the NTK as an operator (physics.md §4): the extreme eigenvalues by Lanczos and
/// kernel solves by (preconditioned) conjugate gradients, using only products Theta v. With a
/// DistributedNtk the product runs on row blocks, so neither method ever holds more of Theta than a
/// rank's rows; the vectors (N doubles each) are replicated and every rank does identical arithmetic on
/// them, so the results are identical on all ranks and independent of the rank count to the rounding of
/// the product.

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace inflanet {

/// \brief out = Theta v for a full N-vector v (collective when Theta is distributed; out on every rank).
using KernelProduct = std::function<void(std::span<const double> v, std::span<double> out)>;

/// \brief Extreme eigenvalues of a symmetric positive semi-definite operator.
struct KernelExtremes {
  double lambda_max = 0.0;
  double lambda_max_residual =
      0.0;                 ///< ||Theta y - theta y|| of the top Ritz pair: an eigenvalue lies within it
  double lambda_min = 0.0; ///< the smallest Ritz value: an upper bound on the smallest eigenvalue
  double lambda_min_residual =
      0.0; ///< its residual bound (lambda_min itself is converged when this is small)
  std::size_t iterations = 0;
  bool converged = false; ///< lambda_max_residual <= tolerance * lambda_max
};

/// \brief Lanczos with full reorthogonalisation from a fixed, rank-independent start vector, until the top
/// Ritz pair's residual is at most tolerance * lambda_max or max_iterations products. The Ritz values come
/// from LAPACK's dstev on the tridiagonal matrix. Memory: max_iterations + 1 vectors of N doubles.
/// `progress` (optional) is called after every product with the iteration count and the top Ritz pair's
/// relative residual (the caller reports; this layer prints nothing).
/// Lanczos produces no eigenvectors, so it has no sign convention to fix (fix_eigenvector_signs).
[[nodiscard]] KernelExtremes lanczos_extremes(const KernelProduct& product, std::size_t n,
                                              double tolerance = 1e-10, std::size_t max_iterations = 200,
                                              const std::function<void(std::size_t, double)>& progress = {});

/// \brief z = M^-1 r for a symmetric positive definite preconditioner (empty: none).
using KernelPreconditioner = std::function<void(std::span<const double> r, std::span<double> z)>;

struct ConjugateGradientSolve {
  std::vector<double> x;
  std::size_t iterations = 0;
  double relative_residual = 0.0; ///< ||b - Theta x|| / ||b|| (recomputed from a final product)
  bool converged = false;
  std::vector<double> history; ///< the recursive relative residual after each iteration
};

/// \brief Solves Theta x = b by preconditioned conjugate gradients from x = 0, stopping when the recursive
/// relative residual is at most `tolerance` or after max_iterations products, and returns the iterate with
/// the smallest recursive residual (CG's residual is not monotone; x = 0 counts, so the result is never
/// worse than no solve). For a semi-definite Theta
/// the iteration stops at the first search direction the operator cannot move (Rayleigh quotient below
/// 1e-14 of the largest seen): CG is not a least-squares method, so the final relative_residual (a true
/// one, at least b's part outside the range) is what the caller must check.
/// `progress` (optional) is called after every iteration with its count and the recursive relative residual.
[[nodiscard]] ConjugateGradientSolve
conjugate_gradient(const KernelProduct& product, const KernelPreconditioner& preconditioner,
                   std::span<const double> b, double tolerance, std::size_t max_iterations,
                   const std::function<void(std::size_t, double)>& progress = {});

} // namespace inflanet
