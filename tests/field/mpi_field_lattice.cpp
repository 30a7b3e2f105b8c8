// Several fields on the lattice (field_lattice.hpp), against analytic and independent answers:
// parametric resonance of chi in lambda phi^4 + g2 phi^2 chi^2 against the Floquet exponent of the linear
// mode equation (integrated here over one period, independently of the lattice); the self-consistent
// expansion of homogeneous fields (the homogeneous Friedmann system: its start on the constraint, the
// drift's exact flow, one force per kick group, de Sitter from rho_Lambda alone, the stiff fluid of a free
// field, and the trajectory of one and of two coupled fields against an RK4 integration of Friedmann +
// Klein-Gordon, converging at each integrator's order); the Friedmann constraint violation of the coupled
// lattice-plus-scale-factor system converging at each integrator's order; one field with a spectator at zero
// reproducing the former single-field system; merged step boundaries equal to separate steps; and whole runs
// independent of the rank count. Measured numbers are printed by rank 0 as "[measured] ...".
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
// 2. Self-consistent expansion of homogeneous fields. With no fluctuations the lattice is exactly the
// homogeneous system of the mean fields and (b = ln a, p_b) (field_lattice.hpp, scale_factor.hpp): its
// start on the constraint surface, the drift's exact flow and closed form, one force per kick group, the
// trajectory against an independent ODE integration of Friedmann + Klein-Gordon and its convergence
// order, and the exact solutions (de Sitter from rho_Lambda alone, the stiff fluid of a free field).

namespace {
constexpr double mass = 1.0, phi_start = 1.0;
using inflanet::testing::reference_rate;
using inflanet::testing::reference_solution;
using inflanet::testing::ReferenceModel;
using inflanet::testing::ReferenceState;

/// Homogeneous fields (fluctuations "none", start = {mean, velocity} per field) on a 4^3 lattice under
/// Friedmann; by default the massive field from rest at phi = 1 (H0 = sqrt(1/6)) with chi a spectator at 0.
struct HomogeneousRun {
  Lattice lattice{4, 10.0};
  FieldLattice fields;
  explicit HomogeneousRun(double alpha = 0.0)
      : HomogeneousRun(phi_chi, ChaoticG2(mass, 0.0), {{phi_start, 0.0}, {0.0, 0.0}},
                       Expansion::friedmann(1.0), alpha) {}
  HomogeneousRun(const std::vector<std::string>& names, const Potential& potential,
                 const std::vector<std::array<double, 2>>& start, const Expansion& expansion,
                 double alpha = 0.0)
      : fields(lattice.ops, names, potential, expansion, 0.0, alpha) {
    std::vector<FieldInitialConditions> initial;
    for (const auto& [mean, velocity] : start) {
      initial.push_back(field(mean, velocity, Fluctuations::none, 1));
    }
    set_initial_conditions(fields, lattice.ops, initial);
  }
  [[nodiscard]] double phi(std::size_t i) const { return lattice.ops.mean(fields.phi(i)); }
  /// dphi_i/dt = pi_i / a^3 (between steps).
  [[nodiscard]] double phidot(std::size_t i) const {
    const double a = fields.a();
    return lattice.ops.mean(fields.momentum(i)) / (a * a * a);
  }
};

/// Least-squares slope of log(y) against log(x).
double log_log_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const auto n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/// The worst differences over the steps between a homogeneous run and the reference ODE.
struct OdeErrors {
  double a = 0.0, phi = 0.0, phidot = 0.0, hubble = 0.0; ///< |da|/a, |dphi_i|, |dphidot_i|, |dH|
  double violation = 0.0;                                ///< the run's largest constraint violation
  double reference = 0.0; ///< the reference's own error: 1000 against 500 RK4 substeps per step
};

/// Advances `run` by `steps` yoshida6 steps of h, comparing a, H = (a'/a of the reference) and the fields'
/// means and velocities with the reference after every step (1000 RK4 substeps per step, 5e-5 apart for
/// h = 0.05, and checked against 500).
OdeErrors compare_with_ode(HomogeneousRun& run, const ReferenceModel& model, const ReferenceState& start,
                           double h, long steps) {
  const auto integrator = Integrator::from_name("yoshida6");
  ReferenceState ref = start, check = start;
  OdeErrors e;
  double t_previous = 0.0;
  for (long n = 0; n < steps; ++n) {
    integrator.step(run.fields, h);
    const double t = run.fields.time();
    ref = reference_solution(model, ref, t - t_previous, 1000);
    check = reference_solution(model, check, t - t_previous, 500);
    t_previous = t;
    const double a = run.fields.a(), hubble_ref = static_cast<double>(reference_rate(model, ref)[0] / ref[0]);
    e.a = std::max(e.a, std::abs(a - static_cast<double>(ref[0])) / a);
    e.hubble = std::max(e.hubble, std::abs(run.fields.hubble() - hubble_ref));
    for (std::size_t i = 0; i < run.fields.field_count(); ++i) {
      e.phi = std::max(e.phi, std::abs(run.phi(i) - static_cast<double>(ref[1 + i])));
      e.phidot = std::max(e.phidot, std::abs(run.phidot(i) - static_cast<double>(ref[3 + i])));
    }
    e.violation = std::max(e.violation, run.fields.energies().constraint_violation());
  }
  e.reference = static_cast<double>(std::max(std::abs(ref[0] - check[0]), std::abs(ref[1] - check[1])));
  return e;
}

const ReferenceState massive_start{1.0L, phi_start, 0.0L, 0.0L, 0.0L};
} // namespace

