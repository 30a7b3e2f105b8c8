// Today's gravitational-wave spectrum (present_day_spectrum.hpp): the radiation-from-the-end case against an
// independent evaluation of the published formula, the redshift factors of a w-era against their closed
// forms, invariance under a change of program units, monotonicity, and the refusal of unphysical inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "inflanet/gravitational_waves/present_day_spectrum.hpp"

using namespace inflanet;

namespace {

constexpr double planck_GeV = 2.435e18;

// A preheating-like end state in reduced Planck units (energy_GeV = field_GeV = M_p).
struct EndState {
  std::vector<double> k{0.0, 3.0e-6, 1.2e-5};
  std::vector<double> omega{0.0, 4.0e-10, 7.5e-9};
  double a = 37.5, rho = 2.0e-13, energy_GeV = planck_GeV, field_GeV = planck_GeV;
  [[nodiscard]] PresentDaySpectrum today(const LateUniverse& late) const {
    return present_day_spectrum(k, omega, a, rho, energy_GeV, field_GeV, late);
  }
};

} // namespace

TEST(PresentDaySpectrum, RadiationFromTheEndMatchesAnIndependentEvaluationOfThePublishedFormula) {
  // Dufaux et al. (arXiv:0707.0875) with entropy conservation from the end (a_e / a_0 = (g_s0/g_*)^{1/3}
  // T_0 / T_e, rho_e = (pi^2/30) g_* T_e^4): f = k a_e / (2 pi a_0 a_e) and h^2 Omega_0 = Omega_e rho_e
  // (a_e/a_0)^4 / (rho_c0/h^2), evaluated with scipy.constants' CODATA values (SI, converted to GeV):
  //   GeV=1e9*c.e; hbar=c.hbar/GeV; T0=2.7255*c.k/GeV; Mp=sqrt(c.hbar*c.c/(8*pi*c.G))*c.c**2/GeV
  //   H100=100e3/(1e6*c.parsec)*hbar; rhoc=3*H100**2*Mp**2; gs0=2+7/8*2*3*4/11; g=106.75
  //   rhoe=2e-13*M**4 (M=2.435e18); Te=(30*rhoe/(pi**2*g))**0.25; r=(gs0/g)**(1/3)*T0/Te
  //   f=k*M/37.5*r/(2*pi)/hbar; h2=omega*rhoe*r**4/rhoc
  const EndState end;
  const PresentDaySpectrum today = end.today(LateUniverse{});
  const std::vector<double> f_expected{0.0, 5491974.138817131, 21967896.555268522};
  const std::vector<double> h2_expected{0.0, 6.42039151368309e-15, 1.2038234088155791e-13};
  ASSERT_EQ(today.frequency_Hz.size(), 3u);
  ASSERT_EQ(today.h2_omega_gw.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    // CODATA 2018 (scipy) against PDG 2022 (the code): the constants agree to a few 1e-7.
    EXPECT_NEAR(today.frequency_Hz[i], f_expected[i], 2e-6 * f_expected[i]) << i;
    EXPECT_NEAR(today.h2_omega_gw[i], h2_expected[i], 2e-6 * h2_expected[i]) << i;
  }
  // The conversion's two factors in the published numbers: f = 4.59e10 Hz k_e / rho_e^{1/4} and
  // h^2 Omega_0 = 1.605e-5 Omega_e at g_* = 106.75 (the header's derivation).
  const PresentDayConversion unit = present_day_conversion(1.0, 1.0, 1.0, 1.0, LateUniverse{});
  EXPECT_NEAR(unit.hz_per_k, 4.5909e10, 1e-4 * 4.5909e10);
  EXPECT_NEAR(unit.h2_omega_per_omega, 1.6051e-5, 1e-4 * 1.6051e-5);
}

TEST(PresentDaySpectrum, RadiationEraOfAnyLengthEqualsNone) {
  // w = 1/3: the era after the run is radiation already, so its length changes nothing, exactly.
  const EndState end;
  const PresentDaySpectrum none = end.today(LateUniverse{});
  for (const double n : {0.5, 7.0, 40.0}) {
    const PresentDaySpectrum era = end.today(LateUniverse{.w = 1.0 / 3.0, .efolds = n});
    EXPECT_EQ(era.frequency_Hz, none.frequency_Hz) << n;
    EXPECT_EQ(era.h2_omega_gw, none.h2_omega_gw) << n;
  }
}

