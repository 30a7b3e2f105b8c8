// The self-consistent homogeneous background (friedmann_system.hpp): the coupled field-plus-scale-factor
// system advanced by the integrator family, against an independent ODE integration of Friedmann +
// Klein-Gordon in cosmic time, with the measured convergence order of the Friedmann constraint violation.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include "friedmann_reference.hpp"
#include "inflanet/background/friedmann_system.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/integrator/integrator.hpp"

using namespace inflanet;
using inflanet::testing::reference_solution;
using inflanet::testing::ReferenceModel;
using inflanet::testing::ReferenceState;

namespace {
constexpr double mass = 1.0, phi_start = 1.0;

HomogeneousPotential quadratic(double m) {
  return {[m](std::span<const double> f) { return 0.5 * m * m * f[0] * f[0]; },
          [m](std::span<const double> f, std::span<double> out) { out[0] = m * m * f[0]; }};
}

FriedmannSystem massive_field() {
  return FriedmannSystem(quadratic(mass), {phi_start}, {0.0}, 1.0);
}

/// The massive single field from rest at phi = 1, a = 1.
ReferenceState massive_reference(double t_end, long steps) {
  return reference_solution(ReferenceModel{}, {1.0L, phi_start, 0.0L, 0.0L, 0.0L}, t_end, steps);
}

/// Advances the massive field by `steps` steps of h; returns the system and the largest violation seen.
struct Trajectory {
  FriedmannSystem system;
  double max_violation;
};

Trajectory run(const Integrator& integrator, double h, long steps) {
  FriedmannSystem system = massive_field();
  double worst = system.constraint_violation();
  for (long n = 0; n < steps; ++n) {
    integrator.step(system, h);
    worst = std::max(worst, system.constraint_violation());
  }
  return {system, worst};
}

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
} // namespace

TEST(FriedmannSystem, StartsOnTheConstraintSurfaceExpanding) {
  const FriedmannSystem system = massive_field();
  EXPECT_NEAR(system.hubble(), std::sqrt(0.5 / 3.0), 1e-16);
  EXPECT_LT(system.constraint_violation(), 1e-15);
  EXPECT_NEAR(system.hamiltonian(), 0.0, 1e-15);
  EXPECT_DOUBLE_EQ(system.rho(), 0.5);
  EXPECT_DOUBLE_EQ(system.pressure(), -0.5);
}

TEST(FriedmannSystem, DriftIsAFlowComposingAndReversing) {
  // The drift is an exact flow: D(s1) D(s2) = D(s1 + s2), D(s) D(-s) = identity, to rounding.
  FriedmannSystem one(quadratic(mass), {0.3}, {-0.8}, 1.7);
  FriedmannSystem two = one;
  one.drift(0.7);
  two.drift(0.25);
  two.drift(0.45);
  EXPECT_NEAR(one.a(), two.a(), 1e-14 * one.a());
  EXPECT_NEAR(one.phi()[0], two.phi()[0], 1e-14);
  EXPECT_NEAR(one.hubble(), two.hubble(), 1e-14);
  EXPECT_NEAR(one.phi_dot(0), two.phi_dot(0), 1e-14);
  one.drift(-0.7);
  EXPECT_NEAR(one.a(), 1.7, 1e-14);
  EXPECT_NEAR(one.phi()[0], 0.3, 1e-14);
  EXPECT_NEAR(one.phi_dot(0), -0.8, 1e-14);
}

TEST(FriedmannSystem, DriftIsExactForAStiffFluidUniverse) {
  // With V = 0 the whole system is the drift alone (the exact flow of e^{-3b} K): a stiff-fluid (p = rho)
  // universe with H^2 = phidot^2 / 6, a ~ t^{1/3}, whose closed form one drift must reproduce to rounding.
  const HomogeneousPotential free{[](std::span<const double>) { return 0.0; },
                                  [](std::span<const double>, std::span<double> out) { out[0] = 0.0; }};
  FriedmannSystem system(free, {0.2}, {0.9}, 1.3);
  const double H0 = system.hubble(), t_end = 2.0;
  system.drift(t_end);
  // Closed form of the stiff universe: a^3 = a0^3 (1 + 3 H0 t), phidot = phidot0 / (1 + 3 H0 t),
  // phi = phi0 + phidot0 ln(1 + 3 H0 t) / (3 H0).
  const double x = 1.0 + 3.0 * H0 * t_end;
  EXPECT_NEAR(system.a(), 1.3 * std::cbrt(x), 1e-14);
  EXPECT_NEAR(system.phi_dot(0), 0.9 / x, 1e-15);
  EXPECT_NEAR(system.phi()[0], 0.2 + 0.9 * std::log(x) / (3.0 * H0), 1e-14);
  EXPECT_NEAR(system.hubble(), H0 / x, 1e-15);
}

