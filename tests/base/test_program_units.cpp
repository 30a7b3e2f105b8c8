// ProgramUnits (include/inflanet/base/program_units.hpp): the SI factors of the program units against
// values computed by hand from CODATA/PDG, the conversions GeV -> Hz, 1/GeV -> s and m, the Planck mass in
// field units, and the unit names each run kind gives its outputs and deck docs.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "inflanet/base/program_units.hpp"

using inflanet::PhysicalScale;
using inflanet::ProgramUnits;
namespace quantity = inflanet::quantity;
namespace constants = inflanet::constants;

TEST(ProgramUnits, ConversionsFollowHbarAndHbarC) {
  // 1 GeV: omega = E / hbar = 1.519 267 447e24 1/s; f = omega / 2 pi = 2.417 989 242e23 Hz (CODATA 2018
  // lists 1 eV = 2.417 989 242e14 Hz).
  EXPECT_NEAR(inflanet::angular_frequency_per_s(1.0) / 1.519267447e24, 1.0, 1e-9);
  EXPECT_NEAR(inflanet::hertz(1.0) / 2.417989242e23, 1.0, 1e-9);
  EXPECT_NEAR(inflanet::seconds(1.0) / 6.582119569e-25, 1.0, 1e-12);
  EXPECT_NEAR(inflanet::metres(1.0) / 1.973269804e-16, 1.0, 1e-9);
  EXPECT_NEAR(constants::kilogram_per_GeV / 1.782661921e-27, 1.0, 1e-9);
  // hbar c / hbar = c, exact in the SI.
  EXPECT_NEAR(constants::hbar_c_GeV_m / constants::hbar_GeV_s / 299792458.0, 1.0, 1e-15);
  // GeV/c^2 in kg times c^2 is the GeV in J.
  EXPECT_NEAR(constants::kilogram_per_GeV * 299792458.0 * 299792458.0 / constants::joule_per_GeV, 1.0, 1e-9);
}

TEST(ProgramUnits, SIFactorsOfAPlanckScaleRun) {
  const PhysicalScale mp = ProgramUnits::planck().scale.value();
  // 1/M_p = 2.703e-43 s = 8.104e-35 m (hbar / 2.435e18 GeV, hbar c / 2.435e18 GeV).
  EXPECT_NEAR(mp.si_factor(quantity::time) / 2.70313e-43, 1.0, 1e-5);
  EXPECT_NEAR(mp.si_factor(quantity::length) / 8.10378e-35, 1.0, 1e-5);
  EXPECT_DOUBLE_EQ(mp.si_factor(quantity::time), mp.seconds());
  EXPECT_DOUBLE_EQ(mp.si_factor(quantity::length), mp.metres());
  EXPECT_NEAR(mp.si_factor(quantity::wavenumber) * mp.metres(), 1.0, 1e-12);
  EXPECT_NEAR(mp.si_factor(quantity::rate) * mp.seconds(), 1.0, 1e-12);
  // A field of 1 M_p as an energy: 2.435e18 GeV = 3.9013e8 J.
  EXPECT_NEAR(mp.si_factor(quantity::field) / (2.435e18 * 1.602176634e-10), 1.0, 1e-12);
  EXPECT_NEAR(mp.si_factor(quantity::field_rate) / (mp.si_factor(quantity::field) / mp.seconds()), 1.0,
              1e-12);
  // M_p^4 as an energy density: E^4 / (hbar c)^3 in J/m^3 = 2.0852e110 J/m^3 (the Planck-scale density).
  const double expected = std::pow(2.435e18, 4) * 1.602176634e-10 / std::pow(1.973269804e-16, 3);
  EXPECT_NEAR(mp.si_factor(quantity::energy_density) / expected, 1.0, 1e-9);
  EXPECT_EQ(mp.si_factor(quantity::dimensionless), 1.0);
  EXPECT_DOUBLE_EQ(mp.planck_mass(), 1.0);
  for (const auto& q :
       {quantity::time, quantity::length, quantity::wavenumber, quantity::rate, quantity::rate_squared,
        quantity::field, quantity::field_squared, quantity::field_rate, quantity::field_rate_squared,
        quantity::energy_density, quantity::field_spectrum, quantity::field_rate_spectrum}) {
    EXPECT_EQ(q.energy_power + q.field_power, q.si.natural_power());
  }
  EXPECT_EQ(quantity::energy_density.si.open_pmd(), (std::array<double, 7>{-1, 1, -2, 0, 0, 0, 0}));
  // P(k) of a field of F = M_p in a box of 1/M_p: (F in J)^2 (1/M_p in m)^3.
  EXPECT_NEAR(mp.si_factor(quantity::field_spectrum) /
                  (std::pow(mp.si_factor(quantity::field), 2) * std::pow(mp.metres(), 3)),
              1.0, 1e-9);
}

