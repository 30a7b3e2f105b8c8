#include "inflanet/background/mode_function.hpp"

#include "inflanet/base/error.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <numbers>

namespace inflanet {

namespace {

using cplx = std::complex<double>;
constexpr cplx I{0.0, 1.0};

void require_positive(const char* what, double value) {
  if (!(std::isfinite(value) && value > 0.0))
    throw RuntimeError(fmt::format("mode function: {} must be finite and > 0, got {}", what, value));
}

/// u and du/dt from v = a u and dv/dtau: u = v/a, du/dt = (dv/dtau)/a^2 - H u (using da/dtau = a^2 H).
ModeValue from_conformal(cplx v, cplx dv_dtau, double a, double H) {
  const cplx u = v / a;
  return {u, dv_dtau / (a * a) - H * u};
}

} // namespace

ModeValue bunch_davies_massless(double k, double H, double a0, double t) {
  const double a = a0 * std::exp(H * t);
  const double tau = -1.0 / (a * H);
  const cplx phase = std::polar(1.0, -k * tau);
  const double norm = H / std::sqrt(2.0 * k * k * k);
  return {I * norm * (1.0 + I * k * tau) * phase, I * norm * k * k * tau / a * phase};
}

ModeValue bunch_davies_conformal(double k, double H, double a0, double t) {
  const double a = a0 * std::exp(H * t);
  const double tau = -1.0 / (a * H);
  const cplx v = std::polar(1.0 / std::sqrt(2.0 * k), -k * tau);
  return from_conformal(v, -I * k * v, a, H);
}

ModeValue bunch_davies_hankel(double k, double m2, double H, double a0, double t) {
  const double nu2 = 2.25 - m2 / (H * H);
  if (nu2 < 0.0)
    throw RuntimeError(fmt::format("bunch_davies_hankel: nu^2 = 9/4 - m2/H^2 = {} < 0 (m2 = {}, H = {}); "
                                   "use integrate_mode_from_vacuum for heavy fields",
                                   nu2, m2, H));
  const double nu = std::sqrt(nu2);
  const double a = a0 * std::exp(H * t);
  const double s = 1.0 / (a * H); // -tau
  const double x = k * s;
  const cplx hnu(std::cyl_bessel_j(nu, x), std::cyl_neumann(nu, x));
  const cplx hnu1(std::cyl_bessel_j(nu + 1.0, x), std::cyl_neumann(nu + 1.0, x));
  const cplx dhnu = (nu / x) * hnu - hnu1;
  const cplx c =
      0.5 * std::sqrt(std::numbers::pi) * std::polar(1.0, std::numbers::pi * (0.5 * nu + 0.25)) * H;
  const cplx u = c * s * std::sqrt(s) * hnu;
  // du/dtau = -du/ds = -c [ (3/2) s^{1/2} H_nu(ks) + s^{3/2} k H_nu'(ks) ];  du/dt = (du/dtau)/a
  const cplx du_dtau = -c * (1.5 * std::sqrt(s) * hnu + s * std::sqrt(s) * k * dhnu);
  return {u, du_dtau / a};
}

std::complex<double> mode_wronskian(const ModeValue& m, double a) {
  return a * a * a * (m.u * std::conj(m.du_dt) - std::conj(m.u) * m.du_dt);
}

namespace {

/// f = e^{ix} S(x), S = sum_n i^n a_n x^{-n}; returns {f, df/dx}, or converged=false if the series has
/// not converged to `tol` before its terms start growing.
struct SeriesResult {
  cplx f, df;
  bool converged;
};

SeriesResult vacuum_series(double mu, double x, double tol) {
  const double four_nu2 = 1.0 - 4.0 * mu;
  cplx S = 1.0, dS = 0.0, ipow = 1.0;
  double an = 1.0, last = 1.0;
  bool converged = false;
  for (int n = 1; n <= 200; ++n) {
    an *= (four_nu2 - (2.0 * n - 1.0) * (2.0 * n - 1.0)) / (8.0 * n);
    ipow *= I;
    const double xn = std::pow(x, -n);
    const double term = std::abs(an) * xn;
    if (term == 0.0) { // the series terminates (half-integer nu)
      converged = true;
      break;
    }
    if (term > last && n > 1)
      break; // asymptotic series started to diverge
    S += ipow * an * xn;
    dS += -static_cast<double>(n) * ipow * an * xn / x;
    last = term;
    if (term < tol) {
      converged = true;
      break;
    }
  }
  const cplx e = std::polar(1.0, x);
  return {e * S, e * (I * S + dS), converged};
}

/// 3-stage Gauss-Legendre (order 6) step of length h for the real linear system
///   y0' = y1,   y1' = p(z) y0 + q(z) y1,
/// with complex y (real and imaginary parts are two independent real solutions). `coef(z)` returns
/// {p, q}. Gauss methods conserve quadratic invariants, so for q = 0 (a Hamiltonian system) the Wronskian
/// y0 y1* - y0* y1 is kept to round-off whatever the step sizes. Deterministic: fixed operation order.
template <class Coef>
void gauss_legendre6_step(const Coef& coef, double z, double h, cplx& y0, cplx& y1) {
  constexpr double r15 = 3.872983346207416885; // sqrt(15)
  constexpr double c[3] = {0.5 - r15 / 10.0, 0.5, 0.5 + r15 / 10.0};
  constexpr double b[3] = {5.0 / 18.0, 4.0 / 9.0, 5.0 / 18.0};
  constexpr double A[3][3] = {{5.0 / 36.0, 2.0 / 9.0 - r15 / 15.0, 5.0 / 36.0 - r15 / 30.0},
                              {5.0 / 36.0 + r15 / 24.0, 2.0 / 9.0, 5.0 / 36.0 - r15 / 24.0},
                              {5.0 / 36.0 + r15 / 30.0, 2.0 / 9.0 + r15 / 15.0, 5.0 / 36.0}};
  // Stage slopes K_i = M_i (y + h sum_j A_ij K_j), M_i = [[0, 1], [p_i, q_i]]:
  // solve the 6x6 real system (I - h A (x) M) K = (M_i y)_i by Gaussian elimination with pivoting.
  double p[3], q[3];
  for (int i = 0; i < 3; ++i) {
    const auto pq = coef(z + c[i] * h);
    p[i] = pq[0];
    q[i] = pq[1];
  }
  double m[6][6];
  cplx rhs[6];
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      const double f = -h * A[i][j];
      const double d = (i == j ? 1.0 : 0.0);
      m[2 * i][2 * j] = d;
      m[2 * i][2 * j + 1] = f;
      m[2 * i + 1][2 * j] = f * p[i];
      m[2 * i + 1][2 * j + 1] = d + f * q[i];
    }
    rhs[2 * i] = y1;
    rhs[2 * i + 1] = p[i] * y0 + q[i] * y1;
  }
  for (int col = 0; col < 6; ++col) {
    int piv = col;
    for (int r = col + 1; r < 6; ++r)
      if (std::abs(m[r][col]) > std::abs(m[piv][col]))
        piv = r;
    if (piv != col) {
      for (int cc = 0; cc < 6; ++cc)
        std::swap(m[col][cc], m[piv][cc]);
      std::swap(rhs[col], rhs[piv]);
    }
    for (int r = col + 1; r < 6; ++r) {
      const double f = m[r][col] / m[col][col];
      for (int cc = col; cc < 6; ++cc)
        m[r][cc] -= f * m[col][cc];
      rhs[r] -= f * rhs[col];
    }
  }
  cplx K[6];
  for (int r = 5; r >= 0; --r) {
    cplx acc = rhs[r];
    for (int cc = r + 1; cc < 6; ++cc)
      acc -= m[r][cc] * K[cc];
    K[r] = acc / m[r][r];
  }
  for (int i = 0; i < 3; ++i) {
    y0 += h * b[i] * K[2 * i];
    y1 += h * b[i] * K[2 * i + 1];
  }
}

