#pragma once
/// \file
/// \brief The coupled run (issue 6): the inflaton lattice and the network trained on its sites, advanced in
/// one loop with one integrator family, the dictionary applied, and their spectra compared (duality.h5).

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "inflanet/app/lattice_parameters.hpp"
#include "inflanet/app/network_parameters.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/duality/calibration.hpp"
#include "inflanet/duality/dictionary.hpp"
#include "inflanet/duality/shell_comparison.hpp"
#include "inflanet/duality/subcycling.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/io/checkpoint.hpp"
#include "inflanet/io/duality_file.hpp"
#include "inflanet/io/network_file.hpp"

namespace inflanet {

/// \brief Both sides' parameters, tied by the dictionary. `match = "cosmology"`: the deck's H and dt fix
/// eta = dt^2 and beta = e^{-3 H dt} (giving network.eta or network.beta too is refused as a conflict);
/// `"network"`: network.eta and network.beta fix dt = sqrt(eta) and H = -ln(beta) / (3 sqrt(eta)) (giving
/// time.dt or background.H is refused). The network uses [time] integrator; its training points are the
/// M^3 sub-lattice sites and its targets make its initial residual the inflaton's band-limited initial
/// perturbation there (physics.md §5, "Comparing like with like").
struct CoupledParameters {
  std::string match;
  Dictionary dictionary;
  LatticeParameters inflaton; ///< the lattice ([inflaton] or [[field]] deck)
  std::size_t dual_field = 0; ///< duality.field: the lattice field the network is the dual of
  NetworkParameters network;
  Calibration calibrate = Calibration::none; ///< duality.calibrate: how the loss scale c is set
  bool match_velocity = true;                ///< network.initial_velocity = "inflaton" (default) or "zero"
  double cluster_tolerance = 1e-9;           ///< duality.cluster_tolerance (relative to lambda_max)
  std::int64_t max_subcycles = 100;          ///< duality.max_subcycles
  std::int64_t velocity_iterations = 500;    ///< duality.velocity_iterations (PCG products, "extremes")
  double velocity_cut = 0.0;                 ///< duality.velocity_cut (fraction of lambda_max; 0 = none)
  static CoupledParameters from_deck(const config::Deck& deck);
  /// \brief The resolved deck with the loss scale the calibration derived recorded as `(derived)`.
  [[nodiscard]] std::string resolved_with_loss_scale(double c) const;
  /// \brief subcycle_network for this deck's integrator, dictionary and duality.max_subcycles; a network too
  /// stiff for the step is refused naming the keys that can change it.
  [[nodiscard]] NetworkSubcycling subcycling(double c_lambda_max) const;

private:
  std::shared_ptr<const config::Deck> deck_;
  std::map<std::string, std::string> derived_;
};

/// \brief The run-wide attributes every coupled run's duality.h5 starts with: which side fixed the other, the
/// dictionary (H, the step h, eta, beta, gamma, rho_lambda), the lattices (L, N, M), the optimizer that
/// runs after sub-cycling (subcycles, eta_run, beta_run, h_run, its bound), the loss scale c, V''(t0) (V2)
/// and the initial velocity; and the sub-lattice's shells (datasets k, counts, k2_mean).
void write_dictionary_attributes(io::DualityFile& file, const CoupledParameters& parameters,
                                 const NetworkSubcycling& subcycling, double c, double v2,
                                 const SubLattice& sub);

/// \brief What every coupled run's nn.h5 says of its training points and its dictionary: sites[N,3] (the
/// lattice index of every sub-lattice site, in site order), eta_dictionary, beta_dictionary and the network's
/// sub-steps per step.
void write_network_sites(io::NetworkFile& file, const CoupledParameters& parameters,
                         const NetworkSubcycling& subcycling);

/// \brief One entry of a companion's checkpointed state: a series and the size this deck needs (0: any size).
struct CompanionSeries {
  const char* name;
  std::size_t size = 0;
};

/// \brief Refuses (InputError naming the deck's restart) a checkpoint whose companion state (`what`:
/// "coupled-run state", ...) this deck cannot continue, before the lattice opens any file
/// (LatticeRun::restart_check): each series present with its size (`sizes`: what sets them, for the message),
/// each scalar present, and duality.h5 and nn.h5 in the output directory. Every rank looks (the directory is
/// shared, as the checkpoint read assumes), so all refuse alike.
void require_companion_state(const io::CheckpointState& checkpoint, const CoupledParameters& parameters,
                             std::span<const CompanionSeries> series, std::span<const char* const> scalars,
                             const std::string& what, const std::string& sizes);

/// \brief `inflanet check` for a coupled deck: the inflaton's report, then the dictionary and the network's
/// stability condition.
[[nodiscard]] std::string coupled_check_report(const CoupledParameters& parameters, int ranks);

/// \brief d^2V/dphi_k^2 at the lattice's current field means: the mass^2 of the dual field k's fluctuations.
[[nodiscard]] double dual_mass2(FieldLattice& lattice, const SpectralOperators& operators, std::size_t k);

/// \brief The coupled run, in stages like LatticeRun (which it drives, with the network as its companion).
/// Start: inflaton initial conditions; then the network, its targets (band-limited perturbation), Theta(0),
/// its dispersion relation, the calibration, the sub-cycling, the matched initial velocity, duality.h5 and
/// nn.h5. Evolve: one loop to the end, the inflaton each step, the network after it (sub-cycled if stiffer).
/// Summarise: the per-shell comparison, the kernel fits and the integrator consistency check; the summary.
void run_coupled(const CoupledParameters& parameters, const Session& session);

} // namespace inflanet
