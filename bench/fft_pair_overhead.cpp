// Cost of the Field API around FFTW: one in-place r2c + c2r pair through FftPlan::to_fourier/to_real
// against the identical pair done by plain FFTW-MPI calls (same flags, same layout) in this process.
// Usage: mpirun -np P bench_fft_pair_overhead [N ...]   (default 64 128 256). Target ratio <= 1.05.
#include <fftw3-mpi.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench_timer.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/fft/fft_plan.hpp"

using namespace inflanet;

int main(int argc, char** argv) {
  Session session(argc, argv);
  std::vector<std::ptrdiff_t> sizes;
  for (int i = 1; i < argc; ++i) {
    sizes.push_back(std::atol(argv[i]));
  }
  if (sizes.empty()) {
    sizes = {64, 128, 256};
  }
  if (session.rank() == 0) {
    std::printf("# FFT pair (r2c + c2r, in place, transposed, FFTW_MEASURE): Field API vs plain FFTW-MPI\n");
    std::printf("# %5s %6s %8s %14s %14s %8s\n", "N", "ranks", "threads", "plain [ms]", "Field [ms]",
                "ratio");
  }
  for (std::ptrdiff_t n : sizes) {
    Decomposition d(Box{n, 1.0});
    const int repeats = n >= 256 ? 7 : 21;

    // Plain FFTW: own buffer, own plans.
    double* raw = fftw_alloc_real(2 * static_cast<std::size_t>(d.alloc_complex()));
    auto* raw_c = reinterpret_cast<fftw_complex*>(raw);
    fftw_plan fwd =
        fftw_mpi_plan_dft_r2c_3d(n, n, n, raw, raw_c, MPI_COMM_WORLD, FFTW_MEASURE | FFTW_MPI_TRANSPOSED_OUT);
    fftw_plan bwd =
        fftw_mpi_plan_dft_c2r_3d(n, n, n, raw_c, raw, MPI_COMM_WORLD, FFTW_MEASURE | FFTW_MPI_TRANSPOSED_IN);
    for (std::ptrdiff_t i = 0; i < 2 * d.alloc_complex(); ++i) {
      raw[i] = 1e-3 * static_cast<double>(i % 17);
    }
    // The same through the Field API.
    FftPlan plan(d, PlanRigor::measure);
    Field field(d);
    field.fill(0.5);
    const auto [plain, api] = bench::paired_median_seconds(
        [&] {
          fftw_execute(fwd);
          fftw_execute(bwd);
        },
        [&] {
          plan.to_fourier(field);
          plan.to_real(field, Scale::none);
        },
        repeats);
    if (session.rank() == 0) {
      std::printf("  %5td %6d %8d %14.3f %14.3f %8.3f\n", n, session.size(), session.threads(), 1e3 * plain,
                  1e3 * api, api / plain);
    }
    fftw_destroy_plan(fwd);
    fftw_destroy_plan(bwd);
    fftw_free(raw);
  }
  return 0;
}
