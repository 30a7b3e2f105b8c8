// The NTK's eigendecomposition with distributed eigenvectors (run at 1, 2 and 3 ranks: dsyevr on one rank,
// pdsyevd on 1 x 2 and 1 x 3 grids). Against the serial ntk_eigen of the serially built kernel: the
// eigenvalues to 1e-12 of lambda_max for N not divisible by the block size or the grid, and eigenvector
// quantities only where they are basis-free (cluster sums, synthesize(f(Lambda) components(v))). The
// eigenvectors themselves: orthonormal (both round trips) and diagonalising Theta. A lattice kernel with
// exactly degenerate eigenspaces, a rank holding no tiles, the memory share, the errors and the release of
// the BLACS context.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/point_distribution.hpp"
#include "inflanet/decomposition/process_grid.hpp"
#include "inflanet/duality/eigenspace_clusters.hpp"
#include "inflanet/duality/velocity_matching.hpp"
#include "inflanet/nn/dataset.hpp"
#include "inflanet/ntk/distributed_ntk.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"
#include "inflanet/ntk/ntk_eigensystem.hpp"
#include "nn_helpers.hpp"

using namespace inflanet;
namespace t = inflanet::testing;

namespace {

/// The DistributedNtk of `params` on the points x [N x d] (the same on every rank; each takes its block),
/// handed to `check` while it lives.
void with_distributed_ntk(const std::vector<double>& x, std::size_t n, const MlpParams& params,
                          const std::function<void(const DistributedNtk&)>& check) {
  const PointDistribution dist(n);
  const auto d = static_cast<std::size_t>(params.input_dim);
  const std::vector<double> x_local(
      x.begin() + static_cast<std::ptrdiff_t>(dist.local_begin() * d),
      x.begin() + static_cast<std::ptrdiff_t>((dist.local_begin() + dist.local_count()) * d));
  Mlp net(params);
  DistributedNtk ntk(dist);
  ntk.build(net, x_local);
  check(ntk);
}

/// The serial reference: ntk_eigen of empirical_ntk (layerwise_ntk on one process).
NtkSpectrum serial_spectrum(const std::vector<double>& x, std::size_t n, const MlpParams& params) {
  Mlp net(params);
  return ntk_eigen(empirical_ntk(net, x, n), n);
}

std::vector<double> test_vector(std::size_t n, double phase) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = std::sin(1.3 * static_cast<double>(i) + phase) + 0.3 * std::cos(0.17 * static_cast<double>(i * i));
  }
  return v;
}

double norm(std::span<const double> v) {
  double s = 0.0;
  for (const double x : v) {
    s += x * x;
  }
  return std::sqrt(s);
}

double max_abs_difference(std::span<const double> a, std::span<const double> b) {
  double m = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    m = std::max(m, std::abs(a[i] - b[i]));
  }
  return m;
}

/// The worst of every rank's value (each rank checks its own; the figures printed are the global worst).
double worst_over_ranks(double local) {
  double global = local;
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return global;
}

int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int world_size() {
  int s = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

std::string scientific(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1e", x);
  return buf;
}

void report(const std::string& what, double value) {
  if (world_rank() == 0) {
    std::printf("%-62s %.2e on %d rank(s)\n", what.c_str(), value, world_size());
  }
}

struct Shape {
  std::size_t n;
  int block; // 0: automatic
};

// N = 37, 130, 200 divide by neither the automatic block (19/13, 64, 64 at 2/3 ranks) nor the grid; the
// blocks of 5 and 16 wrap cyclically several times around the process columns; with N = 8 in one block of 8
// every rank but the first holds no tile at all.
const std::vector<Shape> shapes = {{37, 0}, {37, 5}, {130, 0}, {130, 16}, {200, 0}, {8, 0}, {8, 3}, {8, 8}};

/// For every shape: the data set of `seed`, the serial spectrum of `params` on it, and its DistributedNtk,
/// handed to `check` while the kernel lives.
void for_each_shape(std::uint64_t seed, const MlpParams& params,
                    const std::function<void(const Shape&, const t::Dataset&, const NtkSpectrum&,
                                             const DistributedNtk&)>& check) {
  for (const Shape& s : shapes) {
    const auto data = t::make_dataset(s.n, 3, seed);
    const NtkSpectrum serial = serial_spectrum(data.x, s.n, params);
    with_distributed_ntk(data.x, s.n, params,
                         [&](const DistributedNtk& ntk) { check(s, data, serial, ntk); });
  }
}

} // namespace

