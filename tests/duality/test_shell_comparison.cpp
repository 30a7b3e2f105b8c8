// The shared sub-lattice comparison (shell_comparison.hpp): a plane wave's site spectrum lands in its own
// shell; the per-shell ratios and transfers against numbers worked out by hand, shell 0 and empty shells
// undefined; the initial spectra are the first call's or the restored ones.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "inflanet/decomposition/session.hpp"
#include "inflanet/duality/shell_comparison.hpp"

using namespace inflanet;

TEST(SubLattice, PlaneWaveSiteSpectrumLandsInItsShell) {
  constexpr std::ptrdiff_t m = 8;
  constexpr double length = 10.0;
  SubLattice sub(m, length, MPI_COMM_SELF);
  std::vector<double> values(static_cast<std::size_t>(m * m * m));
  for (std::ptrdiff_t x = 0; x < m; ++x) {
    for (std::ptrdiff_t y = 0; y < m; ++y) {
      for (std::ptrdiff_t z = 0; z < m; ++z) {
        values[static_cast<std::size_t>((x * m + y) * m + z)] =
            std::cos(2.0 * std::numbers::pi * 2.0 * y / m);
      }
    }
  }
  const auto p = sub.site_spectrum(values);
  const auto& k = sub.spectrum.k();
  const double k_wave = 2.0 * 2.0 * std::numbers::pi / length; // |n| = 2
  std::size_t peak = 0;
  for (std::size_t b = 0; b < p.size(); ++b) {
    if (p[b] > p[peak]) {
      peak = b;
    }
  }
  EXPECT_NEAR(k[peak], k_wave, 0.5 * (k[1] - k[0])) << "the power sits in the shell of |k| = 4 pi / L";
  double elsewhere = 0.0;
  for (std::size_t b = 0; b < p.size(); ++b) {
    elsewhere = b == peak ? elsewhere : std::max(elsewhere, p[b]);
  }
  EXPECT_LT(elsewhere, 1e-20 * p[peak]);
}

TEST(ShellComparison, RatiosTransfersAndFrequenciesAgainstHandValues) {
  ShellComparison shells({0.0, 1.0, 4.0, 9.0});
  // t0: lattice P = (5, 2, 4, 0), network P = (1, 1, 2, 3); shell 3 of the lattice is empty.
  const auto first =
      shells.compare(std::vector<double>{5, 2, 4, 0}, std::vector<double>{1, 1, 2, 3}, 2.0, 0.5);
  EXPECT_TRUE(std::isnan(first.p_ratio[0])) << "k = 0 is outside the band";
  EXPECT_DOUBLE_EQ(first.p_ratio[1], 0.5);
  EXPECT_DOUBLE_EQ(first.p_ratio[2], 0.5);
  EXPECT_TRUE(std::isnan(first.p_ratio[3])) << "an empty lattice shell";
  EXPECT_DOUBLE_EQ(first.t_lattice[1], 1.0);
  EXPECT_DOUBLE_EQ(first.omega2_lattice[2], 4.0 / 4.0 + 0.5); // <k^2> / a^2 + V''
  EXPECT_DOUBLE_EQ(shells.max_abs_log_power_ratio(), std::log(2.0));
  // Later: the transfers are against t0's spectra.
  const auto later =
      shells.compare(std::vector<double>{5, 6, 1, 0}, std::vector<double>{1, 3, 8, 3}, 1.0, 0.0);
  EXPECT_DOUBLE_EQ(later.t_lattice[1], 3.0);
  EXPECT_DOUBLE_EQ(later.t_network[2], 4.0);
  EXPECT_DOUBLE_EQ(later.p_ratio[2], 8.0);
  EXPECT_DOUBLE_EQ(shells.max_abs_log_power_ratio(), std::log(8.0));
  // A restored comparison continues against the recorded initial spectra, not its first call's.
  ShellComparison restored({0.0, 1.0, 4.0, 9.0});
  restored.restore(shells.p_lattice0(), shells.p_network0());
  const auto again =
      restored.compare(std::vector<double>{5, 6, 1, 0}, std::vector<double>{1, 3, 8, 3}, 1.0, 0.0);
  EXPECT_EQ(again.t_lattice[1], later.t_lattice[1]);
  EXPECT_EQ(again.t_network[2], later.t_network[2]);
}