TEST(FriedmannSystem, OneForceEvaluationPerKickGroup) {
  // step() flushes the momentum map once per maximal run of kicks (and frictions) between drifts, and
  // each flush evaluates V and dV once.
  for (const auto& name : Integrator::names()) {
    const auto integrator = Integrator::from_name(name);
    long groups = 0;
    bool open = false;
    for (const Stage& stage : integrator.stages()) {
      if (stage.flow == Flow::drift) {
        open = false;
      } else if (stage.flow == Flow::kick && !open) {
        ++groups;
        open = true;
      }
    }
    FriedmannSystem system = massive_field();
    for (int n = 0; n < 10; ++n) {
      integrator.step(system, 0.01);
    }
    EXPECT_EQ(system.force_evaluations(), 10 * groups) << name;
  }
}

TEST(FriedmannSystem, Yoshida6MatchesFriedmannKleinGordonOde) {
  // A massive field from rest at phi = 1 (H0 = sqrt(1/6)): about three oscillations to t = 20, while a
  // grows by about 6.5 (matter-like, a ~ t^{2/3}). a(t), phi(t) and phidot(t) are compared after every
  // step; the reference takes 1000 RK4 substeps per step (5e-5 apart) and is checked against 500.
  const double t_end = 20.0, h = 0.05;
  const auto steps = std::lround(t_end / h);
  const auto integrator = Integrator::from_name("yoshida6");
  FriedmannSystem system = massive_field();
  ReferenceState ref{1.0L, phi_start, 0.0L, 0.0L, 0.0L}, check = ref;
  double a_error = 0.0, phi_error = 0.0, phidot_error = 0.0, t_previous = 0.0;
  for (long n = 0; n < steps; ++n) {
    integrator.step(system, h);
    ref = reference_solution(ReferenceModel{}, ref, system.t() - t_previous, 1000);
    check = reference_solution(ReferenceModel{}, check, system.t() - t_previous, 500);
    t_previous = system.t();
    a_error = std::max(a_error, std::abs(system.a() - static_cast<double>(ref[0])) / system.a());
    phi_error = std::max(phi_error, std::abs(system.phi()[0] - static_cast<double>(ref[1])));
    phidot_error = std::max(phidot_error, std::abs(system.phi_dot(0) - static_cast<double>(ref[3])));
  }
  const auto reference_error =
      static_cast<double>(std::max(std::abs(ref[0] - check[0]), std::abs(ref[1] - check[1])));
  std::printf(
      "yoshida6 h = %g to t = %g: a = %.15g (ref %.15Lg), max over steps |da|/a = %.3g, |dphi| = %.3g, "
      "|dphidot| = %.3g; reference self-check %.3g\n",
      h, system.t(), system.a(), ref[0], a_error, phi_error, phidot_error, reference_error);
  EXPECT_LT(reference_error, 1e-13);
  EXPECT_GT(system.a(), 3.0);
  EXPECT_LT(a_error, 1e-8);
  EXPECT_LT(phi_error, 1e-8);
  EXPECT_LT(phidot_error, 1e-8);
}

