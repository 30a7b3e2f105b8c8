#include "inflanet/duality/velocity_matching.hpp"

#include <cmath>

#include <fmt/format.h>

#include "inflanet/app/error.hpp"
#include "inflanet/duality/eigenspace_clusters.hpp"

namespace inflanet {

KernelSolve solve_kernel(const NtkSpectrum& spectrum, std::span<const double> b, double resolution) {
  const std::size_t n = spectrum.values.size();
  const std::vector<double> components = eigen_components(spectrum, b);
  std::vector<double> scaled(n, 0.0);
  KernelSolve out;
  double dropped2 = 0.0, total2 = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    total2 += components[k] * components[k];
    if (spectrum.values[k] > resolution) {
      scaled[k] = components[k] / spectrum.values[k];
    } else {
      ++out.dropped;
      dropped2 += components[k] * components[k];
    }
  }
  out.dropped_fraction = total2 > 0.0 ? std::sqrt(dropped2 / total2) : 0.0;
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
