// The two descriptions of a dispersion relation: each recovers its own exact form (the EFT with k = 0
// included), and the preferred form is the one that fits.
#include <gtest/gtest.h>

#include <cmath>

#include "inflanet/duality/kernel_fits.hpp"

using namespace inflanet;

TEST(KernelFits, DecayingFormRecoversAnExponentialExactly) {
  const std::vector<double> k = {0.0, 0.4, 0.7, 1.0, 1.3, 1.6};
  std::vector<double> omega2;
  for (const double x : k) {
    omega2.push_back(2.0 * std::exp(-3.1 * x));
  }
  const auto fit = fit_decaying_kernel(k, omega2);
  EXPECT_NEAR(fit.slope, -3.1, 1e-12);
  EXPECT_NEAR(fit.log_amplitude, std::log(2.0), 1e-12);
  EXPECT_LT(fit.rms_relative, 1e-12);
  const auto eft = fit_eft_relative(k, omega2, false);
  EXPECT_GT(eft.rms_relative, 1e-2);
  EXPECT_EQ(preferred_kernel_form(eft, fit), "decaying");
}

TEST(KernelFits, RelativeEftRecoversAQuadraticWithTheZeroModeIncluded) {
  const std::vector<double> k = {0.0, 0.4, 0.7, 1.0, 1.3};
  std::vector<double> omega2;
  for (const double x : k) {
    omega2.push_back(0.25 + 1.5 * x * x);
  }
  const auto eft = fit_eft_relative(k, omega2, false);
  EXPECT_EQ(eft.fit.bins_used, 5) << "k = 0 enters with its exact value";
  EXPECT_NEAR(eft.fit.m_eff2, 0.25, 1e-12);
  EXPECT_NEAR(eft.fit.c_eff2, 1.5, 1e-12);
  EXPECT_LT(eft.rms_relative, 1e-12);
  EXPECT_EQ(preferred_kernel_form(eft, fit_decaying_kernel(k, omega2)), "eft");
}
