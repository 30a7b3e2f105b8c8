// The one-field built-ins (one_field_models.hpp) in the potential family: derivatives against finite
// differences of V, known values, a one-field expression (V alone: its derivatives are differences of V)
// against the built-in, input errors, and concurrent evaluation of the expression.
#include "inflanet/potential/potential.hpp"

#include "inflanet/base/error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#ifdef INFLANET_HAVE_OPENMP
#include <omp.h>
#endif

using namespace inflanet;

namespace {

// The family on one field, at one value.
double V(const Potential& p, double x) {
  return potential_V(p, std::span<const double>(&x, 1));
}
double dV(const Potential& p, double x) {
  return potential_dV(p, std::span<const double>(&x, 1), 0);
}
double d2V(const Potential& p, double x) {
  return potential_d2V(p, std::span<const double>(&x, 1), 0, 0);
}
/// A one-field expression in phi: V, and optionally exact derivative formulas.
Potential expression(const std::string& v, const std::string& dv = {}, const std::string& d2v = {}) {
  PotentialSpec spec;
  spec.kind = "expression";
  spec.fields = {"phi"};
  spec.V = v;
  if (!dv.empty()) {
    spec.dV = {{"phi", dv}};
  }
  if (!d2v.empty()) {
    spec.d2V = {{{"phi", "phi"}, d2v}};
  }
  return make_potential(spec);
}
PotentialSpec built_in(const std::string& kind, std::vector<std::pair<std::string, double>> parameters) {
  PotentialSpec spec;
  spec.kind = kind;
  spec.fields = {"phi"};
  spec.parameters = std::move(parameters);
  return spec;
}

const std::vector<Potential>& all_potentials() {
  static const std::vector<Potential> pots = {
      Quadratic{0.7},  Quartic{0.3},          QuadraticQuartic{0.5, 0.2},
      Axion{2.0, 0.8}, Starobinsky{1.5, 1.3}, expression("0.5*0.25*phi^2 + 0.1*phi^4/4 + sin(phi)"),
  };
  return pots;
}

// Richardson-free centred differences of order 4 with h chosen for ~1e-10 accuracy.
double fd1(const Potential& p, double x, double h) {
  return (-V(p, x + 2 * h) + 8 * V(p, x + h) - 8 * V(p, x - h) + V(p, x - 2 * h)) / (12 * h);
}
double fd2(const Potential& p, double x, double h) {
  return (-dV(p, x + 2 * h) + 8 * dV(p, x + h) - 8 * dV(p, x - h) + dV(p, x - 2 * h)) / (12 * h);
}

} // namespace

