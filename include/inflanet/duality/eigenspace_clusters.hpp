#pragma once
/// \file
/// \brief Eigenspaces of the NTK that rounding can tell apart, and the per-eigenspace quantities of the
/// linearised dynamics (physics.md §5; issue 9).
///
/// Inside a cluster of eigenvalues closer than the eigensolver's rounding, LAPACK may return any orthonormal
/// basis (it changes with the BLAS build, the thread count and the rank count), so a per-eigenvector
/// quantity there is not defined. The quantities here are sums over clusters of the quadratic forms
/// sum_{k in C} (u_k . a)(u_k . b) = a^T P_C b, with P_C the cluster's orthogonal projector: they do not
/// depend on the basis chosen inside a cluster.
///
/// Clusters: the eigenvalues (ascending) are split wherever two neighbours differ by more than
/// tolerance * lambda_max. A vector's components along eigenvectors closer than that tolerance are mixed by
/// rounding at the level eps ||Theta|| / gap, so the tolerance bounds how well the cluster sums are
/// reproduced across BLAS builds (about eps / tolerance relative).

#include <cstddef>
#include <span>
#include <vector>

#include "inflanet/ntk/empirical_ntk.hpp"

namespace inflanet {

class NtkEigensystem;

/// \brief The partition of an ascending spectrum into clusters.
struct EigenClusters {
  double tolerance = 0.0;         ///< relative to lambda_max: the split criterion
  double resolution = 0.0;        ///< absolute: eigenvalues below it are at rounding level (N eps lambda_max)
  std::vector<std::size_t> first; ///< first eigen-index of each cluster, plus N at the end (size count + 1)
  std::vector<double> lambda;     ///< mean eigenvalue of each cluster
  std::vector<double> size;       ///< eigenvalues in each cluster (as double, for HDF5)
  std::vector<double> resolved;   ///< 1 when the cluster's eigenvalues are above `resolution`, else 0
  [[nodiscard]] std::size_t count() const noexcept { return lambda.size(); }
};

/// \brief Groups ascending eigenvalues (clamped, >= 0) into clusters. InputError for an empty or
/// unsorted spectrum or tolerance <= 0.
[[nodiscard]] EigenClusters cluster_eigenvalues(std::span<const double> ascending, double tolerance);

/// \brief U^T v: the components of v (N values, site order) along every eigenvector (column k of the
/// row-major N x N eigenvector matrix).
[[nodiscard]] std::vector<double> eigen_components(const NtkSpectrum& spectrum, std::span<const double> v);
/// \brief The same for distributed eigenvectors: NtkEigensystem::components (v and the result, in eigenvalue
/// order, on every rank). Collective.
[[nodiscard]] std::vector<double> eigen_components(const NtkEigensystem& eigensystem,
                                                   std::span<const double> v);

/// \brief Per cluster, sum_{k in C} a_k b_k of two component vectors (eigen_components): a^T P_C b.
[[nodiscard]] std::vector<double> cluster_products(const EigenClusters& clusters, std::span<const double> a,
                                                   std::span<const double> b);

/// \brief The basis-free initial data of the linearised dynamics per cluster: ||P r0||^2, (P r0).(P rdot0)
/// and ||P rdot0||^2.
struct ClusterInitialData {
  std::vector<double> rr, rv, vv;
};
[[nodiscard]] ClusterInitialData cluster_initial_data(const EigenClusters& clusters,
                                                      std::span<const double> r0_components,
                                                      std::span<const double> rdot0_components);

/// \brief The linearised network's prediction of every cluster's power ||P_C r(t)||^2 at time t: each
/// eigenmode obeys a'' + gamma a' + c lambda a = 0, so a(t) = A(t) a(0) + B(t) a'(0) with A, B the two
/// fundamental solutions (damped_mode); with the cluster mean lambda the power is
/// A^2 rr + 2 A B rv + B^2 vv.
[[nodiscard]] std::vector<double> cluster_power_prediction(const EigenClusters& clusters,
                                                           const ClusterInitialData& initial, double gamma,
                                                           double c, double t);

} // namespace inflanet