TEST(FieldLattice, FriedmannStartsOnTheConstraintSurfaceExpanding) {
  HomogeneousRun run;
  const LatticeEnergies e = run.fields.energies();
  const double a3 = e.a * e.a * e.a;
  EXPECT_NEAR(run.fields.hubble(), std::sqrt(0.5 / 3.0), 1e-16);
  EXPECT_LT(e.constraint_violation(), 1e-15);
  EXPECT_NEAR(a3 * (e.rho() - 3.0 * e.hubble * e.hubble), 0.0, 1e-15); // the Hamiltonian
  EXPECT_DOUBLE_EQ(e.rho(), 0.5);
  EXPECT_DOUBLE_EQ(e.pressure(), -0.5);
}

TEST(FieldLattice, FriedmannDriftIsAFlowComposingAndReversing) {
  // The drift is an exact flow: D(s1) D(s2) = D(s1 + s2), D(s) D(-s) = identity, to rounding.
  const auto start = [] {
    return HomogeneousRun({"phi"}, Quadratic{mass}, {{0.3, -0.8}}, Expansion::friedmann(1.7));
  };
  HomogeneousRun one = start(), two = start();
  one.fields.drift(0.7);
  two.fields.drift(0.25);
  two.fields.drift(0.45);
  EXPECT_NEAR(one.fields.a(), two.fields.a(), 1e-14 * one.fields.a());
  EXPECT_NEAR(one.phi(0), two.phi(0), 1e-14);
  EXPECT_NEAR(one.fields.hubble(), two.fields.hubble(), 1e-14);
  EXPECT_NEAR(one.phidot(0), two.phidot(0), 1e-14);
  one.fields.drift(-0.7);
  EXPECT_NEAR(one.fields.a(), 1.7, 1e-14);
  EXPECT_NEAR(one.phi(0), 0.3, 1e-14);
  EXPECT_NEAR(one.phidot(0), -0.8, 1e-14);
}

TEST(FieldLattice, FriedmannDriftIsExactForAStiffFluidUniverse) {
  // With V = 0 the whole system is the drift alone (the exact flow of e^{-3b} K): a stiff-fluid (p = rho)
  // universe with H^2 = phidot^2 / 6, a ~ t^{1/3}, whose closed form one drift must reproduce to rounding.
  HomogeneousRun run({"phi"}, Quadratic{0.0}, {{0.2, 0.9}}, Expansion::friedmann(1.3));
  const double H0 = run.fields.hubble(), t_end = 2.0;
  run.fields.drift(t_end);
  // Closed form of the stiff universe: a^3 = a0^3 (1 + 3 H0 t), phidot = phidot0 / (1 + 3 H0 t),
  // phi = phi0 + phidot0 ln(1 + 3 H0 t) / (3 H0).
  const double x = 1.0 + 3.0 * H0 * t_end;
  EXPECT_NEAR(run.fields.a(), 1.3 * std::cbrt(x), 1e-14);
  EXPECT_NEAR(run.phidot(0), 0.9 / x, 1e-15);
  EXPECT_NEAR(run.phi(0), 0.2 + 0.9 * std::log(x) / (3.0 * H0), 1e-14);
  EXPECT_NEAR(run.fields.hubble(), H0 / x, 1e-15);
}

