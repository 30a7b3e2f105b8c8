#pragma once
/// \file
/// \brief The k-space half of a spectral force evaluation, shared by every lattice system: f~_n <- factor
/// |n|^2 f~_n in place (with factor = dk^2 g / N^3 this is g (-lap f) after the unnormalised c2r), returning
/// this rank's Parseval sum sum_n w_n |n|^2 |f~_n|^2 of the input (times dk^2 / N^3: the box sum of
/// |grad f|^2). Header-inline so each system's pass compiles to the same loop.

#include <complex>
#include <cstddef>

#include "inflanet/decomposition/lattice_loops.hpp"

namespace inflanet {

/// \brief See the file comment; `f` is a Field's Fourier data on `d` (collective-free: the caller reduces).
[[nodiscard]] inline double scale_by_n2_with_gradient_sum(const Decomposition& d, std::complex<double>* f,
                                                          double factor) {
  return sum_over_mode_rows<1>(d, [=](const ModeRow& row, double(&acc)[1]) {
    const std::ptrdiff_t base = row.offset, nz = row.length;
    const double k2xy = static_cast<double>(row.n2_xy());
    // Interior kz planes count twice (their Hermitian partners are not stored); kz = 0 and N/2 once
    // (nz >= 2 since N >= 2; for odd N the last plane is interior and the row's weight says so).
    double interior = 0.0, edges = 0.0;
#pragma omp simd reduction(+ : interior)
    for (std::ptrdiff_t l = 1; l < nz - 1; ++l) {
      const double n2 = k2xy + static_cast<double>(l * l);
      interior += n2 * std::norm(f[base + l]);
      f[base + l] *= factor * n2;
    }
    for (std::ptrdiff_t l : {std::ptrdiff_t{0}, nz - 1}) {
      const double n2 = k2xy + static_cast<double>(l * l);
      edges += row.weight(l) * n2 * std::norm(f[base + l]);
      f[base + l] *= factor * n2;
    }
    acc[0] += 2.0 * interior + edges;
  })[0];
}

} // namespace inflanet
