#pragma once
// Comparing what two runs wrote: bitwise, or to a relative tolerance (NaN where both are NaN counts as
// equal).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace inflanet::testing {

/// Same length, non-empty, and the same bits.
inline bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && !a.empty() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

/// max |a - b| / max |b| over the elements (1 when the sizes differ or b is all zero).
inline double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double scale = 0.0, worst = 0.0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) {
      continue;
    }
    scale = std::max(scale, std::abs(b[i]));
    worst = std::max(worst, std::abs(a[i] - b[i]));
  }
  return a.size() == b.size() && scale > 0 ? worst / scale : 1.0;
}

} // namespace inflanet::testing
