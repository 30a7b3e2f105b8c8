// Cost of the layerwise empirical NTK against the BLAS calls it is made of, and of one training step
// against one forward + backward pass. Targets: NTK build / BLAS floor <= 1.3; step / (fwd + bwd) -> 1.
// The floor runs the same dgemm (forward, backward) and dsyrk (two per layer) calls on the same shapes
// into preallocated buffers; the build adds the activations, the Hadamard combination of the two
// triangles and the final mirror.
// Usage: bench_ntk_build [N width] (default 4096 512; d = 6, depth 2). OPENBLAS_NUM_THREADS sets threads.
#include <cblas.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench_timer.hpp"
#include "inflanet/base/counter_rng.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/nn/network_system.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"

using namespace inflanet;

int main(int argc, char** argv) {
  Session session(argc, argv);
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4096;
  const int width = argc > 2 ? std::atoi(argv[2]) : 512;
  const int d = 6, depth = 2;
  MlpParams params;
  params.input_dim = d;
  params.depth = depth;
  params.width = width;
  params.activation = Activation::tanh;
  params.sigma_w = 1.5;
  params.sigma_b = 0.1;
  params.seed = 7;
  const CounterRng rng(3);
  std::vector<double> x(n * d), y(n);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = 2.0 * rng.uniforms(i)[0] - 1.0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = std::sin(3.0 * x[i * d]);
  }
  const char* threads = std::getenv("OPENBLAS_NUM_THREADS");

  // --- NTK build vs its BLAS calls -----------------------------------------------------------------
  Mlp net(params);
  std::vector<double> theta(n * n), work;
  auto build = [&] {
    const auto factors = ntk_factors(net, x, n);
    layerwise_ntk(factors, theta, work);
  };
  // Floor buffers: same shapes, filled once.
  const int ni = static_cast<int>(n);
  std::vector<int> units{d};
  for (int k = 0; k < depth; ++k) {
    units.push_back(width);
  }
  units.push_back(1);
  std::vector<std::vector<double>> a(units.size()), g(units.size());
  for (std::size_t k = 0; k < units.size(); ++k) {
    a[k].assign(n * static_cast<std::size_t>(units[k]), 0.3);
    g[k].assign(n * static_cast<std::size_t>(units[k]), 0.2);
  }
  std::vector<double> wbuf(static_cast<std::size_t>(width) * width, 0.01), floor_out(n * n);
  auto blas_floor = [&] {
    for (int k = 0; k <= depth; ++k) { // forward: H_k = A_k W_k^T
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, ni, units[k + 1], units[k], 1.0, a[k].data(),
                  units[k], wbuf.data(), units[k], 1.0, g[k + 1].data(), units[k + 1]);
    }
    for (int k = depth; k > 0; --k) { // backward: dF/dA_k = G_k W_k
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, units[k], units[k + 1], 1.0, g[k + 1].data(),
                  units[k + 1], wbuf.data(), units[k], 0.0, a[k].data(), units[k]);
    }
    for (int k = 0; k <= depth; ++k) { // two syrk per layer
      cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, ni, units[k + 1], 1.0, g[k + 1].data(),
                  units[k + 1], 0.0, floor_out.data(), ni);
      cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, ni, units[k], 1.0, a[k].data(), units[k], 0.0,
                  floor_out.data(), ni);
    }
  };
  const int repeats = 7;
  const auto [t_floor, t_build] = bench::paired_median_seconds(blas_floor, build, repeats, 1);

  // --- training step vs forward + backward ---------------------------------------------------------
  const double c = 1.0 / static_cast<double>(n);
  // Heavy ball with eta = 1e-2, beta = 0.9: h = sqrt(eta), gamma = -ln(beta) / h.
  NetworkSystem system(Mlp(params), x, y, n, 0.1, -std::log(0.9) / 0.1, c);
  Mlp pass_net(params);
  std::vector<double> grad(pass_net.parameter_count());
  const auto euler = Integrator::from_name("euler");
  const double h = system.h();
  const auto [t_pass, t_step] = bench::paired_median_seconds(
      [&] { (void)pass_net.loss_and_gradient(x, y, n, c, grad); }, [&] { euler.step(system, h); }, 15, 2);

  if (session.rank() == 0) {
    const double gflop_syrk = [&] {
      double f = 0.0;
      for (int k = 0; k <= depth; ++k) {
        f += static_cast<double>(n) * static_cast<double>(n) * (units[k] + units[k + 1]); // n^2 k per syrk
      }
      return f / 1e9;
    }();
    std::printf(
        "# empirical NTK, N = %zu, d = %d, depth = %d, width = %d, P = %zu, OPENBLAS_NUM_THREADS = %s\n", n,
        d, depth, width, net.parameter_count(), threads ? threads : "(unset)");
    std::printf("# %-34s %12s %10s\n", "measurement", "time [ms]", "ratio");
    std::printf("  %-34s %12.2f %10s\n", "BLAS floor (dgemm + 2 dsyrk/layer)", 1e3 * t_floor, "1");
    std::printf("  %-34s %12.2f %10.3f\n", "NTK build (layerwise_ntk)", 1e3 * t_build, t_build / t_floor);
    std::printf("  %-34s %12.2f %10s\n", "forward + backward (grad L)", 1e3 * t_pass, "1");
    std::printf("  %-34s %12.2f %10.3f\n", "training step (euler)", 1e3 * t_step, t_step / t_pass);
    std::printf("# syrk work %.1f Gflop -> %.1f Gflop/s in the floor\n", gflop_syrk, gflop_syrk / t_floor);
  }
  return 0;
}
