#pragma once
/// \file
/// \brief `inflanet check` as a library call: which run a deck describes, its parameters read and
/// cross-checked, the derived quantities and the memory budget. main prints it; tests (the deck fuzz test)
/// call the same code in process.

#include <string>

#include "inflanet/app/memory_budget.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/decomposition/session.hpp"

namespace inflanet {

/// \brief The run a deck describes, from its sections: [network] without a lattice ([inflaton] or
/// [[field]]) is the network-only run, a lattice with [network] the coupled run (the exact dual when the
/// network is a linear Fourier-feature readout: NetworkParameters::exact_dual), a lattice alone the lattice
/// run.
enum class RunKind { lattice, network_only, coupled };

/// \brief The deck's RunKind; InputError for a [duality] without [network].
[[nodiscard]] RunKind run_kind(const config::Deck& deck);

/// \brief What check prints, and the budget it set against the node.
struct DeckCheck {
  std::string report;
  MemoryBudget memory;
};

/// \brief check short of printing and of refusing: the parameters of the deck's run (InputError, naming the
/// key, for anything inconsistent), then the resolved deck with its derived quantities and the memory report.
/// The derived quantities are made only for a run that fits the node (making them may build what does not,
/// e.g. a network); refusing is left to require_memory, after the caller has printed the report.
[[nodiscard]] DeckCheck check_deck(const config::Deck& deck, int ranks, const NodeMemory& node);

} // namespace inflanet
