// The site and mode loops on FFTW's own slab split (1, 2, 3 ranks; even and odd N, ranks without planes):
// over all ranks every site and every stored mode is visited once, the offsets are where the Field's views
// and FFTW put them (a plane wave lands on its own signed mode), the Hermitian weights add up to N^3, and
// the threaded row sums equal the pointwise sums in storage order.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "inflanet/decomposition/field.hpp"
#include "inflanet/decomposition/field_views.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/fft/fft_plan.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::site_noise;

namespace {
// N = 2 and 4 leave the third rank without planes at 3 ranks; 5, 7, 9 are odd.
const std::ptrdiff_t sides[] = {2, 4, 5, 7, 8, 9, 12};
} // namespace

TEST(LatticeLoops, EverySiteOnceOverAllRanksAtTheViewsOffsets) {
  for (const std::ptrdiff_t n : sides) {
    const Decomposition d(Box{n, 1.0});
    std::vector<double> seen(static_cast<std::size_t>(n * n * n), 0.0);
    Field field(d);
    double* data = field.real_data();
    for_each_site(d, [&](const Site& s) {
      seen[static_cast<std::size_t>((s.ix * n + s.iy) * n + s.iz)] += 1.0;
      data[s.offset] = site_noise(s.ix, s.iy, s.iz);
    });
    d.sum_in_place(seen);
    for (const double count : seen) {
      ASSERT_EQ(count, 1.0) << "n = " << n;
    }
    // The view (xtensor over the padded shape) finds each value at its site.
    const auto view = real_view(field);
    const std::ptrdiff_t x0 = d.layout().x_start();
    double wrong = 0.0;
    for (std::size_t x = 0; x < view.shape()[0]; ++x) {
      for (std::ptrdiff_t y = 0; y < n; ++y) {
        for (std::ptrdiff_t z = 0; z < n; ++z) {
          const auto ix = static_cast<std::ptrdiff_t>(x) + x0;
          wrong += view(x, static_cast<std::size_t>(y), static_cast<std::size_t>(z)) != site_noise(ix, y, z);
        }
      }
    }
    EXPECT_EQ(d.sum(wrong), 0.0) << "n = " << n;
  }
}

TEST(LatticeLoops, SiteRowsVisitTheSameSitesAndSumInStorageOrder) {
  for (const std::ptrdiff_t n : sides) {
    const Decomposition d(Box{n, 1.0});
    Field field(d);
    field.fill(-1.0); // sites -1, padding 0
    double* data = field.real_data();
    for_each_site_row(d, [=](const SiteRow& row) {
      for (std::ptrdiff_t iz = 0; iz < row.length; ++iz) {
        data[row.offset + iz] = site_noise(row.ix, row.iy, iz);
      }
    });
    double pointwise[2] = {0.0, 0.0};
    for_each_site(d, [&](const Site& s) {
      EXPECT_EQ(data[s.offset], site_noise(s.ix, s.iy, s.iz));
      pointwise[0] += 1.0;
      pointwise[1] += data[s.offset];
    });
    const auto rows = sum_over_site_rows<2>(d, [=](const SiteRow& row, double(&acc)[2]) {
      for (std::ptrdiff_t iz = 0; iz < row.length; ++iz) {
        acc[0] += 1.0;
        acc[1] += data[row.offset + iz];
      }
    });
    EXPECT_EQ(d.sum(rows[0]), static_cast<double>(n * n * n));
    EXPECT_EQ(rows[0], pointwise[0]);
    // Bit for bit on one thread (the suite runs with OMP_NUM_THREADS=1); threads only regroup the sum.
    EXPECT_NEAR(rows[1], pointwise[1], 1e-12 * static_cast<double>(n * n * n));
  }
}

TEST(LatticeLoops, EveryStoredModeOnceWithSignedModesAndWeightsSummingToNCubed) {
  for (const std::ptrdiff_t n : sides) {
    const Decomposition d(Box{n, 1.0});
    const std::ptrdiff_t nz = n / 2 + 1;
    std::vector<double> seen(static_cast<std::size_t>(n * n * nz), 0.0);
    double weights = 0.0;
    for_each_mode(d, [&](const Mode& m) {
      seen[static_cast<std::size_t>((m.iy * n + m.ix) * nz + m.iz)] += 1.0;
      for (const auto& [index, signed_n] : {std::pair{m.ix, m.nx}, {m.iy, m.ny}, {m.iz, m.nz}}) {
        EXPECT_EQ(signed_n, 2 * index < n ? index : index - n);
      }
      EXPECT_EQ(m.weight, (m.iz == 0 || 2 * m.iz == n) ? 1.0 : 2.0);
      weights += m.weight;
    });
    d.sum_in_place(seen);
    for (const double count : seen) {
      ASSERT_EQ(count, 1.0) << "n = " << n;
    }
    EXPECT_EQ(d.sum(weights), static_cast<double>(n * n * n)) << "n = " << n;
    const auto row_weights = sum_over_mode_rows<1>(d, [](const ModeRow& row, double(&acc)[1]) {
      for (std::ptrdiff_t l = 0; l < row.length; ++l) {
        acc[0] += row.weight(l);
      }
    });
    EXPECT_EQ(d.sum(row_weights[0]), static_cast<double>(n * n * n));
  }
}

TEST(LatticeLoops, APlaneWaveLandsOnItsOwnSignedMode) {
  // cos(2 pi (a x + b y + c z) / N) has f~ = N^3 / 2 at n = (a, b, c) and at -n; with 0 < c < N/2 only n is
  // stored. The loops' (nx, ny, nz) and offsets must agree with FFTW's transposed layout.
  for (const std::ptrdiff_t n : {5, 8, 9, 12}) {
    const Decomposition d(Box{n, 1.0});
    FftPlan plan(d, PlanRigor::estimate);
    Field field(d);
    for (const auto& [a, b, c] : {std::array<std::ptrdiff_t, 3>{1, 0, 1}, {-2, 1, 1}, {2, -2, n / 2 - 1}}) {
      if (c <= 0 || 2 * c >= n) {
        continue;
      }
      inflanet::testing::fill_sites(field, [&](auto x, auto y, auto z) {
        return std::cos(2.0 * std::numbers::pi * static_cast<double>(a * x + b * y + c * z) /
                        static_cast<double>(n));
      });
      plan.to_fourier(field);
      const std::complex<double>* f = field.fourier_data();
      const double peak = 0.5 * static_cast<double>(n * n * n);
      double hits = 0.0, worst = 0.0;
      for_each_mode(d, [&](const Mode& m) {
        const bool target = m.nx == a && m.ny == b && m.nz == c;
        hits += target ? 1.0 : 0.0;
        worst = std::max(worst, std::abs(f[m.offset] - (target ? peak : 0.0)));
      });
      EXPECT_EQ(d.sum(hits), 1.0);
      EXPECT_LT(d.max(worst), 1e-9 * peak) << "n = " << n << ", mode (" << a << ", " << b << ", " << c << ")";
    }
  }
}
