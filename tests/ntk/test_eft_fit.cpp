// The EFT fit: exact recovery from noiseless dispersion data, error bars that match the scatter of noisy
// fits (pulls of unit width), and the skipped bins.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "inflanet/base/error.hpp"
#include "inflanet/ntk/eft_fit.hpp"

using namespace inflanet;

namespace {
std::vector<double> k_bins(int count) {
  std::vector<double> k(static_cast<std::size_t>(count));
  for (int b = 0; b < count; ++b) {
    k[static_cast<std::size_t>(b)] = 0.4 * b; // includes k = 0
  }
  return k;
}
} // namespace

TEST(EftFit, RecoversNoiselessParametersExactly) {
  const auto k = k_bins(14);
  std::vector<double> w2(k.size()), w2k4(k.size()), err(k.size());
  for (std::size_t b = 0; b < k.size(); ++b) {
    const double k2 = k[b] * k[b];
    w2[b] = 0.7 + 1.3 * k2;
    w2k4[b] = 0.7 + 1.3 * k2 - 0.05 * k2 * k2;
    err[b] = 0.01 * (1.0 + b);
  }
  const EftFit two = fit_eft(k, w2, err, false);
  EXPECT_EQ(two.terms, 2);
  EXPECT_NEAR(two.m_eff2, 0.7, 1e-12);
  EXPECT_NEAR(two.c_eff2, 1.3, 1e-12);
  EXPECT_LT(two.chi2_per_dof, 1e-20);
  const EftFit three = fit_eft(k, w2k4, err, true);
  EXPECT_EQ(three.terms, 3);
  EXPECT_NEAR(three.m_eff2, 0.7, 1e-11);
  EXPECT_NEAR(three.c_eff2, 1.3, 1e-11);
  EXPECT_NEAR(three.k4, -0.05, 1e-12);
  // k = 0 skipped on request, non-positive errors always: same answer
  std::vector<double> err2 = err;
  err2[3] = 0.0;
  err2[5] = -1.0;
  const EftFit skipped = fit_eft(k, w2, err2, false, true);
  EXPECT_EQ(skipped.bins_used, static_cast<int>(k.size()) - 3);
  EXPECT_NEAR(skipped.m_eff2, 0.7, 1e-12);
}

TEST(EftFit, ErrorsMatchTheScatterOfNoisyFits) {
  const auto k = k_bins(20);
  std::mt19937_64 rng(20220211);
  std::normal_distribution<double> normal(0.0, 1.0);
  const double m2 = 0.5, c2 = 0.9, d4 = 0.02;
  for (const bool with_k4 : {false, true}) {
    double pull2[3] = {0.0, 0.0, 0.0}, chi2 = 0.0;
    const int fits = 200;
    for (int f = 0; f < fits; ++f) {
      std::vector<double> w2(k.size()), err(k.size());
      for (std::size_t b = 0; b < k.size(); ++b) {
        const double k2 = k[b] * k[b];
        err[b] = 0.05 * (1.0 + 0.3 * k2); // heteroscedastic
        w2[b] = m2 + c2 * k2 + (with_k4 ? d4 * k2 * k2 : 0.0) + err[b] * normal(rng);
      }
      const EftFit fit = fit_eft(k, w2, err, with_k4);
      pull2[0] += std::pow((fit.m_eff2 - m2) / fit.m_eff2_err, 2);
      pull2[1] += std::pow((fit.c_eff2 - c2) / fit.c_eff2_err, 2);
      if (with_k4) {
        pull2[2] += std::pow((fit.k4 - d4) / fit.k4_err, 2);
      }
      chi2 += fit.chi2_per_dof;
    }
    for (int i = 0; i < (with_k4 ? 3 : 2); ++i) {
      const double width = std::sqrt(pull2[i] / fits);
      std::printf("with_k4 = %d: parameter %d pull width %.3f\n", with_k4 ? 1 : 0, i, width);
      EXPECT_NEAR(width, 1.0, 0.2);
    }
    std::printf("with_k4 = %d: mean chi2/dof %.3f\n", with_k4 ? 1 : 0, chi2 / fits);
    EXPECT_NEAR(chi2 / fits, 1.0, 0.1);
  }
}

TEST(EftFit, RefusesTooFewBinsAndMismatchedSpans) {
  const std::vector<double> k{0.0, 1.0, 2.0}, w{1.0, 2.0, 5.0}, e{1.0, 0.0, 1.0}, e3{1.0, 1.0, 1.0};
  EXPECT_THROW((void)fit_eft(k, w, std::vector<double>{1.0, 1.0}, false), InputError);
  EXPECT_THROW((void)fit_eft(k, w, e, true), InputError);
  EXPECT_THROW((void)fit_eft(k, w, e3, true, true), InputError); // k = 0 skipped: 2 bins for 3 terms
  const EftFit exact = fit_eft(k, w, e3, true);                  // no degree of freedom left
  EXPECT_TRUE(std::isnan(exact.chi2_per_dof));
  EXPECT_NEAR(exact.m_eff2, 1.0, 1e-12);
  EXPECT_THROW((void)fit_eft(std::vector<double>{1.0, 1.0, 1.0}, w, e3, false), RuntimeError);
}
