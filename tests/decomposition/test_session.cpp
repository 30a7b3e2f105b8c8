// The session's pure rules: MemAvailable parsed from /proc/meminfo text (the figure in bytes, nothing from
// malformed or absent lines), and the threads a rank runs (never more than its cores by default).
#include <gtest/gtest.h>

#include "inflanet/decomposition/session.hpp"

using inflanet::parse_mem_available;

TEST(NodeMemory, MemAvailableIsReadInKibibytes) {
  const char* meminfo = "MemTotal:       32780404 kB\nMemFree:         1234567 kB\n"
                        "MemAvailable:   23456789 kB\nBuffers:          345678 kB\n";
  ASSERT_TRUE(parse_mem_available(meminfo).has_value());
  EXPECT_EQ(*parse_mem_available(meminfo), 23456789.0 * 1024.0);
  EXPECT_EQ(*parse_mem_available("MemAvailable: 1 kB\n"), 1024.0);
}

TEST(NodeMemory, AbsentOrMalformedMemAvailableIsUnknown) {
  EXPECT_FALSE(parse_mem_available("").has_value());
  EXPECT_FALSE(parse_mem_available("MemTotal: 100 kB\nMemFree: 50 kB\n").has_value());
  EXPECT_FALSE(parse_mem_available("MemAvailable: lots kB\n").has_value());
  EXPECT_FALSE(parse_mem_available("MemAvailable: 100 MB\n").has_value());
  EXPECT_FALSE(parse_mem_available("XMemAvailable: 100 kB\n").has_value());
}

TEST(NodeMemory, PerRankShareDividesTheNodeAmongItsRanks) {
  const inflanet::NodeMemory node{8.0e9, 4};
  EXPECT_TRUE(node.known());
  EXPECT_EQ(node.per_rank(), 2.0e9);
  EXPECT_FALSE(inflanet::NodeMemory{}.known());
}

using inflanet::choose_threads;

TEST(ThreadChoice, OmpNumThreadsIsKeptAsGivenEvenBeyondTheBinding) {
  const auto choice = choose_threads(8, 2, 16, 1);
  EXPECT_EQ(choice.threads, 8);
  EXPECT_EQ(choice.reason, "OMP_NUM_THREADS=8");
}

TEST(ThreadChoice, AnUnboundRankRunsOneThreadNotOnePerCoreOfTheNode) {
  const auto choice = choose_threads(std::nullopt, 2, 2, 1);
  EXPECT_EQ(choice.threads, 1);
  EXPECT_NE(choice.reason.find("not bound"), std::string::npos);
  EXPECT_NE(choice.reason.find("OMP_NUM_THREADS"), std::string::npos);
  EXPECT_EQ(choose_threads(std::nullopt, 64, 64, 4).threads, 1);
}

TEST(ThreadChoice, ABoundRankRunsItsBindingsCoresSharedAmongTheRanksBoundToThem) {
  EXPECT_EQ(choose_threads(std::nullopt, 1, 2, 1).threads, 1);    // mpirun -np 2: one core each
  EXPECT_EQ(choose_threads(std::nullopt, 16, 64, 1).threads, 16); // srun --cpus-per-task=16
  const auto shared = choose_threads(std::nullopt, 16, 64, 4);    // 4 ranks bound to one socket
  EXPECT_EQ(shared.threads, 4);
  EXPECT_NE(shared.reason.find("shared by 4 ranks"), std::string::npos);
  EXPECT_EQ(choose_threads(std::nullopt, 2, 64, 3).threads, 1); // never 0
}
