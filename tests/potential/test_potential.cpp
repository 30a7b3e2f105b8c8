// Potentials: derivatives against finite differences of V, known values, the expression potential against
// the built-in one, input errors, and concurrent evaluation of the expression potential.
#include "inflanet/potential/potential.hpp"

#include "inflanet/base/error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#ifdef INFLANET_HAVE_OPENMP
#include <omp.h>
#endif

using namespace inflanet;

namespace {

const std::vector<Potential>& all_potentials() {
  static const std::vector<Potential> pots = {
      Quadratic{0.7},  Quartic{0.3},          QuadraticQuartic{0.5, 0.2},
      Axion{2.0, 0.8}, Starobinsky{1.5, 1.3}, ExpressionPotential("0.5*0.25*phi^2 + 0.1*phi^4/4 + sin(phi)"),
  };
  return pots;
}

// Richardson-free centred differences of order 4 with h chosen for ~1e-10 accuracy.
double fd1(const Potential& p, double x, double h) {
  return (-potential_V(p, x + 2 * h) + 8 * potential_V(p, x + h) - 8 * potential_V(p, x - h) +
          potential_V(p, x - 2 * h)) /
         (12 * h);
}
double fd2(const Potential& p, double x, double h) {
  return (-potential_dV(p, x + 2 * h) + 8 * potential_dV(p, x + h) - 8 * potential_dV(p, x - h) +
          potential_dV(p, x - 2 * h)) /
         (12 * h);
}

} // namespace

TEST(Potential, derivatives_match_centred_differences) {
  for (const auto& pot : all_potentials()) {
    for (double phi : {-2.3, -0.4, 0.37, 1.1, 3.9}) {
      const double h = 1e-3;
      const double scale1 = std::abs(potential_dV(pot, phi)) + 1e-3 * std::abs(potential_V(pot, phi)) + 1e-12;
      const double scale2 =
          std::abs(potential_d2V(pot, phi)) + 1e-3 * std::abs(potential_dV(pot, phi)) + 1e-12;
      EXPECT_NEAR(potential_dV(pot, phi), fd1(pot, phi, h), 1e-7 * scale1)
          << potential_describe(pot) << " phi=" << phi;
      EXPECT_NEAR(potential_d2V(pot, phi), fd2(pot, phi, h), 1e-7 * scale2)
          << potential_describe(pot) << " phi=" << phi;
    }
  }
}

TEST(Potential, known_values) {
  EXPECT_DOUBLE_EQ((Quadratic{2.0}.V(3.0)), 18.0);
  EXPECT_DOUBLE_EQ((Quadratic{2.0}.d2V(3.0)), 4.0);
  EXPECT_DOUBLE_EQ((Quartic{0.5}.V(2.0)), 2.0);
  EXPECT_DOUBLE_EQ((Quartic{0.5}.dV(2.0)), 4.0);
  EXPECT_DOUBLE_EQ((QuadraticQuartic{1.0, 1.0}.V(1.0)), 0.75);
  EXPECT_DOUBLE_EQ((QuadraticQuartic{1.0, 1.0}.d2V(1.0)), 4.0);
  const double pi = std::numbers::pi;
  EXPECT_NEAR((Axion{3.0, 2.0}.V(pi * 2.0)), 6.0, 1e-15); // 1 - cos(pi) = 2
  EXPECT_NEAR((Axion{3.0, 2.0}.dV(pi)), 1.5, 1e-15);      // (3/2) sin(pi/2)
  EXPECT_NEAR((Axion{3.0, 2.0}.d2V(0.0)), 0.75, 1e-15);   // 3/4 cos 0
  EXPECT_DOUBLE_EQ((Starobinsky{2.0, 1.0}.V(0.0)), 0.0);
  EXPECT_NEAR((Starobinsky{2.0, 1.0}.V(1e3)), 2.0, 1e-15);                       // plateau
  EXPECT_NEAR((Starobinsky{2.0, 1.0}.d2V(0.0)), 2.0 * 2.0 * (2.0 / 3.0), 1e-14); // 2 V0 c^2 at the minimum
  EXPECT_DOUBLE_EQ((Starobinsky{2.0, 1.0}.dV(0.0)), 0.0);
  EXPECT_STREQ(Quadratic::name, "quadratic");
  EXPECT_EQ(potential_name(Potential{Starobinsky{}}), "starobinsky");
}

