// Several fields on the lattice (multi_field_lattice.hpp), against analytic and independent answers:
// parametric resonance of chi in lambda phi^4 + g2 phi^2 chi^2 against the Floquet exponent of the linear
// mode equation (integrated here over one period, independently of the lattice); the self-consistent
// expansion of a homogeneous massive field against an RK4 integration of Friedmann + Klein-Gordon; the
// Friedmann constraint violation of the coupled lattice-plus-scale-factor system converging at each
// integrator's order; one field with a spectator at zero reproducing the former single-field system; merged
// step boundaries equal to separate steps; and whole runs independent of the rank count. Measured numbers
// are printed by rank 0 as "[measured] ...".
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdio>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "former_inflaton.hpp"
#include "friedmann_reference.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/field_views.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::Lattice;
using inflanet::testing::max_deviation;
using inflanet::testing::report;

namespace {
constexpr double two_pi = 2.0 * std::numbers::pi;

double max_abs(const Field& f) {
  double m = 0.0;
  for_each_site(f.decomposition(),
                [&](const Site& s) { m = std::max(m, std::abs(f.real_data()[s.offset])); });
  return f.decomposition().max(m);
}

/// Largest |a - b| over the lattice, for two fields on the same decomposition (collective).
double max_difference(const Field& a, const Field& b) {
  double worst = 0.0;
  for_each_site(a.decomposition(), [&](const Site& s) {
    worst = std::max(worst, std::abs(a.real_data()[s.offset] - b.real_data()[s.offset]));
  });
  return a.decomposition().max(worst);
}

const std::vector<std::string> phi_chi = {"phi", "chi"};

FieldInitialConditions field(double mean, double velocity, Fluctuations fluctuations, std::uint64_t seed) {
  FieldInitialConditions ic;
  ic.mean = mean;
  ic.velocity = velocity;
  ic.fluctuations = fluctuations;
  ic.seed = seed;
  return ic;
}

// ---------------------------------------------------------------------------------------------------------
// Floquet exponent of chi'' + (kappa^2 + q f^2) chi = 0 with f'' + f^3 = 0, f(0) = 1, f'(0) = 0 (the rescaled
// homogeneous phi of lambda phi^4 / 4: x = sqrt(lambda) phi0 t, kappa = k / (sqrt(lambda) phi0), q = g2 /
// lambda). Classic RK4 over one period of f (found by the same integration: f's first zero is a quarter
// period), monodromy matrix from the two fundamental solutions, mu = ln |largest eigenvalue| / T.
struct Floquet {
  double period = 0.0; ///< T in x
  double mu = 0.0;     ///< in 1/x
};

Floquet floquet_exponent(double q, double kappa) {
  using State = std::array<double, 6>; // f, f', chi1, chi1', chi2, chi2'
  const auto rate = [&](const State& y) {
    const double w2 = kappa * kappa + q * y[0] * y[0];
    return State{y[1], -y[0] * y[0] * y[0], y[3], -w2 * y[2], y[5], -w2 * y[4]};
  };
  const auto rk4 = [&](State y, double h) {
    const State k1 = rate(y);
    State t{};
    for (std::size_t i = 0; i < 6; ++i) {
      t[i] = y[i] + 0.5 * h * k1[i];
    }
    const State k2 = rate(t);
    for (std::size_t i = 0; i < 6; ++i) {
      t[i] = y[i] + 0.5 * h * k2[i];
    }
    const State k3 = rate(t);
    for (std::size_t i = 0; i < 6; ++i) {
      t[i] = y[i] + h * k3[i];
    }
    const State k4 = rate(t);
    for (std::size_t i = 0; i < 6; ++i) {
      y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
    }
    return y;
  };
  // Quarter period: bisect the first zero of f with small RK4 steps.
  constexpr double h0 = 1e-4;
  State y{1.0, 0.0, 1.0, 0.0, 0.0, 1.0};
  double x = 0.0;
  while (true) {
    const State next = rk4(y, h0);
    if (next[0] <= 0.0) {
      double lo = 0.0, hi = h0;
      for (int it = 0; it < 60; ++it) {
        const double mid = 0.5 * (lo + hi);
        (rk4(y, mid)[0] > 0.0 ? lo : hi) = mid;
      }
      x += 0.5 * (lo + hi);
      break;
    }
    y = next;
    x += h0;
  }
  Floquet out;
  out.period = 4.0 * x;
  constexpr int steps = 40000;
  const double h = out.period / steps;
  State z{1.0, 0.0, 1.0, 0.0, 0.0, 1.0};
  for (int n = 0; n < steps; ++n) {
    z = rk4(z, h);
  }
  // Monodromy [[chi1, chi2], [chi1', chi2']]; det = 1, so the eigenvalues solve l^2 - tr l + 1 = 0.
  const double trace = z[2] + z[5];
  const double largest =
      std::abs(trace) > 2.0 ? 0.5 * (std::abs(trace) + std::sqrt(trace * trace - 4.0)) : 1.0;
  out.mu = std::log(largest) / out.period;
  return out;
}

/// Sum of |chi~_n|^2 over the modes with |n|^2 = n2 (Hermitian-weighted; collective).
double shell_power(const Field& chi, Field& scratch, FftPlan& plan, long n2) {
  scratch.copy_from(chi);
  plan.to_fourier(scratch);
  double sum = 0.0;
  for_each_mode(scratch.decomposition(), [&](const Mode& m) {
    if (m.n2() == n2) {
      sum += m.weight * std::norm(scratch.fourier_data()[m.offset]);
    }
  });
  return scratch.decomposition().sum(sum);
}

} // namespace