TEST(NtkEigensystem, EigenvaluesEqualSerialDsyevrOfTheSeriallyBuiltKernel) {
  for (const Shape& s : shapes) {
    const auto data = t::make_dataset(s.n, 3, 41);
    const auto params = t::small_params(Activation::tanh, 2, 24);
    const NtkSpectrum serial = serial_spectrum(data.x, s.n, params);
    with_distributed_ntk(data.x, s.n, params, [&](const DistributedNtk& ntk) {
      const auto es = NtkEigensystem::compute(ntk, s.block);
      ASSERT_EQ(es.size(), s.n);
      EXPECT_EQ(es.distributed(), world_size() > 1);
      const auto values = es.values();
      EXPECT_TRUE(std::is_sorted(values.begin(), values.end()));
      EXPECT_EQ(std::count_if(values.begin(), values.end(), [](double v) { return v < 0.0; }), 0);
      const double lambda_max = serial.values.back();
      const double worst = worst_over_ranks(max_abs_difference(values, serial.values) / lambda_max);
      report("eigenvalues vs serial dsyevr / lambda_max, N = " + std::to_string(s.n) + ", block " +
                 std::to_string(es.block_size()),
             worst);
      EXPECT_LT(worst, 1e-12) << "N = " << s.n << ", block " << es.block_size();
      if (es.clamped() > 0) {
        EXPECT_LT(es.most_negative(), 0.0);
        EXPECT_GT(es.most_negative(), -1e-12 * lambda_max);
      }
      // Every rank holds the same eigenvalues (they steer the same decisions everywhere).
      std::vector<double> spread(values.begin(), values.end()), low(spread.size());
      MPI_Allreduce(spread.data(), low.data(), static_cast<int>(spread.size()), MPI_DOUBLE, MPI_MIN,
                    MPI_COMM_WORLD);
      EXPECT_EQ(spread, low);
    });
  }
}

TEST(NtkEigensystem, OneRankIsTodaysNtkEigenBitForBit) {
  if (world_size() != 1) {
    GTEST_SKIP() << "the dsyevr path runs on one rank";
  }
  const std::size_t n = 130;
  const auto data = t::make_dataset(n, 3, 43);
  const auto params = t::small_params(Activation::erf, 2, 20);
  with_distributed_ntk(data.x, n, params, [&](const DistributedNtk& ntk) {
    const auto es = NtkEigensystem::compute(ntk);
    const NtkSpectrum today = ntk_eigen(ntk.gather_to_root(), n);
    EXPECT_EQ(std::vector<double>(es.values().begin(), es.values().end()), today.values);
    EXPECT_EQ(es.clamped(), today.clamped);
    EXPECT_EQ(es.most_negative(), today.most_negative);
    // Column k of today's row-major vectors is eigenvector k: components along e_i are row i.
    for (const std::size_t i : {std::size_t{0}, std::size_t{77}, n - 1}) {
      std::vector<double> e(n, 0.0);
      e[i] = 1.0;
      const auto row = es.components(e);
      EXPECT_EQ(row, std::vector<double>(today.vectors.begin() + static_cast<std::ptrdiff_t>(i * n),
                                         today.vectors.begin() + static_cast<std::ptrdiff_t>((i + 1) * n)));
    }
  });
}

