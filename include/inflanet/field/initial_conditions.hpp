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
///
/// Tachyonic modes, the rule. A mode with omega^2 = k^2/a0^2 + m_eff^2 <= 0 (k comoving, a0 the initial
/// scale factor) has no vacuum of its own: its frequency is imaginary, so neither the WKB nor the Minkowski
/// vacuum exists, and a Friedmann start's assumed de Sitter past would have amplified it by
/// exp(int |omega| dt) over a history the run never had. Such modes start in the *massless* vacuum of the
/// same k: u = (2 omega_0 a0^3)^(-1/2) with omega_0 = k/a0, du/dt = -i omega_0 u, i.e. the power
/// L^3 <|phi~|^2> / N^6 = 1 / (2 k a0^2) and <|phidot~|^2> = (k/a0)^2 times it. This is the choice of
/// the tachyonic-preheating literature (Felder, Garcia-Bellido, Greene, Kofman, Linde, Tkachev 2001,
/// hep-ph/0012142: the modes k < m of the quench start as the quantum fluctuations of a massless field)
/// and of CosmoLattice, which for a field with m_eff^2 < 0 takes omega_k = |k| -- for *all* of that
/// field's modes (fluctuationsgenerator.h, omega_k: "the dispersion relation for all modes is taken to be
/// omega_k = |k|"), where inflanet keeps the true omega of the modes that have one. The alternative
/// |omega| = |k^2/a0^2 + m_eff^2|^(1/2) is not offered: its amplitude (2 |omega| a0^3)^(-1/2) diverges at
/// the band edge omega -> 0, so the draw would depend on how close a lattice |k| falls to the edge. One
/// rule, no deck key: WKB, the Minkowski vacuum (H = 0) and the Friedmann start's Bunch-Davies vacuum
/// apply it alike. The one exception is Bunch-Davies in a fixed de Sitter background: there the de Sitter
/// past is the run's own background, so the integration from deep inside the horizon is the honest vacuum
/// (TachyonicModes::integrated) and is only checked to be finite.

#include <cstdint>
#include <string>
#include <vector>

#include "inflanet/background/background.hpp"
#include "inflanet/background/mode_function.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/field.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/potential/expression_potential.hpp"

