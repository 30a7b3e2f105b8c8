#include "inflanet/potential/derivative_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace inflanet {

bool DerivativeCheckReport::passed() const noexcept {
  return std::all_of(entries.begin(), entries.end(), [](const DerivativeCheckEntry& e) { return e.passed; });
}

std::string DerivativeCheckReport::format_point(std::span<const double> point) const {
  std::string names, values;
  for (std::size_t i = 0; i < point.size(); ++i) {
    const char* sep = i == 0 ? "" : ", ";
    names += fmt::format("{}{}", sep, i < fields.size() ? fields[i] : fmt::format("#{}", i));
    values += fmt::format("{}{:.6g}", sep, point[i]);
  }
  return fmt::format("({}) = ({})", names, values);
}

namespace {

/// The worst point of each failing derivative, in the order derivatives first appear: one entry each, so a
/// derivative wrong everywhere is reported once, where it is most visibly wrong. A non-finite value is the
/// worst of all.
std::vector<const DerivativeCheckEntry*> worst_failures(const std::vector<DerivativeCheckEntry>& entries) {
  std::vector<const DerivativeCheckEntry*> order;
  auto badness = [](const DerivativeCheckEntry& e) {
    return std::isfinite(e.given) && std::isfinite(e.finite_difference) ? e.relative_difference : INFINITY;
  };
  for (const auto& e : entries) {
    if (e.passed)
      continue;
    const auto it = std::find_if(order.begin(), order.end(), [&](const DerivativeCheckEntry* w) {
      return w->derivative == e.derivative;
    });
    if (it == order.end())
      order.push_back(&e);
    else if (badness(e) > badness(**it))
      *it = &e;
  }
  return order;
}

} // namespace

const DerivativeCheckEntry* DerivativeCheckReport::first_failure() const {
  const auto order = worst_failures(entries);
  return order.empty() ? nullptr : order.front();
}

std::string DerivativeCheckReport::failure_message() const {
  std::string out;
  for (const DerivativeCheckEntry* worst : worst_failures(entries)) {
    const DerivativeCheckEntry& e = *worst;
    const std::string given = e.formula.empty() ? std::string("value") : e.formula;
    if (!out.empty())
      out += '\n';
    if (!std::isfinite(e.given) || !std::isfinite(e.finite_difference))
      out += fmt::format(
          "{}: given {} is not finite, or V is not, at {} (given {:.6g}, finite difference {:.6g})",
          e.derivative, given, format_point(e.point), e.given, e.finite_difference);
    else
      out += fmt::format("{}: given {} differs from the finite difference by {:.3g}% at {} (given {:.6g}, "
                         "finite difference {:.6g}; tolerance {:.3g})",
                         e.derivative, given, 100.0 * e.relative_difference, format_point(e.point), e.given,
                         e.finite_difference, tolerance);
  }
  return out;
}

std::vector<std::vector<double>> derivative_check_points(std::span<const double> means, int count,
                                                         double spread) {
  std::vector<std::vector<double>> points;
  points.emplace_back(means.begin(), means.end());
  // A Weyl sequence per coordinate, frac(0.5 + k alpha_i), with alpha_i irrational and different for
  // every field (fractional parts of sqrt of successive primes beyond the table), so the offsets of
  // different fields are unrelated and no point lies on a line through the means.
  static constexpr double alpha[] = {0.41421356237309515, 0.73205080756887719, 0.23606797749978981,
                                     0.64575131106459072, 0.31662479035539981, 0.60555127546398912,
                                     0.12310562561766059, 0.35889894354067398};
  constexpr std::size_t n_alpha = sizeof(alpha) / sizeof(alpha[0]);
  for (int k = 1; k <= count; ++k) {
    std::vector<double> x(means.begin(), means.end());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double a = i < n_alpha ? alpha[i] : std::sqrt(static_cast<double>(2 * i + 3)) * 0.5772156649;
      double u = 2.0 * (0.5 + k * a - std::floor(0.5 + k * a)) - 1.0; // in [-1, 1)
      u = std::copysign(0.1 + 0.9 * std::abs(u), u);                  // away from the symmetry plane
      x[i] += spread * std::max(1.0, std::abs(x[i])) * u;
    }
    points.push_back(std::move(x));
  }
  return points;
}

} // namespace inflanet