TEST(FriedmannSystem, StateErrorConvergesAtIntegratorOrder) {
  // The order of each composition measured on the coupled field-plus-scale-factor system: the error of
  // (a, phi, phidot) at t = 10 against the reference, for steps h0 .. h0/8.
  const double t_end = 10.0;
  const ReferenceState ref = massive_reference(t_end, 200000);
  for (const auto& name : Integrator::names()) {
    const auto integrator = Integrator::from_name(name);
    const double h0 = integrator.order() >= 6 ? 0.2 : (integrator.order() >= 4 ? 0.1 : 0.02);
    std::vector<double> hs, errors;
    for (int k = 0; k < 4; ++k) {
      const double h = h0 / std::pow(2.0, k);
      const Trajectory result = run(integrator, h, std::lround(t_end / h));
      const FriedmannSystem& s = result.system;
      hs.push_back(h);
      errors.push_back(std::max({std::abs(s.a() - static_cast<double>(ref[0])) / s.a(),
                                 std::abs(s.phi()[0] - static_cast<double>(ref[1])),
                                 std::abs(s.phi_dot(0) - static_cast<double>(ref[3]))}));
    }
    const double slope = log_log_slope(hs, errors);
    std::printf("%-9s h = %g..%g: state error %.3g %.3g %.3g %.3g, slope %.3f\n", name.c_str(), hs.front(),
                hs.back(), errors[0], errors[1], errors[2], errors[3], slope);
    EXPECT_NEAR(slope, integrator.order(), 0.2) << name;
  }
}

TEST(FriedmannSystem, TwoCoupledFieldsWithCosmologicalConstantMatchOde) {
  // V = m1^2 phi^2 / 2 + m2^2 chi^2 / 2 + g2 phi^2 chi^2 / 2 plus rho_Lambda, both fields moving.
  const ReferenceModel model{1.0L, 0.5L, 2.0L, 0.1L};
  const double m1 = 1.0, m2 = 0.5, g2 = 2.0, rho_lambda = 0.1;
  const HomogeneousPotential potential{[=](std::span<const double> f) {
                                         return 0.5 * m1 * m1 * f[0] * f[0] + 0.5 * m2 * m2 * f[1] * f[1] +
                                                0.5 * g2 * f[0] * f[0] * f[1] * f[1];
                                       },
                                       [=](std::span<const double> f, std::span<double> out) {
                                         out[0] = m1 * m1 * f[0] + g2 * f[0] * f[1] * f[1];
                                         out[1] = m2 * m2 * f[1] + g2 * f[1] * f[0] * f[0];
                                       }};
  FriedmannSystem system(potential, {1.0, 0.5}, {0.1, -0.2}, 1.0, rho_lambda);
  const auto integrator = Integrator::from_name("yoshida6");
  const double h = 0.02;
  double worst = 0.0;
  for (int n = 0; n < 750; ++n) {
    integrator.step(system, h);
    worst = std::max(worst, system.constraint_violation());
  }
  const ReferenceState ref = reference_solution(model, {1.0L, 1.0L, 0.5L, 0.1L, -0.2L}, system.t(), 300000);
  double error = std::abs(system.a() - static_cast<double>(ref[0])) / system.a();
  for (std::size_t i = 0; i < 2; ++i) {
    error = std::max({error, std::abs(system.phi()[i] - static_cast<double>(ref[1 + i])),
                      std::abs(system.phi_dot(i) - static_cast<double>(ref[3 + i]))});
  }
  std::printf(
      "two fields + rho_Lambda, yoshida6 h = %g to t = %g (a = %.4g): state error %.3g, max violation "
      "%.3g\n",
      h, system.t(), system.a(), error, worst);
  EXPECT_LT(error, 1e-8);
  EXPECT_LT(worst, 1e-8);
}

TEST(FriedmannSystem, CosmologicalConstantAloneIsDeSitter) {
  // A field at rest at the minimum: rho = rho_Lambda = 3 (H = 1), a = e^t.
  FriedmannSystem system(quadratic(mass), {0.0}, {0.0}, 1.0, 3.0);
  const auto integrator = Integrator::from_name("yoshida6");
  for (int n = 0; n < 500; ++n) {
    integrator.step(system, 0.01);
  }
  std::printf("de Sitter, yoshida6 h = 0.01 to t = 5: |a - e^t| / a = %.3g, |H - 1| = %.3g\n",
              std::abs(system.a() - std::exp(system.t())) / system.a(), std::abs(system.hubble() - 1.0));
  EXPECT_NEAR(system.a() / std::exp(system.t()), 1.0, 1e-11);
  EXPECT_NEAR(system.hubble(), 1.0, 1e-11);
  EXPECT_EQ(system.phi()[0], 0.0);
}

