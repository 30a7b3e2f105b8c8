#pragma once
/// \file
/// \brief The typed, validated parameters of a multi-field run (a deck with `[[field]]` tables and a
/// `[potential]`), read once from the resolved deck; every refusal names its key.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "inflanet/app/memory_budget.hpp"
#include "inflanet/base/box.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/field/multi_field_initial_conditions.hpp"
#include "inflanet/potential/multi_field_potential.hpp"

namespace inflanet {

/// \brief Everything the multi-field run needs, in program units (M_p = 1).
struct FieldsParameters {
  Box box;
  std::string background_kind; ///< "desitter", "minkowski" or "friedmann"
  double hubble = 0.0;         ///< fixed backgrounds: H (0 for minkowski); friedmann: the initial H
  double a0 = 1.0;
  double rho_lambda = 0.0; ///< friedmann only
  std::vector<std::string> names;
  MultiFieldPotentialSpec potential;
  std::vector<FieldInitialConditions> initial;
  double dt = 0.0, t_end = 0.0;
  std::int64_t steps = 0;
  std::string integrator;
  std::filesystem::path output_dir;
  std::int64_t timeseries_every = 10, spectra_every = 100, snapshot_every = 0, checkpoint_every = 0;
  std::int64_t progress_every = 100;
  bool final_checkpoint = true;
  bool cross_spectra = false;
  std::string wisdom;
  std::optional<std::string> restart;
  std::string deck_text;

  // Derived at read time (check prints them).
  std::vector<double> mass2;      ///< d^2V/dphi_i^2 at the initial means (the vacuum's masses)
  std::vector<double> mass_eigen; ///< eigenvalues of the Hessian at the means, ascending
  double omega_max = 0.0;         ///< sqrt(3 (pi/dx)^2 / a0^2 + max(0, largest eigenvalue))
  double dt_max = 0.0;            ///< the integrator's stability limit / omega_max
  std::string derivative_summary; ///< what the start-up derivative check compared

  [[nodiscard]] bool friedmann() const noexcept { return background_kind == "friedmann"; }
  [[nodiscard]] MultiFieldPotential make_potential() const { return make_multi_field_potential(potential); }

  /// \brief Reads and cross-checks the deck: field names, the potential (built-in parameters, formulas, the
  /// derivative check at the initial means), the background (friedmann needs a positive initial energy),
  /// time step against the stability limit. \throws InputError naming the key.
  static FieldsParameters from_deck(const config::Deck& deck);
};

/// \brief The multi-field lattice's memory on `ranks` ranks: three padded slabs per field, plus one FFT
/// transpose slab with several ranks.
[[nodiscard]] MemoryBudget fields_memory(const FieldsParameters& parameters, int ranks);

/// \brief What `inflanet check` prints for a multi-field deck.
[[nodiscard]] std::string fields_check_report(const FieldsParameters& parameters, int ranks);

} // namespace inflanet
