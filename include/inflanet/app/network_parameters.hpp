#pragma once
/// \file
/// \brief The typed, validated parameters of a network-only run (a deck with [network] and no [inflaton]).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "inflanet/base/program_units.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/duality/dictionary.hpp"
#include "inflanet/duality/subcycling.hpp"
#include "inflanet/nn/dataset.hpp"
#include "inflanet/nn/fourier_feature_network.hpp"
#include "inflanet/nn/mlp.hpp"

namespace inflanet {

/// \brief Everything the network run needs, read once from the resolved deck (physics.md §4-5).
struct NetworkParameters {
  std::string dataset;         ///< "lattice", "file" or "synthetic"
  std::int64_t lattice_n = 0;  ///< lattice.N (box sites per side)
  double lattice_length = 0.0; ///< lattice.L
  ProgramUnits units;          ///< the program units (config::deck_units)
  std::int64_t sublattice = 0; ///< M: the lattice data set has M^3 points; synthetic too
  std::string targets;         ///< lattice target function
  std::filesystem::path file;  ///< dataset = "file"
  MlpParams mlp;               ///< input_dim is set from the data set by load_dataset's caller
  /// \brief The optimiser (eta, beta) and its time step h and friction gamma, converted once:
  /// Dictionary::from_network(network.eta, network.beta) in a network-only run, the coupled run's own
  /// dictionary (from either side) in a coupled one.
  Dictionary dictionary;
  double loss_scale = 0.0; ///< c; 0 = unset, i.e. 1/N once N is known
  std::string integrator;
  std::string embedding = "periodic"; ///< network.embedding: "periodic" or "fourier"
  std::string dispersion = "lattice"; ///< network.dispersion (Fourier features)
  std::string schedule = "none";      ///< network.schedule (coupled Fourier-feature run)
  bool full_spectrum = false;         ///< network.ntk_spectrum = "full" (default "extremes")
  std::int64_t steps = 0, ntk_every = 0, output_every = 0, progress_every = 0;
  std::filesystem::path output_dir;
  bool overwrite = false;             ///< output.overwrite
  bool final_checkpoint = true;       ///< output.final_checkpoint
  std::int64_t checkpoint_every = 0;  ///< output.checkpoint_every (0: the final checkpoint only)
  std::optional<std::string> restart; ///< checkpoint to continue from ("latest" or a path)
  std::string deck_text;              ///< the resolved deck, written into nn.h5 and resolved.toml

  /// \brief The exact dual: a linear Fourier-feature readout (embedding "fourier", no hidden layer), whose
  /// NTK is the lattice's operator; the coupled run then runs as run_exact_dual.
  [[nodiscard]] bool exact_dual() const noexcept { return embedding == "fourier" && mlp.depth == 0; }
  /// \brief network.dispersion as the Fourier features take it.
  [[nodiscard]] FourierDispersion fourier_dispersion() const noexcept {
    return dispersion == "flat" ? FourierDispersion::flat : FourierDispersion::lattice;
  }
  /// \brief Reads and cross-checks the deck; errors name the key (Deck::fail).
  static NetworkParameters from_deck(const config::Deck& deck, bool coupled = false);

  /// \brief Builds the training data (every rank alike); InputError for bad files or N > 10^4.
  [[nodiscard]] Dataset load_dataset() const;

  /// \brief The loss scale c (1/N when loss_scale is unset).
  [[nodiscard]] double c(std::size_t points) const;
};

/// \brief P, the number of weights and biases of an MLP d -> width (x depth) -> 1, counted without building
/// it (a double: a deck may ask for more than fits in memory, which the memory check then refuses).
[[nodiscard]] double mlp_parameter_count(int input_dim, int width, int depth);

/// \brief What `inflanet check` prints for a network deck: resolved deck, then the derived quantities
/// (N, P, h, gamma, the dictionary's H = gamma/3 and rho_Lambda = 3 H^2, memory for Theta).
[[nodiscard]] std::string network_check_report(const NetworkParameters& parameters, int ranks);

} // namespace inflanet
