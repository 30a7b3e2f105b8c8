#pragma once
/// \file
/// \brief The C (row-major) order of the sites or modes of an m^3 grid, i = (x m + y) m + z: the order of the
/// network's training points on the sub-lattice (their inputs, targets, residuals and kernels), of
/// sample_sites, and of the global mode index that keys the initial conditions' random numbers. One place
/// for the formula, so that every piece that exchanges site vectors agrees on it.

#include <array>
#include <cstddef>

namespace inflanet {

/// \brief Row-major order on an m^3 grid (no padding: it indexes vectors of m^3 values, not slabs).
struct SiteOrder {
  std::ptrdiff_t m = 0;

  [[nodiscard]] constexpr std::size_t size() const noexcept { return static_cast<std::size_t>(m * m * m); }
  /// \brief The index of (x, y, z), each in [0, m).
  [[nodiscard]] constexpr std::size_t index(std::ptrdiff_t x, std::ptrdiff_t y,
                                            std::ptrdiff_t z) const noexcept {
    return static_cast<std::size_t>((x * m + y) * m + z);
  }
  /// \brief The (x, y, z) of index i, the inverse of index().
  [[nodiscard]] constexpr std::array<std::ptrdiff_t, 3> site(std::size_t i) const noexcept {
    const auto j = static_cast<std::ptrdiff_t>(i);
    return {j / (m * m), (j / m) % m, j % m};
  }
};

} // namespace inflanet
