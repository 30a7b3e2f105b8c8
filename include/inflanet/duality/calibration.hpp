#pragma once
/// \file
/// \brief Calibrating the network's loss scale c to a cosmology, and comparing the two dispersion relations
/// shell by shell (physics.md §5, "Calibrating an MLP to a cosmology").
///
/// No single c maps a decaying NTK dispersion lambda(k) onto a growing omega^2(k) = k^2/a^2 + V''. Two honest
/// choices: `background` sets c lambda(0) = V'' (exact for the mean mode by construction, so every other
/// shell is the test) and `spectrum` the power-weighted log least squares
///   ln c = sum_b w_b ln(omega2_b / lambda_b) / sum_b w_b,   w_b = counts_b P_b(t0).
/// Either way the evidence is the frequency ratio c lambda_b / omega2_b of the other shells.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace inflanet {

enum class Calibration { none, background, spectrum };

/// \brief "none", "background" or "spectrum"; InputError otherwise.
[[nodiscard]] Calibration calibration_from_name(std::string_view name);
[[nodiscard]] std::string_view calibration_name(Calibration c) noexcept;

/// \brief c with c lambda0 = v2 (lambda0 the NTK's k = 0 Rayleigh quotient, v2 = V''(phi_bar)).
/// InputError when either is not finite and > 0 (a massless field has no background frequency to match).
[[nodiscard]] double background_loss_scale(double lambda0, double v2);

/// \brief The power-weighted log least squares c. Shells with lambda <= 0, omega2 <= 0 or zero weight are
/// left out; InputError when none is left.
[[nodiscard]] double spectrum_loss_scale(std::span<const double> omega2, std::span<const double> lambda,
                                         std::span<const double> counts, std::span<const double> power);

/// \brief Shell-by-shell comparison of c lambda with omega^2.
struct FrequencyMatch {
  std::vector<double> ratio;   ///< c lambda_b / omega2_b (NaN where omega2_b <= 0)
  std::vector<double> matched; ///< 1 where |ratio - 1| <= tolerance, else 0
  double rms_log = 0.0;        ///< rms over the usable shells of ln(c lambda / omega^2)
  std::size_t matched_count = 0, usable = 0;
  double tolerance = 0.1;
};
[[nodiscard]] FrequencyMatch compare_frequencies(std::span<const double> c_lambda,
                                                 std::span<const double> omega2, double tolerance = 0.1);

/// \brief "shells 0-3, 5 (5 of 9)" style description of the matched shells (by shell index).
[[nodiscard]] std::string describe_matched(const FrequencyMatch& match);

} // namespace inflanet