TEST(NtkEigensystem, EigenvectorsAreOrthonormalAndDiagonaliseTheKernel) {
  for (const Shape& s : shapes) {
    const auto data = t::make_dataset(s.n, 3, 45);
    const auto params = t::small_params(Activation::relu, 2, 24);
    with_distributed_ntk(data.x, s.n, params, [&](const DistributedNtk& ntk) {
      const auto es = NtkEigensystem::compute(ntk, s.block);
      const auto v = test_vector(s.n, 0.4);
      // Q Q^T v = v and Q^T Q w = w.
      const auto c = es.components(v);
      const double roundtrip = max_abs_difference(es.synthesize(c), v) / norm(v);
      const auto w = test_vector(s.n, 2.1);
      const double inverse = max_abs_difference(es.components(es.synthesize(w)), w) / norm(w);
      // Q^T Theta v = Lambda Q^T v, Theta v by the row blocks (DistributedNtk::apply).
      std::vector<double> theta_v(s.n);
      ntk.apply(v, 1.0, theta_v);
      const auto c_theta_v = es.components(theta_v);
      double diagonal = 0.0;
      for (std::size_t k = 0; k < s.n; ++k) {
        diagonal = std::max(diagonal, std::abs(c_theta_v[k] - es.values()[k] * c[k]));
      }
      diagonal /= es.values().back() * norm(v);
      const std::string tag = ", N = " + std::to_string(s.n) + ", block " + std::to_string(es.block_size());
      report("|Q Q^T v - v| / |v|" + tag, worst_over_ranks(roundtrip));
      report("|Q^T Q w - w| / |w|" + tag, worst_over_ranks(inverse));
      report("|Q^T Theta v - Lambda Q^T v| / (lambda_max |v|)" + tag, worst_over_ranks(diagonal));
      EXPECT_LT(roundtrip, 1e-12) << tag;
      EXPECT_LT(inverse, 1e-12) << tag;
      EXPECT_LT(diagonal, 1e-12) << tag;
    });
  }
}

TEST(NtkEigensystem, SignRuleMakesSeparatedEigenvectorsEqualOnEveryRankCount) {
  // Without a sign rule dsyevr and pdsyevd return about half the eigenvectors negated against each other.
  // With it (fix_eigenvector_signs: largest component positive, ties to the lowest index) each eigenvector
  // of a separated eigenvalue equals the serial ntk_eigen's to eps lambda_max / gap, on every rank count and
  // block size; and every eigenvector, degenerate or not, satisfies the rule itself.
  constexpr double eps = std::numeric_limits<double>::epsilon();
  for_each_shape(
      49, t::small_params(Activation::tanh, 2, 24),
      [&](const Shape& s, const t::Dataset&, const NtkSpectrum& serial, const DistributedNtk& ntk) {
        const double lambda_max = serial.values.back();
        const auto es = NtkEigensystem::compute(ntk, s.block);
        std::size_t separated = 0, obeying = 0;
        double worst = 0.0;
        for (std::size_t k = 0; k < s.n; ++k) {
          std::vector<double> e(s.n, 0.0);
          e[k] = 1.0;
          const auto q = es.synthesize(e); // eigenvector k on every rank
          double largest = 0.0;
          for (const double x : q) {
            largest = std::max(largest, std::abs(x));
          }
          const auto pivot = std::find_if(q.begin(), q.end(), [&](double x) {
            return std::abs(x) >= (1.0 - sign_pivot_tolerance) * largest;
          });
          obeying += *pivot > 0.0 ? 1 : 0;
          double gap = lambda_max;
          if (k > 0) {
            gap = std::min(gap, serial.values[k] - serial.values[k - 1]);
          }
          if (k + 1 < s.n) {
            gap = std::min(gap, serial.values[k + 1] - serial.values[k]);
          }
          if (gap < 1e-6 * lambda_max) {
            continue; // a (near-)degenerate eigenspace: the basis is the solver's choice
          }
          ++separated;
          double diff = 0.0;
          for (std::size_t i = 0; i < s.n; ++i) {
            diff = std::max(diff, std::abs(q[i] - serial.vectors[i * s.n + k]));
          }
          worst = std::max(worst, diff / (1e3 * eps * lambda_max / gap));
        }
        const std::string tag = "N = " + std::to_string(s.n) + ", block " + std::to_string(es.block_size());
        report("separated eigenvectors vs serial / (1e3 eps lambda_max / gap), " + tag,
               worst_over_ranks(worst));
        EXPECT_EQ(obeying, s.n) << tag;
        EXPECT_GE(separated, s.n / 4) << tag << ": the comparison needs separated eigenvalues";
        EXPECT_LT(worst, 1.0) << tag;
      });
}

