#pragma once
/// \file
/// \brief Counter-based random numbers (Philox4x32-10, Salmon et al., SC'11 / Random123): every draw is a
/// pure function of (seed, index, stream), so a field drawn mode by mode is bit-identical for any number
/// of MPI ranks and any loop order or threading.

#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>

namespace inflanet {

/// \brief One Philox4x32 block: 10 rounds of the Random123 reference algorithm (multipliers 0xD2511F53,
/// 0xCD9E8D57; Weyl key increments 0x9E3779B9, 0xBB67AE85). Checked against the Random123 known-answer
/// vectors in tests/field/test_counter_rng.cpp.
[[nodiscard]] constexpr std::array<std::uint32_t, 4>
philox4x32_10(std::array<std::uint32_t, 4> ctr, std::array<std::uint32_t, 2> key) noexcept {
  constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
  constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) { // key schedule: bump before every round but the first
      key[0] += w0;
      key[1] += w1;
    }
    const std::uint64_t p0 = static_cast<std::uint64_t>(m0) * ctr[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(m1) * ctr[2];
    const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    ctr = {hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0};
  }
  return ctr;
}

/// \brief Stateless generator keyed by a 64-bit seed. Counter layout of one block:
/// {index low 32 bits, index high 32 bits, stream, block tag}; key = {seed low, seed high}.
/// Block tags: 0 and 1 feed uniforms(), 2 feeds complex_gaussian(), so the two never share bits.
class CounterRng {
public:
  explicit constexpr CounterRng(std::uint64_t seed) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)} {}

  /// \brief Raw 128 random bits for (index, stream, tag).
  [[nodiscard]] constexpr std::array<std::uint32_t, 4> block(std::uint64_t index, std::uint32_t stream,
                                                             std::uint32_t tag) const noexcept {
    return philox4x32_10(
        {static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), stream, tag}, key_);
  }

  /// \brief Four independent uniforms in the open interval (0, 1): u = (n + 1/2) 2^-52 with n a uniform
  /// 52-bit integer, i.e. the odd multiples of 2^-53. Every value is exactly representable (a 53-bit
  /// significand), the set is symmetric (u and 1 - u equally likely) and never 0 or 1, so log(u) is
  /// always finite. (With 53 random bits the half offset would round, and the top value to exactly 1.)
  [[nodiscard]] std::array<double, 4> uniforms(std::uint64_t index, std::uint32_t stream = 0) const noexcept {
    const auto b0 = block(index, stream, 0);
    const auto b1 = block(index, stream, 1);
    return {to_open_unit(b0[0], b0[1]), to_open_unit(b0[2], b0[3]), to_open_unit(b1[0], b1[1]),
            to_open_unit(b1[2], b1[3])};
  }

  /// \brief A complex Gaussian z with <z> = 0, <|z|^2> = 1 (real and imaginary parts independent, each of
  /// variance 1/2), by Box-Muller: z = sqrt(-ln u1) e^{2 pi i u2}. |z|^2 is then an exponential variate
  /// of mean 1 and arg z is uniform, as needed for Gaussian random fields.
  [[nodiscard]] std::complex<double> complex_gaussian(std::uint64_t index, std::uint32_t stream = 0) const {
    const auto b = block(index, stream, 2);
    const double u1 = to_open_unit(b[0], b[1]);
    const double u2 = to_open_unit(b[2], b[3]);
    return std::polar(std::sqrt(-std::log(u1)), 2.0 * std::numbers::pi * u2);
  }

  /// \brief ((hi:lo >> 12) + 1/2) 2^-52, computed exactly as (2 n + 1) 2^-53: a uniform double in (0, 1)
  /// from two 32-bit words (the top 52 bits are used).
  [[nodiscard]] static constexpr double to_open_unit(std::uint32_t lo, std::uint32_t hi) noexcept {
    const std::uint64_t n = (static_cast<std::uint64_t>(hi) << 32 | lo) >> 12;
    return static_cast<double>(2 * n + 1) * 0x1.0p-53;
  }

private:
  std::array<std::uint32_t, 2> key_;
};

} // namespace inflanet