TEST(Potential, expression_matches_builtin_quadratic_quartic) {
  const double m = 0.37, lambda = 0.11;
  PotentialParams pp;
  pp.kind = "expression";
  pp.expression = "0.5*0.37^2*phi^2 + 0.11*phi^4/4";
  const Potential expr = make_potential(pp);
  const QuadraticQuartic ref{m, lambda};
  for (double phi = -5.0; phi <= 5.0; phi += 0.173) {
    EXPECT_NEAR(potential_V(expr, phi), ref.V(phi), 1e-12 * std::max(1.0, std::abs(ref.V(phi))));
    EXPECT_NEAR(potential_dV(expr, phi), ref.dV(phi), 1e-12 * std::max(1.0, std::abs(ref.V(phi))));
    EXPECT_NEAR(potential_d2V(expr, phi), ref.d2V(phi), 1e-9 * std::max(1.0, std::abs(ref.V(phi))));
  }
}

TEST(Potential, expression_with_exact_derivative_formulas) {
  const ExpressionPotential p("1 - cos(phi)", "sin(phi)", "cos(phi)");
  EXPECT_DOUBLE_EQ(p.dV(0.3), std::sin(0.3));
  EXPECT_DOUBLE_EQ(p.d2V(0.3), std::cos(0.3));
  EXPECT_NEAR(p.V(std::numbers::pi), 2.0, 1e-15); // the constant pi is defined
}

TEST(Potential, bad_expression_is_input_error_with_position) {
  try {
    (void)ExpressionPotential("0.5*phi^2 + (phi");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("0.5*phi^2 + (phi"), std::string::npos) << msg;
    EXPECT_NE(msg.find("position"), std::string::npos) << msg;
    EXPECT_EQ(e.status(), ExitStatus::invalid_input);
  }
  EXPECT_THROW((void)ExpressionPotential("psi^2"), InputError); // unknown variable
  EXPECT_THROW((void)ExpressionPotential("phi^2", "2*phi+"), InputError);
  EXPECT_THROW((void)ExpressionPotential(""), InputError);
}

TEST(Potential, factory_builds_each_kind_and_rejects_bad_input) {
  for (const char* kind : {"quadratic", "quartic", "quadratic_quartic", "axion", "starobinsky"}) {
    PotentialParams pp;
    pp.kind = kind;
    EXPECT_EQ(potential_name(make_potential(pp)), kind);
  }
  PotentialParams pp;
  pp.kind = "quadratic";
  pp.m = 0.25;
  EXPECT_DOUBLE_EQ(potential_d2V(make_potential(pp), 1.0), 0.0625);
  EXPECT_EQ(potential_describe(make_potential(pp)), "quadratic(m=0.25)");
  pp.kind = "sextic";
  EXPECT_THROW((void)make_potential(pp), InputError);
  pp.kind = "axion";
  pp.f = 0.0;
  EXPECT_THROW((void)make_potential(pp), InputError);
  pp.kind = "starobinsky";
  pp.Mp = -1.0;
  EXPECT_THROW((void)make_potential(pp), InputError);
  pp.kind = "quadratic";
  pp.m = std::nan("");
  EXPECT_THROW((void)make_potential(pp), InputError);
}

TEST(Potential, copies_of_expression_share_definition) {
  const ExpressionPotential a("phi^3");
  const ExpressionPotential b = a; // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_DOUBLE_EQ(a.V(2.0), 8.0);
  EXPECT_DOUBLE_EQ(b.V(2.0), 8.0);
  const ExpressionPotential c("phi^2"); // a different potential must not reuse a's cached parser
  EXPECT_DOUBLE_EQ(c.V(2.0), 4.0);
  EXPECT_DOUBLE_EQ(a.V(3.0), 27.0);
}

#ifdef INFLANET_HAVE_OPENMP
TEST(Potential, expression_is_thread_safe) {
  const ExpressionPotential p("0.5*phi^2 + 0.1*phi^4/4 + sin(phi)");
  const QuadraticQuartic ref{1.0, 0.1};
  const int n = 200000;
  std::vector<double> v(n), dv(n);
#pragma omp parallel for num_threads(4) schedule(static, 7)
  for (int i = 0; i < n; ++i) {
    const double phi = -4.0 + 8.0 * i / n;
    v[i] = p.V(phi);
    dv[i] = p.dV(phi);
  }
  int bad = 0;
  for (int i = 0; i < n; ++i) {
    const double phi = -4.0 + 8.0 * i / n;
    bad += std::abs(v[i] - (ref.V(phi) + std::sin(phi))) > 1e-12 * std::max(1.0, std::abs(v[i]));
    bad += std::abs(dv[i] - (ref.dV(phi) + std::cos(phi))) > 1e-9 * std::max(1.0, std::abs(v[i]));
  }
  EXPECT_EQ(bad, 0);
}
#endif
