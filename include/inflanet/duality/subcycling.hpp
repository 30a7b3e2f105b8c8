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

#include "inflanet/base/error.hpp"
#include "inflanet/integrator/integrator.hpp"

namespace inflanet {

/// \brief The largest eta c lambda_max that the integrator survives at momentum beta: 2 (1 + beta) for euler
/// (heavy ball, exact), stability_limit^2 for the others (their undamped bound, conservative).
[[nodiscard]] double network_stability_bound(const std::string& integrator, double beta);

/// \brief The optimizer that runs after sub-cycling: s steps of h_run = h / s per step h of the dictionary
/// (duality.h5 writes these as h_run, eta_run, beta_run). `h` alone is always the dictionary's step.
struct NetworkSubcycling {
  std::int64_t substeps = 1; ///< s, network steps per lattice step
  double h_run = 0.0;        ///< h / s
  double eta_run = 0.0;      ///< (h / s)^2
  double beta_run = 1.0;     ///< beta^(1/s)
  /// \brief The friction the network runs with: -ln(beta_run) / sqrt(eta_run), Dictionary::from_network of
  /// the two above. Equal to the dictionary's gamma in exact arithmetic, not in rounding; this is the
  /// friction of the optimiser (eta_run, beta_run) that actually runs, so exp(-gamma_run h_run) is its
  /// beta_run.
  double gamma_run = 0.0;
  double eta_c_lambda_max = 0.0; ///< eta_run c lambda_max
  double bound = 0.0;            ///< network_stability_bound(integrator, beta_run)
};

/// \brief The network is too stiff for the step (exit 2), in the sub-cycling's own terms: even `max_substeps`
/// network steps per step h leave eta_run c lambda_max above margin^2 `bound`. The app names the deck keys.
class NetworkTooStiff : public InputError {
public:
  NetworkTooStiff(const std::string& integrator, double bound, std::int64_t max_substeps,
                  double eta_c_lambda_max, double h);
  [[nodiscard]] std::int64_t max_substeps() const noexcept { return max_substeps_; }

private:
  std::int64_t max_substeps_;
};

/// \brief The smallest s <= max_substeps with eta_s c_lambda_max < margin^2 bound(integrator, beta_s)
/// (margin = 0.9: h 10% inside the limit). NetworkTooStiff when even max_substeps is not enough; InputError
/// for h <= 0, beta outside (0, 1] or a negative or non-finite c lambda_max.
[[nodiscard]] NetworkSubcycling subcycle_network(const std::string& integrator, double h, double beta,
                                                 double c_lambda_max, std::int64_t max_substeps);

/// \brief The companion step of a coupled run, called after lattice step `lattice_step`: the lattice takes
/// `lattice_substeps` steps per step of the dictionary's h, and after each such group every network system
/// takes `subcycling.substeps` steps of subcycling.h_run (in argument order, each system its whole group).
template <class... Systems>
void advance_network(const Integrator& integrator, const NetworkSubcycling& subcycling,
                     std::int64_t lattice_step, std::int64_t lattice_substeps, Systems&... systems) {
  if (lattice_step % lattice_substeps != 0) {
    return;
  }
  for (std::int64_t i = 0; i < subcycling.substeps; ++i) {
    (integrator.step(systems, subcycling.h_run), ...);
  }
}

} // namespace inflanet