TEST(NtkEigensystem, ClusterSummedProjectionsEqualTheSerialOnes) {
  // Rounding (of the kernel build and of either solver) turns eigenvectors within a cluster into each other
  // freely, and across clusters by angles of about eps lambda_max / gap: the cluster sums of u^T P_C v agree
  // to that bound (eigenspace_clusters.hpp), here with the run's default tolerance (1e-9) and a coarse one.
  constexpr double eps = std::numeric_limits<double>::epsilon();
  for_each_shape(
      47, t::small_params(Activation::softplus, 1, 32),
      [&](const Shape& s, const t::Dataset& data, const NtkSpectrum& serial, const DistributedNtk& ntk) {
        const auto u = test_vector(s.n, 0.9), v = data.y;
        const auto cu = eigen_components(serial, u), cv = eigen_components(serial, v);
        const auto es = NtkEigensystem::compute(ntk, s.block);
        const auto du = eigen_components(es, u), dv = eigen_components(es, v);
        for (const double tolerance : {1e-9, 1e-4}) {
          const auto clusters = cluster_eigenvalues(serial.values, tolerance);
          double min_gap = serial.values.back();
          for (std::size_t c = 1; c < clusters.count(); ++c) {
            min_gap =
                std::min(min_gap, serial.values[clusters.first[c]] - serial.values[clusters.first[c] - 1]);
          }
          const double bound = eps * serial.values.back() / min_gap;
          const auto expected = cluster_products(clusters, cu, cv);
          const auto got = cluster_products(clusters, du, dv);
          ASSERT_EQ(got.size(), expected.size());
          const double worst = worst_over_ranks(max_abs_difference(got, expected) / (norm(u) * norm(v)));
          report("cluster sums (Q^T u)(Q^T v) vs serial / |u||v|, N = " + std::to_string(s.n) + ", tol " +
                     scientific(tolerance) + " (bound " + scientific(bound) + ")",
                 worst);
          EXPECT_LT(worst, bound) << "N = " << s.n << ", " << clusters.count() << " clusters";
        }
      });
}

