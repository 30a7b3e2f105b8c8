// Bunch-Davies mode functions: Wronskian normalisation, closed forms against each other, the integrated
// vacuum against the Hankel closed form, heavy fields (imaginary nu), the massless power spectrum.
#include "inflanet/background/mode_function.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

using namespace inflanet;
using cplx = std::complex<double>;

namespace {

constexpr double H = 0.8;
constexpr double a0 = 1.7;

double a_of(double t) {
  return a0 * std::exp(H * t);
}

/// Cosmic time at which k/(aH) = ratio.
double time_at_ratio(double k, double ratio) {
  return std::log(k / (ratio * a0 * H)) / H;
}

double rel(cplx x, cplx y) {
  return std::abs(x - y) / std::max(std::abs(y), 1e-300);
}

void expect_same_mode(const ModeValue& got, const ModeValue& want, double tol, const std::string& what) {
  EXPECT_LT(rel(got.u, want.u), tol) << what << " u: " << got.u << " vs " << want.u;
  EXPECT_LT(rel(got.du_dt, want.du_dt), tol) << what << " du/dt: " << got.du_dt << " vs " << want.du_dt;
}

const std::vector<double> ratios = {100.0, 30.0, 10.0, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01};

} // namespace

TEST(ModeFunction, closed_forms_obey_wronskian) {
  for (double k : {0.5, 3.0, 40.0}) {
    for (double ratio : ratios) {
      const double t = time_at_ratio(k, ratio);
      const double a = a_of(t);
      for (const ModeValue& m :
           {bunch_davies_massless(k, H, a0, t), bunch_davies_conformal(k, H, a0, t),
            bunch_davies_hankel(k, 0.5 * H * H, H, a0, t), bunch_davies_hankel(k, -0.3 * H * H, H, a0, t)}) {
        const cplx w = mode_wronskian(m, a);
        EXPECT_NEAR(w.real(), 0.0, 1e-10) << "k=" << k << " x=" << ratio;
        EXPECT_NEAR(w.imag(), 1.0, 1e-10) << "k=" << k << " x=" << ratio;
      }
    }
  }
}

TEST(ModeFunction, hankel_reduces_to_massless_and_conformal) {
  for (double k : {0.5, 3.0, 40.0}) {
    for (double ratio : ratios) {
      const double t = time_at_ratio(k, ratio);
      expect_same_mode(bunch_davies_hankel(k, 0.0, H, a0, t), bunch_davies_massless(k, H, a0, t), 2e-11,
                       "nu=3/2 x=" + std::to_string(ratio));
      expect_same_mode(bunch_davies_hankel(k, 2.0 * H * H, H, a0, t), bunch_davies_conformal(k, H, a0, t),
                       1e-12, "nu=1/2 x=" + std::to_string(ratio));
    }
  }
}

TEST(ModeFunction, massless_phase_is_minus_i_times_physics_md_form) {
  // physics.md writes dphi_k = H/sqrt(2k^3) (1 + i k tau) e^{-i k tau}; ours is i times it.
  const double k = 2.0, t = 0.3;
  const double tau = -1.0 / (a_of(t) * H);
  const cplx doc = H / std::sqrt(2 * k * k * k) * (1.0 + cplx(0, 1) * k * tau) * std::polar(1.0, -k * tau);
  EXPECT_LT(rel(bunch_davies_massless(k, H, a0, t).u, cplx(0, 1) * doc), 1e-15);
}

TEST(ModeFunction, integrated_vacuum_matches_hankel) {
  for (double m2_over_H2 : {0.0, 2.0, 0.5, -0.4, 2.2}) {
    for (double k : {0.7, 25.0}) {
      for (double ratio : ratios) {
        const double t = time_at_ratio(k, ratio);
        const ModeValue ref = bunch_davies_hankel(k, m2_over_H2 * H * H, H, a0, t);
        const ModeValue got = integrate_mode_from_vacuum(k, m2_over_H2 * H * H, H, a0, t);
        const std::string what = "m2/H2=" + std::to_string(m2_over_H2) + " x=" + std::to_string(ratio);
        // Same phase convention, so u itself (not only phase invariants) must agree.
        expect_same_mode(got, ref, 1e-9, what);
        const double inv_ref = (ref.u * std::conj(ref.du_dt)).real();
        const double inv_got = (got.u * std::conj(got.du_dt)).real();
        EXPECT_NEAR(inv_got, inv_ref, 1e-9 * std::abs(ref.u) * std::abs(ref.du_dt)) << what;
        const cplx w = mode_wronskian(got, a_of(t));
        EXPECT_NEAR(w.imag(), 1.0, 1e-10) << what;
      }
    }
  }
}

TEST(ModeFunction, heavy_field_obeys_wronskian_and_decays_as_a_minus_3) {
  const double m2 = 4.0 * H * H; // nu = i sqrt(7)/2
  const double k = 1.3;
  for (double ratio : {50.0, 5.0, 0.5, 1e-2, 1e-4}) {
    const double t = time_at_ratio(k, ratio);
    const cplx w = mode_wronskian(integrate_mode_from_vacuum(k, m2, H, a0, t), a_of(t));
    EXPECT_NEAR(w.real(), 0.0, 1e-10);
    EXPECT_NEAR(w.imag(), 1.0, 1e-10) << "x=" << ratio;
  }
  // Outside the horizon |u|^2 ~ a^{-3} times a small log-periodic ripple (relative size ~ e^{-pi |nu|}):
  // the mean slope of ln|u|^2 against ln a over 10 e-folds is -3.
  const double t1 = time_at_ratio(k, 1e-2), t2 = t1 + 10.0 / H;
  const double u1 = std::norm(integrate_mode_from_vacuum(k, m2, H, a0, t1).u);
  const double u2 = std::norm(integrate_mode_from_vacuum(k, m2, H, a0, t2).u);
  EXPECT_NEAR(std::log(u2 / u1) / 10.0, -3.0, 0.02);
}

TEST(ModeFunction, massless_power_spectrum) {
  for (double k : {0.4, 9.0}) {
    for (double ratio : ratios) {
      const double t = time_at_ratio(k, ratio);
      const double tau = -1.0 / (a_of(t) * H);
      const double expected = std::pow(H / (2 * std::numbers::pi), 2) * (1.0 + k * k * tau * tau);
      const double power = k * k * k * std::norm(integrate_mode_from_vacuum(k, 0.0, H, a0, t).u) /
                           (2.0 * std::numbers::pi * std::numbers::pi);
      EXPECT_NEAR(power / expected, 1.0, 1e-10) << "x=" << ratio;
    }
  }
}

TEST(ModeFunction, integration_is_deterministic) {
  const double t = time_at_ratio(1.0, 0.05);
  const ModeValue a = integrate_mode_from_vacuum(1.0, 0.3 * H * H, H, a0, t);
  const ModeValue b = integrate_mode_from_vacuum(1.0, 0.3 * H * H, H, a0, t);
  EXPECT_EQ(a.u, b.u);
  EXPECT_EQ(a.du_dt, b.du_dt);
  // Its cost against the Hankel closed form is measured by bench/mode_function.cpp, not asserted here.
}
