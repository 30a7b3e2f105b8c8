#include "inflanet/ntk/krylov.hpp"

#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "inflanet/base/error.hpp"
#include "least_squares.hpp"

namespace inflanet {
namespace {

double dot(std::span<const double> a, std::span<const double> b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    s += a[i] * b[i];
  }
  return s;
}

/// Eigenvalues (ascending) and the last components of the eigenvectors of the k x k tridiagonal matrix.
void tridiagonal_eigen(const std::vector<double>& alpha, const std::vector<double>& beta, std::size_t k,
                       std::vector<double>& values, std::vector<double>& vectors) {
  values.assign(alpha.begin(), alpha.begin() + static_cast<std::ptrdiff_t>(k));
  std::vector<double> off(beta.begin(), beta.begin() + static_cast<std::ptrdiff_t>(k > 0 ? k - 1 : 0));
  vectors.assign(k * k, 0.0);
  const auto ki = static_cast<lapack_int>(k);
  const lapack_int info =
      LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', ki, values.data(), off.data(), vectors.data(), std::max(ki, 1));
  if (info != 0) {
    throw RuntimeError("LAPACKE_dstev failed in the Lanczos iteration (info = " + std::to_string(info) + ")");
  }
}

} // namespace

KernelExtremes lanczos_extremes(const KernelProduct& product, std::size_t n, double tolerance,
                                std::size_t max_iterations,
                                const std::function<void(std::size_t, double)>& progress) {
  KernelExtremes e;
  if (n == 0) {
    e.converged = true;
    return e;
  }
  const std::size_t limit = std::min(max_iterations, n);
  // A fixed start vector with weight on every direction: the uniform vector (the mean mode) plus a
  // deterministic, aperiodic modulation.
  std::vector<std::vector<double>> q;
  q.emplace_back(n);
  for (std::size_t i = 0; i < n; ++i) {
    q[0][i] = 1.0 + 0.5 * std::sin(0.7548776662466927 * static_cast<double>(i) * 6.283185307179586);
  }
  {
    const double s = std::sqrt(dot(q[0], q[0]));
    for (double& v : q[0]) {
      v /= s;
    }
  }
  std::vector<double> alpha, beta, w(n), values, vectors;
  for (std::size_t j = 0; j < limit; ++j) {
    product(q[j], w);
    alpha.push_back(dot(q[j], w));
    // Full reorthogonalisation (twice is enough): the Ritz values stay free of ghost copies.
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i = 0; i <= j; ++i) {
        detail::project_out(q[i].data(), w.data(), n);
      }
    }
    const double b = std::sqrt(dot(w, w));
    const std::size_t k = j + 1;
    tridiagonal_eigen(alpha, beta, k, values, vectors);
    e.iterations = k;
    e.lambda_max = values[k - 1];
    e.lambda_min = values[0];
    // Residual of Ritz pair m: |beta_k * (last component of its eigenvector)|.
    e.lambda_max_residual = std::abs(b * vectors[(k - 1) * k + (k - 1)]);
    e.lambda_min_residual = std::abs(b * vectors[0 * k + (k - 1)]);
    const double scale = std::max(std::abs(e.lambda_max), 1e-300);
    if (progress) {
      progress(k, e.lambda_max_residual / scale);
    }
    if (e.lambda_max_residual <= tolerance * scale || b <= 1e-14 * scale) {
      e.converged = true;
      break;
    }
    beta.push_back(b);
    q.emplace_back(n);
    for (std::size_t t = 0; t < n; ++t) {
      q[k][t] = w[t] / b;
    }
  }
  return e;
}

ConjugateGradientSolve conjugate_gradient(const KernelProduct& product,
                                          const KernelPreconditioner& preconditioner,
                                          std::span<const double> b, double tolerance,
                                          std::size_t max_iterations,
                                          const std::function<void(std::size_t, double)>& progress) {
  const std::size_t n = b.size();
  ConjugateGradientSolve s;
  s.x.assign(n, 0.0);
  const double b_norm = std::sqrt(dot(b, b));
  if (b_norm == 0.0) {
    s.converged = true;
    return s;
  }
  std::vector<double> r(b.begin(), b.end()), z(n), p(n), q(n);
  const auto precondition = [&](std::span<const double> in, std::span<double> out) {
    if (preconditioner) {
      preconditioner(in, out);
    } else {
      std::copy(in.begin(), in.end(), out.begin());
    }
  };
  precondition(r, z);
  p = z;
  double rz = dot(r, z);
  double largest = 0.0; // the largest Rayleigh quotient seen: the operator's scale
  // CG's residual is not monotone: the iterate returned is the one with the smallest residual (x = 0, the
  // residual b, is the first candidate), so a solve stopped early is never worse than no solve.
  std::vector<double> best(n, 0.0);
  double best_rel = 1.0;
  for (std::size_t it = 0; it < max_iterations; ++it) {
    product(p, q);
    const double pq = dot(p, q);
    const double rayleigh = pq / dot(p, p);
    largest = std::max(largest, rayleigh);
    if (!(rayleigh > 1e-14 * largest)) {
      break; // a direction the operator cannot move (its null space, to rounding): stop honestly
    }
    const double step = rz / pq;
    for (std::size_t i = 0; i < n; ++i) {
      s.x[i] += step * p[i];
      r[i] -= step * q[i];
    }
    s.iterations = it + 1;
    const double rel = std::sqrt(dot(r, r)) / b_norm;
    s.history.push_back(rel);
    if (progress) {
      progress(s.iterations, rel);
    }
    if (rel < best_rel) {
      best_rel = rel;
      best = s.x;
    }
    if (rel <= tolerance) {
      s.converged = true;
      break;
    }
    precondition(r, z);
    const double rz_next = dot(r, z);
    const double ratio = rz_next / rz;
    rz = rz_next;
    for (std::size_t i = 0; i < n; ++i) {
      p[i] = z[i] + ratio * p[i];
    }
  }
  s.x = std::move(best);
  // The true residual (the recursion drifts from it in floating point).
  product(s.x, q);
  double rr = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    rr += (b[i] - q[i]) * (b[i] - q[i]);
  }
  s.relative_residual = std::sqrt(rr) / b_norm;
  return s;
}

} // namespace inflanet
