#pragma once
// Timing helpers for the benchmarks: median of repeated, barrier-synchronised measurements.
#include <mpi.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace inflanet::bench {

/// Median wall time (seconds, max over ranks) of `repeats` calls of f, after `warmup` untimed calls.
template <class F>
double median_seconds(F&& f, int repeats, int warmup = 2) {
  for (int i = 0; i < warmup; ++i) {
    f();
  }
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    f();
    double dt = MPI_Wtime() - t0;
    MPI_Allreduce(MPI_IN_PLACE, &dt, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    times.push_back(dt);
  }
  std::nth_element(times.begin(), times.begin() + repeats / 2, times.end());
  return times[repeats / 2];
}

/// Interleaved medians of two competitors (A, B, A, B, ...), so drifts in machine load hit both alike.
template <class F, class G>
std::pair<double, double> paired_median_seconds(F&& a, G&& b, int repeats, int warmup = 2) {
  std::vector<double> ta, tb;
  auto time_one = [](auto&& f) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    f();
    double dt = MPI_Wtime() - t0;
    MPI_Allreduce(MPI_IN_PLACE, &dt, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return dt;
  };
  for (int i = 0; i < warmup; ++i) {
    a();
    b();
  }
  for (int i = 0; i < repeats; ++i) {
    ta.push_back(time_one(a));
    tb.push_back(time_one(b));
  }
  std::nth_element(ta.begin(), ta.begin() + repeats / 2, ta.end());
  std::nth_element(tb.begin(), tb.begin() + repeats / 2, tb.end());
  return {ta[repeats / 2], tb[repeats / 2]};
}

} // namespace inflanet::bench
