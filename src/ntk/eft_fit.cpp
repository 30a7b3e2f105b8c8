#include "inflanet/ntk/eft_fit.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "least_squares.hpp"

namespace inflanet {

EftFit fit_eft(std::span<const double> k, std::span<const double> omega2, std::span<const double> omega2_err,
               bool with_k4, bool skip_zero_mode) {
  if (k.size() != omega2.size() || k.size() != omega2_err.size()) {
    throw InputError(
        fmt::format("EFT fit: k, omega2 and omega2_err must have the same length, got {}, {}, {}", k.size(),
                    omega2.size(), omega2_err.size()));
  }
  const std::size_t p = with_k4 ? 3 : 2;
  std::vector<double> kk, y, w;
  for (std::size_t b = 0; b < k.size(); ++b) {
    const double err = omega2_err[b];
    if (!(err > 0.0) || !std::isfinite(err) || !std::isfinite(k[b]) || !std::isfinite(omega2[b])) {
      continue;
    }
    if (skip_zero_mode && k[b] == 0.0) {
      continue;
    }
    kk.push_back(k[b] * k[b]);
    y.push_back(omega2[b] / err);
    w.push_back(1.0 / err);
  }
  const std::size_t n = kk.size();
  if (n < p) {
    throw InputError(fmt::format("EFT fit: {} usable bin(s) (positive error{}) for {} parameters", n,
                                 skip_zero_mode ? ", k > 0" : "", p));
  }
  std::vector<double> a(n * p);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = w[i];
    a[n + i] = w[i] * kk[i];
    if (p == 3) {
      a[2 * n + i] = w[i] * kk[i] * kk[i];
    }
  }
  const detail::LeastSquares ls = detail::solve_least_squares(std::move(a), std::move(y), n, p);
  if (!ls.ok) {
    throw RuntimeError(fmt::format("EFT fit: the {} usable bins do not determine {} parameters (too few "
                                   "distinct k)",
                                   n, p));
  }
  EftFit fit;
  fit.terms = static_cast<int>(p);
  fit.bins_used = static_cast<int>(n);
  const std::size_t dof = n - p;
  const double scale2 = dof > 0 ? ls.residual2 / static_cast<double>(dof) : 1.0;
  fit.chi2_per_dof =
      dof > 0 ? ls.residual2 / static_cast<double>(dof) : std::numeric_limits<double>::quiet_NaN();
  auto err = [&](std::size_t i) { return std::sqrt(ls.covariance[i * p + i] * scale2); };
  fit.m_eff2 = ls.x[0];
  fit.m_eff2_err = err(0);
  fit.c_eff2 = ls.x[1];
  fit.c_eff2_err = err(1);
  if (p == 3) {
    fit.k4 = ls.x[2];
    fit.k4_err = err(2);
  }
  return fit;
}

} // namespace inflanet
