#pragma once
/// \file
/// \brief One mode set for the lattice and the network (physics.md §5, "Comparing like with like"): the
/// lattice field band-limited to the modes of the M^3 sub-lattice of training sites, and its samples on
/// those sites.
///
/// Point samples of an N^3 field on every (N/M)-th site alias every lattice mode onto the M^3 sub-lattice
/// modes. Keeping only the modes with |n_d| <= M/2 for d = x, y, z (n in [-N/2, N/2) the signed mode
/// number) removes the aliases. Both Nyquist partners n_d = +M/2 and -M/2 are kept: they have the same
/// |k|, so on the sites (where they coincide) they add up to one sub-lattice mode that oscillates with that
/// |k|, and the kept set is closed under n -> -n (the band-limited field stays real). The k = 0 mode is
/// removed as well: the comparison is of perturbations about the box mean.

#include <cstddef>
#include <vector>

#include "inflanet/decomposition/field.hpp"
#include "inflanet/fft/fft_plan.hpp"

namespace inflanet {

/// \brief True when the lattice mode with signed numbers (nx, ny, nz) lies in the sub-lattice's band
/// |n_d| <= M/2 and is not k = 0.
[[nodiscard]] bool in_sublattice_band(std::ptrdiff_t nx, std::ptrdiff_t ny, std::ptrdiff_t nz,
                                      std::ptrdiff_t m) noexcept;

/// \brief Zeroes, in a field held in Fourier space, every mode outside the band of the M^3 sub-lattice and
/// the k = 0 mode. InputError when the field is in real space or M does not divide N.
void band_limit(Field& fourier, std::ptrdiff_t m);

/// \brief The values of a real-space field at the sub-lattice sites (every (N/M)-th site), in C order
/// i = (ix M + iy) M + iz, on every rank (each rank fills the sites of its planes; one sum assembles
/// them). Collective. InputError when M does not divide N.
[[nodiscard]] std::vector<double> sample_sites(const Field& real, std::ptrdiff_t m);

/// \brief The band-limited perturbation of `field` on the sites: copies it into `scratch`, transforms,
/// applies band_limit, transforms back and samples. `field` is not modified (it may be in either space).
/// Collective.
[[nodiscard]] std::vector<double> band_limited_sites(const Field& field, Field& scratch, FftPlan& plan,
                                                     std::ptrdiff_t m);

} // namespace inflanet
