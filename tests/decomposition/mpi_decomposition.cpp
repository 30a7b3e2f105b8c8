// Decomposition, the only place physics code reduces over ranks: the ranks' x-planes and ky-planes tile
// [0, N) in rank order (N not divisible by the rank count included, and N = 2 where a rank owns nothing),
// the allocation holds both the padded real slab and the transposed Fourier slab, and sum, sum_in_place,
// max, min, all and both broadcasts combine every rank (each checked against the closed form over ranks).
#include <gtest/gtest.h>

#include <mpi.h>

#include <cstddef>
#include <string>
#include <vector>

#include "inflanet/decomposition/decomposition.hpp"

using namespace inflanet;

namespace {

/// Every rank's (start, count), gathered in rank order.
std::vector<std::ptrdiff_t> gathered(std::ptrdiff_t start, std::ptrdiff_t count, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  const long mine[2] = {static_cast<long>(start), static_cast<long>(count)};
  std::vector<long> all(2 * static_cast<std::size_t>(size));
  MPI_Allgather(mine, 2, MPI_LONG, all.data(), 2, MPI_LONG, comm);
  return {all.begin(), all.end()};
}

/// The blocks (start, count) tile [0, n) in rank order.
void expect_tiling(const std::vector<std::ptrdiff_t>& blocks, std::ptrdiff_t n, const char* what) {
  std::ptrdiff_t next = 0;
  for (std::size_t r = 0; 2 * r < blocks.size(); ++r) {
    if (blocks[2 * r + 1] > 0) {
      EXPECT_EQ(blocks[2 * r], next) << what << ", rank " << r << ", N = " << n;
    }
    EXPECT_GE(blocks[2 * r + 1], 0) << what;
    next += blocks[2 * r + 1];
  }
  EXPECT_EQ(next, n) << what << ", N = " << n;
}

} // namespace

TEST(Decomposition, PlanesTileTheLatticeInRankOrderAndTheAllocationHoldsBothSlabs) {
  for (std::ptrdiff_t n : {2, 7, 8, 16, 17}) {
    const Decomposition d(Box{n, 3.0});
    EXPECT_EQ(d.n(), n);
    EXPECT_EQ(d.box().length, 3.0);
    const SlabLayout& l = d.layout();
    expect_tiling(gathered(l.x_start(), l.local_nx(), d.comm()), n, "x-planes");
    expect_tiling(gathered(l.ky_start(), l.local_nky(), d.comm()), n, "ky-planes");
    // Complex elements: the padded real slab is 2 doubles per complex, the Fourier slab 1.
    EXPECT_GE(2 * d.alloc_complex(), l.padded_real_size()) << "N = " << n;
    EXPECT_GE(d.alloc_complex(), l.fourier_size()) << "N = " << n;
  }
}

TEST(Decomposition, ReductionsAndBroadcastsCombineEveryRank) {
  const Decomposition d(Box{8, 1.0});
  int world_rank = 0, world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  EXPECT_EQ(d.rank(), world_rank);
  EXPECT_EQ(d.size(), world_size);
  EXPECT_EQ(d.is_root(), world_rank == 0);
  const int r = d.rank(), size = d.size();
  EXPECT_EQ(d.sum(r + 1.0), 0.5 * size * (size + 1));
  EXPECT_EQ(d.max(-static_cast<double>(r)), 0.0);
  EXPECT_EQ(d.min(-static_cast<double>(r)), -(size - 1.0));
  EXPECT_EQ(d.max(static_cast<double>(r)), size - 1.0);
  std::vector<double> v = {1.0, static_cast<double>(r), -2.0 * r};
  d.sum_in_place(v);
  EXPECT_EQ(
      v, (std::vector<double>{static_cast<double>(size), 0.5 * size * (size - 1), -1.0 * size * (size - 1)}));
  EXPECT_TRUE(d.all(true));
  EXPECT_FALSE(d.all(r != size - 1)) << "false on the last rank alone is false everywhere";
  EXPECT_EQ(d.broadcast(r == 0 ? 2.5 : -1.0), 2.5);
  // A string: rank 0's, whatever length the others held (the receivers are resized).
  const std::string text = "rank zero's reason";
  EXPECT_EQ(broadcast_string(r == 0 ? text : std::string(static_cast<std::size_t>(r) * 50, 'x'), d.comm()),
            text);
}