TEST(Potential, derivatives_match_centred_differences) {
  for (const auto& pot : all_potentials()) {
    for (double phi : {-2.3, -0.4, 0.37, 1.1, 3.9}) {
      const double h = 1e-3;
      const double scale1 = std::abs(dV(pot, phi)) + 1e-3 * std::abs(V(pot, phi)) + 1e-12;
      const double scale2 = std::abs(d2V(pot, phi)) + 1e-3 * std::abs(dV(pot, phi)) + 1e-12;
      EXPECT_NEAR(dV(pot, phi), fd1(pot, phi, h), 1e-7 * scale1) << potential_describe(pot) << " phi=" << phi;
      EXPECT_NEAR(d2V(pot, phi), fd2(pot, phi, h), 1e-7 * scale2)
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
  const Potential expr = expression("0.5*0.37^2*phi^2 + 0.11*phi^4/4");
  const QuadraticQuartic ref{m, lambda};
  for (double phi = -5.0; phi <= 5.0; phi += 0.173) {
    EXPECT_NEAR(V(expr, phi), ref.V(phi), 1e-12 * std::max(1.0, std::abs(ref.V(phi))));
    EXPECT_NEAR(dV(expr, phi), ref.dV(phi), 1e-12 * std::max(1.0, std::abs(ref.V(phi))));
    EXPECT_NEAR(d2V(expr, phi), ref.d2V(phi), 1e-9 * std::max(1.0, std::abs(ref.V(phi))));
  }
}

TEST(Potential, expression_with_exact_derivative_formulas) {
  const Potential p = expression("1 - cos(phi)", "sin(phi)", "cos(phi)");
  EXPECT_DOUBLE_EQ(dV(p, 0.3), std::sin(0.3));
  EXPECT_DOUBLE_EQ(d2V(p, 0.3), std::cos(0.3));
  EXPECT_NEAR(V(p, std::numbers::pi), 2.0, 1e-15); // the constant pi is defined
}

TEST(Potential, bad_expression_is_input_error_with_position) {
  try {
    (void)expression("0.5*phi^2 + (phi");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("0.5*phi^2 + (phi"), std::string::npos) << msg;
    EXPECT_NE(msg.find("position"), std::string::npos) << msg;
    EXPECT_EQ(e.status(), ExitStatus::invalid_input);
  }
  EXPECT_THROW((void)expression("psi^2"), InputError); // unknown variable
  EXPECT_THROW((void)expression("phi^2", "2*phi+"), InputError);
  EXPECT_THROW((void)expression(""), InputError);
}

TEST(Potential, factory_builds_each_kind_and_rejects_bad_input) {
  const std::vector<std::pair<const char*, std::vector<std::pair<std::string, double>>>> kinds = {
      {"quadratic", {{"m", 1.0}}},
      {"quartic", {{"lambda", 1.0}}},
      {"quadratic_quartic", {{"m", 1.0}, {"lambda", 1.0}}},
      {"axion", {{"Lambda4", 1.0}, {"f", 1.0}}},
      {"starobinsky", {{"V0", 1.0}, {"Mp", 1.0}}}};
  for (const auto& [kind, parameters] : kinds) {
    EXPECT_EQ(potential_name(make_potential(built_in(kind, parameters))), kind);
  }
  EXPECT_DOUBLE_EQ(d2V(make_potential(built_in("quadratic", {{"m", 0.25}})), 1.0), 0.0625);
  EXPECT_EQ(potential_describe(make_potential(built_in("quadratic", {{"m", 0.25}}))), "quadratic(m=0.25)");
  EXPECT_THROW((void)make_potential(built_in("sextic", {})), InputError);
  EXPECT_THROW((void)make_potential(built_in("axion", {{"Lambda4", 1.0}, {"f", 0.0}})), InputError);
  EXPECT_THROW((void)make_potential(built_in("starobinsky", {{"V0", 1.0}, {"Mp", -1.0}})), InputError);
  EXPECT_THROW((void)make_potential(built_in("quadratic", {{"m", std::nan("")}})), InputError);
  EXPECT_THROW((void)make_potential(built_in("quadratic", {})), InputError); // missing m
  EXPECT_THROW((void)make_potential(built_in("quadratic", {{"m", 1.0}, {"g2", 1.0}})), InputError); // extra
  PotentialSpec no_phi = built_in("quadratic", {{"m", 1.0}});
  no_phi.fields = {"chi"};
  EXPECT_THROW((void)make_potential(no_phi), InputError); // the built-in binds the field named phi
}

TEST(Potential, copies_of_expression_share_definition) {
  const Potential a = expression("phi^3");
  const Potential b = a; // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_DOUBLE_EQ(V(a, 2.0), 8.0);
  EXPECT_DOUBLE_EQ(V(b, 2.0), 8.0);
  const Potential c = expression("phi^2"); // a different potential must not reuse a's cached parser
  EXPECT_DOUBLE_EQ(V(c, 2.0), 4.0);
  EXPECT_DOUBLE_EQ(V(a, 3.0), 27.0);
}

#ifdef INFLANET_HAVE_OPENMP
TEST(Potential, expression_is_thread_safe) {
  const Potential p = expression("0.5*phi^2 + 0.1*phi^4/4 + sin(phi)");
  const QuadraticQuartic ref{1.0, 0.1};
  const int n = 200000;
  std::vector<double> v(n), dv(n);
#pragma omp parallel for num_threads(4) schedule(static, 7)
  for (int i = 0; i < n; ++i) {
    const double phi = -4.0 + 8.0 * i / n;
    v[i] = V(p, phi);
    dv[i] = dV(p, phi);
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
