#include "inflanet/duality/eigenspace_clusters.hpp"

#include <cblas.h>

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/ntk/linearised_network.hpp"
#include "inflanet/ntk/ntk_eigensystem.hpp"

namespace inflanet {

EigenClusters cluster_eigenvalues(std::span<const double> ascending, double tolerance) {
  if (ascending.empty()) {
    throw InputError("cluster_eigenvalues: empty spectrum");
  }
  if (!(tolerance > 0.0) || !std::isfinite(tolerance)) {
    throw InputError(fmt::format("cluster_eigenvalues: tolerance must be finite and > 0, got {}", tolerance));
  }
  const std::size_t n = ascending.size();
  const double lambda_max = ascending.back();
  EigenClusters c;
  c.tolerance = tolerance;
  c.resolution = static_cast<double>(n) * std::numeric_limits<double>::epsilon() * std::abs(lambda_max);
  const double gap = tolerance * std::abs(lambda_max);
  c.first.push_back(0);
  for (std::size_t k = 1; k < n; ++k) {
    if (ascending[k] < ascending[k - 1]) {
      throw InputError("cluster_eigenvalues: eigenvalues must be ascending");
    }
    if (ascending[k] - ascending[k - 1] > gap) {
      c.first.push_back(k);
    }
  }
  c.first.push_back(n);
  for (std::size_t i = 0; i + 1 < c.first.size(); ++i) {
    double sum = 0.0;
    for (std::size_t k = c.first[i]; k < c.first[i + 1]; ++k) {
      sum += ascending[k];
    }
    const double size = static_cast<double>(c.first[i + 1] - c.first[i]);
    c.lambda.push_back(sum / size);
    c.size.push_back(size);
    c.resolved.push_back(ascending[c.first[i]] > c.resolution ? 1.0 : 0.0);
  }
  return c;
}

std::vector<double> eigen_components(const NtkSpectrum& spectrum, std::span<const double> v) {
  const std::size_t n = spectrum.values.size();
  if (v.size() != n || spectrum.vectors.size() != n * n) {
    throw InputError(
        fmt::format("eigen_components: a vector of {} values for an {}-point spectrum", v.size(), n));
  }
  std::vector<double> out(n, 0.0);
  // out = U^T v, U row-major N x N with eigenvectors in columns.
  cblas_dgemv(CblasRowMajor, CblasTrans, static_cast<int>(n), static_cast<int>(n), 1.0,
              spectrum.vectors.data(), static_cast<int>(n), v.data(), 1, 0.0, out.data(), 1);
  return out;
}

std::vector<double> eigen_components(const NtkEigensystem& eigensystem, std::span<const double> v) {
  return eigensystem.components(v);
}

std::vector<double> cluster_products(const EigenClusters& clusters, std::span<const double> a,
                                     std::span<const double> b) {
  const std::size_t n = clusters.first.back();
  if (a.size() != n || b.size() != n) {
    throw InputError("cluster_products: component vectors must have one value per eigenvalue");
  }
  std::vector<double> out(clusters.count(), 0.0);
  for (std::size_t i = 0; i < clusters.count(); ++i) {
    for (std::size_t k = clusters.first[i]; k < clusters.first[i + 1]; ++k) {
      out[i] += a[k] * b[k];
    }
  }
  return out;
}

ClusterInitialData cluster_initial_data(const EigenClusters& clusters, std::span<const double> r0,
                                        std::span<const double> rdot0) {
  return {cluster_products(clusters, r0, r0), cluster_products(clusters, r0, rdot0),
          cluster_products(clusters, rdot0, rdot0)};
}

std::vector<double> cluster_power_prediction(const EigenClusters& clusters, const ClusterInitialData& initial,
                                             double gamma, double c, double t) {
  std::vector<double> out(clusters.count());
  for (std::size_t i = 0; i < clusters.count(); ++i) {
    const double omega2 = c * clusters.lambda[i];
    const double a = damped_mode(gamma, omega2, 1.0, 0.0, t).a;
    const double b = damped_mode(gamma, omega2, 0.0, 1.0, t).a;
    out[i] = a * a * initial.rr[i] + 2.0 * a * b * initial.rv[i] + b * b * initial.vv[i];
  }
  return out;
}

} // namespace inflanet