/// Gauss-Legendre steps from z down to z_end < z, of length step(z) but the last, shortened to land
/// exactly on z_end.
template <class Coef, class Step>
void integrate_down(const Coef& coef, const Step& step, double z, double z_end, cplx& y0, cplx& y1) {
  for (bool last = false; !last;) {
    double h = step(z);
    if (z - h <= z_end) {
      h = z - z_end;
      last = true;
    }
    gauss_legendre6_step(coef, z, -h, y0, y1);
    z = last ? z_end : z - h;
  }
}

} // namespace

ModeValue integrate_mode_from_vacuum(double k, double m2, double H, double a0, double t0,
                                     const ModeIntegrationOptions& opt) {
  require_positive("k", k);
  require_positive("H", H);
  require_positive("a0", a0);
  if (!std::isfinite(m2) || !std::isfinite(t0))
    throw RuntimeError(fmt::format("mode function: non-finite m2 = {} or t0 = {}", m2, t0));
  const double mu = m2 / (H * H) - 2.0;
  const double a = a0 * std::exp(H * t0);
  const double x0 = k / (a * H);
  const double sqrt2k = std::sqrt(2.0 * k);
  // dv/dtau = -k dv/dx, v = f / sqrt(2k)
  auto finish = [&](cplx f, cplx df_dx) { return from_conformal(f / sqrt2k, -k * df_dx / sqrt2k, a, H); };

  // Start point: the smallest x_s >= min_start_ratio (doubling) at which the vacuum series converges.
  double xs = std::max(opt.min_start_ratio, 1.0);
  SeriesResult start = vacuum_series(mu, std::max(xs, x0), opt.series_tolerance);
  while (!start.converged) {
    xs *= 2.0;
    if (xs > 1e8)
      throw RuntimeError(
          fmt::format("mode function: vacuum series does not converge (m2/H^2 = {})", m2 / (H * H)));
    start = vacuum_series(mu, std::max(xs, x0), opt.series_tolerance);
  }
  if (x0 >= xs)
    return finish(start.f, start.df);

  const double two_pi = 2.0 * std::numbers::pi;
  const auto n_osc = static_cast<double>(opt.steps_per_oscillation);

  // Stage 1, inside and around the horizon (x >= 1): (f, df/dx) in x, a Hamiltonian system whose
  // Wronskian Gauss-Legendre conserves exactly. Step: a fixed fraction of the local period.
  cplx f = start.f, fx = start.df;
  const auto coef_x = [mu](double z) { return std::array<double, 2>{-(1.0 + mu / (z * z)), 0.0}; };
  const auto step_x = [&](double x) {
    const double omega = std::sqrt(1.0 + (std::abs(mu) + 1.0) / (x * x));
    return std::min(opt.max_step_efolds * x, two_pi / (n_osc * omega));
  };
  integrate_down(coef_x, step_x, xs, std::max(x0, 1.0), f, fx);
  if (x0 >= 1.0)
    return finish(f, fx);

  // Stage 2, outside the horizon: U = x f (proportional to u) and U_s in s = ln x, which obey
  // U_ss - 3 U_s + (x^2 + m2/H^2) U = 0 (the cosmic-time equation with N = -s). Working with u itself
  // avoids the cancellation du/dt = dv/dtau / a^2 - H u, which would cost a factor 1/x^2 in relative
  // accuracy for the (decaying) massless du/dt.
  const double m2H2 = m2 / (H * H);
  cplx U = f, Us = f + fx; // at x = 1: U = f, U_s = x (f + x f_x)
  const auto coef_s = [m2H2](double z) { return std::array<double, 2>{-(std::exp(2.0 * z) + m2H2), 3.0}; };
  const auto step_s = [&](double s) {
    const double xs_now = std::exp(s);
    const double omega = std::sqrt(xs_now * xs_now + std::abs(m2H2) + 4.0);
    return std::min(opt.max_step_efolds, two_pi / (n_osc * omega));
  };
  integrate_down(coef_s, step_s, 0.0, std::log(x0), U, Us);
  // u = v/a = H x f / (k sqrt(2k)) = H U / (k sqrt(2k));  du/dt = H du/dN = -H du/ds.
  const double scale = H / (k * sqrt2k);
  return {scale * U, -H * scale * Us};
}

} // namespace inflanet
