#pragma once
/// \file
/// \brief Initial conditions of several fields: homogeneous means and velocities plus vacuum fluctuations
/// per field, with each field's effective mass from the potential's Hessian at the initial means.

#include <cstdint>
#include <string>
#include <vector>

#include "inflanet/field/multi_field_lattice.hpp"

namespace inflanet {

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
[[nodiscard]] double homogeneous_hubble(const MultiFieldPotential& potential,
                                        const std::vector<FieldInitialConditions>& initial,
                                        double rho_lambda);

/// \brief Sets every field of `lattice` at its current time t0 and starts it (MultiFieldLattice::start)
/// (collective). Field i's fluctuations are those of a free field of mass^2 m2_i = d^2V/dphi_i^2 at the
/// initial means (the Hessian's diagonal: the mixing V_ij, i != j, is a second-order effect on the
/// vacuum and is not diagonalised), drawn from its own seed with draw_vacuum_modes or draw_wkb_modes, so
/// the Fourier coefficients are bit-identical for any rank count. Bunch-Davies uses the fixed background,
/// or for Friedmann a de Sitter background with homogeneous_hubble(). \throws InputError if the counts
/// differ, or (Friedmann) rho is not > 0.
void set_initial_conditions(MultiFieldLattice& lattice, SpectralOperators& operators,
                            const std::vector<FieldInitialConditions>& initial);

} // namespace inflanet
