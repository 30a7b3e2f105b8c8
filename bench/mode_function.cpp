// Cost of the integrated Bunch-Davies vacuum (integrate_mode_from_vacuum) against the Hankel closed form
// (bunch_davies_hankel) on the same modes: the initial-conditions stage integrates one mode per distinct |k|
// when the closed form does not apply, so this ratio says what that choice costs. Both run in this process
// on the same 3000 |k| spanning k/(aH) from 0.05 to 50 (an N = 64 lattice started near horizon exit).
// Usage: bench_mode_function [modes]   (default 3000). Serial; Session only for MPI_Wtime.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "bench_timer.hpp"
#include "inflanet/background/mode_function.hpp"
#include "inflanet/decomposition/session.hpp"

using namespace inflanet;

int main(int argc, char** argv) {
  Session session(argc, argv);
  const int modes = argc > 1 ? std::atoi(argv[1]) : 3000;
  constexpr double H = 0.8, a0 = 1.7, m2 = 0.3 * H * H;
  const double t = std::log(1.0 / (a0 * H)) / H; // k = 1 crosses the horizon at t
  double sink = 0;
  auto k_of = [modes](int i) { return 0.05 * std::pow(1000.0, i / static_cast<double>(modes - 1)); };
  auto integrated = [&] {
    for (int i = 0; i < modes; ++i) {
      sink += std::abs(integrate_mode_from_vacuum(k_of(i), m2, H, a0, t).u);
    }
  };
  auto closed_form = [&] {
    for (int i = 0; i < modes; ++i) {
      sink += std::abs(bunch_davies_hankel(k_of(i), m2, H, a0, t).u);
    }
  };
  const auto [t_int, t_closed] = bench::paired_median_seconds(integrated, closed_form, 5, 1);
  if (session.rank() == 0) {
    std::printf("%d modes: integrated %.4f s, closed form %.4f s, ratio %.1f (checksum %.6g)\n", modes, t_int,
                t_closed, t_int / t_closed, sink);
  }
  return 0;
}
