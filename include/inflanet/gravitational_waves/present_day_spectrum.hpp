#pragma once
/// \file
/// \brief Today's gravitational-wave spectrum from the end of a run: the frequency f [Hz] and h^2 Omega_GW,0
/// of each shell, given the spectrum Omega_GW = (1/rho) d rho_GW / d ln k at the end, the state (a, rho) at
/// the end, the program units in GeV and what the universe did afterwards (LateUniverse).
///
/// References: J.-F. Dufaux, A. Bergman, G. Felder, L. Kofman, J.-P. Uzan, "Theory and numerics of
/// gravitational waves from preheating after inflation", arXiv:0707.0875 (their f and Omega_GW,0 h^2 with
/// the g_* factors and the a_j/a_* redshift of an era of equation of state w); D. G. Figueroa, A. Florio,
/// F. Torrenti, W. Valkenburg, CosmoLattice's GW technical note, arXiv:2102.01031. Derivation (ours):
///
/// Units. A program energy (= inverse program time = comoving momentum at a = 1) is energy_GeV GeV; a
/// program field amplitude is field_GeV GeV, so a program energy density (phidot^2 ~ field^2 / time^2) is
/// field_GeV^2 energy_GeV^2 GeV^4. The physical momentum of a shell at the end of the run (subscript e) is
/// k_e = k energy_GeV / a_e [GeV] and the total energy density rho_e [GeV^4] = rho field_GeV^2 energy_GeV^2.
///
/// History assumed. From the end of the run the universe expands for N = `efolds` e-folds with a constant
/// equation of state p = w rho (rho proportional to a^{-3(1+w)}), then is radiation dominated, in thermal
/// equilibrium with g_* = `g_star` relativistic degrees of freedom (energy and entropy alike) at its onset
/// (subscript r: a_r = a_e e^N, rho_r = rho_e e^{-3(1+w)N} = (pi^2/30) g_* T_r^4), and conserves entropy
/// from then on, g_s a^3 T^3 = const, down to today (subscript 0): a_r / a_0 = (g_s0 / g_*)^{1/3} T_0 / T_r.
/// The waves are inside the horizon throughout, so rho_GW redshifts as a^{-4} and each wave's physical
/// momentum as a^{-1}; that needs a decelerating expansion, w > -1/3 (an accelerating era would push the
/// waves out of the horizon), and w <= 1 (causality). N = 0, or w = 1/3, is radiation from the end on.
///
/// Frequency. f = k_e a_e / (2 pi a_0) and a_e / a_0 = e^{-N} a_r / a_0 give
///   f = (1/2pi) (k_e / rho_e^{1/4}) (pi^2/30)^{1/4} g_*^{1/4 - 1/3} g_s0^{1/3} T_0 e^{-N(1-3w)/4},
/// because e^{-N} rho_r^{-1/4} = e^{-N} e^{3(1+w)N/4} rho_e^{-1/4} = e^{-N(1-3w)/4} rho_e^{-1/4}. Evaluated
/// (f in Hz = E/(2 pi hbar)): f = 4.59e10 Hz (k_e / rho_e^{1/4}) e^{-N(1-3w)/4} at g_* = 106.75; Dufaux et
/// al.'s rounded "4 x 10^10 Hz" is the same coefficient with (g_*/g_0)^{-1/12} at g_* ~ 100 and one g_0.
/// A matter era (w = 0) of N e-folds thus divides every frequency by e^{N/4}.
///
/// Amplitude. Omega_GW,0 = (rho_GW,e / rho_c0) (a_e/a_0)^4 per ln k, and ln k = ln f + const, so per ln f:
///   h^2 Omega_GW,0 = Omega_GW,e rho_e (a_e / a_0)^4 h^2 / rho_c0,
///   rho_e (a_e/a_0)^4 = e^{-4N} (rho_e / rho_r) rho_r (a_r/a_0)^4
///                     = e^{-N(1-3w)} (pi^2/30) g_s0^{4/3} g_*^{-1/3} T_0^4,
/// i.e. an era of N e-folds dilutes rho_GW (a^{-4}) relative to the dominant fluid (a^{-3(1+w)}) by
/// e^{-N(1-3w)}, and rho_e cancels. Equivalently h^2 Omega_GW,0 = h^2 Omega_rad,0 (g_*/g_0)
/// (g_s0/g_*)^{4/3} Omega_GW,e e^{-N(1-3w)} (arXiv:2102.01031's form with g_s,* = g_*): 1.605e-5
/// Omega_GW,e e^{-N(1-3w)} at g_* = 106.75. A matter era of N e-folds divides h^2 Omega_GW,0 by e^{N}.
///
/// Constants (PDG 2022): T_0 = 2.7255 K, k_B = 8.617333262e-14 GeV/K, hbar = 6.582119569e-25 GeV s,
/// G = 6.70883e-39 GeV^-2 (reduced Planck mass (8 pi G)^{-1/2} = 2.4353e18 GeV), H_0 = 100 h km/s/Mpc with
/// 1 Mpc = 3.0856775814913673e22 m, so rho_c0 / h^2 = 3 (100 km/s/Mpc)^2 M_p^2 = 8.0959e-47 GeV^4;
/// g_s0 = 2 + (7/8) 2 3 (4/11) = 43/11 (photons and three neutrino species).

