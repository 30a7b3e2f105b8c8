// The dictionary of physics.md §5: its formulas, the cosmology -> network -> cosmology round trip, and the
// refusals.
#include <gtest/gtest.h>

#include <cmath>

#include "inflanet/base/error.hpp"
#include "inflanet/duality/dictionary.hpp"

using namespace inflanet;

TEST(DualityDictionary, FromCosmologyFollowsTheTable) {
  const auto d = Dictionary::from_cosmology(0.5, 0.02);
  EXPECT_DOUBLE_EQ(d.eta, 0.02 * 0.02);
  EXPECT_DOUBLE_EQ(d.beta, std::exp(-3.0 * 0.5 * 0.02));
  EXPECT_DOUBLE_EQ(d.gamma, 1.5);
  EXPECT_DOUBLE_EQ(d.rho_lambda, 0.75);
  EXPECT_DOUBLE_EQ(d.h, 0.02);
}

TEST(DualityDictionary, RoundTripsCosmologyNetworkCosmology) {
  for (const double hubble : {0.0, 1e-3, 0.3, 1.0, 7.5}) {
    for (const double h : {1e-3, 0.01, 0.1, 0.0123456789}) {
      const auto c = Dictionary::from_cosmology(hubble, h);
      const auto n = Dictionary::from_network(c.eta, c.beta);
      EXPECT_NEAR(n.hubble, hubble, 1e-12 * std::max(1.0, hubble)) << hubble << " " << h;
      // The step comes back to the bit: in binary floating point the square root of a rounded square is
      // the number itself, so h and sqrt(h * h) are one time step.
      EXPECT_EQ(n.h, h);
      EXPECT_NEAR(n.gamma, c.gamma, 1e-12 * std::max(1.0, c.gamma));
      EXPECT_NEAR(n.rho_lambda, c.rho_lambda, 1e-11 * std::max(1.0, c.rho_lambda));
      // and back again from the network's side
      const auto back = Dictionary::from_cosmology(n.hubble, n.h);
      EXPECT_NEAR(back.beta, c.beta, 1e-15);
      EXPECT_NEAR(back.eta, c.eta, 1e-15 * c.eta);
    }
  }
}

TEST(DualityDictionary, FromNetworkGivesFrictionAndVacuumEnergy) {
  const auto d = Dictionary::from_network(1e-2, 0.9);
  EXPECT_DOUBLE_EQ(d.gamma, -std::log(0.9) / 0.1);
  EXPECT_DOUBLE_EQ(d.hubble, d.gamma / 3.0);
  EXPECT_NEAR(d.rho_lambda, std::log(0.9) * std::log(0.9) / (3.0 * 1e-2), 1e-14);
  const auto still = Dictionary::from_network(1e-2, 1.0);
  EXPECT_EQ(still.hubble, 0.0);
  EXPECT_EQ(still.gamma, 0.0);
}

TEST(DualityDictionary, RefusesUnphysicalParameters) {
  EXPECT_THROW((void)Dictionary::from_network(1e-2, 0.0), InputError);
  EXPECT_THROW((void)Dictionary::from_network(1e-2, 1.01), InputError);
  EXPECT_THROW((void)Dictionary::from_network(1e-2, -0.5), InputError);
  EXPECT_THROW((void)Dictionary::from_network(0.0, 0.9), InputError);
  EXPECT_THROW((void)Dictionary::from_network(-1.0, 0.9), InputError);
  EXPECT_THROW((void)Dictionary::from_network(std::nan(""), 0.9), InputError);
  EXPECT_THROW((void)Dictionary::from_cosmology(-0.1, 0.01), InputError);
  EXPECT_THROW((void)Dictionary::from_cosmology(1.0, 0.0), InputError);
  EXPECT_THROW((void)Dictionary::from_cosmology(1.0, -0.1), InputError);
}

TEST(DualityDictionary, DescribeListsEveryKeyAsCommentLines) {
  const std::string text = Dictionary::from_cosmology(1.0, 0.01).describe();
  for (const char* key : {"hubble = ", "step = ", "eta = ", "beta = ", "gamma = ", "rho_lambda = "}) {
    EXPECT_NE(text.find(std::string("#   ") + key), std::string::npos) << key << "\n" << text;
  }
  std::size_t lines = 1;
  for (char c : text) {
    lines += c == '\n';
  }
  EXPECT_EQ(lines, 6u);
  EXPECT_NE(text.back(), '\n');
}
