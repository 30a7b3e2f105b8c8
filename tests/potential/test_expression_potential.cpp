// The expression potential of named fields: formulas and parameters, its finite-difference Hessian, parse
// errors naming the role, copies sharing one definition, and concurrent evaluation from OpenMP threads.
#include "inflanet/potential/expression_potential.hpp"

#include "inflanet/base/error.hpp"
#include "inflanet/potential/potential.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#ifdef INFLANET_HAVE_OPENMP
#include <omp.h>
#endif

using namespace inflanet;

namespace {

// Three fields, transcendental, with mixed terms in every pair: V = a cos(x) y^2 + exp(0.3 z) x + b y z^3.
ExpressionPotential::Definition three_fields() {
  ExpressionPotential::Definition d;
  d.fields = {"x", "y", "z"};
  d.parameters = {{"a", 0.7}, {"b", -0.4}};
  d.V = "a*cos(x)*y^2 + exp(0.3*z)*x + b*y*z^3";
  d.dV = {"-a*sin(x)*y^2 + exp(0.3*z)", "2*a*cos(x)*y + b*z^3", "0.3*exp(0.3*z)*x + 3*b*y*z^2"};
  return d;
}

double ref_V(double x, double y, double z) {
  return 0.7 * std::cos(x) * y * y + std::exp(0.3 * z) * x - 0.4 * y * z * z * z;
}

std::string message_of(ExpressionPotential::Definition d) {
  try {
    (void)ExpressionPotential(std::move(d));
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

} // namespace

TEST(ExpressionPotential, evaluates_formulas_with_parameters) {
  const ExpressionPotential p(three_fields());
  EXPECT_EQ(p.field_count(), 3u);
  const std::vector<double> f = {0.3, -1.2, 0.8};
  EXPECT_NEAR(p.V(f), ref_V(0.3, -1.2, 0.8), 1e-15);
  std::vector<double> g(3);
  p.gradient(f, g);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(g[i], p.dV(f, i));
  EXPECT_NEAR(g[1], 2 * 0.7 * std::cos(0.3) * -1.2 - 0.4 * 0.512, 1e-15);
}

TEST(ExpressionPotential, finite_difference_hessian_is_symmetric_and_accurate) {
  const ExpressionPotential p(three_fields());
  const std::vector<double> f = {0.3, -1.2, 0.8};
  const double cx = std::cos(0.3), sx = std::sin(0.3), e = std::exp(0.24);
  const double exact[3][3] = {{-0.7 * cx * 1.44, -2 * 0.7 * sx * -1.2, 0.3 * e},
                              {-2 * 0.7 * sx * -1.2, 2 * 0.7 * cx, 3 * -0.4 * 0.64},
                              {0.3 * e, 3 * -0.4 * 0.64, 0.09 * e * 0.3 + 6 * -0.4 * -1.2 * 0.8}};
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      EXPECT_FALSE(p.has_d2V_formula(i, j));
      EXPECT_NEAR(p.d2V(f, i, j), exact[i][j], 1e-10) << i << "," << j; // fourth order, h = 1e-3
      EXPECT_EQ(p.d2V(f, i, j), p.d2V(f, j, i));
    }
}

TEST(ExpressionPotential, hessian_entry_given_for_one_order_serves_both) {
  auto d = three_fields();
  d.d2V.assign(9, std::string());
  d.d2V[3 * 2 + 0] = "0.3*exp(0.3*z)"; // (z, x) only
  const ExpressionPotential p(std::move(d));
  EXPECT_TRUE(p.has_d2V_formula(0, 2));
  EXPECT_TRUE(p.has_d2V_formula(2, 0));
  EXPECT_FALSE(p.has_d2V_formula(0, 1));
  const std::vector<double> f = {0.3, -1.2, 0.8};
  EXPECT_EQ(p.d2V(f, 0, 2), 0.3 * std::exp(0.24));
  const auto report = check_derivatives(Potential{p}, p.fields(), derivative_check_points(f));
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.entries.size(), 7u * 4u); // 3 first derivatives and the one given entry, at 7 points
  EXPECT_EQ(report.entries[3].derivative, "d2V/dx dz");
}

