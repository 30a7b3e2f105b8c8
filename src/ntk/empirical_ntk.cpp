#include "inflanet/ntk/empirical_ntk.hpp"

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "inflanet/base/error.hpp"

namespace inflanet {

NtkFactors ntk_factors(Mlp& network, std::span<const double> x, std::size_t points) {
  if (network.params().output_dim != 1) {
    throw InputError("the empirical NTK is implemented for scalar output (O = 1) only");
  }
  network.forward(x, points);
  network.backward(std::vector<double>(points, 1.0));
  NtkFactors factors{points, network.params().sigma_w, network.params().sigma_b, {}};
  for (int k = 0; k < network.layers(); ++k) {
    factors.layers.push_back(
        NtkLayer{network.activations(k), network.sensitivities(k), network.units(k), network.units(k + 1)});
  }
  return factors;
}

void layerwise_ntk(const NtkFactors& factors, std::span<double> theta, std::vector<double>& work) {
  const std::size_t n = factors.points;
  if (theta.size() != n * n) {
    throw RuntimeError("layerwise_ntk: output must hold N x N values");
  }
  const int ni = static_cast<int>(n);
  work.resize(n * n);
  if (factors.layers.empty()) {
    std::fill(theta.begin(), theta.end(), 0.0);
    return;
  }
  std::vector<double> g_diag(n);
  const double sb2 = factors.sigma_b * factors.sigma_b;
  constexpr std::size_t tile = 64;
  const std::size_t last = factors.layers.size() - 1;
  for (std::size_t l = 0; l < factors.layers.size(); ++l) {
    const NtkLayer& layer = factors.layers[l];
    // diag(G G^T) first: the second dsyrk overwrites the shared diagonal.
    for (std::size_t i = 0; i < n; ++i) {
      const double* g = layer.g.data() + i * static_cast<std::size_t>(layer.n_out);
      double s = 0.0;
      for (int a = 0; a < layer.n_out; ++a) {
        s += g[a] * g[a];
      }
      g_diag[i] = s;
    }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, ni, layer.n_out, 1.0, layer.g.data(), layer.n_out,
                0.0, work.data(), ni);
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, ni, layer.n_in,
                factors.sigma_w * factors.sigma_w / layer.n_in, layer.a.data(), layer.n_in, 0.0, work.data(),
                ni);
    // Theta[i, j] (+)= work[i, j] * (work[j, i] + sigma_b^2), i < j, tile by tile so the transposed reads
    // stay in cache. The first layer assigns (no zero fill), the last one also writes the mirror image.
    const bool first = l == 0, mirror = l == last;
    for (std::size_t i0 = 0; i0 < n; i0 += tile) {
      const std::size_t i1 = std::min(n, i0 + tile);
      for (std::size_t j0 = i0; j0 < n; j0 += tile) {
        const std::size_t j1 = std::min(n, j0 + tile);
        for (std::size_t i = i0; i < i1; ++i) {
          double* out = theta.data() + i * n;
          const double* gg = work.data() + i * n;
          for (std::size_t j = std::max(j0, i + 1); j < j1; ++j) {
            const double v = (first ? 0.0 : out[j]) + gg[j] * (work[j * n + i] + sb2);
            out[j] = v;
            if (mirror) {
              theta[j * n + i] = v;
            }
          }
        }
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      theta[i * n + i] = (first ? 0.0 : theta[i * n + i]) + g_diag[i] * (work[i * n + i] + sb2);
    }
  }
}

std::vector<double> empirical_ntk(Mlp& network, std::span<const double> x, std::size_t points) {
  const NtkFactors factors = ntk_factors(network, x, points);
  std::vector<double> theta(points * points), work;
  layerwise_ntk(factors, theta, work);
  return theta;
}

void ntk_block(const NtkFactors& factors, std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1,
               std::span<double> out, std::vector<double>& work) {
  const std::size_t n = factors.points;
  if (r0 > r1 || r1 > n || c0 > c1 || c1 > n || out.size() != (r1 - r0) * (c1 - c0)) {
    throw RuntimeError(
        "ntk_block: need r0 <= r1 <= N, c0 <= c1 <= N and (r1 - r0) x (c1 - c0) output values");
  }
  const std::size_t m = r1 - r0, w = c1 - c0;
  if (m == 0 || w == 0) {
    return;
  }
  work.resize(2 * m * w); // sigma_w^2 A A^T / n + sigma_b^2, then G G^T, for the block
  double* aa = work.data();
  double* gg = work.data() + m * w;
  std::fill(out.begin(), out.end(), 0.0);
  const double sb2 = factors.sigma_b * factors.sigma_b;
  const int mi = static_cast<int>(m), wi = static_cast<int>(w);
  for (const NtkLayer& layer : factors.layers) {
    const auto n_in = static_cast<std::size_t>(layer.n_in), n_out = static_cast<std::size_t>(layer.n_out);
    std::fill(aa, aa + m * w, sb2);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, mi, wi, layer.n_in,
                factors.sigma_w * factors.sigma_w / layer.n_in, layer.a.data() + r0 * n_in, layer.n_in,
                layer.a.data() + c0 * n_in, layer.n_in, 1.0, aa, wi);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, mi, wi, layer.n_out, 1.0,
                layer.g.data() + r0 * n_out, layer.n_out, layer.g.data() + c0 * n_out, layer.n_out, 0.0, gg,
                wi);
    for (std::size_t i = 0; i < m * w; ++i) {
      out[i] += gg[i] * aa[i];
    }
  }
}

