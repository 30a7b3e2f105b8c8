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

/// \brief ln(omega2) = log_amplitude + exponent ln k, ordinary least squares over the shells with k > 0 and
/// omega2 > 0: the power law a smooth activation's NTK on the torus has at long wavelengths (a kernel with
/// k^-p tails, not exponential ones). rms_relative is the rms of ln(omega2 / fit) divided by the degrees
/// of freedom (shells - 2), NaN without any.
struct PowerLawKernelFit {
  double log_amplitude = 0.0, exponent = 0.0;
  double rms_relative = 0.0;
  int shells = 0;
};
[[nodiscard]] PowerLawKernelFit fit_power_law_kernel(std::span<const double> k,
                                                     std::span<const double> omega2);

/// \brief The three forms compared on the same long-wavelength shells by their rms relative residual per
/// degree of freedom, sqrt(sum r^2 / (shells - parameters)): "eft", "decaying" or "power_law" (a form with
/// no degree of freedom left is not a candidate; "none" if no form has one).
struct KernelFormComparison {
  double eft = 0.0, decaying = 0.0,
         power_law = 0.0; ///< rms relative residual per degree of freedom (NaN: none)
  std::string preferred;
};
[[nodiscard]] KernelFormComparison compare_kernel_forms(std::span<const double> k,
                                                        std::span<const double> omega2, bool with_k4);

} // namespace inflanet