// ---------------------------------------------------------------------------------------------------------
// 1. Parametric resonance: the early exponential growth of chi_k at three q in the first band.

TEST(FieldLattice, ParametricResonanceGrowsAtTheFloquetExponent) {
  constexpr double lambda = 1.0, phi0 = 1.0;
  constexpr std::ptrdiff_t n = 8;
  const Minkowski minkowski;
  const Integrator yoshida4 = Integrator::from_name("yoshida4");
  // (q, kappa of the n^2 = 1 shell): inside the first band of each q (the test checks mu > 0.1 there).
  const std::array<std::array<double, 2>, 3> cases = {{{1.0, 0.45}, {1.2, 0.35}, {2.0, 0.3}}};
  for (const auto& [q, kappa] : cases) {
    const Floquet floquet = floquet_exponent(q, kappa);
    ASSERT_GT(floquet.mu, 0.1) << "q = " << q << ", kappa = " << kappa << " is not inside a resonance band";
    const double scale = std::sqrt(lambda) * phi0;  // x = scale * t, k = scale * kappa
    const double length = two_pi / (scale * kappa); // the n^2 = 1 shell has kappa
    const double period = floquet.period / scale, mu = floquet.mu * scale;
    Lattice lattice(n, length);
    FieldLattice fields(lattice.ops, phi_chi, QuarticG2(lambda, q * lambda),
                        Expansion::fixed_background(minkowski), 0.0);
    set_initial_conditions(fields, lattice.ops,
                           {field(phi0, 0.0, Fluctuations::none, 1), field(0.0, 0.0, Fluctuations::wkb, 7)});
    // chi starts 1e-12 of its vacuum: linear for the whole window (its backreaction g2 chi^2 stays ~1e-10).
    Field& chi = fields.phi(1);
    Field& chidot = fields.momentum(1);
    for (Field* f : {&chi, &chidot}) {
      double* data = f->real_data();
      for_each_site(f->decomposition(), [&](const Site& s) { data[s.offset] *= 1e-12; });
    }
    fields.start(0.0);
    Field scratch(lattice.decomposition);
    constexpr int steps_per_period = 200, first = 4, last = 10;
    const double h = period / steps_per_period;
    std::vector<double> log_amplitude;
    for (int j = 0; j <= last; ++j) {
      if (j >= first) {
        log_amplitude.push_back(0.5 * std::log(shell_power(fields.phi(1), scratch, lattice.plan, 1)));
      }
      yoshida4.advance(fields, h, steps_per_period, [](std::int64_t) {});
    }
    // Least-squares slope of ln |chi_k| against t over periods first..last.
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    const double count = static_cast<double>(log_amplitude.size());
    for (std::size_t i = 0; i < log_amplitude.size(); ++i) {
      const double t = period * static_cast<double>(first + static_cast<int>(i));
      sx += t;
      sy += log_amplitude[i];
      sxx += t * t;
      sxy += t * log_amplitude[i];
    }
    const double rate = (count * sxy - sx * sy) / (count * sxx - sx * sx);
    const double phi_mean = lattice.ops.mean(fields.phi(0));
    report("parametric resonance q = %.2f, kappa = %.2f: lattice growth rate %.6f, Floquet exponent %.6f "
           "(relative difference %.2e); <phi> = %.4f at t = %.1f",
           q, kappa, rate, mu, rate / mu - 1.0, phi_mean, fields.time());
    EXPECT_NEAR(rate / mu, 1.0, 0.02) << "q = " << q;
  }
}