TEST(PresentDaySpectrum, MatterEraDividesAmplitudeByENAndFrequencyByENOverFour) {
  // w = 0 for N e-folds: rho_GW / rho_matter falls as a^{-1}, so h^2 Omega_0 / e^{N}; rho_r = rho_e e^{-3N}
  // puts a_0 / a_e up by e^{N} / e^{3N/4}, so f / e^{N/4}.
  const EndState end;
  const PresentDaySpectrum none = end.today(LateUniverse{});
  for (const double n : {1.0, 3.0, 12.5}) {
    const PresentDaySpectrum era = end.today(LateUniverse{.w = 0.0, .efolds = n});
    for (std::size_t i = 1; i < 3; ++i) {
      EXPECT_NEAR(era.h2_omega_gw[i] / none.h2_omega_gw[i], std::exp(-n), 1e-14 * std::exp(-n)) << n;
      EXPECT_NEAR(era.frequency_Hz[i] / none.frequency_Hz[i], std::exp(-n / 4), 1e-14 * std::exp(-n / 4))
          << n;
    }
  }
  // The N = 3 case against the same independent evaluation as above (a_r = a_e e^3, rho_r = rho_e e^-9).
  const PresentDaySpectrum three = end.today(LateUniverse{.w = 0.0, .efolds = 3.0});
  EXPECT_NEAR(three.frequency_Hz[2], 10376899.566783402, 2e-6 * 10376899.566783402);
  EXPECT_NEAR(three.h2_omega_gw[2], 5.993483835753621e-15, 2e-6 * 5.993483835753621e-15);
}

TEST(PresentDaySpectrum, KinationEnhancesAmplitudeByETwoNAndFrequencyByENOverTwo) {
  // w = 1: rho_GW / rho_kin grows as a^{2}; f rises by e^{-N(1-3)/4} = e^{N/2}.
  const EndState end;
  const PresentDaySpectrum none = end.today(LateUniverse{});
  const PresentDaySpectrum era = end.today(LateUniverse{.w = 1.0, .efolds = 2.0});
  EXPECT_NEAR(era.h2_omega_gw[2] / none.h2_omega_gw[2], std::exp(4.0), 1e-14 * std::exp(4.0));
  EXPECT_NEAR(era.frequency_Hz[2] / none.frequency_Hz[2], std::exp(1.0), 1e-14 * std::exp(1.0));
}

TEST(PresentDaySpectrum, SamePhysicalStateInOtherProgramUnitsGivesTheSameSpectrum) {
  // Halve the energy unit and scale the field unit by 3: the same physical k_e = k E / a and rho_e = rho F^2
  // E^2 need k * 2 and rho * 4 / 9; today's spectrum must not change (beyond rounding).
  const EndState end;
  EndState other = end;
  other.energy_GeV = end.energy_GeV / 2.0;
  other.field_GeV = end.field_GeV * 3.0;
  for (double& k : other.k)
    k *= 2.0;
  other.rho = end.rho * 4.0 / 9.0;
  const PresentDaySpectrum a = end.today(LateUniverse{}), b = other.today(LateUniverse{});
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(b.frequency_Hz[i], a.frequency_Hz[i], 1e-14 * a.frequency_Hz[i]) << i;
    EXPECT_NEAR(b.h2_omega_gw[i], a.h2_omega_gw[i], 1e-14 * a.h2_omega_gw[i]) << i;
  }
}