TEST(FieldLattice, FriedmannOneForceEvaluationPerKickGroup) {
  // step() flushes the momentum map once per maximal run of kicks (and frictions) between drifts, and each
  // flush evaluates V and dV once, except that a force evaluated since the last drift is reused: the one
  // start() evaluates for rho, and the last group's at the next step's first group.
  for (const auto& name : Integrator::names()) {
    const auto integrator = Integrator::from_name(name);
    HomogeneousRun run;
    long expected = run.fields.force_evaluations();
    EXPECT_EQ(expected, 1) << name;
    bool force_valid = true;
    for (int n = 0; n < 10; ++n) {
      for (const Stage& stage : integrator.stages()) {
        if (stage.flow == Flow::drift) {
          force_valid = false;
        } else if (stage.flow == Flow::kick && !force_valid) {
          ++expected;
          force_valid = true;
        }
      }
      integrator.step(run.fields, 0.01);
    }
    EXPECT_EQ(run.fields.force_evaluations(), expected) << name;
  }
}

TEST(FieldLattice, FriedmannHomogeneousFieldMatchesOdeYoshida6) {
  // The massive field from rest at phi = 1: about three oscillations to t = 20, while a grows by about 6.5
  // (matter-like, a ~ t^{2/3}); a, phi, phidot and H compared after every step.
  HomogeneousRun run;
  const OdeErrors e = compare_with_ode(run, ReferenceModel{}, massive_start, 0.05, 400);
  report("homogeneous massive field on the lattice, yoshida6 h = 0.05 to t = %.0f (a = %.6f): worst over the "
         "steps |da|/a = %.2e, |dphi| = %.2e, |dphidot| = %.2e, |dH| = %.2e, constraint violation %.2e; "
         "reference self-check %.2e",
         run.fields.time(), run.fields.a(), e.a, e.phi, e.phidot, e.hubble, e.violation, e.reference);
  EXPECT_LT(e.reference, 1e-13);
  EXPECT_GT(run.fields.a(), 3.0);
  EXPECT_LT(e.a, 1e-8);
  EXPECT_LT(e.phi, 1e-8);
  EXPECT_LT(e.phidot, 1e-8);
  EXPECT_LT(e.hubble, 1e-8);
}

TEST(FieldLattice, FriedmannHomogeneousHubbleAndConstraintMatchOde) {
  // h = 0.02 to t = 10: a to 1e-10, H = -p_b / (6 a^3) to sqrt(rho_ref / 3) within 1e-9, and the
  // constraint below 1e-10 at every step.
  HomogeneousRun run;
  const OdeErrors e = compare_with_ode(run, ReferenceModel{}, massive_start, 0.02, 500);
  report("homogeneous massive field on the lattice, yoshida6 h = 0.02 to t = %.0f: worst over the steps "
         "|da|/a = %.2e, |dH| = %.2e, constraint violation %.2e",
         run.fields.time(), e.a, e.hubble, e.violation);
  EXPECT_LT(e.a, 1e-10);
  EXPECT_LT(e.hubble, 1e-9);
  EXPECT_LT(e.violation, 1e-10);
}

TEST(FieldLattice, FriedmannScaleFactorGrowsAsExpOfTheIntegralOfH) {
  // (a(t) / a(t + s))^3 = exp(-3 int_t^{t+s} H): the momentum's H = -p_b / (6 a^3) is the expansion rate
  // of a. Simpson's rule on H at the steps (h = 0.005, 80 intervals of [2.37, 2.77]).
  HomogeneousRun run;
  const auto integrator = Integrator::from_name("yoshida6");
  const double h = 0.005;
  const long first = 474, last = 554;
  double a_first = 0.0, integral = 0.0;
  for (long n = 1; n <= last; ++n) {
    integrator.step(run.fields, h);
    if (n >= first) {
      const long k = n - first;
      const double w = (k == 0 || n == last) ? 1.0 : (k % 2 == 1 ? 4.0 : 2.0);
      integral += w * run.fields.hubble();
      a_first = k == 0 ? run.fields.a() : a_first;
    }
  }
  integral *= h / 3.0;
  const double ratio = std::pow(a_first / run.fields.a(), 3);
  report("(a(t) / a(t + s))^3 = %.15f, exp(-3 int H) = %.15f, difference %.2e", ratio,
         std::exp(-3.0 * integral), ratio - std::exp(-3.0 * integral));
  EXPECT_NEAR(ratio, std::exp(-3.0 * integral), 1e-10);
}

