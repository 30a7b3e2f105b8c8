// The derivative check's points and its report: deterministic points off every symmetry plane of the means,
// and failure messages that start with the derivative, name the point and report each derivative once.
#include "inflanet/potential/derivative_check.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace inflanet;

TEST(DerivativeCheck, points_are_deterministic_and_off_the_means_planes) {
  const std::vector<double> means = {16.0, 0.0, -0.5};
  const auto points = derivative_check_points(means, 6, 0.25);
  ASSERT_EQ(points.size(), 7u);
  EXPECT_EQ(points[0], means);
  EXPECT_EQ(points, derivative_check_points(means, 6, 0.25));
  for (std::size_t k = 1; k < points.size(); ++k) {
    ASSERT_EQ(points[k].size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      const double s = 0.25 * std::max(1.0, std::abs(means[i]));
      const double offset = std::abs(points[k][i] - means[i]);
      EXPECT_GE(offset, 0.1 * s * (1 - 1e-12)) << k << "," << i; // never on the plane x_i = mean_i
      EXPECT_LE(offset, s * (1 + 1e-12)) << k << "," << i;
    }
    for (std::size_t l = 1; l < k; ++l)
      EXPECT_NE(points[k], points[l]);
  }
}

TEST(DerivativeCheck, failure_message_names_derivative_formula_and_worst_point) {
  DerivativeCheckReport r;
  r.fields = {"phi", "chi"};
  r.tolerance = 1e-6;
  constexpr auto none = FormulaRole::none;
  r.entries.push_back({"dV/dphi", "m^2*phi", {1.0, 0.5}, 1.0, 1.0, 0.0, true, {0, none}});
  r.entries.push_back({"dV/dchi", "2*g2*phi^2*chi", {1.0, 0.5}, 1.0, 0.52, 0.923, false, {1, none}});
  r.entries.push_back({"dV/dchi", "2*g2*phi^2*chi", {2.0, 0.25}, 1.0, 0.5, 1.0, false, {1, none}});
  r.entries.push_back({"d2V/dphi dchi", "", {2.0, 0.25}, NAN, 0.5, NAN, false, {0, 1}});
  EXPECT_FALSE(r.passed());
  // The deck layer's key comes from the first failing derivative's role (dV/dchi at its worst point).
  ASSERT_NE(r.first_failure(), nullptr);
  EXPECT_EQ(r.first_failure()->role.first, 1u);
  EXPECT_TRUE(r.first_failure()->role.is_dV());
  EXPECT_EQ(r.first_failure()->point, (std::vector<double>{2.0, 0.25}));
  const std::string msg = r.failure_message();
  const auto newline = msg.find('\n');
  ASSERT_NE(newline, std::string::npos) << msg;
  EXPECT_EQ(msg.substr(0, newline),
            "dV/dchi: given 2*g2*phi^2*chi differs from the finite difference by 100% at "
            "(phi, chi) = (2, 0.25) (given 1, finite difference 0.5; tolerance 1e-06)");
  EXPECT_EQ(msg.substr(newline + 1).rfind("d2V/dphi dchi: given value is not finite", 0), 0u) << msg;
  r.entries.resize(1);
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.failure_message(), "");
  EXPECT_EQ(r.format_point(std::vector<double>{1.0, 0.5}), "(phi, chi) = (1, 0.5)");
}
