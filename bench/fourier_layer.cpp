// Cost of one training step of the Fourier-feature layer (issue 10, "Cost"; the exact dual's network:
// FourierFeatureNetwork, depth 0, lattice dispersion) against one r2c + c2r pair of the same M^3 size on
// the same decomposition, measured in this process. A step needs one force evaluation (forward = one c2r of
// s * theta~, backward = one r2c of the residual) plus elementwise passes over the Fourier slab, so
// step / pair -> 1 is the ideal; target <= 1.5. Also reports the layer's memory in bytes per site: measured
// (peak resident-set growth from after the FFT plan exists to after steps have run, summed over ranks) and
// counted (its four fields theta~, p, work, y plus the per-mode amplitude and k^2): O(M^3), no M^3 x M^3
// matrix.
// Usage: mpirun -np P bench_fourier_layer [M ...] (default 32 64); OMP_NUM_THREADS sets threads per rank.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_timer.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/nn/fourier_feature_network.hpp"

using namespace inflanet;

namespace {
/// Resident-set figures of this process in bytes: "VmRSS" or "VmHWM" (peak) from /proc/self/status.
double proc_status_bytes(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      return 1024.0 * std::atof(line.c_str() + key.size() + 1);
    }
  }
  return 0.0;
}

/// Uniform noise in [-1, 1) on the local real sites (seeded by rank, so ranks differ).
void fill_noise(Field& f, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  double* x = f.real_data();
  for (std::size_t i = 0; i < f.padded_real_size(); ++i) {
    x[i] = u(rng);
  }
  f.set_space(Space::real);
}
} // namespace

int main(int argc, char** argv) {
  Session session(argc, argv);
  std::vector<std::ptrdiff_t> sizes;
  for (int i = 1; i < argc; ++i) {
    sizes.push_back(std::atol(argv[i]));
  }
  if (sizes.empty()) {
    sizes = {32, 64};
  }
  if (session.rank() == 0) {
    std::printf("# Fourier-feature layer (depth 0, lattice dispersion): one training step vs one FFT pair "
                "(r2c + c2r, M^3, FFTW_MEASURE), same decomposition; minima over interleaved repeats\n");
    std::printf("# %4s %6s %8s %9s %9s %10s %10s %8s %8s %8s %8s %9s %9s\n", "M", "ranks", "threads",
                "hot [ms]", "cold [ms]", "leapf [ms]", "euler [ms]", "lf/hot", "lf/cold", "eu/hot", "eu/cold",
                "B/site", "B/s cnt");
  }
  for (std::ptrdiff_t m : sizes) {
    const double length = 16.0, m2 = 0.49, sites = static_cast<double>(m * m * m);
    const double c = 1.0 / sites, dt = 0.05;
    Decomposition d(Box{m, length});
    FftPlan plan(d, PlanRigor::measure);
    SpectralOperators ops(d, plan);

    // The layer: everything it allocates counts, the plan (shared with the floor) does not.
    const double baseline = proc_status_bytes("VmHWM");
    auto net = std::make_unique<FourierFeatureNetwork>(
        ops, fourier_amplitudes(ops, FourierDispersion::lattice, c, m2), /*gamma=*/0.0, c);
    {
      Field y(d), f0(d);
      fill_noise(y, 11u + static_cast<unsigned>(session.rank()));
      fill_noise(f0, 23u + static_cast<unsigned>(session.rank()));
      net->set_targets(y);
      net->set_outputs(f0);
    }
    const auto leapfrog = Integrator::from_name("leapfrog");
    const auto euler = Integrator::from_name("euler");
    for (int i = 0; i < 3; ++i) {
      leapfrog.step(*net, dt);
    }
    const double grown = d.sum(proc_status_bytes("VmHWM") - baseline);
    // Counted: four fields (2 * alloc_complex doubles each) and two per-mode vectors (amplitude, k^2).
    const double modes = static_cast<double>(d.layout().fourier_size());
    const double counted = d.sum(4.0 * 16.0 * static_cast<double>(d.alloc_complex()) + 2.0 * 8.0 * modes);

    // Two floors, as bench_step_cost: the hot pair repeats on one field (which stays in cache), the cold pair
    // cycles through four fields, as the step's transforms find their data evicted by its passes over the
    // four fields theta~, p, work and y~.
    std::vector<Field> floor_fields;
    for (int i = 0; i < 4; ++i) {
      floor_fields.emplace_back(d);
      floor_fields.back().fill(0.25);
    }
    const int repeats = m >= 64 ? 15 : 41;
    const int block = 8;
    const auto pair_block = [&](bool cold) {
      for (int i = 0; i < block; ++i) {
        Field& f = floor_fields[cold ? static_cast<std::size_t>(i % 4) : 0];
        plan.to_fourier(f);
        plan.to_real(f, Scale::none);
      }
    };
    const auto step_block = [&](const Integrator& integrator) {
      for (int i = 0; i < block; ++i) {
        integrator.step(*net, dt);
      }
    };
    const auto [hot, steps] =
        bench::paired_median_seconds([&] { pair_block(false); }, [&] { step_block(leapfrog); }, repeats);
    const auto [cold, euler_steps] =
        bench::paired_median_seconds([&] { pair_block(true); }, [&] { step_block(euler); }, repeats);
    const auto [hot_again, steps_again] =
        bench::paired_median_seconds([&] { pair_block(false); }, [&] { step_block(leapfrog); }, repeats);
    const double pair = std::min(hot, hot_again) / block, cold_pair = cold / block;
    const double step = std::min(steps, steps_again) / block, euler_step = euler_steps / block;
    if (!std::isfinite(net->loss())) {
      std::fprintf(stderr, "bench_fourier_layer: the loss became non-finite\n");
      return 1;
    }
    if (session.rank() == 0) {
      std::printf("  %4td %6d %8d %9.3f %9.3f %10.3f %10.3f %8.3f %8.3f %8.3f %8.3f %9.1f %9.1f\n", m,
                  session.size(), session.threads(), 1e3 * pair, 1e3 * cold_pair, 1e3 * step,
                  1e3 * euler_step, step / pair, step / cold_pair, euler_step / pair, euler_step / cold_pair,
                  grown / sites, counted / sites);
    }
  }
  return 0;
}
