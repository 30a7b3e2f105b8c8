#pragma once
// Timing helpers for the benchmarks: median of repeated, barrier-synchronised measurements.
#include <mpi.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <utility>
#include <vector>

namespace inflanet::bench {

/// Wall time of one call of f (seconds, max over ranks), all ranks starting together.
template <class F>
double seconds(F&& f) {
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
  f();
  double dt = MPI_Wtime() - t0;
  MPI_Allreduce(MPI_IN_PLACE, &dt, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return dt;
}

/// Median wall time (seconds, max over ranks) of `repeats` calls of f, after `warmup` untimed calls.
template <class F>
double median_seconds(F&& f, int repeats, int warmup = 2) {
  for (int i = 0; i < warmup; ++i) {
    f();
  }
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    times.push_back(seconds(f));
  }
  std::nth_element(times.begin(), times.begin() + repeats / 2, times.end());
  return times[repeats / 2];
}

/// Interleaved minima of two competitors (A, B, A, B, ...), so drifts in machine load hit both alike.
template <class F, class G>
std::pair<double, double> paired_median_seconds(F&& a, G&& b, int repeats, int warmup = 2) {
  std::vector<double> ta, tb;
  auto time_one = [](auto&& f) { return seconds(f); };
  for (int i = 0; i < warmup; ++i) {
    a();
    b();
  }
  for (int i = 0; i < repeats; ++i) {
    ta.push_back(time_one(a));
    tb.push_back(time_one(b));
  }
  // The minimum: interference from other work on a shared machine only ever adds time, so the fastest
  // repetition is the best estimate of each competitor's own cost (medians wandered by 15% here).
  return {*std::min_element(ta.begin(), ta.end()), *std::min_element(tb.begin(), tb.end())};
}

/// The lattice sizes N given as the program's arguments, or `fallback` when there are none.
inline std::vector<std::ptrdiff_t> sizes_from_arguments(int argc, char** argv,
                                                        std::vector<std::ptrdiff_t> fallback) {
  std::vector<std::ptrdiff_t> sizes;
  for (int i = 1; i < argc; ++i) {
    sizes.push_back(std::atol(argv[i]));
  }
  return sizes.empty() ? fallback : sizes;
}

} // namespace inflanet::bench