TEST(NtkEigensystem, SolveKernelThroughTheEigensystemEqualsTheSerialSolve) {
  // A well-conditioned kernel (relu, wide) solved exactly, and a rank-deficient one (P = 16 < N) whose
  // null space is dropped: the same count, share and alpha as the serial solve on every rank.
  struct SolveCase {
    std::size_t n;
    MlpParams params;
    double relative_resolution;
  };
  for (const SolveCase& sc : {SolveCase{37, t::small_params(Activation::relu, 1, 64), 1e-12},
                              SolveCase{130, t::small_params(Activation::relu, 2, 48), 1e-12},
                              SolveCase{40, t::small_params(Activation::tanh, 1, 3), 1e-10}}) {
    const auto data = t::make_dataset(sc.n, 3, 49);
    const NtkSpectrum serial = serial_spectrum(data.x, sc.n, sc.params);
    const double resolution = sc.relative_resolution * serial.values.back();
    const KernelSolve expected = solve_kernel(serial, data.y, resolution);
    with_distributed_ntk(data.x, sc.n, sc.params, [&](const DistributedNtk& ntk) {
      const auto es = NtkEigensystem::compute(ntk);
      const KernelSolve got = solve_kernel(es, data.y, resolution);
      EXPECT_EQ(got.dropped, expected.dropped) << "N = " << sc.n;
      EXPECT_NEAR(got.dropped_fraction, expected.dropped_fraction, 1e-10);
      ASSERT_EQ(got.alpha.size(), sc.n);
      // Condition number of the kept part: the bound on how well alpha is reproduced.
      const auto kept =
          std::find_if(serial.values.begin(), serial.values.end(), [&](double l) { return l > resolution; });
      const double condition = serial.values.back() / *kept;
      const double alpha_error =
          worst_over_ranks(max_abs_difference(got.alpha, expected.alpha) / norm(expected.alpha));
      // Theta alpha (the matched velocity, well conditioned) against the serial one.
      std::vector<double> velocity(sc.n), velocity_serial(sc.n);
      ntk.apply(got.alpha, 1.0, velocity);
      ntk.apply(expected.alpha, 1.0, velocity_serial);
      const double velocity_error =
          worst_over_ranks(max_abs_difference(velocity, velocity_serial) / norm(data.y));
      const std::string tag = ", N = " + std::to_string(sc.n) + ", dropped " + std::to_string(got.dropped);
      report("solve_kernel alpha vs serial / |alpha| (cond " + scientific(condition) + ")" + tag,
             alpha_error);
      report("solve_kernel Theta alpha vs serial / |b|" + tag, velocity_error);
      // Backward-stable solves: alpha to about eps cond, the residual-like Theta alpha to about
      // eps lambda_max |alpha| / |b|.
      constexpr double eps = std::numeric_limits<double>::epsilon();
      EXPECT_LT(alpha_error, 10 * eps * condition) << tag;
      EXPECT_LT(velocity_error, 10 * eps * serial.values.back() * norm(expected.alpha) / norm(data.y)) << tag;
    });
  }
}

TEST(NtkEigensystem, DegenerateLatticeKernelAgreesOnlyThroughClusterSums) {
  // Depth 0 on the 4^3 sub-lattice's periodic embedding: Theta_ij = sigma_w^2 x_i . x_j / 6 + sigma_b^2 =
  // sigma_w^2 / 6 sum_d cos(2 pi (n_i - n_j)_d / 4) + sigma_b^2, a circulant kernel. Its spectrum is exactly
  // degenerate: 64 sigma_b^2 on the uniform mode, 64 sigma_w^2 / 12 on the six modes cos/sin(2 pi n_d / 4),
  // and 0 on the other 57. Inside those eigenspaces any basis is valid; only cluster sums are compared.
  const Dataset lattice = lattice_dataset(8, 1.0, 4, "plane_wave", 1);
  const std::size_t n = lattice.points;
  auto params = t::small_params(Activation::tanh, 0, 1, 6);
  const NtkSpectrum serial = serial_spectrum(lattice.x, n, params);
  const auto clusters = cluster_eigenvalues(serial.values, 1e-9);
  ASSERT_EQ(clusters.count(), 3u);
  EXPECT_EQ(clusters.size, (std::vector<double>{57, 6, 1}));
  const double s2w = params.sigma_w * params.sigma_w, s2b = params.sigma_b * params.sigma_b;
  EXPECT_NEAR(clusters.lambda[1], 64 * s2w / 12, 1e-12 * 64 * s2w);
  EXPECT_NEAR(clusters.lambda[2], 64 * s2b, 1e-12 * 64 * s2w);
  const auto u = test_vector(n, 0.2), v = lattice.y;
  const auto expected_uv =
      cluster_products(clusters, eigen_components(serial, u), eigen_components(serial, v));
  const auto expected_uu =
      cluster_products(clusters, eigen_components(serial, u), eigen_components(serial, u));
  for (const int block : {0, 5}) {
    with_distributed_ntk(lattice.x, n, params, [&](const DistributedNtk& ntk) {
      const auto es = NtkEigensystem::compute(ntk, block);
      const double lambda_max = serial.values.back();
      EXPECT_LT(max_abs_difference(es.values(), serial.values), 1e-12 * lambda_max);
      const auto cu = es.components(u), cv = es.components(v);
      const double uv = worst_over_ranks(max_abs_difference(cluster_products(clusters, cu, cv), expected_uv) /
                                         (norm(u) * norm(v)));
      const double uu = worst_over_ranks(max_abs_difference(cluster_products(clusters, cu, cu), expected_uu) /
                                         (norm(u) * norm(u)));
      report("degenerate lattice: cluster sums (u.v) vs serial, block " + std::to_string(es.block_size()),
             uv);
      report("degenerate lattice: cluster sums (u.u) vs serial, block " + std::to_string(es.block_size()),
             uu);
      EXPECT_LT(uv, 1e-12);
      EXPECT_LT(uu, 1e-12);
      // The synthesised projection onto the six-fold eigenspace is basis-free as well.
      std::vector<double> only(n, 0.0);
      for (std::size_t k = clusters.first[1]; k < clusters.first[2]; ++k) {
        only[k] = cu[k];
      }
      const auto projected = es.synthesize(only);
      std::vector<double> serial_only(n, 0.0), serial_projected(n, 0.0);
      const auto su = eigen_components(serial, u);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = clusters.first[1]; k < clusters.first[2]; ++k) {
          serial_projected[i] += serial.vectors[i * n + k] * su[k];
        }
      }
      EXPECT_LT(max_abs_difference(projected, serial_projected) / norm(u), 1e-12);
    });
  }
}

