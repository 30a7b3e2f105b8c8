#pragma once
/// \file
/// \brief Initial conditions of the inflaton: homogeneous background plus Bunch-Davies vacuum fluctuations.

#include <cstdint>

#include "inflanet/field/inflaton.hpp"

namespace inflanet {

/// \brief What the deck's [inflaton] section asks for at t0.
struct InitialConditions {
  double phi0 = 0.0;               ///< homogeneous field value
  double phidot0 = 0.0;            ///< homogeneous velocity dphi/dt
  bool vacuum_fluctuations = true; ///< "bunch-davies" (true) or "none"
  std::uint64_t seed = 1;
  double kcut = 0.0; ///< comoving UV cutoff on |k| (0: none)
};

/// \brief Sets phi and phidot of `inflaton` at its current time t0 (collective).
///
/// Fluctuations are those of a test field of mass^2 m2 = V''(phi0) in the vacuum (Bunch-Davies in de
/// Sitter, the Minkowski vacuum at H = 0), realised as in physics.md §2: for every mode n != 0,
///   phi~_n = (N^3 / L^{3/2}) (u_k alpha_n + u_k^* alpha_{-n}^*),   phidot~_n likewise with du_k/dt,
/// with independent complex Gaussians alpha_n (<|alpha|^2> = 1/2) drawn from a counter-based generator
/// keyed by (seed, global mode index). The Fourier coefficients are therefore bit-identical for any
/// rank count (real-space values differ only by the transform's rounding). The mode functions u_k are
/// integrated from deep inside the horizon for each distinct |k|, for any mass. In alpha-time the momentum
/// field is then a^alpha d phi / dt (the system's p = d phi / d eta).
void set_initial_conditions(Inflaton& inflaton, SpectralOperators& operators, const InitialConditions& ic);

/// \brief The Fourier-space half of set_initial_conditions: writes the vacuum fluctuations' coefficients
/// (mass^2 m2, background at t0, no homogeneous mode) into phi and phidot and marks them Fourier. These
/// coefficients are bit-identical for any rank count.
void draw_vacuum_modes(Field& phi, Field& phidot, const SpectralOperators& operators,
                       const Background& background, double m2, double t0, std::uint64_t seed, double kcut);

/// \brief The flat-space WKB vacuum at scale factor a0 (physics.md §2's normalisation): for every mode
/// n != 0 with omega^2 = k^2/a0^2 + m2 > 0, u = (2 omega a0^3)^(-1/2), du/dt = -i omega u, realised like
/// draw_vacuum_modes (same generator, same rank independence). Modes with omega^2 <= 0 (tachyonic) have no
/// WKB vacuum and are set to zero.
void draw_wkb_modes(Field& phi, Field& phidot, const SpectralOperators& operators, double a0, double m2,
                    std::uint64_t seed, double kcut);

} // namespace inflanet
