// Cost of the NTK's full eigendecomposition (NtkEigensystem::compute: dsyevr on one rank, pdsyevd on a
// BLACS grid on more, matrix built tile by tile from the factors) against one N x N x N dgemm shared by the
// ranks (each its N/P columns of C, all at once: perfectly parallel work of the same size), the floor
// measured in the same run. A dense
// symmetric eigendecomposition costs about 9 N^3 flops (tridiagonalisation 4/3 N^3, divide and conquer or
// MRRR, back-transformation 2 N^3 for dsyevr; pdsyevd also forms the eigenvectors of the tridiagonal
// matrix by matrix products), a dgemm 2 N^3, so ratio ~ 4.5 at the dgemm's rate; the ratio stays put as
// ranks are added only if the solver scales like the dgemm does. Also prints each rank's memory
// (NtkEigensystem::local_doubles, the peak of matrix + eigenvectors + workspace) against its share N^2 / P.
// Usage: mpirun -np P bench_ntk_eigensystem [N repeats block] (default 4096 1 automatic; d = 6, depth 2,
// width 64).
// OPENBLAS_NUM_THREADS sets threads (1 for a per-core comparison).
#include <cblas.h>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "inflanet/base/counter_rng.hpp"
#include "inflanet/decomposition/point_distribution.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/ntk/distributed_ntk.hpp"
#include "inflanet/ntk/ntk_eigensystem.hpp"

#include "bench_timer.hpp"

using namespace inflanet;

namespace {

double max_over_ranks(double x) {
  MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return x;
}

} // namespace

int main(int argc, char** argv) {
  Session session(argc, argv);
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4096;
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
  const int block_request = argc > 3 ? std::atoi(argv[3]) : 0; // 0: NtkEigensystem's choice
  const int d = 6;
  MlpParams params;
  params.input_dim = d;
  params.depth = 2;
  params.width = 64;
  params.activation = Activation::tanh;
  params.sigma_w = 1.5;
  params.sigma_b = 0.1;
  params.seed = 7;
  const CounterRng rng(3);
  std::vector<double> x(n * d);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = 2.0 * rng.uniforms(i)[0] - 1.0;
  }
  const PointDistribution dist(n);
  const std::vector<double> x_local(
      x.begin() + static_cast<std::ptrdiff_t>(dist.local_begin() * d),
      x.begin() + static_cast<std::ptrdiff_t>((dist.local_begin() + dist.local_count()) * d));
  Mlp net(params);
  DistributedNtk ntk(dist);
  const double t_rows = inflanet::bench::seconds([&] { ntk.build(net, x_local); });

  // The floor: C = A B, N x N x N, each rank computing its block of C's columns (B's columns) at once.
  const int ni = static_cast<int>(n), cols = static_cast<int>(dist.local_count());
  std::vector<double> a(n * n), b(n * dist.local_count()), c(n * dist.local_count());
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = std::sin(0.001 * static_cast<double>(i));
  }
  for (std::size_t i = 0; i < b.size(); ++i) {
    b[i] = std::cos(0.002 * static_cast<double>(i));
  }
  auto dgemm = [&] {
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, ni, cols, ni, 1.0, a.data(), ni, b.data(), ni, 0.0,
                c.data(), ni);
  };
  dgemm(); // warm up the BLAS threads and pages
  double t_floor = 1e300, t_eigen = 1e300;
  std::size_t local_doubles = 0, local_tiles = 0;
  double lambda_max = 0.0, t_build = 0.0, t_solve = 0.0;
  int block = 0, nprow = 0, npcol = 0;
  for (int r = 0; r < repeats; ++r) {
    t_floor = std::min(t_floor, inflanet::bench::seconds(dgemm));
    double build = 0.0, solve = 0.0;
    const double t = inflanet::bench::seconds([&] {
      const auto es = NtkEigensystem::compute(ntk, block_request);
      local_doubles = es.local_doubles();
      local_tiles = es.local_rows() * es.local_cols();
      lambda_max = es.values().back();
      build = es.build_seconds();
      solve = es.solve_seconds();
      block = es.block_size();
      nprow = es.grid().nprow();
      npcol = es.grid().npcol();
    });
    build = max_over_ranks(build);
    solve = max_over_ranks(solve);
    if (t < t_eigen) { // the split of the fastest repetition
      t_eigen = t;
      t_build = build;
      t_solve = solve;
    }
  }
  a = {};
  b = {};
  c = {};
  const double share = static_cast<double>(n * n) / dist.size();
  const double peak = max_over_ranks(static_cast<double>(local_doubles));
  const double tiles = max_over_ranks(static_cast<double>(local_tiles));
  const double rows = static_cast<double>(dist.local_count() * n);
  if (session.rank() == 0) {
    const char* threads = std::getenv("OPENBLAS_NUM_THREADS");
    std::printf("# NTK eigendecomposition, N = %zu, %d rank(s) (%d x %d grid, block %d), %s, "
                "OPENBLAS_NUM_THREADS = %s, lambda_max = %.6g\n",
                n, dist.size(), nprow, npcol, block, dist.size() > 1 ? "pdsyevd" : "dsyevr",
                threads ? threads : "(unset)", lambda_max);
    std::printf("# %-44s %12s %10s\n", "measurement", "time [s]", "ratio");
    std::printf("  %-44s %12.3f %10s\n", "floor: one N x N x N dgemm over the ranks", t_floor, "1");
    std::printf("  %-44s %12.3f %10.3f\n", "NtkEigensystem::compute (tiles + solver)", t_eigen,
                t_eigen / t_floor);
    std::printf("  %-44s %12.3f %10.3f\n", "  of which: matrix build (max over ranks)", t_build,
                t_build / t_floor);
    std::printf("  %-44s %12.3f %10.3f\n", "  of which: solver (max over ranks)", t_solve, t_solve / t_floor);
    std::printf("  %-44s %12.3f %10.3f\n", "(for scale) DistributedNtk::build", t_rows, t_rows / t_floor);
    std::printf("# memory per rank (max over ranks), doubles: share N^2/P = %.0f (%.1f MB)\n", share,
                share * 8e-6);
    std::printf("  %-44s %12.0f %10.3f x share (%.1f MB)\n", "eigenvector tiles (kept)", tiles, tiles / share,
                tiles * 8e-6);
    std::printf("  %-44s %12.0f %10.3f x share (%.1f MB)\n", "peak during compute (local_doubles)", peak,
                peak / share, peak * 8e-6);
    std::printf("  %-44s %12.0f %10.3f x share (%.1f MB)\n", "DistributedNtk rows (held alongside)", rows,
                rows / share, rows * 8e-6);
  }
  return 0;
}
