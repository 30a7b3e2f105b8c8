#include "inflanet/duality/kernel_fits.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "inflanet/base/error.hpp"

namespace inflanet {

DecayingKernelFit fit_decaying_kernel(std::span<const double> k, std::span<const double> omega2) {
  if (k.size() != omega2.size()) {
    throw InputError("fit_decaying_kernel: k and omega2 differ in length");
  }
  double s0 = 0.0, sk = 0.0, sy = 0.0, skk = 0.0, sky = 0.0;
  DecayingKernelFit out;
  for (std::size_t b = 0; b < k.size(); ++b) {
    if (!(omega2[b] > 0.0)) {
      continue;
    }
    const double y = std::log(omega2[b]);
    s0 += 1.0;
    sk += k[b];
    sy += y;
    skk += k[b] * k[b];
    sky += k[b] * y;
    ++out.shells;
  }
  if (out.shells < 2) {
    throw InputError("fit_decaying_kernel: fewer than two shells with omega2 > 0");
  }
  // Centred normal equations (two unknowns, no cancellation worth a QR).
  const double kbar = sk / s0, ybar = sy / s0;
  const double var = skk / s0 - kbar * kbar;
  if (!(var > 0.0)) {
    throw RuntimeError("fit_decaying_kernel: the shells' k do not vary");
  }
  out.slope = (sky / s0 - kbar * ybar) / var;
  out.log_amplitude = ybar - out.slope * kbar;
  double r2 = 0.0;
  for (std::size_t b = 0; b < k.size(); ++b) {
    if (omega2[b] > 0.0) {
      const double r = std::log(omega2[b]) - out.log_amplitude - out.slope * k[b];
      r2 += r * r;
    }
  }
  out.rms_relative = std::sqrt(r2 / static_cast<double>(out.shells));
  return out;
}

RelativeEftFit fit_eft_relative(std::span<const double> k, std::span<const double> omega2, bool with_k4) {
  std::vector<double> sigma(omega2.begin(), omega2.end()); // relative residuals; <= 0 are skipped by fit_eft
  RelativeEftFit out;
  out.fit = fit_eft(k, omega2, sigma, with_k4, /*skip_zero_mode=*/false);
  double r2 = 0.0;
  int used = 0;
  for (std::size_t b = 0; b < k.size(); ++b) {
    if (!(sigma[b] > 0.0)) {
      continue;
    }
    const double k2 = k[b] * k[b];
    const double model = out.fit.m_eff2 + out.fit.c_eff2 * k2 + out.fit.k4 * k2 * k2;
    const double r = (omega2[b] - model) / omega2[b];
    r2 += r * r;
    ++used;
  }
  out.rms_relative = used > 0 ? std::sqrt(r2 / used) : std::nan("");
  return out;
}

std::string preferred_kernel_form(const RelativeEftFit& eft, const DecayingKernelFit& decaying) {
  return eft.rms_relative <= decaying.rms_relative ? "eft" : "decaying";
}

PowerLawKernelFit fit_power_law_kernel(std::span<const double> k, std::span<const double> omega2) {
  if (k.size() != omega2.size()) {
    throw InputError("fit_power_law_kernel: k and omega2 differ in length");
  }
  std::vector<double> log_k, value;
  for (std::size_t b = 0; b < k.size(); ++b) {
    if (k[b] > 0.0 && omega2[b] > 0.0) {
      log_k.push_back(std::log(k[b]));
      value.push_back(omega2[b]);
    }
  }
  if (log_k.size() < 2) {
    throw InputError("fit_power_law_kernel: fewer than two shells with k > 0 and omega2 > 0");
  }
  // A decaying fit in ln k is the power law in k.
  const DecayingKernelFit line = fit_decaying_kernel(log_k, value);
  PowerLawKernelFit out;
  out.log_amplitude = line.log_amplitude;
  out.exponent = line.slope;
  out.shells = line.shells;
  const double dof = static_cast<double>(line.shells - 2);
  out.rms_relative =
      dof > 0.0 ? line.rms_relative * std::sqrt(static_cast<double>(line.shells) / dof) : std::nan("");
  return out;
}

KernelFormComparison compare_kernel_forms(std::span<const double> k, std::span<const double> omega2,
                                          bool with_k4) {
  KernelFormComparison out;
  const auto per_dof = [](double rms, int shells, int parameters) {
    const int dof = shells - parameters;
    return dof > 0 ? rms * std::sqrt(static_cast<double>(shells) / dof) : std::nan("");
  };
  const RelativeEftFit eft = fit_eft_relative(k, omega2, with_k4);
  out.eft = per_dof(eft.rms_relative, eft.fit.bins_used, eft.fit.terms);
  const DecayingKernelFit decaying = fit_decaying_kernel(k, omega2);
  out.decaying = per_dof(decaying.rms_relative, decaying.shells, 2);
  try {
    out.power_law = fit_power_law_kernel(k, omega2).rms_relative;
  } catch (const InputError&) {
    out.power_law = std::nan(""); // fewer than two shells with k > 0
  }
  out.preferred = "none";
  double best = std::numeric_limits<double>::infinity();
  for (const auto& [name, value] : {std::pair{"eft", out.eft}, std::pair{"decaying", out.decaying},
                                    std::pair{"power_law", out.power_law}}) {
    if (std::isfinite(value) && value < best) {
      best = value;
      out.preferred = name;
    }
  }
  return out;
}

} // namespace inflanet