NtkSpectrum ntk_eigen(std::span<const double> theta, std::size_t n) {
  if (theta.size() != n * n) {
    throw RuntimeError("ntk_eigen: matrix must hold N x N values");
  }
  NtkSpectrum s;
  if (n == 0) {
    return s;
  }
  std::vector<double> a(theta.begin(), theta.end());
  s.values.resize(n);
  s.vectors.resize(n * n);
  std::vector<lapack_int> support(2 * n);
  lapack_int found = 0;
  const auto ni = static_cast<lapack_int>(n);
  const lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'A', 'U', ni, a.data(), ni, 0.0, 0.0, 0, 0,
                                         0.0, &found, s.values.data(), s.vectors.data(), ni, support.data());
  if (info != 0 || found != ni) {
    throw RuntimeError("LAPACKE_dsyevr failed (info = " + std::to_string(info) + ", " +
                       std::to_string(found) + " of " + std::to_string(n) + " eigenvalues)");
  }
  clamp_negative(s.values, s.clamped, s.most_negative);
  std::vector<std::size_t> index(n);
  std::iota(index.begin(), index.end(), std::size_t{0});
  const EigenvectorReduction local = [](std::span<double>) {};
  fix_eigenvector_signs(s.vectors, n, 1, index, index, n, local, local);
  return s;
}

void clamp_negative(std::span<double> values, std::size_t& clamped, double& most_negative) {
  for (double& v : values) {
    if (v < 0.0) {
      most_negative = std::min(most_negative, v);
      v = 0.0;
      ++clamped;
    }
  }
}

void fix_eigenvector_signs(std::span<double> q, std::size_t row_stride, std::size_t col_stride,
                           std::span<const std::size_t> global_rows, std::span<const std::size_t> global_cols,
                           std::size_t n, const EigenvectorReduction& max_over_ranks,
                           const EigenvectorReduction& sum_over_ranks) {
  if (n == 0) {
    return;
  }
  const auto at = [&](std::size_t r, std::size_t c) -> double& { return q[r * row_stride + c * col_stride]; };
  // 1. Each vector's largest magnitude.
  std::vector<double> largest(n, 0.0);
  for (std::size_t c = 0; c < global_cols.size(); ++c) {
    double m = 0.0;
    for (std::size_t r = 0; r < global_rows.size(); ++r) {
      m = std::max(m, std::abs(at(r, c)));
    }
    largest[global_cols[c]] = m;
  }
  max_over_ranks(largest);
  // 2. The lowest global index within the tolerance of it (as the maximum of -index).
  std::vector<double> pivot(n, -static_cast<double>(n));
  for (std::size_t c = 0; c < global_cols.size(); ++c) {
    const double threshold = (1.0 - sign_pivot_tolerance) * largest[global_cols[c]];
    double& p = pivot[global_cols[c]];
    for (std::size_t r = 0; r < global_rows.size(); ++r) {
      if (std::abs(at(r, c)) >= threshold) {
        p = std::max(p, -static_cast<double>(global_rows[r]));
      }
    }
  }
  max_over_ranks(pivot);
  // 3. The pivot's sign, from the one rank that holds it.
  std::vector<double> sign(n, 0.0);
  for (std::size_t c = 0; c < global_cols.size(); ++c) {
    const auto row = static_cast<std::size_t>(-pivot[global_cols[c]]);
    for (std::size_t r = 0; r < global_rows.size(); ++r) {
      if (global_rows[r] == row) {
        sign[global_cols[c]] = at(r, c) < 0.0 ? -1.0 : 1.0;
      }
    }
  }
  sum_over_ranks(sign);
  for (std::size_t c = 0; c < global_cols.size(); ++c) {
    if (sign[global_cols[c]] < 0.0) {
      for (std::size_t r = 0; r < global_rows.size(); ++r) {
        at(r, c) = -at(r, c);
      }
    }
  }
}

} // namespace inflanet
