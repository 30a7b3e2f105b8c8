#include "inflanet/duality/band_limit.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/decomposition/site_order.hpp"

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
  std::complex<double>* data = fourier.fourier_data();
  for_each_mode(d, [&](const Mode& mode) {
    if (!in_sublattice_band(mode.nx, mode.ny, mode.nz, m)) {
      data[mode.offset] = 0.0;
    }
  });
}

std::vector<double> sample_sites(const Field& real, std::ptrdiff_t m) {
  const Decomposition& d = real.decomposition();
  check_sublattice(d, m);
  if (real.space() != Space::real) {
    throw InputError("sample_sites: the field must be in real space");
  }
  const std::ptrdiff_t stride = d.n() / m;
  std::vector<double> samples(static_cast<std::size_t>(m * m * m), 0.0);
  const double* data = real.real_data();
  double* out = samples.data();
  const SiteOrder sites{m};
  for_each_site_row(d, [=](const SiteRow& row) {
    if (row.ix % stride != 0 || row.iy % stride != 0) {
      return;
    }
    const std::ptrdiff_t sx = row.ix / stride, sy = row.iy / stride;
    for (std::ptrdiff_t sz = 0; sz < m; ++sz) {
      out[sites.index(sx, sy, sz)] = data[row.offset + sz * stride];
    }
  });
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
