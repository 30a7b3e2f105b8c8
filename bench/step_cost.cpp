// Cost of one inflaton time step against the FFT-pair floor measured in the same process and layout.
// A leapfrog step needs exactly one Laplacian (r2c + c2r) plus fused elementwise passes, so
// step / pair -> 1 is the ideal; target <= 1.25. Also reports ns per site per step and the peak memory
// per site of phi, phidot and every work buffer (target <= 40 bytes).
// Usage: mpirun -np P bench_step_cost [N ...] (default 128 256); OMP_NUM_THREADS sets threads per rank.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench_timer.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/integrator/integrator.hpp"

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
} // namespace

int main(int argc, char** argv) {
  Session session(argc, argv);
  std::vector<std::ptrdiff_t> sizes;
  for (int i = 1; i < argc; ++i) {
    sizes.push_back(std::atol(argv[i]));
  }
  if (sizes.empty()) {
    sizes = {128, 256};
  }
  if (session.rank() == 0) {
    std::printf(
        "# inflaton step (leapfrog, quadratic V, de Sitter) vs FFT pair floor, same process and layout\n");
    std::printf("# 'cold' pairs cycle through three fields, so like the step they find no data in cache\n");
    std::printf("# %5s %6s %8s %10s %10s %10s %8s %8s %13s %11s\n", "N", "ranks", "threads", "pair [ms]",
                "cold [ms]", "step [ms]", "ratio", "r_cold", "ns/site/step", "bytes/site");
  }
  for (std::ptrdiff_t n : sizes) {
    // Memory: peak growth from before the lattice exists to after steps have run (plans, FFTW-MPI
    // transpose buffers, phi, phidot, work). Measured on each rank and summed.
    const double baseline = proc_status_bytes("VmHWM");
    auto decomposition = std::make_unique<Decomposition>(Box{n, 20.0});
    auto plan = std::make_unique<FftPlan>(*decomposition, PlanRigor::measure);
    SpectralOperators operators(*decomposition, *plan);
    DeSitter background(1.0, 1.0);
    FieldLattice inflaton(operators, {"phi"}, Quadratic{0.5}, Expansion::fixed_background(background), 0.0);
    set_initial_conditions(inflaton, operators,
                           {FieldInitialConditions{1.0, 0.0, Fluctuations::bunch_davies, 42}});
    const auto integrator = Integrator::from_name("leapfrog");
    const double dt = 0.2 * 2.0 / (std::sqrt(3.0) * decomposition->box().k_nyquist());
    for (int i = 0; i < 3; ++i) {
      integrator.step(inflaton, dt);
      (void)inflaton.energies();
    }
    const double grown = decomposition->sum(proc_status_bytes("VmHWM") - baseline);

    // For the floors only (not counted above): one field (the hot floor) and three cycled (the cold one).
    std::vector<Field> floor_fields;
    for (int i = 0; i < 3; ++i) {
      floor_fields.emplace_back(*decomposition);
      floor_fields.back().fill(0.25);
    }
    Field& floor_field = floor_fields.front();
    // A block of steps as the driver runs them between outputs (momentum stages merged across step
    // boundaries, energies taken every step), against the same number of FFT pairs.
    const int repeats = n >= 256 ? 5 : 11;
    const int block = 8;
    const auto [pairs, steps] = bench::paired_median_seconds(
        [&] {
          for (int i = 0; i < block; ++i) {
            plan->to_fourier(floor_field);
            plan->to_real(floor_field, Scale::none);
          }
        },
        [&] { integrator.advance(inflaton, dt, block, [&](std::int64_t) { (void)inflaton.energies(); }); },
        repeats);
    const auto [cold_pairs, steps_again] = bench::paired_median_seconds(
        [&] {
          for (int i = 0; i < block; ++i) {
            Field& f = floor_fields[static_cast<std::size_t>(i % 3)];
            plan->to_fourier(f);
            plan->to_real(f, Scale::none);
          }
        },
        [&] { integrator.advance(inflaton, dt, block, [&](std::int64_t) { (void)inflaton.energies(); }); },
        repeats);
    const double pair = pairs / block, cold = cold_pairs / block;
    const double step = std::min(steps, steps_again) / block;
    if (session.rank() == 0) {
      const double sites = decomposition->box().sites();
      std::printf("  %5td %6d %8d %10.2f %10.2f %10.2f %8.3f %8.3f %13.2f %11.1f\n", n, session.size(),
                  session.threads(), 1e3 * pair, 1e3 * cold, 1e3 * step, step / pair, step / cold,
                  1e9 * step / sites, grown / sites);
    }
  }
  return 0;
}
