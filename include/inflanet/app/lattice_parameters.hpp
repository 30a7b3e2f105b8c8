#pragma once
/// \file
/// \brief The typed, validated parameters of a lattice run, read once from the resolved deck: the one-field
/// deck (an `[inflaton]` section, read as one field named phi) and the multi-field deck (`[[field]]` tables
/// and a `[potential]`) give the same struct; every refusal names its key.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "inflanet/app/memory_budget.hpp"
#include "inflanet/base/box.hpp"
#include "inflanet/base/program_units.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/potential/potential.hpp"

namespace inflanet {

/// \brief What a coupled run derives for the lattice from the network (duality.match = "network"): the
/// dictionary's time step h = sqrt(eta) and H = -ln(beta) / (3 sqrt(eta)). Unset members come from the deck.
/// The lattice's dt is h, or h / lattice_substeps when h exceeds the lattice's stability limit.
struct CoupledStep {
  std::optional<double> h, hubble;
};

/// \brief The deck's [gravitational_waves] section (gravitational_waves/gravitational_waves.hpp).
struct GravitationalWaveOptions {
  bool enabled = false;
  std::vector<std::size_t> sources; ///< the source fields' indices, in deck order
  std::int64_t every = 100;         ///< steps between GW spectra
  double w = 1.0 / 3.0;             ///< today's spectrum: equation of state until radiation domination
  double efolds = 0.0;              ///< today's spectrum: e-folds with that w
  double g_star = 106.75;           ///< today's spectrum: relativistic degrees of freedom
  bool snapshots = false;           ///< h_ij in the snapshots
};

/// \brief Everything a lattice run needs, in program units (the user fixes H, typically 1; M_p = 1).
struct LatticeParameters {
  Box box;
  std::string background_kind; ///< "desitter", "minkowski" or "friedmann"
  double hubble = 0.0;         ///< fixed backgrounds: H (0 for minkowski); friedmann: the initial H
  double a0 = 1.0;
  double rho_lambda = 0.0; ///< friedmann only
  /// \brief The program units (config::deck_units): their names in every output, and the physical scale.
  ProgramUnits units;
  /// \brief The deck gave an `[inflaton]` section: one field named phi, and the outputs under the one-field
  /// names (phi_mean, phidot, ...; lattice_run.hpp).
  bool one_field_deck = false;
  std::vector<std::string> names;
  PotentialSpec potential;
  std::vector<FieldInitialConditions> initial;
  double dt = 0.0;        ///< the step in eta (in t for alpha = 0); for alpha > 0, eta(t_end) / steps
  double t_end = 0.0;     ///< the deck's final cosmic time
  double alpha = 0.0;     ///< time.alpha: dt = a^alpha d eta
  std::int64_t steps = 0; ///< round(t_end / dt) in cosmic time; else ceil(eta(t_end) / time.dt)
  double t_final = 0.0;   ///< the cosmic time at the last step (t_end up to rounding; Friedmann alpha-time:
                          ///< unknown before the run, set to t_end)
  std::string integrator;
  std::filesystem::path output_dir;
  bool overwrite = false; ///< output.overwrite: remove another run's files from output_dir first
  std::int64_t timeseries_every = 10, spectra_every = 100, snapshot_every = 0, checkpoint_every = 0;
  std::int64_t progress_every = 100;
  /// \brief Whether the last step writes a checkpoint (output.final_checkpoint).
  bool final_checkpoint = true;
  bool cross_spectra = false;
  GravitationalWaveOptions gravitational_waves;
  /// \brief FFTW wisdom file (output.wisdom); empty = the per-user cache, keyed by grid, ranks and threads.
  std::string wisdom;
  /// \brief Checkpoint to continue from: a path, or "latest" (the newest complete one in output.dir).
  std::optional<std::string> restart;
  std::string deck_text; ///< the resolved deck, as written into every output file
  std::string deck_file; ///< the deck's file name, for refusals made once the run has started

  /// \brief Lattice steps per step of a coupled run (> 1 when a step derived from the network exceeds the
  /// lattice's stability limit: the lattice is then sub-cycled); 1 otherwise.
  std::int64_t lattice_substeps = 1;
  /// \brief Whether the run writes checkpoints (every checkpoint_every steps and at the end).
  bool write_checkpoints = true;

  // Derived at read time (check prints them).
  std::vector<double> mass2;      ///< d^2V/dphi_i^2 at the initial means (the vacuum's masses)
  std::vector<double> mass_eigen; ///< eigenvalues of the Hessian at the means, ascending
  /// \brief The largest frequency in the time variable over the run: omega^2 = a^(2 alpha - 2) 3 (pi/dx)^2 +
  /// a^(2 alpha) max(0, largest eigenvalue), largest at a0 or at the last a (a sum of a falling and a rising
  /// power of a); for alpha = 0 that is a0.
  double omega_max = 0.0;
  double a_at_omega_max = 1.0; ///< where it is reached
  bool mass_sets_step = false; ///< the mass term, not the gradient term, dominates omega_max there
  double dt_max = 0.0;         ///< the integrator's stability limit / omega_max
  /// Friedmann: the expansion's limit on the step (ScaleFactor::backward_drift_limit and backward_kick_limit
  /// over the integrator's largest backward drift and kick times a0^alpha H0); 0 when the composition has
  /// no backward sub-step
  double dt_expansion_max = 0.0;
  std::string expansion_limit;    ///< which sub-step sets dt_expansion_max, in words
  std::string derivative_summary; ///< what the start-up derivative check compared

  [[nodiscard]] bool friedmann() const noexcept { return background_kind == "friedmann"; }
  [[nodiscard]] Potential make_potential() const { return inflanet::make_potential(potential); }

  /// \brief Reads and cross-checks the deck: the fields ([inflaton] or [[field]]), the potential (built-in
  /// parameters, formulas, the derivative check at the initial means), the background (friedmann needs a
  /// positive initial energy), the time step against the stability limit. `coupled` (non-null in a coupled
  /// run) supplies derived quantities and relaxes the rule that a lattice deck has no [network] or
  /// [duality] section. \throws InputError naming the key.
  static LatticeParameters from_deck(const config::Deck& deck, const CoupledStep* coupled = nullptr);
};

/// \brief The lattice's memory on `ranks` ranks: three padded slabs per field (field, momentum, work), the
/// run's scratch slabs, plus one FFT transpose slab with several ranks.
[[nodiscard]] MemoryBudget lattice_memory(const LatticeParameters& parameters, int ranks);

/// \brief What `inflanet check` prints for a lattice deck: the resolved deck, then derived quantities.
[[nodiscard]] std::string lattice_check_report(const LatticeParameters& parameters, int ranks);

} // namespace inflanet
