// PointDistribution, the network code's split of training points over ranks: the blocks tile [0, N) in rank
// order with the first N mod R ranks one point larger (checked against the closed form, and for fewer
// points than ranks), gathers concatenate the blocks in point order whatever the rank count (every value
// is a function of its global point index, so the expected vector is known without MPI), gather_to_root
// fills rank 0 only, and sum, sum_in_place, broadcast and all reduce over every rank.
#include <gtest/gtest.h>

#include <mpi.h>

#include <cstddef>
#include <vector>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/point_distribution.hpp"

using namespace inflanet;

namespace {

int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

/// The value of component c of point p: distinct for every (p, c), so a misplaced block shows.
double value(std::size_t p, std::size_t c) {
  return 1000.0 * static_cast<double>(p) + static_cast<double>(c);
}

/// This rank's block of `width` values per point.
std::vector<double> local_block(const PointDistribution& d, std::size_t width) {
  std::vector<double> out;
  for (std::size_t p = d.local_begin(); p < d.local_begin() + d.local_count(); ++p) {
    for (std::size_t c = 0; c < width; ++c) {
      out.push_back(value(p, c));
    }
  }
  return out;
}

std::vector<double> expected_all(std::size_t points, std::size_t width) {
  std::vector<double> out;
  for (std::size_t p = 0; p < points; ++p) {
    for (std::size_t c = 0; c < width; ++c) {
      out.push_back(value(p, c));
    }
  }
  return out;
}

} // namespace

TEST(PointDistribution, BlocksTileThePointsInRankOrderWithTheRemainderOnTheFirstRanks) {
  const auto ranks = static_cast<std::size_t>(world_size());
  // Fewer points than ranks (some own none), a multiple of the rank count, and a remainder.
  for (std::size_t points :
       {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{12}, std::size_t{13}, std::size_t{512}}) {
    PointDistribution d(points);
    ASSERT_EQ(d.size(), world_size());
    EXPECT_EQ(d.rank(), world_rank());
    EXPECT_EQ(d.is_root(), world_rank() == 0);
    EXPECT_EQ(d.points(), points);
    std::size_t next = 0;
    for (int r = 0; r < d.size(); ++r) {
      const auto ru = static_cast<std::size_t>(r);
      EXPECT_EQ(d.begin(r), next) << "points " << points << ", rank " << r;
      EXPECT_EQ(d.count(r), points / ranks + (ru < points % ranks ? 1 : 0)) << "points " << points;
      next += d.count(r);
    }
    EXPECT_EQ(next, points);
    EXPECT_EQ(d.local_begin(), d.begin(world_rank()));
    EXPECT_EQ(d.local_count(), d.count(world_rank()));
  }
}

TEST(PointDistribution, GathersConcatenateTheBlocksInPointOrderAtAnyRankCount) {
  for (std::size_t points : {std::size_t{1}, std::size_t{7}, std::size_t{64}}) {
    for (std::size_t width : {std::size_t{1}, std::size_t{3}}) {
      PointDistribution d(points);
      const auto local = local_block(d, width);
      EXPECT_EQ(d.all_gather(local, width), expected_all(points, width))
          << "points " << points << ", width " << width;
      const auto at_root = d.gather_to_root(local, width);
      if (d.is_root()) {
        EXPECT_EQ(at_root, expected_all(points, width));
      } else {
        EXPECT_TRUE(at_root.empty()) << "only rank 0 receives";
      }
    }
  }
}

TEST(PointDistribution, ABlockOfTheWrongSizeIsRefusedBeforeAnyMessage) {
  // Every rank offers one value too many: each throws on its own, before the collective, so none hangs.
  PointDistribution d(5);
  std::vector<double> local(d.local_count() + 1, 0.0);
  EXPECT_THROW((void)d.all_gather(local, 1), RuntimeError);
  EXPECT_THROW((void)d.gather_to_root(local, 1), RuntimeError);
}

TEST(PointDistribution, ReductionsAndBroadcastCoverEveryRank) {
  PointDistribution d(10);
  const int size = world_size(), rank = world_rank();
  // sum of (rank + 1) over ranks = R (R + 1) / 2.
  EXPECT_EQ(d.sum(rank + 1.0), 0.5 * size * (size + 1));
  std::vector<double> v = {1.0, static_cast<double>(rank)};
  d.sum_in_place(v);
  EXPECT_EQ(v[0], static_cast<double>(size));
  EXPECT_EQ(v[1], 0.5 * size * (size - 1));
  std::vector<double> b = {rank == 0 ? 42.0 : -1.0, rank == 0 ? 0.5 : -1.0};
  d.broadcast(b);
  EXPECT_EQ(b, (std::vector<double>{42.0, 0.5}));
  EXPECT_TRUE(d.all(true));
  // False on the last rank alone makes it false everywhere (at one rank: false on rank 0).
  EXPECT_FALSE(d.all(rank != size - 1));
}