// ---------------------------------------------------------------------------------------------------------
// 2. Self-consistent expansion of a homogeneous massive field.

namespace {
constexpr double mass = 1.0, phi_start = 1.0;

/// A homogeneous massive field (chi at zero is a spectator) on a 4^3 lattice, Friedmann background.
struct HomogeneousRun {
  Lattice lattice{4, 10.0};
  FieldLattice fields;
  explicit HomogeneousRun(double alpha = 0.0)
      : fields(lattice.ops, phi_chi, ChaoticG2(mass, 0.0), Expansion::friedmann(1.0), 0.0, alpha) {
    set_initial_conditions(
        fields, lattice.ops,
        {field(phi_start, 0.0, Fluctuations::none, 1), field(0.0, 0.0, Fluctuations::none, 2)});
  }
};
} // namespace

TEST(FieldLattice, FriedmannHomogeneousFieldMatchesOdeYoshida6) {
  constexpr double t_end = 20.0, h = 0.05;
  constexpr long steps = 400;
  HomogeneousRun run;
  Integrator::from_name("yoshida6").advance(run.fields, h, steps, [](std::int64_t) {});
  const auto reference = inflanet::testing::reference_solution(
      inflanet::testing::ReferenceModel{}, {1.0L, phi_start, 0.0L, 0.0L, 0.0L}, t_end, steps * 1000);
  const double a_ref = static_cast<double>(reference[0]), phi_ref = static_cast<double>(reference[1]);
  const double da = std::abs(run.fields.a() - a_ref) / a_ref;
  const double dphi = std::abs(run.lattice.ops.mean(run.fields.phi(0)) - phi_ref);
  const double violation = run.fields.energies().constraint_violation();
  report(
      "homogeneous massive field on the lattice, yoshida6 h = %.2f to t = %.0f: |da|/a = %.2e, |dphi| = %.2e "
      "(a = %.6f), constraint violation %.2e",
      h, t_end, da, dphi, a_ref, violation);
  EXPECT_LT(da, 1e-8);
  EXPECT_LT(dphi, 1e-8);
}

// ---------------------------------------------------------------------------------------------------------
// 3. The constraint violation of the coupled lattice + scale factor system converges at the order.

namespace {
/// chaotic_g2 with both fields fluctuating (enhanced so gradients matter), Friedmann; the largest
/// constraint violation over t in [0, t_end].
double fluctuating_violation(const Integrator& integrator, double h, double t_end, double alpha = 0.0) {
  Lattice lattice(8, 6.0);
  FieldLattice fields(lattice.ops, phi_chi, ChaoticG2(1.0, 2.0), Expansion::friedmann(1.0), 0.0, alpha);
  set_initial_conditions(fields, lattice.ops,
                         {field(1.0, -0.2, Fluctuations::wkb, 3), field(0.3, 0.1, Fluctuations::wkb, 4)});
  // Vacuum amplitudes on 8^3 are small: scale the fluctuations up so gradient and coupling terms are O(10%).
  for (std::size_t i = 0; i < 2; ++i) {
    for (Field* f : {&fields.phi(i), &fields.momentum(i)}) {
      const double mean = lattice.ops.mean(*f);
      double* data = f->real_data();
      for_each_site(f->decomposition(),
                    [&](const Site& s) { data[s.offset] = mean + 5.0 * (data[s.offset] - mean); });
    }
  }
  fields.start(0.0);
  const auto steps = static_cast<std::int64_t>(std::llround(t_end / h));
  double worst = 0.0;
  integrator.advance(fields, h, steps, [&](std::int64_t) {
    worst = std::max(worst, fields.energies().constraint_violation());
  });
  return worst;
}
/// The largest violations at h, h/2, h/4 and the least-squares slope of their logs against log h.
std::pair<std::array<double, 3>, double> violation_order(const Integrator& integrator, double h0,
                                                         double t_end, double alpha) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  std::array<double, 3> v{};
  for (int j = 0; j < 3; ++j) {
    const double h = h0 / static_cast<double>(1 << j);
    v[static_cast<std::size_t>(j)] = fluctuating_violation(integrator, h, t_end, alpha);
    const double lx = std::log(h), ly = std::log(v[static_cast<std::size_t>(j)]);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  return {v, (3.0 * sxy - sx * sy) / (3.0 * sxx - sx * sx)};
}
} // namespace

