// The NTK dispersion relation on a sub-lattice: an exactly translation-invariant kernel gives back its
// spectrum per mode and per shell with no leakage; row-block partial sums add up to the full computation;
// the shells are PowerSpectrum's; an empirical finite-width NTK leaks a little, less as the width grows.
#include <gtest/gtest.h>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

#include "inflanet/base/error.hpp"
#include "inflanet/fft/fft_plan.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/nn/dataset.hpp"
#include "inflanet/nn/mlp.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"
#include "inflanet/ntk/ntk_dispersion.hpp"
#include "inflanet/spectra/power_spectrum.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;

namespace {
constexpr double two_pi = 2.0 * std::numbers::pi;

std::ptrdiff_t signed_mode(std::ptrdiff_t j, std::ptrdiff_t m) {
  return j < m / 2 ? j : j - m;
}

/// A chosen, anisotropic but cubic-symmetric spectrum of integer modes (a function of n_d^2 only).
double chosen_lambda(std::ptrdiff_t nx, std::ptrdiff_t ny, std::ptrdiff_t nz, double length) {
  const double dk = two_pi / length;
  const double kx2 = dk * dk * nx * nx, ky2 = dk * dk * ny * ny, kz2 = dk * dk * nz * nz;
  return 1.0 + kx2 + ky2 + kz2 + 0.05 * kx2 * kz2;
}

/// Theta_ij = K(x_i - x_j), K(d) = (1/N) sum_n lambda(n) cos(2 pi n.d / M), n in [-M/2, M/2)^3.
std::vector<double> translation_invariant_kernel(std::ptrdiff_t m, double length) {
  const auto ms = static_cast<std::size_t>(m), n = ms * ms * ms;
  std::vector<double> kern(n, 0.0);
  for (std::size_t d = 0; d < n; ++d) {
    const double dx = static_cast<double>(d / (ms * ms)), dy = static_cast<double>((d / ms) % ms),
                 dz = static_cast<double>(d % ms);
    double s = 0.0;
    for (std::ptrdiff_t a = -m / 2; a < m / 2; ++a) {
      for (std::ptrdiff_t b = -m / 2; b < m / 2; ++b) {
        for (std::ptrdiff_t c = -m / 2; c < m / 2; ++c) {
          s += chosen_lambda(a, b, c, length) * std::cos(two_pi * (a * dx + b * dy + c * dz) / m);
        }
      }
    }
    kern[d] = s / static_cast<double>(n);
  }
  std::vector<double> theta(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t dx = (i / (ms * ms) + ms - j / (ms * ms)) % ms,
                        dy = ((i / ms) % ms + ms - (j / ms) % ms) % ms, dz = (i % ms + ms - j % ms) % ms;
      theta[i * n + j] = kern[(dx * ms + dy) * ms + dz];
    }
  }
  return theta;
}

/// Exact lambda in the documented transposed half-space layout.
std::vector<double> exact_per_mode(std::ptrdiff_t m, double length) {
  const std::ptrdiff_t nz = m / 2 + 1;
  std::vector<double> out(ntk_dispersion_modes(m));
  for (std::ptrdiff_t jy = 0; jy < m; ++jy) {
    for (std::ptrdiff_t jx = 0; jx < m; ++jx) {
      for (std::ptrdiff_t l = 0; l < nz; ++l) {
        out[static_cast<std::size_t>((jy * m + jx) * nz + l)] =
            chosen_lambda(signed_mode(jx, m), signed_mode(jy, m), l, length);
      }
    }
  }
  return out;
}

double max_abs(const std::vector<double>& v) {
  double w = 0.0;
  for (double x : v) {
    w = std::max(w, std::abs(x));
  }
  return w;
}
} // namespace

