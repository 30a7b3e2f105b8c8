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

TEST(KernelFits, PowerLawRecoversItsExponentAndIsPreferredOnlyWhereItFits) {
  // A k^-p tail with a finite k = 0 value (the kernel of a smooth activation on the torus at long
  // wavelengths): the power law fits the k > 0 shells exactly and wins the comparison.
  const std::vector<double> k = {0.0, 0.4, 0.7, 1.0, 1.3, 1.6, 1.9, 2.2, 2.5};
  std::vector<double> omega2;
  for (const double x : k) {
    omega2.push_back(x > 0.0 ? 0.03 * std::pow(x, -4.5) : 2.0);
  }
  const auto power = fit_power_law_kernel(k, omega2);
  EXPECT_EQ(power.shells, 8) << "k = 0 is not on a power law";
  EXPECT_NEAR(power.exponent, -4.5, 1e-12);
  EXPECT_NEAR(power.log_amplitude, std::log(0.03), 1e-12);
  EXPECT_LT(power.rms_relative, 1e-12);
  const auto forms = compare_kernel_forms(k, omega2, true);
  EXPECT_EQ(forms.preferred, "power_law");
  EXPECT_GT(forms.decaying, 0.1);
  EXPECT_GT(forms.eft, 0.1);

  // The same comparison hands each exact form to itself.
  std::vector<double> quadratic, exponential;
  for (const double x : k) {
    quadratic.push_back(0.25 + 1.5 * x * x);
    exponential.push_back(2.0 * std::exp(-3.1 * x));
  }
  EXPECT_EQ(compare_kernel_forms(k, quadratic, false).preferred, "eft");
  EXPECT_EQ(compare_kernel_forms(k, exponential, false).preferred, "decaying");
}

TEST(KernelFits, AFormWithNoDegreeOfFreedomLeftIsNotACandidate) {
  // Three long-wavelength shells (M = 8): two with k > 0, which any power law passes through exactly.
  const std::vector<double> k = {0.0, 0.785, 1.11};
  const std::vector<double> omega2 = {1.0, 0.1, 0.02};
  const auto forms = compare_kernel_forms(k, omega2, false);
  EXPECT_TRUE(std::isnan(forms.power_law));
  EXPECT_TRUE(std::isfinite(forms.eft));
  EXPECT_TRUE(std::isfinite(forms.decaying));
  EXPECT_NE(forms.preferred, "power_law");
}