TEST(FriedmannSystem, ConstraintViolationConvergesAtIntegratorOrder) {
  // Violation at t = 10 for steps h0, h0/2, h0/4, h0/8; h0 per order keeps the errors well above
  // rounding (1e-15) and in the asymptotic range.
  for (const auto& name : Integrator::names()) {
    const auto integrator = Integrator::from_name(name);
    const double h0 = integrator.order() >= 6 ? 0.2 : (integrator.order() >= 4 ? 0.1 : 0.02);
    std::vector<double> hs, violations;
    for (int k = 0; k < 4; ++k) {
      const double h = h0 / std::pow(2.0, k);
      const Trajectory result = run(integrator, h, std::lround(10.0 / h));
      hs.push_back(h);
      violations.push_back(result.max_violation);
    }
    const double slope = log_log_slope(hs, violations);
    std::printf("%-9s h = %g..%g: max violation %.3g %.3g %.3g %.3g, slope %.3f\n", name.c_str(), hs.front(),
                hs.back(), violations[0], violations[1], violations[2], violations[3], slope);
    EXPECT_NEAR(slope, integrator.order(), 0.2) << name;
  }
}

TEST(FriedmannSystem, Yoshida4ConstraintBelow1e8Over1e4Steps) {
  const double h = 0.01;
  const Trajectory result = run(Integrator::from_name("yoshida4"), h, 10000);
  std::printf("yoshida4 h = %g, 1e4 steps to t = %g (a = %.4g): max violation %.3g, final %.3g\n", h,
              result.system.t(), result.system.a(), result.max_violation,
              result.system.constraint_violation());
  EXPECT_LT(result.max_violation, 1e-8);
}

TEST(FriedmannSystem, DeckPotentialsGiveTheSameTrajectory) {
  // The adapters of the single-field and multi-field potentials reproduce the hand-written V = m^2 phi^2/2
  // (and, for chaotic_g2 with g2 = 0, a free massless chi at rest) to rounding.
  PotentialSpec params;
  params.kind = "quadratic";
  params.fields = {"phi"};
  params.parameters = {{"m", mass}};
  PotentialSpec spec;
  spec.kind = "chaotic_g2";
  spec.fields = {"phi", "chi"};
  spec.parameters = {{"m", mass}, {"g2", 0.0}};
  FriedmannSystem hand = massive_field();
  FriedmannSystem single(homogeneous_potential(make_potential(params)), {phi_start}, {0.0}, 1.0);
  FriedmannSystem multi(homogeneous_potential(make_potential(spec)), {phi_start, 0.0}, {0.0, 0.0}, 1.0);
  const auto integrator = Integrator::from_name("yoshida4");
  for (int n = 0; n < 100; ++n) {
    integrator.step(hand, 0.05);
    integrator.step(single, 0.05);
    integrator.step(multi, 0.05);
  }
  EXPECT_DOUBLE_EQ(single.a(), hand.a());
  EXPECT_DOUBLE_EQ(single.phi()[0], hand.phi()[0]);
  EXPECT_DOUBLE_EQ(multi.a(), hand.a());
  EXPECT_DOUBLE_EQ(multi.phi()[0], hand.phi()[0]);
  EXPECT_EQ(multi.phi()[1], 0.0);
}

TEST(FriedmannSystem, RefusesInvalidStarts) {
  EXPECT_THROW(FriedmannSystem(quadratic(mass), {}, {}, 1.0), InputError);
  EXPECT_THROW(FriedmannSystem(quadratic(mass), {1.0}, {}, 1.0), InputError);
  EXPECT_THROW(FriedmannSystem(quadratic(mass), {1.0}, {0.0}, 0.0), InputError);
  EXPECT_THROW(FriedmannSystem(quadratic(mass), {0.0}, {0.0}, 1.0), InputError);       // rho = 0
  EXPECT_THROW(FriedmannSystem(quadratic(mass), {1.0}, {0.0}, 1.0, -1.0), InputError); // rho < 0
}
