// Calibrating the loss scale: background makes c lambda(0) = V''; spectrum recovers the exact factor of a
// proportional kernel and zeroes the power-weighted mean log mismatch; bad inputs are refused; the frequency
// comparison counts the shells within the tolerance.
#include <gtest/gtest.h>

#include <cmath>

#include "inflanet/duality/calibration.hpp"

using namespace inflanet;

TEST(Calibration, NamesRoundTripAndUnknownNamesAreRefused) {
  for (const auto c : {Calibration::none, Calibration::background, Calibration::spectrum}) {
    EXPECT_EQ(calibration_from_name(calibration_name(c)), c);
  }
  EXPECT_THROW((void)calibration_from_name("both"), std::exception);
}

TEST(Calibration, BackgroundMatchesTheMeanModeToV2) {
  const double c = background_loss_scale(3.2, 0.25);
  EXPECT_NEAR(c * 3.2, 0.25, 1e-16);
  EXPECT_THROW((void)background_loss_scale(3.2, 0.0), std::exception) << "massless: nothing to match";
  EXPECT_THROW((void)background_loss_scale(0.0, 0.25), std::exception);
}

TEST(Calibration, SpectrumRecoversAProportionalKernelExactly) {
  const std::vector<double> omega2 = {0.25, 1.3, 4.1, 9.0}, counts = {1, 18, 62, 98},
                            power = {0, 2.0, 0.5, 0.1};
  std::vector<double> lambda(omega2.size());
  for (std::size_t b = 0; b < omega2.size(); ++b) {
    lambda[b] = omega2[b] / 7.5;
  }
  const double c = spectrum_loss_scale(omega2, lambda, counts, power);
  EXPECT_NEAR(c, 7.5, 1e-13);
  std::vector<double> c_lambda(lambda.size());
  for (std::size_t b = 0; b < lambda.size(); ++b) {
    c_lambda[b] = c * lambda[b];
  }
  const auto match = compare_frequencies(c_lambda, omega2);
  EXPECT_EQ(match.matched_count, 4u);
  EXPECT_LT(match.rms_log, 1e-13);
}

TEST(Calibration, SpectrumZeroesThePowerWeightedMeanLogMismatch) {
  const std::vector<double> omega2 = {0.25, 1.3, 4.1, 9.0}, lambda = {1.0, 0.2, 0.05, 0.01},
                            counts = {1, 18, 62, 98}, power = {0.0, 2.0, 0.5, 0.1};
  const double c = spectrum_loss_scale(omega2, lambda, counts, power);
  double sum = 0.0;
  for (std::size_t b = 0; b < omega2.size(); ++b) {
    sum += counts[b] * power[b] * std::log(c * lambda[b] / omega2[b]);
  }
  EXPECT_LT(std::abs(sum), 1e-12);
  const std::vector<double> none(4, 0.0);
  EXPECT_THROW((void)spectrum_loss_scale(omega2, lambda, counts, none), std::exception);
}

TEST(Calibration, FrequencyComparisonCountsShellsWithinTheTolerance) {
  const std::vector<double> c_lambda = {1.0, 1.09, 1.2, 0.0}, omega2 = {1.0, 1.0, 1.0, 1.0};
  const auto match = compare_frequencies(c_lambda, omega2, 0.1);
  EXPECT_EQ(match.matched, (std::vector<double>{1, 1, 0, 0}));
  EXPECT_EQ(match.matched_count, 2u);
  EXPECT_EQ(match.usable, 3u) << "a shell with c lambda = 0 has no log mismatch";
  EXPECT_NEAR(match.rms_log,
              std::sqrt((std::log(1.09) * std::log(1.09) + std::log(1.2) * std::log(1.2)) / 3.0), 1e-15);
  EXPECT_EQ(describe_matched(match), "2 of 4 shells within 10% (shells 0-1)");
}
