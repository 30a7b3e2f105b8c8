// SiteOrder (site_order.hpp): row-major over an m^3 grid, z fastest; site() inverts index() over the whole
// grid, and the index of a site agrees with the position of its value in a nested x, y, z loop.
#include <gtest/gtest.h>

#include <cstddef>

#include "inflanet/decomposition/site_order.hpp"
#include "inflanet/decomposition/slab_layout.hpp"

using namespace inflanet;

TEST(SiteOrder, IndexIsTheNestedLoopPositionAndSiteInvertsIt) {
  for (const std::ptrdiff_t m : {1, 2, 5, 8}) {
    const SiteOrder order{m};
    EXPECT_EQ(order.size(), static_cast<std::size_t>(m * m * m));
    std::size_t position = 0;
    for (std::ptrdiff_t x = 0; x < m; ++x) {
      for (std::ptrdiff_t y = 0; y < m; ++y) {
        for (std::ptrdiff_t z = 0; z < m; ++z, ++position) {
          ASSERT_EQ(order.index(x, y, z), position) << m;
          const auto site = order.site(position);
          ASSERT_EQ(site[0], x);
          ASSERT_EQ(site[1], y);
          ASSERT_EQ(site[2], z);
        }
      }
    }
  }
}

TEST(SlabLayout, PaddedSlabBytesIsTheLargestRanksPlanesOfPaddedRows) {
  // N = 16: rows of 2 (16/2 + 1) = 18 doubles; 16 planes on one rank, ceil(16/3) = 6 on three.
  EXPECT_EQ(padded_slab_bytes(16, 1), 8.0 * 16 * 16 * 18);
  EXPECT_EQ(padded_slab_bytes(16, 3), 8.0 * 6 * 16 * 18);
  // Odd N: N/2 + 1 complex numbers per row, 2 (N/2 + 1) doubles.
  EXPECT_EQ(padded_slab_bytes(15, 2), 8.0 * 8 * 15 * 16);
  // The layout's own padded size, for a rank that holds the largest share.
  const SlabLayout layout(12, 3, 0, 3, 0);
  EXPECT_EQ(padded_slab_bytes(12, 4), 8.0 * static_cast<double>(layout.padded_real_size()));
}
