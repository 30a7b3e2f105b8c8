#include "inflanet/field/initial_conditions.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <vector>

#include "inflanet/background/mode_function.hpp"
#include "inflanet/base/counter_rng.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/decomposition/site_order.hpp"
#include "inflanet/potential/potential_error.hpp"

namespace inflanet {
namespace {

/// Mode functions indexed by |n|^2, and which |n|^2 are tachyonic (k^2/a0^2 + m2 <= 0).
struct ModeTable {
  std::vector<ModeValue> modes;
  std::vector<char> tachyonic;
  TachyonicModes rule = TachyonicModes::massless;
};

/// Vacuum mode function and its time derivative at t0 for every integer |n|^2 on the lattice, indexed by
/// |n|^2. Each rank integrates its share (round robin) and a sum assembles the table; every entry is
/// computed by one rank with the same code, so the table does not depend on the rank count. Tachyonic
/// modes follow `rule` (always the massless vacuum at H = 0).
ModeTable mode_table(const Decomposition& decomposition, const Background& background, double m2, double t0,
                     const std::vector<char>& needed, TachyonicModes rule) {
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
    const double a_t0 = background.a(t0);
    if (is_tachyonic(k, a_t0, m2) && (hubble == 0.0 || rule == TachyonicModes::massless)) {
      mode = massless_vacuum(k, a_t0);
    } else if (hubble == 0.0) {
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
  ModeTable table{std::vector<ModeValue>(count), std::vector<char>(count, 0),
                  background.hubble(t0) == 0.0 ? TachyonicModes::massless : rule};
  for (std::size_t n2 = 0; n2 < count; ++n2) {
    table.modes[n2].u = {packed[4 * n2], packed[4 * n2 + 1]};
    table.modes[n2].du_dt = {packed[4 * n2 + 2], packed[4 * n2 + 3]};
    const double k = dk * std::sqrt(static_cast<double>(n2));
    table.tachyonic[n2] = n2 > 0 && needed[n2] != 0 && is_tachyonic(k, background.a(t0), m2) ? 1 : 0;
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

/// The modes' coefficients from a table of mode functions indexed by |n|^2 (see draw_vacuum_modes); the
/// number of drawn tachyonic modes (collective).
VacuumDraw draw_from_table(Field& phi, Field& phidot, const SpectralOperators& operators,
                           const ModeTable& table, std::uint64_t seed, double kcut) {
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
  double tachyonic = 0.0;
  for_each_mode(d, [&](const Mode& m) {
    const auto n2 = static_cast<std::size_t>(m.n2());
    if (n2 == 0 || (kcut2 > 0.0 && static_cast<double>(n2) > kcut2)) {
      f[m.offset] = g[m.offset] = 0.0;
      return;
    }
    const auto z_plus = rng.complex_gaussian(global_index(m.ix, m.iy, m.iz));
    const auto z_minus = std::conj(rng.complex_gaussian(global_index(wrap(m.ix), wrap(m.iy), wrap(m.iz))));
    const ModeValue& mode = table.modes[n2];
    f[m.offset] = amplitude * (mode.u * z_plus + std::conj(mode.u) * z_minus);
    g[m.offset] = amplitude * (mode.du_dt * z_plus + std::conj(mode.du_dt) * z_minus);
    tachyonic += table.tachyonic[n2] != 0 ? m.weight : 0.0;
  });
  phi.set_space(Space::fourier);
  phidot.set_space(Space::fourier);
  return {static_cast<std::int64_t>(d.sum(tachyonic)), table.rule};
}

} // namespace

SiteProfile::SiteProfile(const std::string& formula, double length)
    : formula_(formula), expression_([&] {
        if (formula.empty())
          throw ProfileError("the formula is empty");
        ExpressionPotential::Definition definition;
        definition.fields = {"x", "y", "z"};
        definition.parameters = {{"L", length}};
        definition.V = formula;
        definition.dV = {"", "", ""};
        try {
          return ExpressionPotential(definition);
        } catch (const PotentialError& e) {
          throw ProfileError(e.detail());
        }
      }()) {}

double SiteProfile::operator()(double x, double y, double z) const {
  const double at[3] = {x, y, z};
  return expression_.V(at);
}

bool is_tachyonic(double k, double a0, double m2) noexcept {
  return !(k * k / (a0 * a0) + m2 > 0.0);
}

ModeValue massless_vacuum(double k, double a0) {
  const double omega = k / a0;
  ModeValue mode;
  mode.u = 1.0 / std::sqrt(2.0 * omega * a0 * a0 * a0);
  mode.du_dt = std::complex<double>(0.0, -omega) * mode.u;
  return mode;
}

std::int64_t tachyonic_mode_count(const Box& box, double a0, double m2, double kcut) {
  const std::ptrdiff_t n = box.n;
  const double dk = box.dk();
  const double kcut2 = kcut > 0.0 ? (kcut / dk) * (kcut / dk) : 0.0;
  // The band is a ball |n|^2 <= -m2 a0^2 / dk^2: scan the cube around it only.
  const double reach = m2 < 0.0 ? std::sqrt(-m2) * a0 / dk + 1.0 : 0.0;
  const auto r = static_cast<std::ptrdiff_t>(std::min(reach, static_cast<double>(n / 2)));
  std::int64_t count = 0;
  for (std::ptrdiff_t a = -r; a <= r; ++a) {
    for (std::ptrdiff_t b = -r; b <= r; ++b) {
      for (std::ptrdiff_t c = -r; c <= r; ++c) {
        if ((2 * r == n) && (a == r || b == r || c == r)) {
          continue; // n_i = +N/2 is the mode -N/2, counted once
        }
        const std::ptrdiff_t n2 = a * a + b * b + c * c;
        if (n2 == 0 || (kcut2 > 0.0 && static_cast<double>(n2) > kcut2)) {
          continue;
        }
        count += is_tachyonic(dk * std::sqrt(static_cast<double>(n2)), a0, m2) ? 1 : 0;
      }
    }
  }
  return count;
}

std::string describe(TachyonicModes rule) {
  return rule == TachyonicModes::massless
             ? "set to the massless vacuum u = (2 k a0^2)^(-1/2), du/dt = -i (k/a0) u"
             : "integrated through the fixed de Sitter history from deep inside the horizon";
}

VacuumDraw draw_vacuum_modes(Field& phi, Field& phidot, const SpectralOperators& operators,
                             const Background& background, double m2, double t0, std::uint64_t seed,
                             double kcut, TachyonicModes tachyonic) {
  const auto& d = operators.decomposition();
  const auto table = mode_table(d, background, m2, t0, lattice_n2(d.box()), tachyonic);
  for (std::size_t n2 = 1; n2 < table.modes.size(); ++n2) {
    const ModeValue& mode = table.modes[n2];
    if (!(std::isfinite(mode.u.real()) && std::isfinite(mode.u.imag()) && std::isfinite(mode.du_dt.real()) &&
          std::isfinite(mode.du_dt.imag())))
      throw RuntimeError(
          fmt::format("the vacuum mode function of |k| = {:.6g} (m_eff^2 = {:.6g}, H = {:.6g}) "
                      "is not finite",
                      d.box().dk() * std::sqrt(static_cast<double>(n2)), m2, background.hubble(t0)),
          /*collective=*/true);
  }
  return draw_from_table(phi, phidot, operators, table, seed, kcut);
}

VacuumDraw draw_wkb_modes(Field& phi, Field& phidot, const SpectralOperators& operators, double a0, double m2,
                          std::uint64_t seed, double kcut) {
  const auto& d = operators.decomposition();
  const auto needed = lattice_n2(d.box());
  ModeTable table{std::vector<ModeValue>(needed.size()), std::vector<char>(needed.size(), 0),
                  TachyonicModes::massless};
  const double dk = d.box().dk();
  for (std::size_t n2 = 1; n2 < needed.size(); ++n2) {
    if (needed[n2] == 0) {
      continue;
    }
    const double k = dk * std::sqrt(static_cast<double>(n2));
    if (is_tachyonic(k, a0, m2)) {
      table.modes[n2] = massless_vacuum(k, a0);
      table.tachyonic[n2] = 1;
      continue;
    }
    const double omega = std::sqrt(k * k / (a0 * a0) + m2);
    table.modes[n2].u = 1.0 / std::sqrt(2.0 * omega * a0 * a0 * a0);
    table.modes[n2].du_dt = std::complex<double>(0.0, -omega) * table.modes[n2].u;
  }
  return draw_from_table(phi, phidot, operators, table, seed, kcut);
}

void require_fluctuations_below_background(const InitialConditionsReport& report) {
  if (!report.self_consistent) {
    return;
  }
  for (std::size_t i = 0; i < report.fields.size(); ++i) {
    const FieldStart& start = report.fields[i];
    if (!start.prescribed && !(start.fluctuation_energy <= report.background_energy))
      throw FluctuationEnergyError(
          i, start.fluctuation_energy, report.background_energy,
          fmt::format(
              "field {} starts with fluctuations of energy density {:.6g} (kinetic + gradient), above "
              "the homogeneous background's {:.6g}: the vacuum is a perturbation of the background "
              "that sources the expansion, not its largest part",
              i, start.fluctuation_energy, report.background_energy));
  }
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

InitialConditionsReport set_initial_conditions(FieldLattice& lattice, SpectralOperators& operators,
                                               const std::vector<FieldInitialConditions>& initial) {
  if (initial.size() != lattice.field_count())
    throw InputError(fmt::format("initial conditions for {} fields given to a lattice of {} fields",
                                 initial.size(), lattice.field_count()));
  const double t0 = lattice.time();
  const Expansion& expansion = lattice.expansion();
  const auto values = means(initial);
  InitialConditionsReport report;
  report.background_energy = potential_V(lattice.potential(), values) + expansion.rho_lambda;
  for (const auto& f : initial) {
    report.background_energy += 0.5 * f.velocity * f.velocity;
  }
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
    FieldStart start;
    start.m2 = potential_d2V(lattice.potential(), values, i, i);
    if (ic.fluctuations != Fluctuations::none) {
      // In flat space (H = 0) the Bunch-Davies vacuum is the WKB one (up to each mode's phase e^{-i omega
      // t0}, which the random phases absorb). The Friedmann start's de Sitter past is an assumption, not the
      // run's history: its tachyonic modes follow the rule.
      const VacuumDraw draw =
          ic.fluctuations == Fluctuations::wkb || background->hubble(t0) == 0.0
              ? draw_wkb_modes(phi, velocity, operators, a0, start.m2, ic.seed, ic.kcut)
              : draw_vacuum_modes(phi, velocity, operators, *background, start.m2, t0, ic.seed, ic.kcut,
                                  expansion.fixed != nullptr ? TachyonicModes::integrated
                                                             : TachyonicModes::massless);
      start.tachyonic_modes = draw.tachyonic_modes;
      start.rule = draw.rule;
      operators.plan().to_real(phi, Scale::full);
      operators.plan().to_real(velocity, Scale::full);
    }
    report.fields.push_back(start);
    double* q = phi.real_data();
    double* p = velocity.real_data();
    const double mean = ic.mean, v = ic.velocity;
    for_each_site_row(phi.decomposition(), [=](const SiteRow& row) {
      for (std::ptrdiff_t z = 0; z < row.length; ++z) {
        q[row.offset + z] += mean;
        p[row.offset + z] += v;
      }
    });
    const Box& box = phi.decomposition().box();
    for (const auto& [formula, target] : {std::pair{&ic.profile, q}, std::pair{&ic.velocity_profile, p}}) {
      if (formula->empty()) {
        continue;
      }
      const SiteProfile profile(*formula, box.length);
      const double length = box.length, n = static_cast<double>(box.n);
      double* out = target;
      // x = i L / N exactly as written (not i dx): the convention the header states.
      for_each_site_row(phi.decomposition(), [&profile, out, length, n](const SiteRow& row) {
        const double x = static_cast<double>(row.ix) * length / n;
        const double y = static_cast<double>(row.iy) * length / n;
        for (std::ptrdiff_t z = 0; z < row.length; ++z) {
          out[row.offset + z] += profile(x, y, static_cast<double>(z) * length / n);
        }
      });
    }
  }
  lattice.start(t0);
  // The energies once after the draw (the run's first diagnostics reuse them: energies() is cached).
  const LatticeEnergies energies = lattice.energies();
  for (std::size_t i = 0; i < initial.size(); ++i) {
    report.fields[i].fluctuation_energy =
        energies.kinetic[i] - 0.5 * initial[i].velocity * initial[i].velocity + energies.gradient[i];
    report.fields[i].prescribed = !initial[i].profile.empty() || !initial[i].velocity_profile.empty();
  }
  report.self_consistent = expansion.fixed == nullptr;
  return report;
}

} // namespace inflanet
