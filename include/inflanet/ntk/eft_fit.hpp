#pragma once
/// \file
/// \brief The effective field theory fit of a dispersion relation (physics.md §5):
/// omega^2(k) ~ m_eff^2 + c_eff^2 k^2 (+ d k^4), by weighted linear least squares.

#include <span>

namespace inflanet {

/// \brief Fitted parameters with 1-sigma errors. terms = 2 or 3 (k4 and k4_err are 0 when 2).
/// chi2_per_dof = chi^2 / (bins used - terms), NaN when no degree of freedom is left.
struct EftFit {
  double m_eff2 = 0.0, m_eff2_err = 0.0;
  double c_eff2 = 0.0, c_eff2_err = 0.0;
  double k4 = 0.0, k4_err = 0.0;
  double chi2_per_dof = 0.0;
  int terms = 2;
  int bins_used = 0; ///< bins that entered the fit
};

/// \brief Minimises chi^2 = sum_b ((omega2_b - m - c k_b^2 [- d k_b^4]) / omega2_err_b)^2 (QR on the
/// column-scaled, weighted design matrix, not normal equations).
///
/// Skipped bins: omega2_err <= 0 or non-finite values (e.g. an empty shell, or a shell of one mode and its
/// conjugate, whose spread is 0), and k = 0 when skip_zero_mode (the network's uniform mode is its top NTK
/// eigenmode, not part of the smooth dispersion; pass true to leave it out).
/// Errors: sqrt of the covariance's diagonal, (A^T W A)^{-1}, SCALED by sqrt(chi2 / dof) when dof > 0
/// (the errors then reflect the actual scatter: the shell errors of lambda(k) are spreads, not measured
/// variances, and the EFT is truncated) and unscaled when dof = 0 (chi2_per_dof NaN).
/// InputError for spans of different lengths or fewer usable bins than parameters; RuntimeError if the
/// usable k values cannot separate the terms (fewer distinct k^2 than parameters).
[[nodiscard]] EftFit fit_eft(std::span<const double> k, std::span<const double> omega2,
                             std::span<const double> omega2_err, bool with_k4, bool skip_zero_mode = false);

} // namespace inflanet
