#include "inflanet/duality/band_limit.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "inflanet/app/error.hpp"

namespace inflanet {
namespace {

void check_sublattice(const Decomposition& d, std::ptrdiff_t m) {
  if (m < 1 || m > d.n() || d.n() % m != 0) {
    throw InputError(fmt::format("sub-lattice side M = {} must divide the lattice side N = {}", m, d.n()));
  }
}

} // namespace

bool in_sublattice_band(std::ptrdiff_t nx, std::ptrdiff_t ny, std::ptrdiff_t nz, std::ptrdiff_t m) noexcept {
  const std::ptrdiff_t half = m / 2;
  if (nx == 0 && ny == 0 && nz == 0) {
    return false;
  }
  return std::abs(nx) <= half && std::abs(ny) <= half && std::abs(nz) <= half;
}

void band_limit(Field& fourier, std::ptrdiff_t m) {
  const Decomposition& d = fourier.decomposition();
  check_sublattice(d, m);
  if (fourier.space() != Space::fourier) {
    throw InputError("band_limit: the field must be in Fourier space");
  }
  const Box& box = d.box();
  const std::ptrdiff_t n = d.n(), nz = d.nz_complex();
  std::complex<double>* data = fourier.fourier_data();
  // Transposed layout: local ky plane j, kx index i, kz index l (l = N/2 is n_z = -N/2, as signed_mode says).
  for (std::ptrdiff_t j = 0; j < d.local_nky(); ++j) {
    const std::ptrdiff_t ny = box.signed_mode(d.ky_start() + j);
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const std::ptrdiff_t nx = box.signed_mode(i);
      std::complex<double>* row = data + (j * n + i) * nz;
      for (std::ptrdiff_t l = 0; l < nz; ++l) {
        if (!in_sublattice_band(nx, ny, box.signed_mode(l), m)) {
          row[l] = 0.0;
        }
      }
    }
  }
}

std::vector<double> sample_sites(const Field& real, std::ptrdiff_t m) {
  const Decomposition& d = real.decomposition();
  check_sublattice(d, m);
  if (real.space() != Space::real) {
    throw InputError("sample_sites: the field must be in real space");
  }
  const std::ptrdiff_t stride = d.n() / m;
  std::vector<double> samples(static_cast<std::size_t>(m * m * m), 0.0);
  auto view = real.real_view();
  for (std::ptrdiff_t x = 0; x < d.local_nx(); ++x) {
    const std::ptrdiff_t gx = d.x_start() + x;
    if (gx % stride != 0) {
      continue;
    }
    for (std::ptrdiff_t iy = 0; iy < m; ++iy) {
      for (std::ptrdiff_t iz = 0; iz < m; ++iz) {
        samples[static_cast<std::size_t>(((gx / stride) * m + iy) * m + iz)] =
            view(x, iy * stride, iz * stride);
      }
    }
  }
  d.sum_in_place(samples); // every site is owned by one rank; the others add zeros
  return samples;
}

std::vector<double> band_limited_sites(const Field& field, Field& scratch, FftPlan& plan, std::ptrdiff_t m) {
  scratch.copy_from(field);
  plan.to_fourier(scratch);
  band_limit(scratch, m);
  plan.to_real(scratch, Scale::full);
  return sample_sites(scratch, m);
}

} // namespace inflanet
