#include "inflanet/duality/velocity_matching.hpp"

#include <cmath>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/duality/eigenspace_clusters.hpp"
#include "inflanet/ntk/ntk_eigensystem.hpp"

namespace inflanet {

namespace {

/// The dropping rule, for either eigenvector layout: components / lambda where lambda > max(resolution, cut),
/// else 0 (counted, and their share of ||b|| reported, the rounding-level ones apart from the cut ones).
/// `components` is overwritten with the scaled components.
KernelSolve divide_by_eigenvalues(std::span<const double> values, std::vector<double>& components,
                                  double resolution, double cut) {
  KernelSolve out;
  double dropped2 = 0.0, cut2 = 0.0, total2 = 0.0;
  for (std::size_t k = 0; k < values.size(); ++k) {
    const double c = components[k];
    total2 += c * c;
    if (values[k] > resolution && values[k] > cut) {
      components[k] = c / values[k];
    } else if (values[k] > resolution) {
      ++out.cut;
      cut2 += c * c;
      components[k] = 0.0;
    } else {
      ++out.dropped;
      dropped2 += c * c;
      components[k] = 0.0;
    }
  }
  out.dropped_fraction = total2 > 0.0 ? std::sqrt(dropped2 / total2) : 0.0;
  out.cut_fraction = total2 > 0.0 ? std::sqrt(cut2 / total2) : 0.0;
  return out;
}

} // namespace

double KernelSolve::unmatched_fraction() const {
  return std::sqrt(dropped_fraction * dropped_fraction + cut_fraction * cut_fraction);
}

KernelSolve solve_kernel(const NtkSpectrum& spectrum, std::span<const double> b, double resolution,
                         double cut) {
  const std::size_t n = spectrum.values.size();
  std::vector<double> scaled = eigen_components(spectrum, b);
  KernelSolve out = divide_by_eigenvalues(spectrum.values, scaled, resolution, cut);
  // alpha = U scaled (U row-major, eigenvectors in columns): alpha_i = sum_k U_ik scaled_k.
  out.alpha.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double* row = spectrum.vectors.data() + i * n;
    double sum = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      sum += row[k] * scaled[k];
    }
    out.alpha[i] = sum;
  }
  return out;
}

KernelSolve solve_kernel(const NtkEigensystem& eigensystem, std::span<const double> b, double resolution,
                         double cut) {
  std::vector<double> scaled = eigensystem.components(b);
  KernelSolve out = divide_by_eigenvalues(eigensystem.values(), scaled, resolution, cut);
  out.alpha = eigensystem.synthesize(scaled);
  return out;
}

std::vector<double> vector_jacobian_product(Mlp& network, std::span<const double> x_local, std::size_t points,
                                            std::span<const double> alpha_local) {
  if (alpha_local.size() != points) {
    throw InputError(
        fmt::format("vector_jacobian_product: {} coefficients for {} points", alpha_local.size(), points));
  }
  std::vector<double> out(network.parameter_count(), 0.0);
  if (points == 0) {
    return out;
  }
  network.forward(x_local, points);
  network.backward(alpha_local);
  network.parameter_gradient(out);
  return out;
}

} // namespace inflanet