TEST(FieldLattice, FriedmannHomogeneousStateAndConstraintConvergeAtIntegratorOrder) {
  // The order of each composition measured on the homogeneous field-plus-scale-factor system: the error of
  // (a, phi, phidot) at t = 10 against the reference, and the largest constraint violation over t <= 10, for
  // steps h0 .. h0/8 (h0 per order keeps the errors well above rounding and in the asymptotic range).
  const double t_end = 10.0;
  const ReferenceState ref = reference_solution(ReferenceModel{}, massive_start, t_end, 200000);
  for (const auto& name : Integrator::names()) {
    const auto integrator = Integrator::from_name(name);
    const double h0 = integrator.order() >= 6 ? 0.2 : (integrator.order() >= 4 ? 0.1 : 0.02);
    std::vector<double> hs, errors, violations;
    for (int k = 0; k < 4; ++k) {
      const double h = h0 / std::pow(2.0, k);
      HomogeneousRun run;
      double worst = run.fields.energies().constraint_violation();
      for (long n = 0; n < std::lround(t_end / h); ++n) {
        integrator.step(run.fields, h);
        worst = std::max(worst, run.fields.energies().constraint_violation());
      }
      hs.push_back(h);
      errors.push_back(std::max({std::abs(run.fields.a() - static_cast<double>(ref[0])) / run.fields.a(),
                                 std::abs(run.phi(0) - static_cast<double>(ref[1])),
                                 std::abs(run.phidot(0) - static_cast<double>(ref[3]))}));
      violations.push_back(worst);
    }
    const double state_order = log_log_slope(hs, errors), violation_order = log_log_slope(hs, violations);
    report("homogeneous, %-8s h = %g..%g: state error %.3g %.3g %.3g %.3g (order %.3f), max violation %.3g "
           "%.3g %.3g %.3g (order %.3f)",
           name.c_str(), hs.front(), hs.back(), errors[0], errors[1], errors[2], errors[3], state_order,
           violations[0], violations[1], violations[2], violations[3], violation_order);
    EXPECT_NEAR(state_order, integrator.order(), 0.2) << name;
    EXPECT_NEAR(violation_order, integrator.order(), 0.2) << name;
  }
}

TEST(FieldLattice, FriedmannTwoCoupledFieldsWithCosmologicalConstantMatchOde) {
  // V = m1^2 phi^2 / 2 + m2^2 chi^2 / 2 + g2 phi^2 chi^2 / 2 plus rho_Lambda, both fields moving; the
  // potential is an expression (no built-in has m2), the reference the same ODE.
  PotentialSpec spec;
  spec.kind = "expression";
  spec.fields = phi_chi;
  spec.parameters = {{"m1", 1.0}, {"m2", 0.5}, {"g2", 2.0}};
  spec.V = "0.5*m1^2*phi^2 + 0.5*m2^2*chi^2 + 0.5*g2*phi^2*chi^2";
  spec.dV = {{"phi", "m1^2*phi + g2*phi*chi^2"}, {"chi", "m2^2*chi + g2*chi*phi^2"}};
  HomogeneousRun run(phi_chi, make_potential(spec), {{1.0, 0.1}, {0.5, -0.2}},
                     Expansion::friedmann(1.0, 0.1));
  const auto integrator = Integrator::from_name("yoshida6");
  double worst = 0.0;
  for (int n = 0; n < 750; ++n) {
    integrator.step(run.fields, 0.02);
    worst = std::max(worst, run.fields.energies().constraint_violation());
  }
  const ReferenceState ref = reference_solution(ReferenceModel{1.0L, 0.5L, 2.0L, 0.1L},
                                                {1.0L, 1.0L, 0.5L, 0.1L, -0.2L}, run.fields.time(), 300000);
  double error = std::abs(run.fields.a() - static_cast<double>(ref[0])) / run.fields.a();
  for (std::size_t i = 0; i < 2; ++i) {
    error = std::max({error, std::abs(run.phi(i) - static_cast<double>(ref[1 + i])),
                      std::abs(run.phidot(i) - static_cast<double>(ref[3 + i]))});
  }
  report(
      "two fields + rho_Lambda, yoshida6 h = 0.02 to t = %g (a = %.4g): state error %.3g, max violation %.3g",
      run.fields.time(), run.fields.a(), error, worst);
  EXPECT_LT(error, 1e-8);
  EXPECT_LT(worst, 1e-8);
}

