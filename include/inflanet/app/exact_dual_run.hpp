#pragma once
/// \file
/// \brief The coupled run with the exact dual network (issue 10): network.embedding = "fourier" and
/// network.depth = 0, a linear readout of Fourier features of the sub-lattice sites whose NTK is the
/// lattice's operator (network.dispersion = "lattice"), trained by the same integrator and step as the
/// lattice, with the de Sitter learning-rate schedule where the background expands. The network starts from
/// the band-limited inflaton perturbation and velocity on the sites; every output row compares the two site
/// by site.

#include <string>

#include "inflanet/app/coupled_run.hpp"

namespace inflanet {

/// \brief What `check` adds for an exact-dual deck.
[[nodiscard]] std::string exact_dual_check_report(const CoupledParameters& parameters, int ranks);

/// \brief The exact-dual run, in the stages of run_coupled; it restarts bit for bit at the same rank count
/// (its checkpoints carry the readout's parameters, momentum, targets and clock).
void run_exact_dual(const CoupledParameters& parameters, const Session& session);

} // namespace inflanet