namespace inflanet {

/// \brief How the modes with k^2/a0^2 + m_eff^2 <= 0 start (file comment).
enum class TachyonicModes {
  massless,   ///< the massless vacuum of the same k (the rule)
  integrated, ///< Bunch-Davies through a fixed de Sitter background's own past
};

/// \brief True when k^2/a0^2 + m2 <= 0 (or not a number): the mode has no vacuum of its own.
[[nodiscard]] bool is_tachyonic(double k, double a0, double m2) noexcept;

/// \brief The rule's mode: u = (2 (k/a0) a0^3)^(-1/2), du/dt = -i (k/a0) u (k > 0).
[[nodiscard]] ModeValue massless_vacuum(double k, double a0);

/// \brief The number of modes n != 0 of the full N^3 grid (n_i in [-N/2, N/2)) that are tachyonic at a0
/// and within kcut (0: none): what a draw reports as VacuumDraw::tachyonic_modes, without a lattice.
[[nodiscard]] std::int64_t tachyonic_mode_count(const Box& box, double a0, double m2, double kcut);

/// \brief The rule in words, for the run's log and check.
[[nodiscard]] std::string describe(TachyonicModes rule);

/// \brief What a draw did with the tachyonic band.
struct VacuumDraw {
  std::int64_t tachyonic_modes =
      0; ///< drawn modes (n != 0, |k| <= kcut) of the full N^3 grid with omega^2 <= 0
  TachyonicModes rule = TachyonicModes::massless;
};

/// \brief Writes the vacuum fluctuations' coefficients
/// (mass^2 m2, background at t0, no homogeneous mode) into phi and phidot and marks them Fourier. These
/// coefficients are bit-identical for any rank count. Tachyonic modes follow `tachyonic` where H(t0) > 0
/// and the rule (massless) at H = 0. \throws RuntimeError (collective) if a mode function is not finite.
VacuumDraw draw_vacuum_modes(Field& phi, Field& phidot, const SpectralOperators& operators,
                             const Background& background, double m2, double t0, std::uint64_t seed,
                             double kcut, TachyonicModes tachyonic = TachyonicModes::integrated);

/// \brief The flat-space WKB vacuum at scale factor a0 (physics.md §2's normalisation): for every mode
/// n != 0 with omega^2 = k^2/a0^2 + m2 > 0, u = (2 omega a0^3)^(-1/2), du/dt = -i omega u, realised like
/// draw_vacuum_modes (same generator, same rank independence). Tachyonic modes (omega^2 <= 0) follow the
/// rule: massless_vacuum(k, a0).
VacuumDraw draw_wkb_modes(Field& phi, Field& phidot, const SpectralOperators& operators, double a0, double m2,
                          std::uint64_t seed, double kcut);

/// \brief The vacuum a field's fluctuations start in.
enum class Fluctuations {
  bunch_davies, ///< the de Sitter (Bunch-Davies) vacuum of the initial H; the Minkowski vacuum at H = 0
  wkb,          ///< flat-space WKB, u = (2 omega a0^3)^(-1/2), omega^2 = k^2/a0^2 + m_eff^2
  none,         ///< homogeneous
};

/// \brief "bunch-davies", "wkb" or "none"; throws InputError otherwise.
[[nodiscard]] Fluctuations fluctuations_from_name(const std::string& name);

/// \brief A bad profile formula (exit 2), in the formula's own terms: detail() is the parser's message.
class ProfileError : public InputError {
public:
  explicit ProfileError(const std::string& detail) : InputError(detail), detail_(detail) {}
  [[nodiscard]] const std::string& detail() const noexcept { return detail_; }

private:
  std::string detail_;
};

/// \brief A prescribed initial configuration: a muparser formula f(x, y, z) of the comoving site
/// coordinates, with the box length L as a constant (and pi, muparser's functions). Site (ix, iy, iz) (the
/// global indices, ix the slowest) sits at x = ix * L / N, y = iy * L / N, z = iz * L / N (evaluated in that
/// order, not as ix * dx), so x runs over
/// [0, L) and a periodic profile has period L. Evaluated by the expression potentials' parser
/// (ExpressionPotential: a "potential" of the three coordinates, its one muparser wrapper, thread safe):
/// the same formula at the same coordinates gives the same double on every rank.
class SiteProfile {
public:
  /// \brief Parses `formula` now. \throws ProfileError (empty or unparsable formula, a name other than x,
  /// y, z, L, pi).
  SiteProfile(const std::string& formula, double length);
  /// \brief f at comoving (x, y, z).
  [[nodiscard]] double operator()(double x, double y, double z) const;
  [[nodiscard]] const std::string& formula() const noexcept { return formula_; }

private:
  std::string formula_;
  ExpressionPotential expression_;
};

/// \brief What one `[[field]]` table asks for at t0.
struct FieldInitialConditions {
  double mean = 0.0;     ///< homogeneous field value
  double velocity = 0.0; ///< homogeneous dphi/dt
  Fluctuations fluctuations = Fluctuations::bunch_davies;
  std::uint64_t seed = 1;
  double kcut = 0.0; ///< comoving UV cutoff on |k| (0: none)
  /// SiteProfile formulas added to the mean and to the velocity dphi/dt at every site (empty: none)
  std::string profile = {};          ///< added to mean
  std::string velocity_profile = {}; ///< added to velocity
};

/// \brief The initial Hubble rate the vacuum of a Friedmann run is set in: sqrt(rho_hom / 3) with
/// rho_hom = sum_i velocity_i^2 / 2 + V(means) + rho_Lambda (0 if rho_hom <= 0; the run refuses that).
[[nodiscard]] double homogeneous_hubble(const Potential& potential,
                                        const std::vector<FieldInitialConditions>& initial,
                                        double rho_lambda);

/// \brief One field's start, as set_initial_conditions made it.
struct FieldStart {
  std::int64_t tachyonic_modes = 0; ///< see VacuumDraw (0 without fluctuations)
  TachyonicModes rule = TachyonicModes::massless;
  double m2 = 0.0; ///< m_eff^2 = d2V/dphi_i^2 at the means
  /// The fluctuations' energy density <dphidot^2>/2 + <|grad phi|^2>/(2 a0^2) (the field's kinetic energy
  /// less its mean's, plus its gradient energy, from LatticeEnergies); the potential's share is not split
  /// by field
  double fluctuation_energy = 0.0;
  bool prescribed = false; ///< a profile or velocity_profile was added (its energy is the deck's choice)
};

/// \brief Every field's start and the homogeneous background's energy density.
struct InitialConditionsReport {
  std::vector<FieldStart> fields;
  /// sum_i velocity_i^2 / 2 + V(means) + rho_Lambda (Friedmann: 3 H0^2 of homogeneous_hubble)
  double background_energy = 0.0;
  bool self_consistent = false; ///< Friedmann: the fields source the expansion
};

/// \brief With a Friedmann background, whose expansion the fields source, refuses a field (without a
/// profile) whose fluctuation energy exceeds the homogeneous background's: \throws FluctuationEnergyError
/// naming the first such field. In a fixed background the fields are test fields of a prescribed
/// expansion (and Minkowski has no background energy): nothing to compare.
void require_fluctuations_below_background(const InitialConditionsReport& report);

/// \brief Initial fluctuations that outweigh the homogeneous background they are a perturbation of
/// (exit 2): field `field()` (deck order) has fluctuation energy density `fluctuation_energy()` above
/// `background_energy()`.
class FluctuationEnergyError : public InputError {
public:
  FluctuationEnergyError(std::size_t field, double fluctuation_energy, double background_energy,
                         const std::string& what)
      : InputError(what), field_(field), fluctuation_(fluctuation_energy), background_(background_energy) {}
  [[nodiscard]] std::size_t field() const noexcept { return field_; }
  [[nodiscard]] double fluctuation_energy() const noexcept { return fluctuation_; }
  [[nodiscard]] double background_energy() const noexcept { return background_; }

private:
  std::size_t field_;
  double fluctuation_, background_;
};

/// \brief Sets every field of `lattice` at its current time t0 and starts it (FieldLattice::start)
/// (collective). Field i's fluctuations are those of a free field of mass^2 m2_i = d^2V/dphi_i^2 at the
/// initial means (the Hessian's diagonal: the mixing V_ij, i != j, is a second-order effect on the
/// vacuum and is not diagonalised), drawn from its own seed with draw_vacuum_modes or draw_wkb_modes, so
/// the Fourier coefficients are bit-identical for any rank count. Bunch-Davies uses the fixed background,
/// or for Friedmann a de Sitter background with homogeneous_hubble(); tachyonic modes follow the rule of
/// the file comment (integrated only through a fixed de Sitter background). A field's profile and
/// velocity_profile (SiteProfile, box length of the lattice) are added at every site after the
/// fluctuations and the mean. The energies are measured once after the draw: the report's fluctuation
/// energies, against the homogeneous background's (the means alone), for
/// require_fluctuations_below_background. \throws InputError if the counts differ, or (Friedmann) rho is
/// not > 0.
InitialConditionsReport set_initial_conditions(FieldLattice& lattice, SpectralOperators& operators,
                                               const std::vector<FieldInitialConditions>& initial);

} // namespace inflanet