TEST(FieldLattice, FriedmannConstraintViolationConvergesAtIntegratorOrder) {
  struct Case {
    const char* name;
    double h;
    int order;
  };
  for (const Case c : {Case{"euler", 0.01, 1}, Case{"leapfrog", 0.04, 2}, Case{"yoshida4", 0.05, 4},
                       Case{"yoshida6", 0.04, 6}}) {
    const auto [v, order] = violation_order(Integrator::from_name(c.name), c.h, 2.0, 0.0);
    report("lattice + scale factor, %s: max constraint violation %.3e, %.3e, %.3e at h = %.3g, h/2, h/4: "
           "order %.2f",
           c.name, v[0], v[1], v[2], c.h, order);
    EXPECT_NEAR(order, c.order, 0.3) << c.name;
  }
}

TEST(FieldLattice, FriedmannInConformalTimeConstraintViolationConvergesAtIntegratorOrder) {
  // alpha = 1 (dt = a d eta): the same lattice + scale factor system under the lapse a, stepped in eta
  // to eta = 0.25 (a: 1 -> 2.7; the enhanced fluctuations make H(0) = 9).
  struct Case {
    const char* name;
    double h;
    int order;
  };
  for (const Case c : {Case{"euler", 0.002, 1}, Case{"leapfrog", 0.01, 2}, Case{"yoshida4", 0.01, 4},
                       Case{"yoshida6", 0.01, 6}}) {
    const auto [v, order] = violation_order(Integrator::from_name(c.name), c.h, 0.25, 1.0);
    report("lattice + scale factor in conformal time, %s: max constraint violation %.3e, %.3e, %.3e at "
           "h = %.3g, h/2, h/4 (in eta): order %.2f",
           c.name, v[0], v[1], v[2], c.h, order);
    EXPECT_NEAR(order, c.order, 0.3) << c.name;
  }
}

TEST(FieldLattice, FriedmannInConformalTimeFollowsTheOdeInCosmicTime) {
  // The run in eta reports the cosmic time it reached (int a d eta along each drift); a and phi there are
  // the ODE's (integrated in t, independently), so both the dynamics and the clock are right.
  // At h and h/2 the errors fall by 2^6 (the error is the integrator's, not the clock's).
  constexpr double eta_end = 10.0; // t = 59.5, a = 13.1
  double previous = 0.0;
  for (const double h : {0.02, 0.01}) {
    const auto steps = static_cast<long>(std::llround(eta_end / h));
    HomogeneousRun run(1.0);
    Integrator::from_name("yoshida6").advance(run.fields, h, steps, [](std::int64_t) {});
    const double t = run.fields.time();
    const auto reference = inflanet::testing::reference_solution(
        inflanet::testing::ReferenceModel{}, {1.0L, phi_start, 0.0L, 0.0L, 0.0L}, t, 500000);
    const double a_ref = static_cast<double>(reference[0]), phi_ref = static_cast<double>(reference[1]);
    const double da = std::abs(run.fields.a() - a_ref) / a_ref;
    const double dphi = std::abs(run.lattice.ops.mean(run.fields.phi(0)) - phi_ref);
    report("homogeneous massive field in conformal time, yoshida6 h = %.2f in eta to eta = %.0f: t = %.6f, "
           "|da|/a = %.2e, |dphi| = %.2e (a = %.6f)",
           h, eta_end, t, da, dphi, a_ref);
    EXPECT_GT(t, eta_end); // a > 1 throughout: more cosmic time than eta
    const double error = std::max(da, dphi);
    if (previous > 0.0) {
      EXPECT_GT(previous / error, 40.0) << "sixth order: 64 expected";
      EXPECT_LT(error, 1e-8);
    }
    previous = error;
  }
}

