// Today's gravitational-wave spectrum from the end of a run (present_day_spectrum.hpp has the derivation).
#include "inflanet/gravitational_waves/present_day_spectrum.hpp"

#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace inflanet {

namespace {

// PDG 2022 values (the header lists them with their sources).
constexpr double cmb_temperature_K = 2.7255;
constexpr double boltzmann_GeV_per_K = 8.617333262e-14;
constexpr double hbar_GeV_s = 6.582119569e-25;
constexpr double newton_G_per_GeV2 = 6.70883e-39;
constexpr double megaparsec_m = 3.0856775814913673e22;
// Entropy degrees of freedom today: photons (2) and three neutrino species at T_nu^3 = (4/11) T^3.
constexpr double g_entropy_today = 43.0 / 11.0;

double critical_density_over_h2_GeV4() {
  const double hubble_100_GeV = 100.0e3 / megaparsec_m * hbar_GeV_s; // 100 km/s/Mpc as an energy
  const double planck_mass_2 = 1.0 / (8.0 * std::numbers::pi * newton_G_per_GeV2);
  return 3.0 * hubble_100_GeV * hubble_100_GeV * planck_mass_2;
}

void require_positive(double value, PresentDayQuantity quantity, const char* what) {
  if (!(std::isfinite(value) && value > 0.0)) {
    throw PresentDayInputError(quantity, fmt::format("{} must be finite and > 0, got {}", what, value));
  }
}

} // namespace

PresentDayConversion present_day_conversion(double a_end, double rho_end, double energy_GeV, double field_GeV,
                                            const LateUniverse& late) {
  require_positive(a_end, PresentDayQuantity::scale_factor, "the scale factor at the end of the run");
  require_positive(rho_end, PresentDayQuantity::energy_density,
                   "the total energy density at the end of the run");
  require_positive(energy_GeV, PresentDayQuantity::energy_scale, "the program energy unit [GeV]");
  require_positive(field_GeV, PresentDayQuantity::field_scale, "the program field unit [GeV]");
  require_positive(late.g_star, PresentDayQuantity::g_star,
                   "the relativistic degrees of freedom at the onset of radiation domination");
  if (!(std::isfinite(late.efolds) && late.efolds >= 0.0)) {
    throw PresentDayInputError(
        PresentDayQuantity::efolds,
        fmt::format("the number of e-folds between the end of the run and radiation domination must be "
                    "finite and >= 0, got {}",
                    late.efolds));
  }
  if (!(late.w > -1.0 / 3.0 && late.w <= 1.0)) {
    throw PresentDayInputError(
        PresentDayQuantity::equation_of_state,
        fmt::format("the equation of state w = p/rho between the end of the run and radiation domination "
                    "must lie in (-1/3, 1], got {} (w <= -1/3 accelerates the expansion, so the waves would "
                    "leave the horizon and stop redshifting as radiation; w > 1 is acausal)",
                    late.w));
  }

  const double pi = std::numbers::pi;
  const double T0_GeV = cmb_temperature_K * boltzmann_GeV_per_K;
  const double g = late.g_star;
  // rho_GW is diluted relative to the dominant fluid by e^{-N(1-3w)} during the w-era, and every frequency
  // is shifted by the fourth root of it (the header's derivation).
  const double dilution = std::exp(-late.efolds * (1.0 - 3.0 * late.w));

  // f = (1/2pi) (k_e / rho_e^{1/4}) (pi^2/30)^{1/4} g^{-1/12} g_s0^{1/3} T_0 e^{-N(1-3w)/4}, k_e and rho_e
  // in GeV, f converted from GeV to Hz by 1/hbar.
  const double rho_end_GeV4 = rho_end * field_GeV * field_GeV * energy_GeV * energy_GeV;
  const double k_end_GeV_per_k = energy_GeV / a_end;
  const double hz_per_GeV = 1.0 / (2.0 * pi * hbar_GeV_s);
  const double hz_per_k = hz_per_GeV * k_end_GeV_per_k / std::pow(rho_end_GeV4, 0.25) *
                          std::pow(pi * pi / 30.0, 0.25) * std::pow(g, 0.25) / std::cbrt(g) *
                          std::cbrt(g_entropy_today) * T0_GeV * std::pow(dilution, 0.25);

  // h^2 Omega_GW,0 = Omega_GW,e (pi^2/30) g_s0^{4/3} g^{-1/3} T_0^4 e^{-N(1-3w)} / (rho_c0/h^2).
  const double T0_4 = T0_GeV * T0_GeV * T0_GeV * T0_GeV;
  const double h2_omega_per_omega = pi * pi / 30.0 * std::pow(g_entropy_today, 4.0 / 3.0) / std::cbrt(g) *
                                    T0_4 * dilution / critical_density_over_h2_GeV4();
  return {hz_per_k, h2_omega_per_omega};
}

PresentDaySpectrum present_day_spectrum(std::span<const double> k, std::span<const double> omega_gw_end,
                                        double a_end, double rho_end, double energy_GeV, double field_GeV,
                                        const LateUniverse& late) {
  const PresentDayConversion c = present_day_conversion(a_end, rho_end, energy_GeV, field_GeV, late);
  if (k.size() != omega_gw_end.size()) {
    throw PresentDayInputError(PresentDayQuantity::spectrum,
                               fmt::format("the spectrum has {} wavenumbers but {} values of Omega_GW",
                                           k.size(), omega_gw_end.size()));
  }
  PresentDaySpectrum today;
  today.frequency_Hz.reserve(k.size());
  today.h2_omega_gw.reserve(k.size());
  for (std::size_t i = 0; i < k.size(); ++i) {
    if (!(std::isfinite(k[i]) && k[i] >= 0.0) ||
        !(std::isfinite(omega_gw_end[i]) && omega_gw_end[i] >= 0.0)) {
      throw PresentDayInputError(
          PresentDayQuantity::spectrum,
          fmt::format("shell {} of the spectrum has k = {} and Omega_GW = {}; both must be finite and >= 0",
                      i, k[i], omega_gw_end[i]));
    }
    today.frequency_Hz.push_back(c.hz_per_k * k[i]);
    today.h2_omega_gw.push_back(c.h2_omega_per_omega * omega_gw_end[i]);
  }
  return today;
}

} // namespace inflanet
