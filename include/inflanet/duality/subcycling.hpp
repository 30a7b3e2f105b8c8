#pragma once
/// \file
/// \brief Sub-cycling the network inside a coupled step (issue 9): s network steps of h/s per lattice step.
///
/// The network's dynamics r'' + gamma r' + c Theta r = 0 is the same continuous system for any s, but the
/// optimizer that actually runs is (eta_s, beta_s) = (eta / s^2, beta^(1/s)): the friction
/// gamma = -ln(beta_s) / sqrt(eta_s) is unchanged. s is the smallest integer with
/// eta_s c lambda_max < margin^2 * bound(integrator, beta_s), bound the damped stability limit below.

#include <cstdint>
#include <string>

#include "inflanet/integrator/integrator.hpp"

namespace inflanet {

/// \brief The largest eta c lambda_max that the integrator survives at momentum beta: 2 (1 + beta) for euler
/// (heavy ball, exact), stability_limit^2 for the others (their undamped bound, conservative).
[[nodiscard]] double network_stability_bound(const std::string& integrator, double beta);

/// \brief The optimizer that runs after sub-cycling.
struct NetworkSubcycling {
  std::int64_t substeps = 1; ///< network steps per lattice step
  double h = 0.0;            ///< h / s
  double eta = 0.0;          ///< (h / s)^2
  double beta = 1.0;         ///< beta^(1/s)
  /// \brief The friction the network runs with: -ln(beta_s) / sqrt(eta_s), Dictionary::from_network of the
  /// two above. Equal to the dictionary's gamma in exact arithmetic, not in rounding; this is the friction of
  /// the optimiser (eta_s, beta_s) that actually runs, so exp(-gamma h_s) is its beta_s.
  double gamma = 0.0;
  double eta_c_lambda_max = 0.0;
  double bound = 0.0; ///< network_stability_bound(integrator, beta_s)
};

/// \brief The smallest s <= max_substeps with eta_s c_lambda_max < margin^2 bound(integrator, beta_s)
/// (margin = 0.9: h 10% inside the limit). InputError naming the bound when even max_substeps is not enough.
[[nodiscard]] NetworkSubcycling subcycle_network(const std::string& integrator, double h, double beta,
                                                 double c_lambda_max, std::int64_t max_substeps);

/// \brief The companion step of a coupled run, called after lattice step `lattice_step`: the lattice takes
/// `lattice_substeps` steps per step of the dictionary's h, and after each such group every network system
/// takes `subcycling.substeps` steps of subcycling.h (in argument order, each system its whole group).
template <class... Systems>
void advance_network(const Integrator& integrator, const NetworkSubcycling& subcycling,
                     std::int64_t lattice_step, std::int64_t lattice_substeps, Systems&... systems) {
  if (lattice_step % lattice_substeps != 0) {
    return;
  }
  for (std::int64_t i = 0; i < subcycling.substeps; ++i) {
    (integrator.step(systems, subcycling.h), ...);
  }
}

} // namespace inflanet
