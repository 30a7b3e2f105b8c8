// MemAvailable parsed from /proc/meminfo text: the figure in bytes, and nothing from malformed or absent
// lines.
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
