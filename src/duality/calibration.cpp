#include "inflanet/duality/calibration.hpp"

#include <cmath>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"

namespace inflanet {

Calibration calibration_from_name(std::string_view name) {
  if (name == "none") {
    return Calibration::none;
  }
  if (name == "background") {
    return Calibration::background;
  }
  if (name == "spectrum") {
    return Calibration::spectrum;
  }
  throw InputError(fmt::format("unknown calibration '{}': expected none, background or spectrum", name));
}

std::string_view calibration_name(Calibration c) noexcept {
  switch (c) {
  case Calibration::background:
    return "background";
  case Calibration::spectrum:
    return "spectrum";
  case Calibration::none:
    break;
  }
  return "none";
}

double background_loss_scale(double lambda0, double v2) {
  if (!(v2 > 0.0) || !std::isfinite(v2)) {
    throw InputError(
        fmt::format("the background calibration c = V''/lambda(0) needs V''(phi_bar) > 0 (the mean "
                    "mode's frequency squared), got {:.6g}",
                    v2));
  }
  if (!(lambda0 > 0.0) || !std::isfinite(lambda0)) {
    throw InputError(
        fmt::format("the background calibration c = V''/lambda(0) needs the NTK's k = 0 eigenvalue > 0, got "
                    "{:.6g}",
                    lambda0));
  }
  return v2 / lambda0;
}

double spectrum_loss_scale(std::span<const double> omega2, std::span<const double> lambda,
                           std::span<const double> counts, std::span<const double> power) {
  const std::size_t nb = omega2.size();
  if (lambda.size() != nb || counts.size() != nb || power.size() != nb) {
    throw InputError("spectrum_loss_scale: per-shell inputs differ in length");
  }
  double sum = 0.0, weight = 0.0;
  for (std::size_t b = 0; b < nb; ++b) {
    const double w = counts[b] * power[b];
    if (!(omega2[b] > 0.0) || !(lambda[b] > 0.0) || !(w > 0.0) || !std::isfinite(w)) {
      continue;
    }
    sum += w * std::log(omega2[b] / lambda[b]);
    weight += w;
  }
  if (!(weight > 0.0)) {
    throw InputError(
        "the spectrum calibration needs a shell with power, omega^2 > 0 and lambda > 0; none has");
  }
  return std::exp(sum / weight);
}

FrequencyMatch compare_frequencies(std::span<const double> c_lambda, std::span<const double> omega2,
                                   double tolerance) {
  if (c_lambda.size() != omega2.size()) {
    throw InputError("compare_frequencies: per-shell inputs differ in length");
  }
  FrequencyMatch m;
  m.tolerance = tolerance;
  double sum2 = 0.0;
  for (std::size_t b = 0; b < omega2.size(); ++b) {
    const bool usable = omega2[b] > 0.0 && c_lambda[b] > 0.0;
    const double ratio = omega2[b] > 0.0 ? c_lambda[b] / omega2[b] : std::nan("");
    m.ratio.push_back(ratio);
    const bool ok = usable && std::abs(ratio - 1.0) <= tolerance;
    m.matched.push_back(ok ? 1.0 : 0.0);
    m.matched_count += ok ? 1 : 0;
    if (usable) {
      sum2 += std::log(ratio) * std::log(ratio);
      ++m.usable;
    }
  }
  m.rms_log = m.usable > 0 ? std::sqrt(sum2 / static_cast<double>(m.usable)) : std::nan("");
  return m;
}

std::string describe_matched(const FrequencyMatch& match) {
  std::string out;
  std::size_t b = 0;
  const std::size_t n = match.matched.size();
  while (b < n) {
    if (match.matched[b] == 0.0) {
      ++b;
      continue;
    }
    std::size_t e = b;
    while (e + 1 < n && match.matched[e + 1] != 0.0) {
      ++e;
    }
    out += out.empty() ? "" : ", ";
    out += e == b ? fmt::format("{}", b) : fmt::format("{}-{}", b, e);
    b = e + 1;
  }
  return fmt::format("{} of {} shells within {:.0f}%{}", match.matched_count, n, 100.0 * match.tolerance,
                     out.empty() ? std::string() : " (shells " + out + ")");
}

} // namespace inflanet