TEST(ExpressionPotential, bad_formulas_are_refused_naming_the_role) {
  auto d = three_fields();
  d.dV[1] = "2*a*cos(x)*y + (b*z^3";
  std::string msg = message_of(d);
  EXPECT_EQ(msg.rfind("dV/dy: cannot parse \"2*a*cos(x)*y + (b*z^3\"", 0), 0u) << msg;
  EXPECT_NE(msg.find("position"), std::string::npos) << msg;

  d = three_fields();
  d.V = "a*cos(x)*y^2 + c*w";
  msg = message_of(d);
  EXPECT_EQ(msg.rfind("V: \"c\" in", 0), 0u) << msg;
  EXPECT_NE(msg.find("neither a field (x, y, z) nor a parameter (a, b)"), std::string::npos) << msg;

  // A missing dV is the 6th-order difference of V (h = 1e-2 max(1, |z|)): close to the formula it replaces.
  d = three_fields();
  d.dV[2].clear();
  {
    const ExpressionPotential without(d);
    const ExpressionPotential with(three_fields());
    const std::vector<double> f = {0.3, -1.2, 0.8};
    EXPECT_NEAR(without.dV(f, 2), with.dV(f, 2), 1e-10 * std::abs(with.dV(f, 2)));
    EXPECT_NEAR(without.d2V(f, 2, 2), 0.09 * std::exp(0.24) * 0.3 + 6.0 * -0.4 * -1.2 * 0.8, 1e-7);
  }
  d = three_fields();
  d.dV.pop_back();
  EXPECT_EQ(message_of(d).rfind("dV: expected a formula for each of the 3 fields", 0), 0u);
  d = three_fields();
  d.V.clear();
  EXPECT_EQ(message_of(d).rfind("V: the formula is empty", 0), 0u);
  d = three_fields();
  d.fields[2] = "x";
  EXPECT_EQ(message_of(d).rfind("fields: \"x\" is named twice", 0), 0u);
  d = three_fields();
  d.fields[2] = "2z";
  EXPECT_EQ(message_of(d).rfind("fields: \"2z\" is not a name", 0), 0u);
  d = three_fields();
  d.parameters.emplace_back("y", 1.0);
  EXPECT_EQ(message_of(d).rfind("parameters: \"y\" is already the name", 0), 0u);
  d = three_fields();
  d.parameters.emplace_back("pi", 3.0);
  EXPECT_EQ(message_of(d).rfind("parameters: \"pi\"", 0), 0u);
  d = three_fields();
  d.d2V.assign(4, "1");
  EXPECT_EQ(message_of(d).rfind("d2V: expected 3 x 3 entries", 0), 0u);
}

TEST(ExpressionPotential, copies_share_definition_and_distinct_ones_do_not) {
  ExpressionPotential::Definition d;
  d.fields = {"phi", "chi"};
  d.V = "phi^3*chi";
  d.dV = {"3*phi^2*chi", "phi^3"};
  const ExpressionPotential a(d);
  const ExpressionPotential b = a; // NOLINT(performance-unnecessary-copy-initialization)
  const std::vector<double> f = {2.0, 0.5};
  EXPECT_EQ(a.V(f), 4.0);
  EXPECT_EQ(b.V(f), 4.0);
  d.V = "phi^2*chi";
  const ExpressionPotential c(d); // must not reuse a's cached parsers
  EXPECT_EQ(c.V(f), 2.0);
  EXPECT_EQ(a.V(f), 4.0);
  EXPECT_NE(a.describe().find("V=\"phi^3*chi\""), std::string::npos) << a.describe();
}

#ifdef INFLANET_HAVE_OPENMP
TEST(ExpressionPotential, evaluation_is_thread_safe) {
  const ExpressionPotential p(three_fields());
  const int n = 100000;
  std::vector<double> v(n), dz(n), h(n);
  int threads = 0;
#pragma omp parallel num_threads(2)
  {
#pragma omp single
    threads = omp_get_num_threads();
#pragma omp for schedule(static, 7)
    for (int i = 0; i < n; ++i) {
      const double f[3] = {-2.0 + 4.0 * i / n, std::sin(0.001 * i), 0.5 - 1.0 * i / n};
      v[i] = p.V(f);
      dz[i] = p.dV(f, 2);
      h[i] = p.d2V(f, 0, 1); // finite differences: moves the thread's own field copies
    }
  }
  EXPECT_EQ(threads, 2);
  int bad = 0;
  for (int i = 0; i < n; ++i) {
    const double x = -2.0 + 4.0 * i / n, y = std::sin(0.001 * i), z = 0.5 - 1.0 * i / n;
    bad += std::abs(v[i] - ref_V(x, y, z)) > 1e-13;
    bad += std::abs(dz[i] - (0.3 * std::exp(0.3 * z) * x - 1.2 * y * z * z)) > 1e-13;
    bad += std::abs(h[i] + 2 * 0.7 * std::sin(x) * y) > 1e-9;
  }
  EXPECT_EQ(bad, 0);
}
#endif
