// Multi-field potentials: built-in derivatives against finite differences of V, the hybrid model's tachyonic
// region, binding of roles by field name, the factory's refusals, the expression potential against the
// built-in it spells out, the start-up derivative check, and the mass matrix with its eigensystem.
#include "inflanet/potential/potential.hpp"

#include "inflanet/base/error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace inflanet;

namespace {

const std::vector<std::string> phi_chi = {"phi", "chi"};

// Fifth-order-free centred difference (five points, fourth order): exact for quartic polynomials up to
// round-off, so independent of the library's Richardson scheme.
template <class F>
double fd(F&& f, std::vector<double> x, std::size_t j) {
  const double h = 1e-3 * std::max(1.0, std::abs(x[j])), x0 = x[j];
  auto at = [&](double dx) {
    x[j] = x0 + dx;
    return f(x);
  };
  return (8.0 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12.0 * h);
}

std::vector<Potential> builtins() {
  return {ChaoticG2{0.7, 1.3}, QuarticG2{0.4, 2.1}, Hybrid{0.9, 0.6, 1.7, 0.3},
          // roles in the other order and beside a spectator field: phi is deck field 2, chi deck field 0
          ChaoticG2{0.5, 0.8, FieldPair{2, 0}}, Hybrid{1.1, 1.2, 0.5, 0.2, FieldPair{1, 2}}};
}

PotentialSpec spec(std::string kind, std::vector<std::string> fields,
                   std::vector<std::pair<std::string, double>> parameters) {
  PotentialSpec s;
  s.kind = std::move(kind);
  s.fields = std::move(fields);
  s.parameters = std::move(parameters);
  return s;
}

PotentialSpec chaotic_expression_spec(std::string dV_chi = "g2*phi^2*chi") {
  auto s = spec("expression", phi_chi, {{"m", 0.7}, {"g2", 1.3}});
  s.V = "0.5*m^2*phi^2 + 0.5*g2*phi^2*chi^2";
  s.dV = {{"phi", "(m^2 + g2*chi^2)*phi"}, {"chi", std::move(dV_chi)}};
  return s;
}

std::string message_of(const PotentialSpec& s) {
  try {
    (void)make_potential(s);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

} // namespace

TEST(Potential, builtin_derivatives_match_centred_differences) {
  std::mt19937_64 rng(20240613);
  std::uniform_real_distribution<double> u(-3.0, 3.0);
  for (const auto& pot : builtins()) {
    for (int trial = 0; trial < 40; ++trial) {
      const std::vector<double> x = {u(rng), u(rng), u(rng)};
      const double scale = std::abs(potential_V(pot, x)) + 1.0;
      std::vector<double> grad(3);
      std::visit([&](const auto& p) { p.gradient(x, grad); }, pot);
      for (std::size_t i = 0; i < 3; ++i) {
        const double ref = fd([&](const std::vector<double>& y) { return potential_V(pot, y); }, x, i);
        EXPECT_NEAR(potential_dV(pot, x, i), ref, 1e-8 * std::max(std::abs(ref), 1e-3 * scale))
            << potential_describe(pot) << " i=" << i;
        EXPECT_EQ(grad[i], potential_dV(pot, x, i));
        for (std::size_t j = 0; j < 3; ++j) {
          const double ref2 = fd([&](const std::vector<double>& y) { return potential_dV(pot, y, i); }, x, j);
          EXPECT_NEAR(potential_d2V(pot, x, i, j), ref2, 1e-8 * std::max(std::abs(ref2), 1e-3 * scale))
              << potential_describe(pot) << " i=" << i << " j=" << j;
        }
      }
    }
  }
}

TEST(Potential, builtin_derivative_check_passes) {
  for (const auto& pot : builtins()) {
    const auto report = check_derivatives(pot, {"a", "b", "c"},
                                          derivative_check_points(std::vector<double>{1.5, -0.3, 0.8}), 1e-8);
    EXPECT_TRUE(report.passed());
    EXPECT_EQ(report.entries.size(), 7u * (3u + 6u)); // 7 points, 3 first derivatives, 6 Hessian entries
  }
}

TEST(Potential, known_values) {
  const std::vector<double> x = {2.0, 3.0};
  EXPECT_DOUBLE_EQ(ChaoticG2(0.5, 0.1).V(x), 0.5 * 0.25 * 4.0 + 0.5 * 0.1 * 4.0 * 9.0);
  EXPECT_DOUBLE_EQ(QuarticG2(0.5, 0.1).V(x), 0.25 * 0.5 * 16.0 + 0.5 * 0.1 * 4.0 * 9.0);
  const Hybrid h{0.5, 2.0, 0.1, 0.3};
  EXPECT_DOUBLE_EQ(h.V(x), 0.25 * 0.5 * 25.0 + 0.5 * 0.1 * 36.0 + 0.5 * 0.09 * 4.0);
  EXPECT_DOUBLE_EQ(h.V(0.0, 0.0), 0.25 * 0.5 * 16.0); // the false vacuum's height lambda v^4 / 4
}

TEST(Potential, hybrid_is_tachyonic_exactly_below_the_critical_value) {
  const Hybrid h{0.8, 0.5, 2.0, 0.1};
  const double phi_c = 0.5 * std::sqrt(0.8 / 2.0);
  EXPECT_DOUBLE_EQ(h.critical_phi(), phi_c);
  for (double s : {-0.99, -0.5, 0.0, 0.3, 0.9, 0.999}) { // inside: the waterfall direction is tachyonic
    const std::vector<double> valley = {s * phi_c, 0.0};
    EXPECT_LT(h.d2V(valley, 1, 1), 0.0) << "phi/phi_c=" << s;
    EXPECT_LT(mass_eigenvalues(hessian(h, valley))[0], 0.0);
    EXPECT_DOUBLE_EQ(h.dV(valley, 1), 0.0); // chi = 0 is a valley (an extremum in chi) everywhere
  }
  for (double s : {-3.0, -1.001, 1.001, 1.5, 10.0}) { // outside: stable along chi = 0
    const std::vector<double> valley = {s * phi_c, 0.0};
    EXPECT_GT(h.d2V(valley, 1, 1), 0.0) << "phi/phi_c=" << s;
    EXPECT_GT(mass_eigenvalues(hessian(h, valley))[0], 0.0);
  }
  EXPECT_NEAR(h.d2V(std::vector<double>{phi_c, 0.0}, 1, 1), 0.0, 1e-15);
  // The true vacua (0, +-v): V = 0, no force, masses 2 lambda v^2 (waterfall) and m^2 + g2 v^2 (inflaton).
  for (double chi : {0.5, -0.5}) {
    const std::vector<double> vac = {0.0, chi};
    EXPECT_DOUBLE_EQ(h.V(vac), 0.0);
    EXPECT_DOUBLE_EQ(h.dV(vac, 0), 0.0);
    EXPECT_DOUBLE_EQ(h.dV(vac, 1), 0.0);
    const auto m2 = mass_eigenvalues(hessian(h, vac));
    EXPECT_NEAR(m2[0], 2.0 * 0.8 * 0.25, 1e-15); // ascending: 0.4 (waterfall) < 0.51 (inflaton) here
    EXPECT_NEAR(m2[1], 0.01 + 2.0 * 0.25, 1e-15);
  }
}

TEST(Potential, builtins_bind_roles_by_field_name) {
  const auto ordered = make_potential(spec("chaotic_g2", phi_chi, {{"m", 0.7}, {"g2", 1.3}}));
  const auto swapped = make_potential(spec("chaotic_g2", {"psi", "chi", "phi"}, {{"g2", 1.3}, {"m", 0.7}}));
  ASSERT_TRUE(std::holds_alternative<ChaoticG2>(swapped));
  EXPECT_EQ(std::get<ChaoticG2>(swapped).fields.phi, 2u);
  EXPECT_EQ(std::get<ChaoticG2>(swapped).fields.chi, 1u);
  const std::vector<double> a = {1.1, -0.4}, b = {9.0, -0.4, 1.1}; // psi = 9 is a spectator
  EXPECT_EQ(potential_V(ordered, a), potential_V(swapped, b));
  EXPECT_EQ(potential_dV(ordered, a, 0), potential_dV(swapped, b, 2));
  EXPECT_EQ(potential_dV(ordered, a, 1), potential_dV(swapped, b, 1));
  EXPECT_EQ(potential_d2V(ordered, a, 0, 1), potential_d2V(swapped, b, 1, 2));
  EXPECT_EQ(potential_dV(swapped, b, 0), 0.0); // free, massless spectator
  EXPECT_EQ(potential_d2V(swapped, b, 0, 0), 0.0);
  EXPECT_EQ(potential_d2V(swapped, b, 0, 2), 0.0);
}

TEST(Potential, builtin_without_its_field_names_is_refused) {
  const std::string msg = message_of(spec("chaotic_g2", {"phi", "psi"}, {{"m", 0.7}, {"g2", 1.3}}));
  EXPECT_NE(msg.find("chaotic_g2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"chi\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("phi, psi"), std::string::npos) << msg; // the deck's names
  EXPECT_NE(message_of(spec("hybrid", {"inflaton", "chi"}, {{"lambda", 1}, {"v", 1}, {"g2", 1}, {"m", 0}}))
                .find("\"phi\""),
            std::string::npos);
}

TEST(Potential, unknown_kind_is_refused_naming_it_and_the_known_ones) {
  const std::string msg = message_of(spec("sextic_g2", phi_chi, {}));
  EXPECT_NE(msg.find("\"sextic_g2\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("chaotic_g2, quartic_g2, hybrid, expression"), std::string::npos) << msg;
}

TEST(Potential, parameters_are_refused_naming_the_key) {
  std::string msg = message_of(spec("quartic_g2", phi_chi, {{"lambda", 1.0}}));
  EXPECT_NE(msg.find("missing parameter \"g2\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("lambda, g2"), std::string::npos) << msg;
  msg = message_of(spec("quartic_g2", phi_chi, {{"lamda", 1.0}, {"g2", 1.0}}));
  EXPECT_NE(msg.find("unknown parameter \"lamda\""), std::string::npos) << msg;
  msg = message_of(spec("chaotic_g2", phi_chi, {{"m", std::nan("")}, {"g2", 1.0}}));
  EXPECT_NE(msg.find("m is not finite"), std::string::npos) << msg;
  msg = message_of(spec("hybrid", phi_chi, {{"lambda", 1.0}, {"v", 1.0}, {"g2", 0.0}, {"m", 0.0}}));
  EXPECT_NE(msg.find("g2 must be > 0"), std::string::npos) << msg;
  auto with_formula = spec("chaotic_g2", phi_chi, {{"m", 0.7}, {"g2", 1.3}});
  with_formula.V = "phi^2";
  EXPECT_NE(message_of(with_formula).find("takes no formulas"), std::string::npos);
  EXPECT_NE(message_of(spec("chaotic_g2", {"phi", "phi"}, {{"m", 1}, {"g2", 1}})).find("named twice"),
            std::string::npos);
}

TEST(Potential, expression_naming_an_unknown_field_is_refused) {
  auto s = chaotic_expression_spec();
  s.V = "0.5*m^2*phi^2 + 0.5*g2*phi^2*psi^2";
  std::string msg = message_of(s);
  EXPECT_EQ(msg.rfind("V: ", 0), 0u) << msg; // starts with the role, for the deck layer's key prefix
  EXPECT_NE(msg.find("\"psi\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("phi, chi"), std::string::npos) << msg;
  EXPECT_NE(msg.find("m, g2"), std::string::npos) << msg;

  s = chaotic_expression_spec();
  s.dV.emplace_back("psi", "0");
  msg = message_of(s);
  EXPECT_NE(msg.find("dV: no field named \"psi\""), std::string::npos) << msg;

  s = chaotic_expression_spec();
  s.d2V = {{{"phi", "psi"}, "0"}};
  EXPECT_NE(message_of(s).find("d2V: no field named \"psi\""), std::string::npos);

  s = chaotic_expression_spec();
  s.parameters.emplace_back("m", 1.0);
  msg = message_of(s);
  EXPECT_NE(msg.find("\"m\""), std::string::npos) << msg; // a parameter named twice
}

TEST(Potential, expression_reproduces_chaotic_g2) {
  const ChaoticG2 ref{0.7, 1.3};
  auto s = chaotic_expression_spec();
  const auto fd_hessian = make_potential(s);
  s.d2V = {
      {{"phi", "phi"}, "m^2 + g2*chi^2"}, {{"chi", "phi"}, "2*g2*phi*chi"}, {{"chi", "chi"}, "g2*phi^2"}};
  const auto given_hessian = make_potential(s);
  ASSERT_EQ(potential_name(given_hessian), "expression");
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-4.0, 4.0);
  for (int trial = 0; trial < 200; ++trial) {
    const std::vector<double> x = {u(rng), u(rng)};
    const double scale = std::abs(ref.V(x)) + 1.0;
    // The same formula in another evaluation order: equal to a few roundings of the largest term.
    const double exact = 4e-15 * scale;
    EXPECT_NEAR(potential_V(given_hessian, x), ref.V(x), exact);
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_NEAR(potential_dV(given_hessian, x, i), ref.dV(x, i), exact);
      for (std::size_t j = 0; j < 2; ++j) {
        EXPECT_NEAR(potential_d2V(given_hessian, x, i, j), ref.d2V(x, i, j), exact);
        EXPECT_NEAR(potential_d2V(fd_hessian, x, i, j), ref.d2V(x, i, j), 1e-9 * scale); // exact for cubics
      }
    }
  }
  const std::vector<double> means = {1.0, 0.0};
  EXPECT_TRUE(check_derivatives(given_hessian, phi_chi, derivative_check_points(means)).passed());
  EXPECT_EQ(hessian(fd_hessian, means).size(), 4u);
}

TEST(Potential, wrong_derivative_fails_the_check_naming_derivative_field_and_point) {
  const auto pot = make_potential(chaotic_expression_spec("2*g2*phi^2*chi"));
  const auto points = derivative_check_points(std::vector<double>{1.0, 0.0});
  const auto report = derivative_report(pot, phi_chi, points);
  EXPECT_FALSE(report.passed());
  int failures = 0;
  for (const auto& e : report.entries) {
    if (e.derivative == "dV/dphi") {
      EXPECT_TRUE(e.passed);
    }
    if (e.derivative == "dV/dchi" && !e.passed) {
      ++failures;
      EXPECT_NEAR(e.given, 2.0 * e.finite_difference, 1e-8 * std::abs(e.given));
      EXPECT_NEAR(e.relative_difference, 1.0, 1e-6);
    }
  }
  EXPECT_EQ(failures, 6); // every point off chi = 0: both sides vanish at the means themselves
  try {
    (void)check_derivatives(pot, phi_chi, points);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(
        msg.rfind(
            "dV/dchi: given 2*g2*phi^2*chi differs from the finite difference by 100% at (phi, chi) = (", 0),
        0u)
        << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg; // one line: one derivative is wrong
    EXPECT_EQ(e.status(), ExitStatus::invalid_input);
  }

  auto s = chaotic_expression_spec();
  s.d2V = {{{"phi", "chi"}, "g2*phi*chi"}}; // half the true mixed derivative
  try {
    (void)check_derivatives(make_potential(s), phi_chi, points);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("d2V/dphi dchi: given g2*phi*chi differs", 0), 0u) << e.what();
  }
}

TEST(Potential, hessian_is_the_closed_form_mass_matrix) {
  const ChaoticG2 p{0.7, 1.3};
  const std::vector<double> x = {2.0, 0.5};
  const auto h = hessian(p, x);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_DOUBLE_EQ(h[0], 0.49 + 1.3 * 0.25);
  EXPECT_DOUBLE_EQ(h[1], 2.0 * 1.3 * 2.0 * 0.5);
  EXPECT_DOUBLE_EQ(h[2], h[1]);
  EXPECT_DOUBLE_EQ(h[3], 1.3 * 4.0);
  EXPECT_THROW((void)hessian(ChaoticG2{1, 1, FieldPair{0, 2}}, x), RuntimeError); // too few values
}

TEST(Potential, eigenvalues_closed_form_agree_with_lapack) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-2.0, 2.0);
  for (int trial = 0; trial < 50; ++trial) {
    const double b = u(rng);
    const std::vector<double> m = {u(rng), b, b, u(rng)};
    const auto closed = mass_eigenvalues(m);
    const auto lapack = mass_eigensystem(m).values;
    EXPECT_NEAR(closed[0], lapack[0], 1e-14);
    EXPECT_NEAR(closed[1], lapack[1], 1e-14);
    EXPECT_NEAR(closed[0] + closed[1], m[0] + m[3], 1e-14);         // trace
    EXPECT_NEAR(closed[0] * closed[1], m[0] * m[3] - b * b, 1e-13); // determinant
  }
  // 3 x 3: M v_k = lambda_k v_k with orthonormal v_k (columns of `vectors`), eigenvalues ascending.
  const std::vector<double> m = {2.0, -1.0, 0.5, -1.0, 3.0, 0.25, 0.5, 0.25, -1.0};
  const auto es = mass_eigensystem(m);
  ASSERT_EQ(es.values.size(), 3u);
  EXPECT_LE(es.values[0], es.values[1]);
  EXPECT_LE(es.values[1], es.values[2]);
  for (std::size_t k = 0; k < 3; ++k)
    for (std::size_t i = 0; i < 3; ++i) {
      double mv = 0.0;
      for (std::size_t j = 0; j < 3; ++j)
        mv += m[3 * i + j] * es.vectors[3 * j + k];
      EXPECT_NEAR(mv, es.values[k] * es.vectors[3 * i + k], 1e-14);
      double dot = 0.0;
      for (std::size_t j = 0; j < 3; ++j)
        dot += es.vectors[3 * j + k] * es.vectors[3 * j + i];
      EXPECT_NEAR(dot, i == k ? 1.0 : 0.0, 1e-14);
    }
  EXPECT_THROW((void)mass_eigenvalues(std::vector<double>{1.0, 2.0, 3.0}), RuntimeError);
  EXPECT_THROW((void)mass_eigenvalues(std::vector<double>{1.0, 0.0, 0.0, std::nan("")}), InputError);
}

TEST(Potential, describe_names_kind_parameters_and_roles) {
  EXPECT_EQ(potential_describe(Hybrid{1.0, 0.5, 2.0, 0.25, FieldPair{1, 0}}),
            "hybrid(lambda=1, v=0.5, g2=2, m=0.25, phi=#1, chi=#0)");
  EXPECT_EQ(potential_name(QuarticG2{}), "quartic_g2");
  const std::string d = potential_describe(make_potential(chaotic_expression_spec()));
  EXPECT_NE(d.find("dV/dchi=\"g2*phi^2*chi\""), std::string::npos) << d;
  EXPECT_NE(d.find("m=0.69999999999999996"), std::string::npos) << d;
}
