#include "inflanet/field/continuity_tracker.hpp"

#include <algorithm>
#include <cmath>

namespace inflanet {
namespace {
constexpr int stencil = 8;

/// Integral over [lo, hi] of the Lagrange basis polynomial of node m on nodes 0..count-1, by a
/// Gauss-Legendre rule exact for the degree involved.
double basis_integral(int m, int count, double lo, double hi) {
  static constexpr double x[5] = {0.0, -0.5384693101056831, 0.5384693101056831, -0.9061798459386640,
                                  0.9061798459386640};
  static constexpr double w[5] = {0.5688888888888889, 0.4786286704993665, 0.4786286704993665,
                                  0.2369268850561891, 0.2369268850561891};
  double total = 0.0;
  for (int g = 0; g < 5; ++g) {
    const double t = 0.5 * (lo + hi) + 0.5 * (hi - lo) * x[g];
    double basis = 1.0;
    for (int j = 0; j < count; ++j) {
      if (j != m) {
        basis *= (t - j) / static_cast<double>(m - j);
      }
    }
    total += w[g] * basis;
  }
  return 0.5 * (hi - lo) * total;
}
} // namespace

const std::array<std::array<double, 8>, 7>& ContinuityTracker::weights() {
  static const auto table = [] {
    std::array<std::array<double, 8>, 7> t{};
    for (int s = 0; s < 7; ++s) {
      for (int m = 0; m < stencil; ++m) {
        t[s][m] = basis_integral(m, stencil, s, s + 1);
      }
    }
    return t;
  }();
  return table;
}

ContinuityTracker::ContinuityTracker(double h, double rho0, double dissipation0)
    : h_(h), values_{dissipation0}, rho0_(rho0), rho_(rho0) {}

ContinuityTracker ContinuityTracker::restore(double h, double rho0, const std::vector<double>& values,
                                             double rho_now) {
  ContinuityTracker tracker(h, rho0, values.empty() ? 0.0 : values.front());
  for (std::size_t i = 1; i < values.size(); ++i) {
    tracker.push(rho_now, values[i]); // rho only matters for the newest value
  }
  tracker.rho_ = rho_now;
  return tracker;
}

void ContinuityTracker::push(double rho, double dissipation) {
  values_.push_back(dissipation);
  rho_ = rho;
  // Interval i uses nodes i-3 .. i+4 once they all exist; then it never changes again.
  while (committed_upto_ + 4 < values_.size() && values_.size() >= stencil) {
    committed_ += interval(committed_upto_);
    ++committed_upto_;
  }
}

double ContinuityTracker::interval(std::size_t i) const {
  const std::size_t points = values_.size();
  if (points < stencil) {
    // Short history: interpolate through every point there is.
    const int count = static_cast<int>(points);
    double total = 0.0;
    for (int m = 0; m < count; ++m) {
      total += basis_integral(m, count, static_cast<double>(i), static_cast<double>(i + 1)) * values_[m];
    }
    return h_ * total;
  }
  // Centre the stencil on the interval where possible, shift it at either end.
  std::ptrdiff_t first = static_cast<std::ptrdiff_t>(i) - 3;
  first = std::clamp<std::ptrdiff_t>(first, 0, static_cast<std::ptrdiff_t>(points) - stencil);
  const auto s = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(i) - first);
  double total = 0.0;
  for (int m = 0; m < stencil; ++m) {
    total += weights()[s][m] * values_[static_cast<std::size_t>(first) + m];
  }
  return h_ * total;
}

double ContinuityTracker::integral() const {
  double total = committed_;
  for (std::size_t i = committed_upto_; i + 1 < values_.size(); ++i) {
    total += interval(i);
  }
  return total;
}

double ContinuityTracker::residual() const {
  // Exactly, rho(t) + int 3H (rho + p) = rho(t0): the balance's own scale is rho(t0). Dividing by rho(t)
  // instead would blow the residual up by the dilution of rho in de Sitter (a factor 1e5 in 4 e-folds).
  const double numerator = std::abs(rho_ - rho0_ + integral());
  return rho0_ != 0.0 ? numerator / std::abs(rho0_) : numerator;
}

} // namespace inflanet
