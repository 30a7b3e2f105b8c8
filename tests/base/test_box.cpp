// Box::signed_mode: every FFT index maps to the alias of least |n|, symmetric for odd N, [-N/2, N/2) for even
// N, so that no x or y mode has |n| beyond the r2c z axis's 0..N/2 (an odd-N spectrum once overran its bins).
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "inflanet/base/box.hpp"

using inflanet::Box;

TEST(Box, SignedModeIsTheAliasOfLeastMagnitude) {
  for (std::ptrdiff_t n : {2, 3, 4, 9, 16, 17}) {
    const Box box{n, 1.0};
    std::vector<int> seen(static_cast<std::size_t>(n), 0);
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const auto m = box.signed_mode(i);
      EXPECT_EQ(((m % n) + n) % n, i) << "n = " << n << ": an alias of index " << i;
      EXPECT_LE(2 * std::abs(m), n) << "n = " << n << ", i = " << i;
      ++seen[static_cast<std::size_t>(((m % n) + n) % n)];
    }
    for (const int count : seen) {
      EXPECT_EQ(count, 1) << "n = " << n;
    }
  }
  const Box odd{9, 1.0}, even{8, 1.0};
  EXPECT_EQ(odd.signed_mode(4), 4);
  EXPECT_EQ(odd.signed_mode(5), -4);
  EXPECT_EQ(even.signed_mode(4), -4); // the Nyquist plane of even N counts as -N/2
}