#include <span>
#include <string>
#include <vector>

#include "inflanet/base/error.hpp"

namespace inflanet {

/// \brief What the universe does between the end of the run and today (see the file's derivation).
struct LateUniverse {
  double w = 1.0 / 3.0;   ///< equation of state p / rho of the era that follows the run, in (-1/3, 1]
  double efolds = 0.0;    ///< that era's length, ln(a_r / a_end) >= 0; then radiation domination
  double g_star = 106.75; ///< relativistic degrees of freedom (energy = entropy) when radiation dominates
};

/// \brief Today's spectrum, one entry per shell of the input, in the input's order.
struct PresentDaySpectrum {
  std::vector<double> frequency_Hz; ///< f today [Hz]
  std::vector<double> h2_omega_gw;  ///< h^2 Omega_GW,0 per ln f (dimensionless)
};

/// \brief The two factors the conversion is: f [Hz] = hz_per_k * k (k comoving, program units) and
/// h^2 Omega_GW,0 = h2_omega_per_omega * Omega_GW,e.
struct PresentDayConversion {
  double hz_per_k = 0.0;
  double h2_omega_per_omega = 0.0;
};

/// \brief Which input of the conversion is wrong (the deck layer maps it to its key).
enum class PresentDayQuantity {
  equation_of_state, ///< LateUniverse::w
  efolds,            ///< LateUniverse::efolds
  g_star,            ///< LateUniverse::g_star
  energy_scale,      ///< the program energy unit in GeV
  field_scale,       ///< the program field unit in GeV
  scale_factor,      ///< a at the end of the run
  energy_density,    ///< rho at the end of the run
  spectrum           ///< the shells k and Omega_GW at the end
};

/// \brief A bad input of the present-day conversion (exit 2), in physics terms: what() says which
/// quantity, what it must be and what it was.
class PresentDayInputError : public InputError {
public:
  PresentDayInputError(PresentDayQuantity quantity, const std::string& what)
      : InputError(what), quantity_(quantity) {}
  [[nodiscard]] PresentDayQuantity quantity() const noexcept { return quantity_; }

private:
  PresentDayQuantity quantity_;
};

/// \brief The factors of the conversion for a run that ends at scale factor a_end with total energy density
/// rho_end [program energy density units], the program units being energy_GeV and field_GeV GeV.
/// \throws PresentDayInputError unless a_end, rho_end, energy_GeV, field_GeV and late.g_star are finite and
/// > 0, late.efolds is finite and >= 0 and late.w is in (-1/3, 1].
[[nodiscard]] PresentDayConversion present_day_conversion(double a_end, double rho_end, double energy_GeV,
                                                          double field_GeV, const LateUniverse& late);

/// \brief Today's f [Hz] and h^2 Omega_GW,0 of each shell. k: the shells' comoving wavenumbers [program
/// momentum units, k at a = 1]; omega_gw_end: (1/rho) d rho_GW / d ln k of each shell at the end of the run.
/// \throws PresentDayInputError as present_day_conversion, and unless k and omega_gw_end have the same length
/// and hold finite values >= 0.
[[nodiscard]] PresentDaySpectrum present_day_spectrum(std::span<const double> k,
                                                      std::span<const double> omega_gw_end, double a_end,
                                                      double rho_end, double energy_GeV, double field_GeV,
                                                      const LateUniverse& late);

} // namespace inflanet
