#pragma once
/// \file
/// \brief The initial conditions of the lattice's fields: homogeneous means and velocities plus vacuum
/// fluctuations per field (Bunch-Davies in de Sitter, the Minkowski vacuum, or flat-space WKB), each field's
/// effective mass from the potential's Hessian at the initial means.
///
/// Fluctuations are those of a test field of mass^2 m2 in the vacuum, realised as in physics.md §2: for
/// every mode n != 0, phi~_n = (N^3 / L^{3/2}) (u_k alpha_n + u_k^* alpha_{-n}^*), phidot~_n likewise with
/// du_k/dt, with independent complex Gaussians alpha_n (<|alpha|^2> = 1/2) drawn from a counter-based
/// generator keyed by (seed, global mode index). The Fourier coefficients are therefore bit-identical for
/// any rank count (real-space values differ only by the transform's rounding). The mode functions u_k are
/// integrated from deep inside the horizon for each distinct |k|, for any mass.

#include <cstdint>
#include <string>
#include <vector>

#include "inflanet/background/background.hpp"
#include "inflanet/decomposition/field.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/field/field_lattice.hpp"

namespace inflanet {

/// \brief Writes the vacuum fluctuations' coefficients
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

/// \brief The vacuum a field's fluctuations start in.
enum class Fluctuations {
  bunch_davies, ///< the de Sitter (Bunch-Davies) vacuum of the initial H; the Minkowski vacuum at H = 0
  wkb,          ///< flat-space WKB, u = (2 omega a0^3)^(-1/2), omega^2 = k^2/a0^2 + m_eff^2
  none,         ///< homogeneous
};

/// \brief "bunch-davies", "wkb" or "none"; throws InputError otherwise.
[[nodiscard]] Fluctuations fluctuations_from_name(const std::string& name);

/// \brief What one `[[field]]` table asks for at t0.
struct FieldInitialConditions {
  double mean = 0.0;     ///< homogeneous field value
  double velocity = 0.0; ///< homogeneous dphi/dt
  Fluctuations fluctuations = Fluctuations::bunch_davies;
  std::uint64_t seed = 1;
  double kcut = 0.0; ///< comoving UV cutoff on |k| (0: none)
};

/// \brief The initial Hubble rate the vacuum of a Friedmann run is set in: sqrt(rho_hom / 3) with
/// rho_hom = sum_i velocity_i^2 / 2 + V(means) + rho_Lambda (0 if rho_hom <= 0; the run refuses that).
[[nodiscard]] double homogeneous_hubble(const Potential& potential,
                                        const std::vector<FieldInitialConditions>& initial,
                                        double rho_lambda);

/// \brief Sets every field of `lattice` at its current time t0 and starts it (FieldLattice::start)
/// (collective). Field i's fluctuations are those of a free field of mass^2 m2_i = d^2V/dphi_i^2 at the
/// initial means (the Hessian's diagonal: the mixing V_ij, i != j, is a second-order effect on the
/// vacuum and is not diagonalised), drawn from its own seed with draw_vacuum_modes or draw_wkb_modes, so
/// the Fourier coefficients are bit-identical for any rank count. Bunch-Davies uses the fixed background,
/// or for Friedmann a de Sitter background with homogeneous_hubble(). \throws InputError if the counts
/// differ, or (Friedmann) rho is not > 0.
void set_initial_conditions(FieldLattice& lattice, SpectralOperators& operators,
                            const std::vector<FieldInitialConditions>& initial);

} // namespace inflanet