TEST(NtkEigensystem, EachRankHoldsItsShareAndReleasesTheGrid) {
  const std::size_t n = 200;
  const auto data = t::make_dataset(n, 3, 51);
  const auto params = t::small_params(Activation::tanh, 1, 16);
  const int before = ProcessGrid::live_grids();
  with_distributed_ntk(data.x, n, params, [&](const DistributedNtk& ntk) {
    int context = -1;
    {
      const auto es = NtkEigensystem::compute(ntk);
      context = es.grid().context();
      EXPECT_EQ(ProcessGrid::live_grids(), before + 1);
      // The eigenvector tiles partition Q: the shares add up to N^2 exactly.
      const double share = static_cast<double>(es.local_rows() * es.local_cols());
      double total = share;
      MPI_Allreduce(&share, &total, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
      EXPECT_EQ(total, static_cast<double>(n * n));
      EXPECT_EQ(es.stored_doubles(), es.local_rows() * es.local_cols() + n);
      // Peak: the matrix, the eigenvectors and pdsyevd's 2 NP NQ of workspace are four local tiles' worth
      // (dsyevr: two); the rest is O(N) vectors and O(NB^2) tile buffers. Nothing of order N^2 beyond the
      // share.
      const double local = share, peak = static_cast<double>(es.local_doubles());
      const double nb = es.block_size() < static_cast<int>(n) ? es.block_size() : 0.0;
      report("peak local doubles / local tiles, N = 200", worst_over_ranks(peak / local));
      EXPECT_GE(peak, 2.0 * local);
      EXPECT_LE(peak, 4.0 * local + 40.0 * static_cast<double>(n) + 4.0 * nb * nb);
    }
    EXPECT_EQ(ProcessGrid::live_grids(), before);
    EXPECT_FALSE(ProcessGrid::context_alive(context));
  });
}

TEST(NtkEigensystem, WrongLengthsAndUnbuiltKernelsAreRefused) {
  const std::size_t n = 12;
  const PointDistribution dist(n);
  const DistributedNtk unbuilt(dist);
  EXPECT_THROW((void)NtkEigensystem::compute(unbuilt), RuntimeError);
  const auto data = t::make_dataset(n, 3, 53);
  with_distributed_ntk(data.x, n, t::small_params(Activation::tanh, 1, 8), [&](const DistributedNtk& ntk) {
    const auto es = NtkEigensystem::compute(ntk);
    EXPECT_THROW((void)es.components(std::vector<double>(n + 1)), InputError);
    EXPECT_THROW((void)es.synthesize(std::vector<double>(n - 1)), InputError);
  });
}
