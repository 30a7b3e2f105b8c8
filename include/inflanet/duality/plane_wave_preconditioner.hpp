#pragma once
/// \file
/// \brief A preconditioner for kernel solves on the sub-lattice data set, from the NTK's own dispersion
/// relation (physics.md §5): on a periodic sub-lattice with a translation-invariant embedding the kernel is
/// nearly circulant, Theta ~ F^dagger diag(lambda(k)) F with lambda(k) its plane-wave Rayleigh quotients, so
///   M^-1 r = F^dagger diag(1 / lambda(k)) F r
/// (one M^3 r2c/c2r pair, serial) leaves conjugate gradients only the kernel's finite-width departure from
/// translation invariance to resolve. It is symmetric positive definite for any positive lambda(k), so it
/// is a valid preconditioner whatever the embedding; it is effective where the leakage is small.

#include <cstddef>
#include <span>
#include <vector>

#include "inflanet/decomposition/decomposition.hpp"
#include "inflanet/decomposition/field.hpp"
#include "inflanet/fft/fft_plan.hpp"

namespace inflanet {

class PlaneWavePreconditioner {
public:
  /// \brief m sites per side of the sub-lattice of side `length`; `lambda` per half-space mode in the
  /// transposed layout of ntk_dispersion_per_mode; values below `floor` are raised to it (floor > 0).
  PlaneWavePreconditioner(std::ptrdiff_t m, double length, std::span<const double> lambda, double floor);

  /// \brief z = M^-1 r for site vectors of m^3 values in C order (ix, iy, iz).
  void apply(std::span<const double> r, std::span<double> z);

private:
  std::ptrdiff_t m_;
  Decomposition sub_;
  FftPlan plan_;
  Field field_;
  std::vector<double> inverse_;
};

} // namespace inflanet