TEST(FieldLattice, FriedmannCosmologicalConstantAloneIsDeSitter) {
  // A field at rest at the minimum: rho = rho_Lambda = 3 (H = 1), a = e^t.
  HomogeneousRun run({"phi"}, Quadratic{mass}, {{0.0, 0.0}}, Expansion::friedmann(1.0, 3.0));
  const auto integrator = Integrator::from_name("yoshida6");
  for (int n = 0; n < 500; ++n) {
    integrator.step(run.fields, 0.01);
  }
  report("de Sitter, yoshida6 h = 0.01 to t = 5: |a - e^t| / a = %.3g, |H - 1| = %.3g",
         std::abs(run.fields.a() - std::exp(run.fields.time())) / run.fields.a(),
         std::abs(run.fields.hubble() - 1.0));
  EXPECT_NEAR(run.fields.a() / std::exp(run.fields.time()), 1.0, 1e-11);
  EXPECT_NEAR(run.fields.hubble(), 1.0, 1e-11);
  EXPECT_EQ(max_abs(run.fields.phi(0)), 0.0);
}

TEST(FieldLattice, FriedmannOneFieldAndSpectatorAtZeroGiveTheSameTrajectory) {
  // quadratic alone (the one-field pass) and chaotic_g2 with g2 = 0 and chi at rest at 0 (the two-field
  // pass) are the same homogeneous universe.
  HomogeneousRun single({"phi"}, Quadratic{mass}, {{phi_start, 0.0}}, Expansion::friedmann(1.0));
  HomogeneousRun pair;
  const auto integrator = Integrator::from_name("yoshida4");
  for (int n = 0; n < 100; ++n) {
    integrator.step(single.fields, 0.05);
    integrator.step(pair.fields, 0.05);
  }
  EXPECT_DOUBLE_EQ(pair.fields.a(), single.fields.a());
  EXPECT_DOUBLE_EQ(pair.phi(0), single.phi(0));
  EXPECT_EQ(max_abs(pair.fields.phi(1)), 0.0);
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
  std::vector<double> hs, v;
  for (int j = 0; j < 3; ++j) {
    hs.push_back(h0 / static_cast<double>(1 << j));
    v.push_back(fluctuating_violation(integrator, hs.back(), t_end, alpha));
  }
  return {{v[0], v[1], v[2]}, log_log_slope(hs, v)};
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
    const auto reference = reference_solution(ReferenceModel{}, massive_start, t, 500000);
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

TEST(FieldLattice, FriedmannRefusesInvalidStarts) {
  const auto start = [](const std::vector<std::string>& names,
                        const std::vector<std::array<double, 2>>& fields, double a0,
                        double rho_lambda = 0.0) {
    HomogeneousRun run(names, Quadratic{mass}, fields, Expansion::friedmann(a0, rho_lambda));
  };
  EXPECT_THROW(start({}, {}, 1.0), InputError);                      // no fields
  EXPECT_THROW(start(phi_chi, {{1.0, 0.0}}, 1.0), InputError);       // one start for two fields
  EXPECT_THROW(start({"phi"}, {{1.0, 0.0}}, 0.0), InputError);       // a0 = 0
  EXPECT_THROW(start({"phi"}, {{0.0, 0.0}}, 1.0), InputError);       // rho = 0
  EXPECT_THROW(start({"phi"}, {{1.0, 0.0}}, 1.0, -1.0), InputError); // rho < 0
  EXPECT_NO_THROW(start({"phi"}, {{1.0, 0.0}}, 1.0));
}
