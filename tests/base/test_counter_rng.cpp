// Counter-based generator: Philox4x32-10 known answers, determinism, Gaussian moments, independence.
#include "inflanet/base/counter_rng.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace inflanet;

TEST(CounterRng, philox_known_answer_vectors) {
  // Random123 kat_vectors, philox4x32 with 10 rounds.
  using A4 = std::array<std::uint32_t, 4>;
  using A2 = std::array<std::uint32_t, 2>;
  EXPECT_EQ(philox4x32_10(A4{0, 0, 0, 0}, A2{0, 0}),
            (A4{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(
      philox4x32_10(A4{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, A2{0xffffffffu, 0xffffffffu}),
      (A4{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(
      philox4x32_10(A4{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, A2{0xa4093822u, 0x299f31d0u}),
      (A4{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
  static_assert(philox4x32_10({0, 0, 0, 0}, {0, 0})[0] == 0x6627e8d5u, "usable at compile time");
}

TEST(CounterRng, pure_function_of_seed_index_stream) {
  const CounterRng a(12345), b(12345), c(12346);
  EXPECT_EQ(a.uniforms(77, 3), b.uniforms(77, 3));
  EXPECT_EQ(a.complex_gaussian(1ull << 40, 1), b.complex_gaussian(1ull << 40, 1));
  EXPECT_NE(a.uniforms(77, 3), c.uniforms(77, 3));
  EXPECT_NE(a.uniforms(77, 3), a.uniforms(77, 4));
  EXPECT_NE(a.uniforms(77, 3), a.uniforms(78, 3));
  EXPECT_NE(a.uniforms(1), a.uniforms(1ull + (1ull << 32))); // the high index word matters
  // order of calls does not matter (no hidden state)
  const auto later = a.complex_gaussian(5);
  (void)a.complex_gaussian(6);
  EXPECT_EQ(a.complex_gaussian(5), later);
}

TEST(CounterRng, uniforms_in_open_interval) {
  EXPECT_GT(CounterRng::to_open_unit(0, 0), 0.0);
  EXPECT_EQ(CounterRng::to_open_unit(0, 0), 0x1.0p-53);
  EXPECT_LT(CounterRng::to_open_unit(0xffffffffu, 0xffffffffu), 1.0);
  EXPECT_EQ(CounterRng::to_open_unit(0xffffffffu, 0xffffffffu), 1.0 - 0x1.0p-53); // symmetric ends
  const CounterRng rng(7);
  double sum = 0, sum2 = 0;
  const int n = 250000;
  for (int i = 0; i < n; ++i)
    for (double u : rng.uniforms(i)) {
      ASSERT_GT(u, 0.0);
      ASSERT_LT(u, 1.0);
      sum += u;
      sum2 += u * u;
    }
  const double mean = sum / (4.0 * n), var = sum2 / (4.0 * n) - mean * mean;
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12.0 / (4.0 * n)));
  EXPECT_NEAR(var, 1.0 / 12.0, 5 * std::sqrt(1.0 / 180.0 / (4.0 * n)));
}

TEST(CounterRng, gaussian_moments_within_statistical_bounds) {
  const CounterRng rng(2024);
  const int n = 1000000;
  double sr = 0, si = 0, srr = 0, sii = 0, sri = 0, s4 = 0;
  for (int i = 0; i < n; ++i) {
    const auto z = rng.complex_gaussian(i);
    sr += z.real();
    si += z.imag();
    srr += z.real() * z.real();
    sii += z.imag() * z.imag();
    sri += z.real() * z.imag();
    s4 += std::norm(z) * std::norm(z);
  }
  const double N = n;
  // 5-sigma bounds: sd(mean of x) = sqrt(1/2 / N); sd(mean of x^2) = sqrt(Var(x^2)/N), Var(x^2) = 2 (1/2)^2.
  EXPECT_NEAR(sr / N, 0.0, 5 * std::sqrt(0.5 / N));
  EXPECT_NEAR(si / N, 0.0, 5 * std::sqrt(0.5 / N));
  EXPECT_NEAR(srr / N, 0.5, 5 * std::sqrt(0.5 / N));
  EXPECT_NEAR(sii / N, 0.5, 5 * std::sqrt(0.5 / N));
  EXPECT_NEAR(sri / N, 0.0, 5 * std::sqrt(0.25 / N));
  // <|z|^4> = 2 for an exponential |z|^2 of mean 1 (Var(|z|^4) = 24 - 4 = 20).
  EXPECT_NEAR(s4 / N, 2.0, 5 * std::sqrt(20.0 / N));
}

TEST(CounterRng, neighbouring_indices_and_streams_uncorrelated) {
  const CounterRng rng(99);
  const int n = 500000;
  double c_index = 0, c_stream = 0, c_lag = 0;
  for (int i = 0; i < n; ++i) {
    const auto z0 = rng.complex_gaussian(i), z1 = rng.complex_gaussian(i + 1);
    const auto s1 = rng.complex_gaussian(i, 1);
    c_index += (z0 * std::conj(z1)).real();
    c_stream += (z0 * std::conj(s1)).real();
    c_lag += z0.real() * z1.imag();
  }
  // Each product has variance 1/2 (Re(z0 z1*)) or 1/4; 5-sigma bounds.
  EXPECT_NEAR(c_index / n, 0.0, 5 * std::sqrt(0.5 / n));
  EXPECT_NEAR(c_stream / n, 0.0, 5 * std::sqrt(0.5 / n));
  EXPECT_NEAR(c_lag / n, 0.0, 5 * std::sqrt(0.25 / n));
  double cu = 0;
  for (int i = 0; i < n; ++i) {
    const auto u = rng.uniforms(i), v = rng.uniforms(i + 1);
    cu += (u[0] - 0.5) * (u[3] - 0.5) + (u[1] - 0.5) * (v[1] - 0.5);
  }
  EXPECT_NEAR(cu / n, 0.0, 5 * std::sqrt(2.0 / 144.0 / n));
}