TEST(ProgramUnits, PlanckMassInFieldUnitsIsMpOverTheFieldScale) {
  const PhysicalScale s{1e13, 1e16};
  EXPECT_DOUBLE_EQ(s.planck_mass(), 2.435e18 / 1e16);
  EXPECT_DOUBLE_EQ(ProgramUnits::hubble(s).planck_mass(), 243.5);
  EXPECT_DOUBLE_EQ(ProgramUnits::hubble().planck_mass(), 1.0);
}

TEST(ProgramUnits, EachRunKindNamesItsOwnUnits) {
  const ProgramUnits hubble = ProgramUnits::hubble(), planck = ProgramUnits::planck();
  EXPECT_EQ(hubble.name(quantity::time), "1/H");
  EXPECT_EQ(hubble.name(quantity::energy_density), "H^2 M_p^2");
  EXPECT_EQ(hubble.name(quantity::field_rate), "H M_p");
  EXPECT_EQ(hubble.name(quantity::dimensionless), "1");
  EXPECT_EQ(hubble.name(-1, 1), "M_p/H");
  EXPECT_EQ(hubble.name(-1, -1), "1/(H M_p)");
  EXPECT_EQ(planck.name(quantity::time), "1/M_p");
  EXPECT_EQ(planck.name(quantity::energy_density), "M_p^4");
  EXPECT_EQ(planck.name(quantity::field_rate), "M_p^2");
  EXPECT_EQ(planck.name(quantity::rate_squared), "M_p^2");
}

TEST(ProgramUnits, RelabelRenamesTheSchemasBracketedUnits) {
  const ProgramUnits planck = ProgramUnits::planck();
  EXPECT_EQ(planck.relabel("final cosmic time [1/H]"), "final cosmic time [1/M_p]");
  EXPECT_EQ(planck.relabel("V0 [H^2 M_p^2], f [M_p], m [H]"), "V0 [M_p^4], f [M_p], m [M_p]");
  EXPECT_EQ(planck.relabel("rho_lambda; unset = 0 [M_p^2 H^2]"), "rho_lambda; unset = 0 [M_p^4]");
  EXPECT_EQ(planck.relabel("dV [H^2 M_p]; d2V [H^2]; phidot [H M_p]"),
            "dV [M_p^3]; d2V [M_p^2]; phidot [M_p^2]");
  EXPECT_EQ(planck.relabel("the step in eta [1/H for alpha = 0]"), "the step in eta [1/M_p for alpha = 0]");
  EXPECT_EQ(planck.relabel("g^2 [dimensionless], every [steps], [no unit] H"),
            "g^2 [dimensionless], every [steps], [no unit] H");
  EXPECT_EQ(planck.relabel("open [1/H"), "open [1/H");
  // The schema's own convention is kept byte for byte.
  const std::string text = "[1/H] [H^2 M_p^2] [M_p^2 H^2] [1/H for alpha = 0]";
  EXPECT_EQ(ProgramUnits::hubble().relabel(text), text);
  const ProgramUnits own{"E", "M_p", PhysicalScale{1e13, 2.435e18}};
  EXPECT_EQ(own.relabel("[1/H] [H^2 M_p^2]"), "[1/E] [E^2 M_p^2]");
}