TEST(FieldLattice, FriedmannHomogeneousYoshida4ConstraintBelow1e8Over1e4Steps) {
  HomogeneousRun run;
  double worst = 0.0;
  Integrator::from_name("yoshida4").advance(run.fields, 0.01, 10000, [&](std::int64_t) {
    worst = std::max(worst, run.fields.energies().constraint_violation());
  });
  report(
      "homogeneous massive field on the lattice, yoshida4, 1e4 steps of 0.01: max constraint violation %.3e",
      worst);
  EXPECT_LT(worst, 1e-8);
}

// ---------------------------------------------------------------------------------------------------------
// 4. One field and a spectator at zero: the general pass reproduces the former single-field system.

TEST(FieldLattice, SpectatorAtZeroReproducesTheInflaton) {
  constexpr std::ptrdiff_t n = 16;
  constexpr double length = 10.0, dt = 0.02, m = 1.0, phi0 = 0.5;
  const DeSitter background(1.0, 1.0);
  const Integrator yoshida4 = Integrator::from_name("yoshida4");
  Lattice lattice(n, length);
  FormerInflaton inflaton(lattice.ops, background, QuadraticQuartic{m, 0.0}, 0.0);
  {
    FieldLattice one(lattice.ops, {"phi"}, QuadraticQuartic{m, 0.0}, Expansion::fixed_background(background),
                     0.0);
    set_initial_conditions(one, lattice.ops, {field(phi0, 0.0, Fluctuations::bunch_davies, 11)});
    inflaton.phi().copy_from(one.phi(0));
    inflaton.phidot().copy_from(one.momentum(0));
    inflaton.fields_changed(0.0);
  }
  FieldLattice fields(lattice.ops, phi_chi, ChaoticG2(m, 3.0), Expansion::fixed_background(background), 0.0);
  set_initial_conditions(
      fields, lattice.ops,
      {field(phi0, 0.0, Fluctuations::bunch_davies, 11), field(0.0, 0.0, Fluctuations::none, 2)});
  const double initial = max_difference(fields.phi(0), inflaton.phi());
  EXPECT_EQ(initial, 0.0) << "the same seed and mass give the same draw";
  yoshida4.advance(inflaton, dt, 100, [](std::int64_t) {});
  yoshida4.advance(fields, dt, 100, [](std::int64_t) {});
  const double phi_rel = max_difference(fields.phi(0), inflaton.phi()) / max_abs(inflaton.phi());
  const double phidot_rel =
      max_difference(fields.momentum(0), inflaton.phidot()) / max_abs(inflaton.phidot());
  const auto e = fields.energies();
  const auto ei = inflaton.energies();
  report(
      "spectator at zero vs Inflaton after 100 yoshida4 steps: phi %.2e, phidot %.2e, rho %.2e, chi max %.1e",
      phi_rel, phidot_rel, std::abs(e.rho() / ei.rho() - 1.0), max_abs(fields.phi(1)));
  EXPECT_LT(phi_rel, 1e-13);
  EXPECT_LT(phidot_rel, 1e-13);
  EXPECT_LT(std::abs(e.rho() / ei.rho() - 1.0), 1e-13);
  EXPECT_EQ(max_abs(fields.phi(1)), 0.0);
}

// ---------------------------------------------------------------------------------------------------------
// 5. Merged step boundaries (Integrator::advance) equal separate steps; runs do not depend on the ranks.

