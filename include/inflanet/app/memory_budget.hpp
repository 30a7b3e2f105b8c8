#pragma once
/// \file
/// \brief Memory before allocation: what the largest rank of a run will hold (lattice fields, the network's
/// Theta rows, layer factors and activations), set against what its node has, so that `check` shows it
/// and `run` refuses a run that cannot fit before it allocates anything.

#include <cstddef>
#include <string>
#include <vector>

#include "inflanet/app/network_parameters.hpp"
#include "inflanet/decomposition/session.hpp"

namespace inflanet {

struct LatticeParameters;

/// \brief One line of the budget: what it holds, its bytes on the largest rank, and the keys that set it.
struct MemoryItem {
  std::string what;
  double bytes = 0.0;
  std::string keys;
};

/// \brief The largest rank's share (rank 0: it also holds what is gathered there), item by item. Estimates
/// of the arrays the run allocates, not of the allocator's or the libraries' overheads.
struct MemoryBudget {
  std::vector<MemoryItem> items;
  [[nodiscard]] double total() const;
  MemoryBudget& operator+=(const MemoryBudget& other);
};

/// \brief check's one line on Theta: the rows each rank holds and, with network.ntk_spectrum = "full", what
/// rank 0 gathers and diagonalises.
[[nodiscard]] std::string theta_memory_line(const NetworkParameters& parameters, std::size_t points,
                                            int ranks);

/// \brief The network-only run, its points and input dimension found without building the data set where
/// that would allocate what is being checked (the synthetic teacher has the student's architecture): M^3
/// points of dimension 6 (lattice) or 3 (synthetic); a file is read for its shape.
[[nodiscard]] MemoryBudget network_only_memory(const NetworkParameters& parameters, int ranks);

/// \brief The coupled run: the lattice plus the network on its M^3 sub-lattice sites (inputs of
/// dimension 6, lattice_dataset's periodic embedding).
[[nodiscard]] MemoryBudget coupled_memory(const LatticeParameters& lattice, const NetworkParameters& network,
                                          int ranks);

/// \brief What `check` prints: the budget line by line, its total and the node's available memory per rank,
/// and whether it fits.
[[nodiscard]] std::string memory_report(const MemoryBudget& budget, const NodeMemory& node, int ranks);

/// \brief Throws InputError (exit 2) when the budget exceeds what the node has per rank, naming the deck,
/// the figures and the keys of the largest items. Nothing is refused when the node's memory is unknown.
void require_memory(const MemoryBudget& budget, const NodeMemory& node, int ranks,
                    const std::string& deck_file);

} // namespace inflanet
