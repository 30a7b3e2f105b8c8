#pragma once
// Small dense least squares for the dispersion and damping fits (internal): min ||A x - b|| for an n x p
// matrix (p <= 3 here) by modified Gram-Schmidt, orthogonalised twice, on column-scaled A (no normal
// equations: their condition number is the square of A's). Returns x and (A^T A)^{-1} = R^{-1} R^{-T}.
#include <cmath>
#include <cstddef>
#include <vector>

namespace inflanet::detail {

struct LeastSquares {
  std::vector<double> x;          ///< p
  std::vector<double> covariance; ///< p x p, (A^T A)^{-1}, row-major
  double residual2 = 0.0;         ///< ||A x - b||^2
  bool ok = false;                ///< false if a column is (numerically) dependent on the others
};

/// v <- v - (q . v) q for a unit n-vector q; returns q . v.
inline double project_out(const double* q, double* v, std::size_t n) {
  double dot = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    dot += q[i] * v[i];
  }
  for (std::size_t i = 0; i < n; ++i) {
    v[i] -= dot * q[i];
  }
  return dot;
}

/// a: column-major, p columns of n rows.
inline LeastSquares solve_least_squares(std::vector<double> a, std::vector<double> b, std::size_t n,
                                        std::size_t p) {
  LeastSquares out;
  std::vector<double> scale(p, 1.0), r(p * p, 0.0);
  for (std::size_t j = 0; j < p; ++j) {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      s += a[j * n + i] * a[j * n + i];
    }
    scale[j] = s > 0.0 ? 1.0 / std::sqrt(s) : 1.0;
    for (std::size_t i = 0; i < n; ++i) {
      a[j * n + i] *= scale[j];
    }
  }
  const std::vector<double> b0 = b;
  for (std::size_t j = 0; j < p; ++j) {
    double* q = &a[j * n];
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t k = 0; k < j; ++k) {
        r[k * p + j] += project_out(&a[k * n], q, n);
      }
    }
    double norm = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      norm += q[i] * q[i];
    }
    norm = std::sqrt(norm);
    if (!(norm > 1e-13)) { // columns are unit vectors: this is a relative rank test
      return out;
    }
    r[j * p + j] = norm;
    for (std::size_t i = 0; i < n; ++i) {
      q[i] /= norm;
    }
  }
  // y = Q^T b (twice, as above), then R x = y
  std::vector<double> y(p, 0.0);
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t k = 0; k < p; ++k) {
      y[k] += project_out(&a[k * n], b.data(), n);
    }
  }
  out.residual2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    out.residual2 += b[i] * b[i];
  }
  // R^{-1} (upper triangular), by columns
  std::vector<double> rinv(p * p, 0.0);
  for (std::size_t c = 0; c < p; ++c) {
    for (std::size_t i = c + 1; i-- > 0;) {
      double s = (i == c) ? 1.0 : 0.0;
      for (std::size_t k = i + 1; k <= c; ++k) {
        s -= r[i * p + k] * rinv[k * p + c];
      }
      rinv[i * p + c] = s / r[i * p + i];
    }
  }
  out.x.assign(p, 0.0);
  for (std::size_t i = 0; i < p; ++i) {
    for (std::size_t k = i; k < p; ++k) {
      out.x[i] += rinv[i * p + k] * y[k];
    }
    out.x[i] *= scale[i];
  }
  out.covariance.assign(p * p, 0.0);
  for (std::size_t i = 0; i < p; ++i) {
    for (std::size_t j = 0; j < p; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < p; ++k) {
        s += rinv[i * p + k] * rinv[j * p + k];
      }
      out.covariance[i * p + j] = s * scale[i] * scale[j];
    }
  }
  out.ok = true;
  return out;
}

} // namespace inflanet::detail
