// The memory budget: the lattice's padded slabs by hand, the share per rank falling with the ranks, the
// network's items growing with N and width, and the refusal naming the figures and the keys (or nothing
// refused when the node's memory is unknown).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "inflanet/app/lattice_parameters.hpp"
#include "inflanet/app/memory_budget.hpp"
#include "inflanet/base/error.hpp"

using namespace inflanet;
using ::testing::HasSubstr;

namespace {

LatticeParameters lattice(std::ptrdiff_t n) {
  LatticeParameters p;
  p.box = Box{n, 10.0};
  p.names = {"phi"};
  return p;
}

NetworkParameters network(std::int64_t sublattice, int width) {
  NetworkParameters p;
  p.dataset = "synthetic";
  p.sublattice = sublattice;
  p.mlp.width = width;
  p.mlp.depth = 2;
  return p;
}

} // namespace

TEST(MemoryBudget, LatticeFieldsArePaddedSlabsByHand) {
  // N = 16, 1 rank, one field: field, momentum and work, and the spectra's scratch slab, each
  // 16 x 16 x 2 (16/2 + 1) doubles = 8 * 16 * 16 * 18 bytes.
  const auto one = lattice_memory(lattice(16), 1);
  ASSERT_EQ(one.items.size(), 2u);
  EXPECT_EQ(one.items[0].bytes, 3.0 * 8 * 16 * 16 * 18);
  EXPECT_EQ(one.total(), 4.0 * 8 * 16 * 16 * 18);
  EXPECT_THAT(one.items[0].keys, HasSubstr("lattice.N = 16"));
  // 3 ranks: ceil(16/3) = 6 planes each, and one more slab of transpose buffer.
  const auto three = lattice_memory(lattice(16), 3);
  EXPECT_EQ(three.total(), 5.0 * 8 * 6 * 16 * 18);
  // Two fields: three slabs each.
  auto two = lattice(16);
  two.names = {"phi", "chi"};
  EXPECT_EQ(lattice_memory(two, 1).items[0].bytes, 6.0 * 8 * 16 * 16 * 18);
}

TEST(MemoryBudget, NetworkGrowsWithPointsAndWidthAndOnlyTheFullSpectrumGathersTheKernel) {
  const auto small = network_only_memory(network(4, 32), 1);
  const auto more_points = network_only_memory(network(8, 32), 1);
  const auto wider = network_only_memory(network(4, 256), 1);
  EXPECT_GT(more_points.total(), small.total());
  EXPECT_GT(wider.total(), small.total());
  // With the full spectrum the eigendecomposition shares ~4 N^2 over the ranks (2 N^2 on one) and rank 0
  // gathers N^2 for nn.h5 (N <= 10^4); the rows shrink with the ranks; with the extremes only (the default)
  // nothing is gathered.
  const double n = 8 * 8 * 8;
  auto full = network(8, 32);
  full.full_spectrum = true;
  const auto two = network_only_memory(full, 2);
  EXPECT_EQ(two.items.back().bytes, 8.0 * n * n);
  EXPECT_EQ(two.items[two.items.size() - 2].bytes, 8.0 * 4.0 * n * n / 2);
  EXPECT_EQ(network_only_memory(full, 1).items[two.items.size() - 2].bytes, 8.0 * 2.0 * n * n);
  EXPECT_EQ(two.items.front().bytes, 8.0 * (n / 2) * n);
  const auto extremes = network_only_memory(network(8, 32), 2);
  EXPECT_LT(extremes.items.back().bytes, 8.0 * 400.0 * n);
  EXPECT_LT(extremes.total(), two.total() - 8.0 * 2.0 * n * n);
  EXPECT_THAT(two.items.front().keys, HasSubstr("network.sublattice = 8 (N = M^3 = 512)"));
  EXPECT_EQ(mlp_parameter_count(3, 32, 2), 32 * 4 + 32 * 33 + 33);
}

TEST(MemoryBudget, ShortfallIsRefusedNamingTheFiguresAndTheKeys) {
  const auto budget = lattice_memory(lattice(64), 1); // 4 * 8 * 64 * 64 * 66 bytes = 8.25 MiB
  const NodeMemory roomy{1024.0 * 1024.0 * 1024.0, 2}, tight{6.0 * 1024.0 * 1024.0, 2};
  EXPECT_NO_THROW(require_memory(budget, roomy, 1, "deck.toml"));
  EXPECT_THAT(memory_report(budget, roomy, 1), HasSubstr(": fits"));
  try {
    require_memory(budget, tight, 1, "deck.toml");
    FAIL() << "an 8.25 MiB rank on 3 MiB per rank was accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("deck.toml: memory: a rank needs 8.25 MiB on 1 rank(s), but its node has 3 MiB "
                          "available per rank (MemAvailable 6 MiB / 2 rank(s) on the node)"));
    EXPECT_THAT(e.what(), HasSubstr("set by lattice.N = 64"));
  }
  EXPECT_THAT(memory_report(budget, tight, 1), HasSubstr("SHORT by 2.75x, refused"));
  // Unknown node memory: reported, never refused.
  EXPECT_NO_THROW(require_memory(budget, NodeMemory{}, 1, "deck.toml"));
  EXPECT_THAT(memory_report(budget, NodeMemory{}, 1), HasSubstr("node memory: unknown"));
}
