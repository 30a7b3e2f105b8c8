// Session::node_memory at 1, 2 and 3 ranks: every rank gets the same figures (so all take the same memory
// decision), the ranks of this one-node run are all counted on its node, and MemAvailable is known on Linux.
#include <gtest/gtest.h>

#include <mpi.h>

#include "inflanet/decomposition/session.hpp"

TEST(NodeMemory, EveryRankSeesTheSameNodeWithAllItsRanks) {
  const auto node = inflanet::Session::node_memory();
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  EXPECT_TRUE(node.known());
  EXPECT_EQ(node.ranks_on_node, size); // CTest runs every rank on this one machine
  double figures[2] = {node.available_bytes, static_cast<double>(node.ranks_on_node)};
  double low[2] = {0, 0}, high[2] = {0, 0};
  MPI_Allreduce(figures, low, 2, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(figures, high, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  EXPECT_EQ(low[0], high[0]);
  EXPECT_EQ(low[1], high[1]);
}
