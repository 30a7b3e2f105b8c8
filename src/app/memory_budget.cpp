#include "inflanet/app/memory_budget.hpp"
#include "inflanet/app/lattice_parameters.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/ntk/distributed_ntk.hpp"

namespace inflanet {
namespace {

constexpr double mib = 1024.0 * 1024.0;

/// The key that sets the network's number of points N, with its value.
std::string points_key(const NetworkParameters& p, std::size_t points) {
  if (p.dataset == "file") {
    return fmt::format("network.file = \"{}\" (N = {})", p.file.string(), points);
  }
  return fmt::format("network.sublattice = {} (N = M^3 = {})", p.sublattice, points);
}

/// NtkEigensystem's peak per rank (local_doubles, measured): the matrix and the eigenvectors on one rank
/// (dsyevr); matrix, eigenvectors and ScaLAPACK's work, about 4 N^2 / P, on a grid.
double eigensystem_doubles(double n, int ranks) {
  return ranks == 1 ? 2.0 * n * n : 4.0 * n * n / ranks;
}

/// The network on `points` training points of dimension `input_dim` over `ranks` ranks: Theta(0) and
/// Theta(t) rows with their work blocks, the gathered layer factors of every point, the local activations,
/// the data and the weights, and on rank 0 the gathered Theta(0) with its eigendecomposition.
MemoryBudget network_memory(const NetworkParameters& p, std::size_t points, int input_dim, int ranks) {
  const double n = static_cast<double>(points), rows = std::ceil(n / ranks);
  const double w = p.mlp.width, depth = p.mlp.depth, d = input_dim;
  const double parameters = mlp_parameter_count(input_dim, p.mlp.width, p.mlp.depth);
  const std::string n_keys = points_key(p, points);
  const std::string shape_keys =
      fmt::format("{}, network.width = {}, network.depth = {}", n_keys, p.mlp.width, p.mlp.depth);
  MemoryBudget b;
  b.items.push_back({fmt::format("network Theta(0) rows on this rank ({:g} x N = {:g}; never gathered with "
                                 "network.ntk_spectrum = \"extremes\")",
                                 rows, n),
                     8.0 * rows * n, n_keys});
  const double chunk = std::min<double>(rows, static_cast<double>(ntk_row_chunk));
  b.items.push_back(
      {fmt::format("network Theta work: build and drift chunks ({:g} rows x N, three blocks)", chunk),
       8.0 * 3.0 * chunk * n, n_keys});
  b.items.push_back(
      {"network layer factors (activations and gradients of every layer, all N points; a second "
       "set while the drift is measured)",
       2.0 * 8.0 * n * (2.0 * w + d) * (depth + 1.0), shape_keys});
  b.items.push_back({"network activations, data and weights (local points; weights, velocity, gradient)",
                     8.0 * (2.0 * rows * (d + w * depth + 1.0) + n * (d + 1.0) + 4.0 * parameters),
                     shape_keys});
  if (p.full_spectrum) {
    // The eigensystem's peak, plus nn.h5's gathered ntk[N,N] on rank 0 for N <= ntk_eigen_max_points.
    const double eigen = eigensystem_doubles(n, ranks);
    b.items.push_back(
        {fmt::format("network Theta(0) eigendecomposition ({}; network.ntk_spectrum = \"full\")",
                     ranks == 1 ? "dsyevr: matrix and eigenvectors"
                                : "pdsyevd: block-cyclic matrix, eigenvectors and work"),
         8.0 * eigen, n_keys});
    if (n <= static_cast<double>(ntk_eigen_max_points)) {
      b.items.push_back(
          {"network Theta(0) gathered on rank 0 for nn.h5 (N <= 10^4 only)", 8.0 * n * n, n_keys});
    }
  } else {
    b.items.push_back({"network Lanczos basis (at most 300 vectors of N) and solver vectors",
                       8.0 * (std::min(n, 300.0) + 12.0) * n, n_keys});
  }
  return b;
}

} // namespace

double MemoryBudget::total() const {
  return std::accumulate(items.begin(), items.end(), 0.0,
                         [](double sum, const auto& item) { return sum + item.bytes; });
}

MemoryBudget& MemoryBudget::operator+=(const MemoryBudget& other) {
  items.insert(items.end(), other.items.begin(), other.items.end());
  return *this;
}

std::string theta_memory_line(const NetworkParameters& p, std::size_t points, int ranks) {
  const double n = static_cast<double>(points), rows = std::ceil(n / ranks);
  const double eigen = eigensystem_doubles(n, ranks);
  return fmt::format(
      "#   memory for Theta    = {:.6g} MiB of Theta(0) rows per rank ({:g} of N = {:g}){}\n",
      8.0 * rows * n / mib, rows, n,
      p.full_spectrum
          ? fmt::format(" + {:.6g} MiB per rank for its eigendecomposition ({}; network.ntk_spectrum "
                        "= \"full\"){}",
                        8.0 * eigen / mib, ranks == 1 ? "dsyevr" : "ScaLAPACK pdsyevd",
                        n <= static_cast<double>(ntk_eigen_max_points)
                            ? fmt::format(" + {:.6g} MiB on rank 0 for nn.h5's ntk", 8.0 * n * n / mib)
                            : std::string())
          : std::string(" (never gathered: network.ntk_spectrum = \"extremes\")"));
}

MemoryBudget network_only_memory(const NetworkParameters& p, int ranks) {
  if (p.dataset == "file") {
    const Dataset data = p.load_dataset();
    return network_memory(p, data.points, data.dim, ranks);
  }
  const auto m = static_cast<std::size_t>(p.sublattice);
  // The input dimensions of NetworkParameters::load_dataset: the lattice's periodic embedding (6), the
  // synthetic teacher's Gaussian points (3).
  return network_memory(p, m * m * m, p.dataset == "lattice" ? 6 : 3, ranks);
}

MemoryBudget coupled_memory(const LatticeParameters& lattice, const NetworkParameters& network, int ranks) {
  const auto m = static_cast<std::size_t>(network.sublattice);
  constexpr int lattice_input_dim = 6; // (cos, sin)(2 pi x_d / L), d = 0, 1, 2 (nn/dataset.hpp)
  MemoryBudget b = lattice_memory(lattice, ranks);
  b += network_memory(network, m * m * m, lattice_input_dim, ranks);
  return b;
}

std::string memory_report(const MemoryBudget& budget, const NodeMemory& node, int ranks) {
  std::string out =
      fmt::format("# memory before allocation (the largest rank of {}; estimates of the arrays)\n", ranks);
  for (const auto& item : budget.items) {
    out += fmt::format("#   {:>12.6g} MiB  {} [{}]\n", item.bytes / mib, item.what, item.keys);
  }
  out += fmt::format("#   {:>12.6g} MiB  total per rank\n", budget.total() / mib);
  if (!node.known()) {
    out += "#   node memory: unknown (/proc/meminfo unreadable): not checked\n";
    return out;
  }
  out +=
      fmt::format("#   {:>12.6g} MiB  available per rank (MemAvailable {:.6g} MiB on the node / {} rank(s) "
                  "on it): {}\n",
                  node.per_rank() / mib, node.available_bytes / mib, node.ranks_on_node,
                  budget.total() <= node.per_rank()
                      ? "fits"
                      : fmt::format("SHORT by {:.4g}x, refused", budget.total() / node.per_rank()));
  return out;
}

void require_memory(const MemoryBudget& budget, const NodeMemory& node, int ranks,
                    const std::string& deck_file) {
  if (!node.known() || budget.total() <= node.per_rank() || budget.items.empty()) {
    return;
  }
  const auto largest = std::max_element(budget.items.begin(), budget.items.end(),
                                        [](const auto& a, const auto& b) { return a.bytes < b.bytes; });
  throw InputError(fmt::format(
      "{}: memory: a rank needs {:.4g} MiB on {} rank(s), but its node has {:.4g} MiB available per rank "
      "(MemAvailable {:.4g} MiB / {} rank(s) on the node); the largest item is {:.4g} MiB of {}, set by {}: "
      "lower it, or run on more ranks and nodes (`inflanet check` lists every item)",
      deck_file, budget.total() / mib, ranks, node.per_rank() / mib, node.available_bytes / mib,
      node.ranks_on_node, largest->bytes / mib, largest->what, largest->keys));
}

} // namespace inflanet
