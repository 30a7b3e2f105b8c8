#include "inflanet/field/multi_field_initial_conditions.hpp"

#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/field/initial_conditions.hpp"

namespace inflanet {

Fluctuations fluctuations_from_name(const std::string& name) {
  if (name == "bunch-davies")
    return Fluctuations::bunch_davies;
  if (name == "wkb")
    return Fluctuations::wkb;
  if (name == "none")
    return Fluctuations::none;
  throw InputError(
      fmt::format("unknown fluctuations '{}': expected \"bunch-davies\", \"wkb\" or \"none\"", name));
}

namespace {
std::vector<double> means(const std::vector<FieldInitialConditions>& initial) {
  std::vector<double> out;
  for (const auto& f : initial) {
    out.push_back(f.mean);
  }
  return out;
}
} // namespace

double homogeneous_hubble(const MultiFieldPotential& potential,
                          const std::vector<FieldInitialConditions>& initial, double rho_lambda) {
  double rho = multi_field_V(potential, means(initial)) + rho_lambda;
  for (const auto& f : initial) {
    rho += 0.5 * f.velocity * f.velocity;
  }
  return rho > 0.0 ? std::sqrt(rho / 3.0) : 0.0;
}

void set_initial_conditions(MultiFieldLattice& lattice, SpectralOperators& operators,
                            const std::vector<FieldInitialConditions>& initial) {
  if (initial.size() != lattice.field_count())
    throw InputError(fmt::format("initial conditions for {} fields given to a lattice of {} fields",
                                 initial.size(), lattice.field_count()));
  const double t0 = lattice.time();
  const Expansion& expansion = lattice.expansion();
  const auto values = means(initial);
  // The vacuum's background: the fixed one, or de Sitter at the homogeneous initial H for Friedmann.
  std::unique_ptr<Background> initial_de_sitter;
  const Background* background = expansion.fixed;
  double a0 = expansion.fixed != nullptr ? expansion.fixed->a(t0) : expansion.a0;
  if (background == nullptr) {
    const double hubble = homogeneous_hubble(lattice.potential(), initial, expansion.rho_lambda);
    if (!(hubble > 0.0))
      throw InputError(
          "a Friedmann background needs a positive total energy density at the initial means and "
          "velocities (H^2 = rho / 3)");
    // a(t) = a0 e^{H (t - t0)}, written as DeSitter's a0' e^{H t}
    initial_de_sitter = std::make_unique<DeSitter>(hubble, a0 * std::exp(-hubble * t0));
    background = initial_de_sitter.get();
  }
  for (std::size_t i = 0; i < initial.size(); ++i) {
    const auto& ic = initial[i];
    Field& phi = lattice.phi(i);
    Field& velocity = lattice.momentum(i);
    phi.fill(0.0);
    velocity.fill(0.0);
    if (ic.fluctuations != Fluctuations::none) {
      const double m2 = multi_field_d2V(lattice.potential(), values, i, i);
      // In flat space (H = 0) the Bunch-Davies vacuum is the WKB one (up to each mode's phase e^{-i omega
      // t0}, which the random phases absorb); this path also leaves tachyonic modes at zero.
      if (ic.fluctuations == Fluctuations::wkb || background->hubble(t0) == 0.0) {
        draw_wkb_modes(phi, velocity, operators, a0, m2, ic.seed, ic.kcut);
      } else {
        draw_vacuum_modes(phi, velocity, operators, *background, m2, t0, ic.seed, ic.kcut);
      }
      operators.plan().to_real(phi, Scale::full);
      operators.plan().to_real(velocity, Scale::full);
    }
    double* q = phi.real_data();
    double* p = velocity.real_data();
    const double mean = ic.mean, v = ic.velocity;
    for_each_site_row(phi.decomposition(), [=](const SiteRow& row) {
      for (std::ptrdiff_t z = 0; z < row.length; ++z) {
        q[row.offset + z] += mean;
        p[row.offset + z] += v;
      }
    });
  }
  lattice.start(t0);
}

} // namespace inflanet