TEST(FieldLattice, MergedStepBoundariesEqualSeparateSteps) {
  for (const bool friedmann : {false, true}) {
    Lattice lattice(8, 6.0);
    const DeSitter background(0.5, 1.0);
    const Expansion expansion =
        friedmann ? Expansion::friedmann(1.0, 0.1) : Expansion::fixed_background(background);
    const auto initial = std::vector{field(1.0, 0.0, Fluctuations::bunch_davies, 5),
                                     field(0.1, 0.0, Fluctuations::bunch_davies, 6)};
    FieldLattice merged(lattice.ops, phi_chi, ChaoticG2(1.0, 2.0), expansion, 0.0);
    FieldLattice separate(lattice.ops, phi_chi, ChaoticG2(1.0, 2.0), expansion, 0.0);
    set_initial_conditions(merged, lattice.ops, initial);
    set_initial_conditions(separate, lattice.ops, initial);
    const Integrator yoshida4 = Integrator::from_name("yoshida4");
    yoshida4.advance(merged, 0.05, 20, [&](std::int64_t) { (void)merged.energies(); });
    for (int k = 0; k < 20; ++k) {
      yoshida4.step(separate, 0.05);
    }
    double worst = 0.0;
    for (std::size_t i = 0; i < 2; ++i) {
      worst = std::max(worst, max_difference(merged.phi(i), separate.phi(i)));
      worst = std::max(worst, max_difference(merged.momentum(i), separate.momentum(i)));
    }
    report("%s: merged vs separate steps, max deviation %.2e, a %.17g vs %.17g",
           friedmann ? "friedmann" : "de Sitter", worst, merged.a(), separate.a());
    EXPECT_LT(worst, 1e-14);
    EXPECT_NEAR(merged.a(), separate.a(), 1e-14 * separate.a());
    EXPECT_NEAR(merged.hubble(), separate.hubble(), 1e-13 * std::abs(separate.hubble()));
  }
}

TEST(FieldLattice, WholeFriedmannRunIndependentOfRankCount) {
  constexpr std::ptrdiff_t n = 16;
  constexpr double length = 8.0, dt = 0.02;
  constexpr long steps = 100;
  const auto initial =
      std::vector{field(1.0, -0.1, Fluctuations::bunch_davies, 21), field(0.0, 0.0, Fluctuations::wkb, 22)};
  Lattice world(n, length);
  Lattice serial(n, length, MPI_COMM_SELF);
  FieldLattice fw(world.ops, phi_chi, ChaoticG2(1.0, 50.0), Expansion::friedmann(1.0), 0.0);
  FieldLattice fs(serial.ops, phi_chi, ChaoticG2(1.0, 50.0), Expansion::friedmann(1.0), 0.0);
  set_initial_conditions(fw, world.ops, initial);
  set_initial_conditions(fs, serial.ops, initial);
  const Integrator leapfrog = Integrator::from_name("leapfrog");
  leapfrog.advance(fw, dt, steps, [](std::int64_t) {});
  leapfrog.advance(fs, dt, steps, [](std::int64_t) {});
  double worst = 0.0;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto ref = real_view(fs.phi(i));
    const auto ref_p = real_view(fs.momentum(i));
    worst = std::max(worst, max_deviation(fw.phi(i), [&](auto x, auto y, auto z) { return ref(x, y, z); }) /
                                max_abs(fs.phi(i)));
    worst = std::max(worst, max_deviation(fw.momentum(i), [&](auto x, auto y, auto z) {
                              return ref_p(x, y, z);
                            }) / max_abs(fs.momentum(i)));
  }
  const double da = std::abs(fw.a() / fs.a() - 1.0);
  report("friedmann run vs single rank after %ld steps: max rel. deviation of the fields %.2e, of a %.2e",
         steps, worst, da);
  EXPECT_LT(worst, 1e-12);
  EXPECT_LT(da, 1e-13);
}

TEST(FieldLattice, FriedmannRefusesANonPositiveEnergy) {
  Lattice lattice(4, 10.0);
  // hybrid at chi = 0, phi = 0 with a negative cosmological constant: rho = lambda v^4 / 4 + rho_lambda < 0
  FieldLattice fields(lattice.ops, phi_chi, Hybrid(1.0, 0.5, 1.0, 0.0), Expansion::friedmann(1.0, -1.0), 0.0);
  EXPECT_THROW(set_initial_conditions(
                   fields, lattice.ops,
                   {field(0.0, 0.0, Fluctuations::none, 1), field(0.0, 0.0, Fluctuations::none, 2)}),
               InputError);
}