TEST(PresentDaySpectrum, FrequencyGrowsWithKAndFallsWithAAndRhoAmplitudeIgnoresThem) {
  const EndState end;
  const PresentDaySpectrum base = end.today(LateUniverse{});
  EXPECT_LT(base.frequency_Hz[0], base.frequency_Hz[1]);
  EXPECT_LT(base.frequency_Hz[1], base.frequency_Hz[2]);
  EXPECT_NEAR(base.frequency_Hz[2] / base.frequency_Hz[1], 4.0, 1e-14); // linear in k
  EXPECT_EQ(base.frequency_Hz[0], 0.0);
  EXPECT_EQ(base.h2_omega_gw[0], 0.0);

  EndState later = end;
  later.a = 2.0 * end.a;      // the same comoving k is redder by 2
  later.rho = 16.0 * end.rho; // and, at 16 times the energy density, a_0/a_e larger by 2
  const PresentDaySpectrum redder = later.today(LateUniverse{});
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_NEAR(redder.frequency_Hz[i], base.frequency_Hz[i] / 4.0, 1e-14 * base.frequency_Hz[i]) << i;
    // rho_e (a_e / a_0)^4 is independent of rho_e: the amplitude depends on Omega_e and the history only.
    EXPECT_NEAR(redder.h2_omega_gw[i], base.h2_omega_gw[i], 1e-14 * base.h2_omega_gw[i]) << i;
  }
  // More degrees of freedom: more entropy to share, so fainter (g^{-1/3}) and redder (g^{-1/12}).
  const PresentDaySpectrum more = end.today(LateUniverse{.g_star = 2.0 * 106.75});
  EXPECT_NEAR(more.h2_omega_gw[2] / base.h2_omega_gw[2], std::pow(2.0, -1.0 / 3.0), 1e-14);
  EXPECT_NEAR(more.frequency_Hz[2] / base.frequency_Hz[2], std::pow(2.0, -1.0 / 12.0), 1e-14);
}

namespace {

// The error's quantity and that its message speaks physics, not deck keys.
void expect_refused(PresentDayQuantity quantity, const auto& call) {
  try {
    call();
    ADD_FAILURE() << "not refused";
  } catch (const PresentDayInputError& e) {
    EXPECT_EQ(e.quantity(), quantity) << e.what();
    EXPECT_EQ(e.status(), ExitStatus::invalid_input);
    const std::string what = e.what();
    for (const char* key :
         {"units.", "gravitational_waves.", "energy_GeV", "field_GeV", "efolds", "g_star"}) {
      EXPECT_EQ(what.find(key), std::string::npos) << what;
    }
  }
}

} // namespace

TEST(PresentDaySpectrum, UnphysicalInputsAreRefusedInPhysicsTerms) {
  const EndState e;
  using Q = PresentDayQuantity;
  const auto with = [&](LateUniverse late) { return [&e, late] { (void)e.today(late); }; };
  expect_refused(Q::efolds, with(LateUniverse{.efolds = -0.1}));
  expect_refused(Q::efolds, with(LateUniverse{.efolds = NAN}));
  expect_refused(Q::equation_of_state, with(LateUniverse{.w = -1.0 / 3.0, .efolds = 1.0}));
  expect_refused(Q::equation_of_state, with(LateUniverse{.w = -0.9}));
  expect_refused(Q::equation_of_state, with(LateUniverse{.w = 1.0000001}));
  expect_refused(Q::equation_of_state, with(LateUniverse{.w = NAN}));
  expect_refused(Q::g_star, with(LateUniverse{.g_star = 0.0}));
  const auto spectrum = [&](std::vector<double> k, std::vector<double> om, double a, double rho, double E,
                            double F) {
    return [=] { (void)present_day_spectrum(k, om, a, rho, E, F, LateUniverse{}); };
  };
  expect_refused(Q::energy_scale, spectrum(e.k, e.omega, e.a, e.rho, 0.0, 1.0));
  expect_refused(Q::energy_scale, spectrum(e.k, e.omega, e.a, e.rho, -1.0, 1.0));
  expect_refused(Q::field_scale, spectrum(e.k, e.omega, e.a, e.rho, 1.0, 0.0));
  expect_refused(Q::field_scale, spectrum(e.k, e.omega, e.a, e.rho, 1.0, INFINITY));
  expect_refused(Q::scale_factor, spectrum(e.k, e.omega, 0.0, e.rho, 1.0, 1.0));
  expect_refused(Q::energy_density, spectrum(e.k, e.omega, e.a, -1.0, 1.0, 1.0));
  expect_refused(Q::spectrum, spectrum({1.0, 2.0}, {1.0}, e.a, e.rho, 1.0, 1.0));
  expect_refused(Q::spectrum, spectrum({1.0, -2.0}, {1.0, 1.0}, e.a, e.rho, 1.0, 1.0));
  expect_refused(Q::spectrum, spectrum({1.0, 2.0}, {1.0, -1e-30}, e.a, e.rho, 1.0, 1.0));
  expect_refused(Q::spectrum, spectrum({1.0, 2.0}, {NAN, 1.0}, e.a, e.rho, 1.0, 1.0));
}
