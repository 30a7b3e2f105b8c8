// The BLACS process grid at 1, 2 and 3 ranks: the near-square shape rule, every rank placed once in
// row-major order, sums over the grid, and the context released by the destructor (and by a move).
#include <gtest/gtest.h>

#include <mpi.h>

#include <utility>
#include <vector>

#include "inflanet/decomposition/process_grid.hpp"

using inflanet::ProcessGrid;

TEST(ProcessGrid, ShapeIsTheMostSquareFactorisationWithFewerRows) {
  EXPECT_EQ(ProcessGrid::shape(1), std::make_pair(1, 1));
  EXPECT_EQ(ProcessGrid::shape(2), std::make_pair(1, 2));
  EXPECT_EQ(ProcessGrid::shape(3), std::make_pair(1, 3));
  EXPECT_EQ(ProcessGrid::shape(4), std::make_pair(2, 2));
  EXPECT_EQ(ProcessGrid::shape(6), std::make_pair(2, 3));
  EXPECT_EQ(ProcessGrid::shape(7), std::make_pair(1, 7));
  EXPECT_EQ(ProcessGrid::shape(12), std::make_pair(3, 4));
  EXPECT_EQ(ProcessGrid::shape(16), std::make_pair(4, 4));
}

TEST(ProcessGrid, EveryRankSitsOnceOnTheGridInRowMajorOrder) {
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const ProcessGrid grid(MPI_COMM_WORLD);
  const auto [rows, cols] = ProcessGrid::shape(size);
  EXPECT_EQ(grid.nprow(), rows);
  EXPECT_EQ(grid.npcol(), cols);
  EXPECT_EQ(grid.size(), size);
  EXPECT_EQ(grid.rank(), rank);
  EXPECT_EQ(grid.myrow() * grid.npcol() + grid.mycol(), rank);
  EXPECT_TRUE(ProcessGrid::context_alive(grid.context()));
  // Each rank marks its grid cell; the sum has every cell exactly once.
  std::vector<double> cells(static_cast<std::size_t>(size), 0.0);
  cells[static_cast<std::size_t>(grid.myrow() * grid.npcol() + grid.mycol())] = 1.0;
  grid.sum_in_place(cells);
  for (const double c : cells) {
    EXPECT_EQ(c, 1.0);
  }
  std::vector<double> from_root{static_cast<double>(rank) + 0.5};
  grid.broadcast(from_root);
  EXPECT_EQ(from_root[0], 0.5);
}

TEST(ProcessGrid, ContextsAreReleasedByTheDestructorAndFollowAMove) {
  const int before = ProcessGrid::live_grids();
  int context = -1, moved_context = -1;
  {
    ProcessGrid grid(MPI_COMM_WORLD);
    context = grid.context();
    EXPECT_EQ(ProcessGrid::live_grids(), before + 1);
    ProcessGrid moved(std::move(grid));
    moved_context = moved.context();
    EXPECT_EQ(moved_context, context);
    EXPECT_EQ(grid.context(), -1); // NOLINT(bugprone-use-after-move): the moved-from state is the contract
    EXPECT_EQ(ProcessGrid::live_grids(), before + 1);
    EXPECT_TRUE(ProcessGrid::context_alive(moved_context));
  }
  EXPECT_EQ(ProcessGrid::live_grids(), before);
  EXPECT_FALSE(ProcessGrid::context_alive(context));
  // Many grids in turn: each released before the next (a leak would also show as a growing context number).
  for (int i = 0; i < 50; ++i) {
    const ProcessGrid grid(MPI_COMM_WORLD);
    EXPECT_LE(grid.context(), context + 1);
  }
  EXPECT_EQ(ProcessGrid::live_grids(), before);
}
