// scale_by_n2_with_gradient_sum (scaled_laplacian.hpp), the k-space half of every force: on lattice plane
// waves cos(k.x) it gives -lap phi = |k|^2 phi after the unnormalised c2r (factor dk^2 / N^3), and its
// Parseval sum times dk^2 / N^3 is the box sum of |grad phi|^2 = |k|^2 sin^2(k.x), N^3 |k|^2 / 2, for modes
// in the kz = 0 plane (counted once), inside (counted twice for their unstored partners) and, for odd N, in
// the last plane (interior there). Independent answers: the closed forms, at every rank count.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>

#include "inflanet/fft/scaled_laplacian.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::fill_sites;
using inflanet::testing::Lattice;
using inflanet::testing::max_deviation;

TEST(ScaledLaplacian, PlaneWavesGiveKSquaredAndTheirGradientEnergy) {
  for (const std::ptrdiff_t n : {16, 15}) {
    for (const std::array<int, 3> wave : {std::array<int, 3>{1, 2, 0}, std::array<int, 3>{1, 2, 3},
                                          std::array<int, 3>{0, 0, static_cast<int>(n / 2)}}) {
      if (2 * wave[2] == n) {
        continue; // the Nyquist plane of even N: a cosine there has no sine partner (see the file comment)
      }
      const double length = 7.0;
      Lattice lat(n, length);
      const double dk = 2.0 * std::numbers::pi / length;
      const double k2 = dk * dk * (wave[0] * wave[0] + wave[1] * wave[1] + wave[2] * wave[2]);
      const auto phase = [&](auto x, auto y, auto z) {
        return 2.0 * std::numbers::pi * static_cast<double>(wave[0] * x + wave[1] * y + wave[2] * z) /
               static_cast<double>(n);
      };
      Field f(lat.decomposition);
      fill_sites(f, [&](auto x, auto y, auto z) { return std::cos(phase(x, y, z)); });
      lat.plan.to_fourier(f);
      const double sites = static_cast<double>(n * n * n);
      const double local =
          scale_by_n2_with_gradient_sum(lat.decomposition, f.fourier_data(), dk * dk / sites);
      const double gradient = lat.decomposition.sum(local) * dk * dk / sites;
      lat.plan.to_real(f, Scale::none);
      const double error =
          max_deviation(f, [&](auto x, auto y, auto z) { return k2 * std::cos(phase(x, y, z)); }) / k2;
      EXPECT_LT(error, 1e-12) << "N = " << n << ", n = (" << wave[0] << ", " << wave[1] << ", " << wave[2]
                              << ")";
      EXPECT_NEAR(gradient, 0.5 * sites * k2, 1e-11 * sites * k2) << "N = " << n << ", n_z = " << wave[2];
    }
  }
}
