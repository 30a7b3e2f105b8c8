#include "inflanet/duality/subcycling.hpp"

#include <cmath>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/duality/dictionary.hpp"
#include "inflanet/integrator/integrator.hpp"

namespace inflanet {

double network_stability_bound(const std::string& integrator, double beta) {
  if (integrator == "euler") {
    return 2.0 * (1.0 + beta);
  }
  const double limit = Integrator::from_name(integrator).stability_limit();
  return limit * limit;
}

NetworkSubcycling subcycle_network(const std::string& integrator, double h, double beta, double c_lambda_max,
                                   std::int64_t max_substeps) {
  constexpr double margin = 0.9;
  if (!(h > 0.0) || !(beta > 0.0 && beta <= 1.0) || !(c_lambda_max >= 0.0) || !std::isfinite(c_lambda_max)) {
    throw InputError(
        fmt::format("subcycle_network: needs h > 0, beta in (0, 1] and finite c lambda_max >= 0; "
                    "got {}, {}, {}",
                    h, beta, c_lambda_max));
  }
  NetworkSubcycling s;
  for (std::int64_t substeps = 1; substeps <= max_substeps; ++substeps) {
    const double hs = h / static_cast<double>(substeps);
    s.substeps = substeps;
    s.h_run = hs;
    s.eta_run = hs * hs;
    s.beta_run = std::pow(beta, 1.0 / static_cast<double>(substeps));
    s.eta_c_lambda_max = s.eta_run * c_lambda_max;
    s.bound = network_stability_bound(integrator, s.beta_run);
    if (s.eta_c_lambda_max < margin * margin * s.bound) {
      s.gamma_run = Dictionary::from_network(s.eta_run, s.beta_run).gamma;
      return s;
    }
  }
  throw NetworkTooStiff(integrator, s.bound, max_substeps, h * h * c_lambda_max, h);
}

NetworkTooStiff::NetworkTooStiff(const std::string& integrator, double bound, std::int64_t max_substeps,
                                 double eta_c_lambda_max, double h)
    : InputError(fmt::format("the network is too stiff for the coupled step: its stability bound eta c "
                             "lambda_max < {:.4g} ({}, 10% margin on h) needs more than {} network steps per "
                             "lattice step (eta c lambda_max = {:.4g} at the lattice's h = {:.4g})",
                             bound, integrator, max_substeps, eta_c_lambda_max, h)),
      max_substeps_(max_substeps) {}

} // namespace inflanet
