#pragma once
/// \file
/// \brief The two descriptions of a network's dispersion relation c lambda(k) (issue 9): the effective field
/// theory c lambda = m_eff^2 + c_eff^2 k^2 (+ d k^4), meaningful only where that form fits, and a decaying
/// kernel ln(c lambda) = A - k / k_decay, the form an MLP's NTK on periodic sites usually has (spectral
/// bias).
///
/// Without measured scatter between seeds neither fit has errors per shell: both are fitted to relative
/// residuals (the EFT with weights 1/(c lambda_b), the decaying form in ln), and each reports its rms
/// relative residual, which says which form describes the run. The spread of lambda inside a shell is
/// anisotropy (cubic harmonics), not noise, and does not enter.

#include <span>
#include <string>

#include "inflanet/ntk/eft_fit.hpp"

namespace inflanet {

/// \brief ln(omega2) = log_amplitude + slope k, ordinary least squares over the shells with omega2 > 0.
struct DecayingKernelFit {
  double log_amplitude = 0.0, slope = 0.0;
  double rms_relative = 0.0; ///< rms of ln(omega2 / fit): a relative residual
  int shells = 0;
};
[[nodiscard]] DecayingKernelFit fit_decaying_kernel(std::span<const double> k,
                                                    std::span<const double> omega2);

/// \brief The EFT fit on relative residuals (k = 0 included with its exact value) and its rms relative
/// residual.
struct RelativeEftFit {
  EftFit fit;
  double rms_relative = 0.0; ///< rms of (omega2 - fit) / omega2 over the shells used
};
[[nodiscard]] RelativeEftFit fit_eft_relative(std::span<const double> k, std::span<const double> omega2,
                                              bool with_k4);

/// \brief "eft" or "decaying": the form with the smaller rms relative residual.
[[nodiscard]] std::string preferred_kernel_form(const RelativeEftFit& eft, const DecayingKernelFit& decaying);

} // namespace inflanet