TEST(NtkDispersion, TranslationInvariantKernelGivesItsSpectrumWithoutLeakage) {
  for (const std::ptrdiff_t m : {6, 8}) {
    const double length = 5.0;
    const auto n = static_cast<std::size_t>(m * m * m);
    const auto theta = translation_invariant_kernel(m, length);
    const auto exact = exact_per_mode(m, length);
    const double theta_norm = max_abs(exact);
    NtkDispersionPartial part = ntk_dispersion_partial(theta, 0, n, m, length);
    double worst = 0.0;
    for (std::size_t idx = 0; idx < exact.size(); ++idx) {
      worst = std::max(worst, std::abs(part.rayleigh[idx] - exact[idx]) / theta_norm);
    }
    const NtkDispersionModes one_pass = ntk_dispersion_per_mode(part, theta_norm);
    part.residual2 = ntk_dispersion_residual2(theta, 0, n, m, length, part.rayleigh);
    const NtkDispersionModes two_pass = ntk_dispersion_per_mode(part, theta_norm);
    std::printf(
        "M = %td: max |lambda - exact| / ||Theta|| = %.2e; max leakage one-pass %.2e, two-pass %.2e\n", m,
        worst, max_abs(one_pass.leakage), max_abs(two_pass.leakage));
    EXPECT_LT(worst, 1e-12);
    EXPECT_LT(max_abs(two_pass.leakage), 1e-14);
    EXPECT_LT(max_abs(one_pass.leakage), 1e-6); // sqrt(eps) floor of norm2 - lambda^2

    // Shells: PowerSpectrum's bins, and the shell mean of the exact per-mode values.
    const Decomposition serial(Box{m, length}, MPI_COMM_SELF);
    FftPlan plan(serial, PlanRigor::estimate);
    const SpectralOperators ops(serial, plan);
    const PowerSpectrum spectrum(ops);
    const NtkDispersion shells = ntk_dispersion_shells(part, m, length, theta_norm);
    const auto expected = spectrum.shell_mean(exact);
    ASSERT_EQ(shells.lambda.size(), spectrum.bins());
    for (std::size_t b = 0; b < spectrum.bins(); ++b) {
      EXPECT_EQ(shells.k[b], spectrum.k()[b]);
      EXPECT_EQ(shells.counts[b], spectrum.counts()[b]);
      EXPECT_NEAR(shells.lambda[b], expected[b], 1e-12 * theta_norm) << b;
      EXPECT_LT(shells.leakage[b], 1e-14);
    }
    EXPECT_EQ(shells.lambda_err[0], 0.0); // one mode
    double total = 0.0;
    for (double c : shells.counts) {
      total += c;
    }
    EXPECT_EQ(total, static_cast<double>(n));
  }
}

TEST(NtkDispersion, RowBlocksAddUpToTheFullComputation) {
  const std::ptrdiff_t m = 6;
  const double length = 3.0;
  const auto n = static_cast<std::size_t>(m * m * m);
  // a symmetric kernel that is NOT translation invariant: TI part plus a random symmetric perturbation
  auto theta = translation_invariant_kernel(m, length);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      const double e = 0.1 * inflanet::testing::site_noise(static_cast<std::ptrdiff_t>(i),
                                                           static_cast<std::ptrdiff_t>(j), 0, 3);
      theta[i * n + j] += e;
      if (j != i) {
        theta[j * n + i] += e;
      }
    }
  }
  const auto full = ntk_dispersion_partial(theta, 0, n, m, length);
  for (const std::size_t a : {std::size_t{0}, std::size_t{1}, std::size_t{77}, n - 1, n}) {
    const std::span<const double> all(theta);
    auto lo = ntk_dispersion_partial(all.subspan(0, a * n), 0, a, m, length);
    const auto hi = ntk_dispersion_partial(all.subspan(a * n), a, n, m, length);
    double worst = 0.0;
    for (std::size_t idx = 0; idx < full.rayleigh.size(); ++idx) {
      worst = std::max(worst, std::abs(lo.rayleigh[idx] + hi.rayleigh[idx] - full.rayleigh[idx]));
      worst = std::max(worst, std::abs(lo.norm2[idx] + hi.norm2[idx] - full.norm2[idx]) /
                                  std::max(1.0, full.norm2[idx]));
    }
    EXPECT_LT(worst, 1e-13) << "split at " << a;
    // the second pass splits the same way
    const auto r_full = ntk_dispersion_residual2(theta, 0, n, m, length, full.rayleigh);
    const auto r_lo = ntk_dispersion_residual2(all.subspan(0, a * n), 0, a, m, length, full.rayleigh);
    const auto r_hi = ntk_dispersion_residual2(all.subspan(a * n), a, n, m, length, full.rayleigh);
    for (std::size_t idx = 0; idx < r_full.size(); ++idx) {
      EXPECT_NEAR(r_lo[idx] + r_hi[idx], r_full[idx], 1e-13 * std::max(1.0, r_full[idx]));
    }
  }
  // the perturbation leaks, and both routes agree where the leakage is well above the one-pass floor
  NtkDispersionPartial part = full;
  const auto one = ntk_dispersion_per_mode(part, 10.0);
  part.residual2 = ntk_dispersion_residual2(theta, 0, n, m, length, full.rayleigh);
  const auto two = ntk_dispersion_per_mode(part, 10.0);
  for (std::size_t idx = 0; idx < one.leakage.size(); ++idx) {
    EXPECT_GT(two.leakage[idx], 1e-4);
    EXPECT_NEAR(one.leakage[idx], two.leakage[idx], 1e-9);
  }
  EXPECT_THROW((void)ntk_dispersion_partial(std::vector<double>(n), 0, n, m, length), InputError);
}

