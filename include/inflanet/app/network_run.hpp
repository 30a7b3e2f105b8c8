#pragma once
/// \file
/// \brief The network-only run: `inflanet run DECK` for a deck with [network] and no [inflaton].

#include "inflanet/app/network_parameters.hpp"
#include "inflanet/decomposition/session.hpp"

namespace inflanet {

/// \brief Summary numbers of a finished network run (also printed on rank 0).
struct NetworkRunSummary {
  double loss0 = 0.0, loss = 0.0, lin_gap = 0.0, ntk_drift = 0.0, lambda_max = 0.0, wall = 0.0;
};

/// \brief Trains the network by the deck's integrator (h = sqrt(eta)), full batch over the points split
/// across ranks, beside its NTK linearisation, writing nn.h5 and resolved.toml into output.dir. Throws
/// InputError naming network.eta when eta c lambda_max exceeds the integrator's stability bound, and a
/// collective RuntimeError when the loss stops being finite.
NetworkRunSummary run_network(const NetworkParameters& parameters, const Session& session);

} // namespace inflanet
