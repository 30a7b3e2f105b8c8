#pragma once
/// \file
/// \brief The typed, validated parameters of a run, read once from the resolved deck.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "inflanet/base/box.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/potential/potential.hpp"

namespace inflanet {

/// \brief What a coupled run derives for the inflaton from the network (duality.match = "network"): the
/// dictionary's time step h = sqrt(eta) and H = -ln(beta) / (3 sqrt(eta)). Unset members come from the deck.
/// The lattice's dt is h, or h / lattice_substeps when h exceeds the lattice's stability limit.
struct CoupledStep {
  std::optional<double> h, hubble;
};

/// \brief Everything the inflaton run needs, in program units (the user fixes H, typically 1; M_p = 1).
struct RunParameters {
  Box box;
  std::string background_kind; ///< "desitter" or "minkowski"
  double hubble = 1.0;         ///< H (0 for minkowski)
  double a0 = 1.0;
  PotentialParams potential;
  InitialConditions initial;
  double dt = 0.0;        ///< the step in eta (in t for alpha = 0); for alpha > 0, eta(t_end) / steps
  double t_end = 0.0;     ///< the deck's final cosmic time
  double alpha = 0.0;     ///< time.alpha: dt = a^alpha d eta
  std::int64_t steps = 0; ///< round(t_end / dt) for alpha = 0; else ceil(eta(t_end) / time.dt)
  double t_final = 0.0;   ///< the cosmic time at the last step (t_end up to rounding)
  std::string integrator;
  std::filesystem::path output_dir;
  std::int64_t timeseries_every = 10, spectra_every = 100, snapshot_every = 0, checkpoint_every = 0;
  std::int64_t progress_every = 100;
  /// \brief Whether the last step writes a checkpoint (output.final_checkpoint).
  bool final_checkpoint = true;
  /// \brief FFTW wisdom file (output.wisdom); empty = the per-user cache, keyed by grid, ranks and threads.
  std::string wisdom;
  /// \brief Checkpoint to continue from: a path, or "latest" (the newest complete one in output.dir).
  std::optional<std::string> restart;
  std::string deck_text; ///< the resolved deck, as written into every output file

  /// \brief Inflaton steps per step of a coupled run (> 1 when a step derived from the network exceeds the
  /// lattice's stability limit: the lattice is then sub-cycled); 1 otherwise.
  std::int64_t lattice_substeps = 1;
  /// \brief Whether the run writes checkpoints (every checkpoint_every steps and at the end).
  bool write_checkpoints = true;

  /// \brief Reads and cross-checks the deck (stability limit on dt among them); errors name the key.
  /// `coupled` (non-null in a coupled run) supplies derived quantities and relaxes the rule that an
  /// inflaton deck has no [network] or [duality] section.
  static RunParameters from_deck(const config::Deck& deck, const CoupledStep* coupled = nullptr);
};

/// \brief Quantities derived from the parameters that `inflanet check` prints and `run` enforces.
struct DerivedQuantities {
  double dx = 0.0;
  double k_min = 0.0, k_max = 0.0; ///< comoving: 2 pi / L and sqrt(3) pi / dx
  double mass2 = 0.0;              ///< V''(phi0), the fluctuations' mass^2
  /// \brief The largest frequency in the time variable over the run:
  /// omega^2 = a^(2 alpha - 2) 3 (pi/dx)^2 + a^(2 alpha) max(V'', 0), largest at a0 or at the last a
  /// (a sum of a falling and a rising power of a); for alpha = 0 that is a0.
  double omega_max = 0.0;
  double a_at_omega_max = 1.0;  ///< where it is reached
  bool mass_sets_step = false;  ///< the mass term, not the gradient term, dominates omega_max there
  double dt_max = 0.0;          ///< integrator stability limit / omega_max
  double efolds = 0.0;          ///< H t_final
  double eta_end = 0.0;         ///< steps * dt
  double memory_per_rank = 0.0; ///< bytes, largest rank, three padded fields + FFTW buffers
  static DerivedQuantities of(const RunParameters& parameters, int ranks);
};

} // namespace inflanet