TEST(NtkDispersion, EmpiricalNtkOfAFiniteWidthMlpLeaksLessAsWidthGrows) {
  // Inputs: the periodic embedding of the sites (lattice_dataset, C order). At infinite width the NTK
  // depends on x - x' only; at finite width the leakage measures the defect.
  const std::ptrdiff_t m = 8;
  const double length = 1.0;
  const Dataset data = lattice_dataset(m, length, m, "plane_wave", 0);
  std::vector<double> leakage;
  for (const int width : {16, 64, 256, 1024}) {
    double mean_leak = 0.0;
    const int seeds = 3;
    for (int seed = 0; seed < seeds; ++seed) {
      MlpParams p;
      p.input_dim = data.dim;
      p.depth = 2;
      p.width = width;
      p.activation = Activation::tanh;
      p.seed = 100 + static_cast<std::uint64_t>(seed);
      Mlp net(p);
      const auto theta = empirical_ntk(net, data.x, data.points);
      const double theta_norm = ntk_eigen(theta, data.points).values.back();
      NtkDispersionPartial part = ntk_dispersion_partial(theta, 0, data.points, m, length);
      part.residual2 = ntk_dispersion_residual2(theta, 0, data.points, m, length, part.rayleigh);
      const NtkDispersion shells = ntk_dispersion_shells(part, m, length, theta_norm);
      const NtkDispersionModes modes = ntk_dispersion_per_mode(part, theta_norm);
      double s = 0.0;
      for (double v : modes.leakage) {
        s += v;
      }
      mean_leak += s / static_cast<double>(modes.leakage.size()) / seeds;
      if (seed == 0) {
        std::printf("width %4d: lambda(k)/||Theta|| in the first shells:", width);
        for (std::size_t b = 0; b < std::min<std::size_t>(6, shells.lambda.size()); ++b) {
          std::printf(" %.4f(+-%.1e)", shells.lambda[b] / theta_norm, shells.lambda_err[b] / theta_norm);
        }
        std::printf("\n");
      }
    }
    std::printf("width %4d: mean per-mode leakage %.3e (over %d seeds)\n", width, mean_leak, seeds);
    leakage.push_back(mean_leak);
  }
  for (std::size_t w = 0; w < leakage.size(); ++w) {
    EXPECT_GT(leakage[w], 1e-6); // finite width: not translation invariant
    EXPECT_LT(leakage[w], 0.2);
    if (w > 0) {
      EXPECT_LT(leakage[w], leakage[w - 1]);
    }
  }
  EXPECT_LT(leakage.back(), 0.5 * leakage.front());
}

TEST(PowerSpectrumShellMean, LatticeSpectrumIsTheShellMeanOfModePower) {
  const std::ptrdiff_t m = 8;
  const double length = 2.0;
  const Decomposition serial(Box{m, length}, MPI_COMM_SELF);
  FftPlan plan(serial, PlanRigor::estimate);
  const SpectralOperators ops(serial, plan);
  const PowerSpectrum spectrum(ops);
  Field f(serial);
  inflanet::testing::fill_sites(
      f, [](auto x, auto y, auto z) { return inflanet::testing::site_noise(x, y, z); });
  plan.to_fourier(f);
  const auto power = spectrum.compute(f);
  std::vector<double> per_mode(f.fourier_size());
  for (std::size_t idx = 0; idx < per_mode.size(); ++idx) {
    per_mode[idx] = std::norm(f.fourier_data()[idx]);
  }
  const auto mean = spectrum.shell_mean(per_mode);
  const double norm = serial.box().volume() / (serial.box().sites() * serial.box().sites());
  for (std::size_t b = 0; b < power.size(); ++b) {
    EXPECT_DOUBLE_EQ(power[b], norm * mean[b]) << b;
  }
  // variance: zero for a per-mode constant, positive for the noise power
  const auto var_const = spectrum.shell_variance(std::vector<double>(per_mode.size(), 2.5));
  for (double v : var_const) {
    EXPECT_NEAR(v, 0.0, 1e-28);
  }
  EXPECT_GT(spectrum.shell_variance(per_mode)[2], 0.0);
  EXPECT_THROW((void)spectrum.shell_mean(std::vector<double>(3)), InputError);
}
