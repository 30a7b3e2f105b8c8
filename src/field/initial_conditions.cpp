#include "inflanet/field/initial_conditions.hpp"

#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <vector>

#include "inflanet/background/mode_function.hpp"
#include "inflanet/base/counter_rng.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/decomposition/site_order.hpp"

namespace inflanet {
namespace {

/// Vacuum mode function and its time derivative at t0 for every integer |n|^2 on the lattice, indexed by
/// |n|^2. Each rank integrates its share (round robin) and a sum assembles the table; every entry is
/// computed by one rank with the same code, so the table does not depend on the rank count.
std::vector<ModeValue> mode_table(const Decomposition& decomposition, const Background& background, double m2,
                                  double t0, const std::vector<char>& needed) {
  const double dk = decomposition.box().dk();
  const auto count = needed.size();
  std::vector<double> packed(4 * count, 0.0);
  std::size_t share = 0;
  for (std::size_t n2 = 1; n2 < count; ++n2) {
    if (needed[n2] == 0) {
      continue;
    }
    if (static_cast<int>(share++ % static_cast<std::size_t>(decomposition.size())) != decomposition.rank()) {
      continue;
    }
    const double k = dk * std::sqrt(static_cast<double>(n2));
    ModeValue mode;
    const double hubble = background.hubble(t0);
    if (hubble == 0.0) {
      // Minkowski vacuum: u = e^{-i w t} / sqrt(2 w).
      const double omega = std::sqrt(k * k + m2);
      const auto phase = std::polar(1.0, -omega * t0);
      mode.u = phase / std::sqrt(2.0 * omega);
      mode.du_dt = std::complex<double>(0.0, -omega) * mode.u;
    } else {
      const double a0 = background.a(t0) * std::exp(-hubble * t0); // a(t) = a0 e^{H t}
      mode = integrate_mode_from_vacuum(k, m2, hubble, a0, t0);
    }
    packed[4 * n2 + 0] = mode.u.real();
    packed[4 * n2 + 1] = mode.u.imag();
    packed[4 * n2 + 2] = mode.du_dt.real();
    packed[4 * n2 + 3] = mode.du_dt.imag();
  }
  decomposition.sum_in_place(packed);
  std::vector<ModeValue> table(count);
  for (std::size_t n2 = 0; n2 < count; ++n2) {
    table[n2].u = {packed[4 * n2], packed[4 * n2 + 1]};
    table[n2].du_dt = {packed[4 * n2 + 2], packed[4 * n2 + 3]};
  }
  return table;
}

/// Every |n|^2 of the lattice (|n_i| in [0, N/2] on each axis), marked the same on every rank.
std::vector<char> lattice_n2(const Box& box) {
  const std::ptrdiff_t n = box.n;
  const auto n2_max = static_cast<std::size_t>(3 * (n / 2) * (n / 2) + 1);
  std::vector<char> needed(n2_max + 1, 0);
  for (std::ptrdiff_t a = 0; a <= n / 2; ++a) {
    for (std::ptrdiff_t b = 0; b <= n / 2; ++b) {
      for (std::ptrdiff_t c = 0; c <= n / 2; ++c) {
        needed[static_cast<std::size_t>(a * a + b * b + c * c)] = 1;
      }
    }
  }
  return needed;
}

/// The modes' coefficients from a table of mode functions indexed by |n|^2 (see draw_vacuum_modes).
void draw_from_table(Field& phi, Field& phidot, const SpectralOperators& operators,
                     const std::vector<ModeValue>& table, std::uint64_t seed, double kcut) {
  const auto& d = operators.decomposition();
  const Box& box = d.box();
  const std::ptrdiff_t n = box.n;
  const double kcut2 = kcut > 0.0 ? (kcut / box.dk()) * (kcut / box.dk()) : 0.0;
  // phi~_n = (N^3 / L^{3/2}) (u alpha_n + u^* alpha_{-n}^*), alpha = z / sqrt(2) with <|z|^2> = 1, drawn by
  // the global FFT indices of n and -n, so the field does not depend on the rank count.
  const CounterRng rng(seed);
  const double amplitude = box.sites() / std::pow(box.length, 1.5) / std::sqrt(2.0);
  const SiteOrder modes{n};
  auto global_index = [modes](std::ptrdiff_t ix, std::ptrdiff_t iy, std::ptrdiff_t iz) {
    return static_cast<std::uint64_t>(modes.index(ix, iy, iz));
  };
  auto wrap = [n](std::ptrdiff_t i) { return (n - i) % n; };
  std::complex<double>* f = phi.fourier_data();
  std::complex<double>* g = phidot.fourier_data();
  for_each_mode(d, [&](const Mode& m) {
    const auto n2 = static_cast<std::size_t>(m.n2());
    if (n2 == 0 || (kcut2 > 0.0 && static_cast<double>(n2) > kcut2)) {
      f[m.offset] = g[m.offset] = 0.0;
      return;
    }
    const auto z_plus = rng.complex_gaussian(global_index(m.ix, m.iy, m.iz));
    const auto z_minus = std::conj(rng.complex_gaussian(global_index(wrap(m.ix), wrap(m.iy), wrap(m.iz))));
    const ModeValue& mode = table[n2];
    f[m.offset] = amplitude * (mode.u * z_plus + std::conj(mode.u) * z_minus);
    g[m.offset] = amplitude * (mode.du_dt * z_plus + std::conj(mode.du_dt) * z_minus);
  });
  phi.set_space(Space::fourier);
  phidot.set_space(Space::fourier);
}

} // namespace

void draw_vacuum_modes(Field& phi, Field& phidot, const SpectralOperators& operators,
                       const Background& background, double m2, double t0, std::uint64_t seed, double kcut) {
  const auto& d = operators.decomposition();
  draw_from_table(phi, phidot, operators, mode_table(d, background, m2, t0, lattice_n2(d.box())), seed, kcut);
}

void draw_wkb_modes(Field& phi, Field& phidot, const SpectralOperators& operators, double a0, double m2,
                    std::uint64_t seed, double kcut) {
  const auto& d = operators.decomposition();
  const auto needed = lattice_n2(d.box());
  std::vector<ModeValue> table(needed.size());
  const double dk = d.box().dk();
  for (std::size_t n2 = 1; n2 < needed.size(); ++n2) {
    const double k = dk * std::sqrt(static_cast<double>(n2));
    const double omega2 = k * k / (a0 * a0) + m2;
    if (needed[n2] == 0 || !(omega2 > 0.0)) {
      continue; // tachyonic or massless-at-rest modes have no WKB vacuum: left at zero
    }
    const double omega = std::sqrt(omega2);
    table[n2].u = 1.0 / std::sqrt(2.0 * omega * a0 * a0 * a0);
    table[n2].du_dt = std::complex<double>(0.0, -omega) * table[n2].u;
  }
  draw_from_table(phi, phidot, operators, table, seed, kcut);
}

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

double homogeneous_hubble(const Potential& potential, const std::vector<FieldInitialConditions>& initial,
                          double rho_lambda) {
  double rho = potential_V(potential, means(initial)) + rho_lambda;
  for (const auto& f : initial) {
    rho += 0.5 * f.velocity * f.velocity;
  }
  return rho > 0.0 ? std::sqrt(rho / 3.0) : 0.0;
}

void set_initial_conditions(FieldLattice& lattice, SpectralOperators& operators,
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
      const double m2 = potential_d2V(lattice.potential(), values, i, i);
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
