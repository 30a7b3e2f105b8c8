#pragma once
/// \file
/// \brief The program's units: what one unit of energy (= inverse time = comoving momentum at a = 1) and
/// one unit of field amplitude are, the names outputs give them, and, when a physical scale is known,
/// their values in GeV and SI (openPMD `unitSI` / `unitDimension`). No MPI, no deck keys in here.
///
/// The lattice equations are written with hbar = c = 1 in one program unit of energy E: times and comoving
/// lengths (at a = 1) in 1/E, rates, masses and comoving momenta in E. Fields are in a unit F; the vacuum
/// fluctuations 1/sqrt(2 omega) are drawn with F = E, and a Friedmann run's H^2 = rho / 3 takes F = M_p, the
/// reduced Planck mass. The names follow the run kind: a de Sitter or Minkowski run calls E "H" (the deck's
/// background.H is in it) and F "M_p"; a Friedmann run calls both "M_p".

#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>

namespace inflanet {

/// \brief Physical constants in GeV and SI.
namespace constants {
/// \brief The speed of light in m/s (exact in the SI).
inline constexpr double speed_of_light_m_s = 299792458.0;
/// \brief Reduced Planck constant hbar in GeV s: 6.582 119 569... x 10^-25 GeV s (CODATA 2018; exact in the
/// 2019 SI, which fixes h and e).
inline constexpr double hbar_GeV_s = 6.582119569e-25;
/// \brief hbar c in GeV m, from the two above: 197.326 980 4 MeV fm (CODATA 2018). Derived rather than
/// rounded on its own, so that the SI factors of one quantity agree whichever way they are composed.
inline constexpr double hbar_c_GeV_m = hbar_GeV_s * speed_of_light_m_s;
/// \brief One GeV in joules: 1.602 176 634 x 10^-10 J (exact: e is fixed by the 2019 SI).
inline constexpr double joule_per_GeV = 1.602176634e-10;
/// \brief One GeV/c^2 in kilograms, 1.782 661 921 x 10^-27 kg (CODATA 2018), as J / c^2.
inline constexpr double kilogram_per_GeV = joule_per_GeV / (speed_of_light_m_s * speed_of_light_m_s);
/// \brief Reduced Planck mass (hbar c / 8 pi G)^(1/2) in GeV: 2.435 x 10^18 GeV (PDG 2022, "Physical
/// constants": M_P = 1.220 890(14) x 10^19 GeV, divided by sqrt(8 pi) = 2.435 32 x 10^18).
inline constexpr double reduced_planck_mass_GeV = 2.435e18;
} // namespace constants

/// \brief Powers of the SI base units of a quantity; openPMD's `unitDimension` lists seven (L, M, T, I,
/// theta, N, J), of which lattice quantities use the first three.
struct SIDimension {
  int length = 0;
  int mass = 0;
  int time = 0;

  /// \brief The powers as openPMD's `unitDimension`: (L, M, T, I, theta, N, J).
  [[nodiscard]] std::array<double, 7> open_pmd() const noexcept {
    return {static_cast<double>(length), static_cast<double>(mass), static_cast<double>(time), 0, 0, 0, 0};
  }
  /// \brief The power of GeV the quantity has with hbar = c = 1: mass - length - time.
  [[nodiscard]] int natural_power() const noexcept { return mass - length - time; }
};

/// \brief The unit of one quantity: E^energy_power F^field_power in program units, measured in SI as `si`
/// (energy_power + field_power = si.natural_power()).
struct QuantityUnit {
  int energy_power = 0;
  int field_power = 0;
  SIDimension si;
};

/// \brief The unit of q^n (e.g. n = 2: a squared quantity; n = -2: an inverse square).
[[nodiscard]] constexpr QuantityUnit power(const QuantityUnit& q, int n) noexcept {
  return {q.energy_power * n, q.field_power * n, {q.si.length * n, q.si.mass * n, q.si.time * n}};
}

/// \brief The units of the quantities inflanet writes.
namespace quantity {
inline constexpr QuantityUnit dimensionless{};
/// \brief Cosmic or conformal time, 1/E, in seconds.
inline constexpr QuantityUnit time{-1, 0, {0, 0, 1}};
/// \brief Comoving length at a = 1, 1/E, in metres.
inline constexpr QuantityUnit length{-1, 0, {1, 0, 0}};
/// \brief Comoving wavenumber at a = 1, E, in 1/m.
inline constexpr QuantityUnit wavenumber{1, 0, {-1, 0, 0}};
/// \brief A rate (H, a mass as a frequency, omega), E, in 1/s.
inline constexpr QuantityUnit rate{1, 0, {0, 0, -1}};
/// \brief A squared rate (m_eff^2, d2V/dphi^2), E^2, in 1/s^2.
inline constexpr QuantityUnit rate_squared{2, 0, {0, 0, -2}};
/// \brief A field amplitude, F, as an energy in J.
inline constexpr QuantityUnit field{0, 1, {2, 1, -2}};
/// \brief A squared field amplitude (a variance, a dimensionless power spectrum), F^2, in J^2.
inline constexpr QuantityUnit field_squared{0, 2, {4, 2, -4}};
/// \brief A field's time derivative, E F, in J/s.
inline constexpr QuantityUnit field_rate{1, 1, {2, 1, -3}};
/// \brief A squared field rate (the variance of dphi/dt), E^2 F^2, in J^2/s^2.
inline constexpr QuantityUnit field_rate_squared{2, 2, {4, 2, -6}};
/// \brief An energy density (rho, V, pressure), E^2 F^2, in J/m^3.
inline constexpr QuantityUnit energy_density{2, 2, {-1, 1, -2}};
/// \brief A field's power spectrum P(k) = L^3 <|f_k|^2> / N^6, F^2 / E^3, in J^2 m^3.
inline constexpr QuantityUnit field_spectrum{-3, 2, {7, 2, -4}};
/// \brief The power spectrum of a field's rate dphi/dt, F^2 / E, in J^2 m^3 / s^2.
inline constexpr QuantityUnit field_rate_spectrum{-1, 2, {7, 2, -6}};
} // namespace quantity

/// \brief The physical values of the program units.
struct PhysicalScale {
  double energy_GeV = 0.0; ///< E: the program unit of energy, inverse time and comoving momentum at a = 1
  double field_GeV = 0.0;  ///< F: the program unit of field amplitude

  /// \brief The SI value of one program unit of `q`: unitSI of openPMD.
  [[nodiscard]] double si_factor(const QuantityUnit& q) const noexcept {
    // E^p F^q GeV^(p+q), expressed with kg^M m^L s^T: each GeV of mass is kilogram_per_GeV, each 1/GeV of
    // length hbar c / GeV, each 1/GeV of time hbar / GeV.
    return std::pow(energy_GeV, q.energy_power) * std::pow(field_GeV, q.field_power) *
           std::pow(constants::kilogram_per_GeV, q.si.mass) * std::pow(constants::hbar_c_GeV_m, q.si.length) *
           std::pow(constants::hbar_GeV_s, q.si.time);
  }
  /// \brief Seconds of one program unit of time, hbar / E.
  [[nodiscard]] double seconds() const noexcept { return constants::hbar_GeV_s / energy_GeV; }
  /// \brief Metres of one program unit of comoving length, hbar c / E.
  [[nodiscard]] double metres() const noexcept { return constants::hbar_c_GeV_m / energy_GeV; }
  /// \brief The reduced Planck mass in program field units, 2.435e18 GeV / F.
  [[nodiscard]] double planck_mass() const noexcept { return constants::reduced_planck_mass_GeV / field_GeV; }

  friend bool operator==(const PhysicalScale&, const PhysicalScale&) = default;
};

/// \brief A rate of `energy_GeV` GeV (hbar omega = E) as an angular frequency omega = E / hbar in 1/s.
[[nodiscard]] inline double angular_frequency_per_s(double energy_GeV) noexcept {
  return energy_GeV / constants::hbar_GeV_s;
}
/// \brief The frequency f = E / (2 pi hbar) in Hz of a quantum of energy `energy_GeV` GeV.
[[nodiscard]] inline double hertz(double energy_GeV) noexcept {
  return energy_GeV / (2.0 * std::numbers::pi * constants::hbar_GeV_s);
}
/// \brief A time of `inverse_GeV` 1/GeV in seconds (hbar / GeV each).
[[nodiscard]] inline double seconds(double inverse_GeV) noexcept {
  return inverse_GeV * constants::hbar_GeV_s;
}
/// \brief A length of `inverse_GeV` 1/GeV in metres (hbar c / GeV each).
[[nodiscard]] inline double metres(double inverse_GeV) noexcept {
  return inverse_GeV * constants::hbar_c_GeV_m;
}

/// \brief The program units of one run: the names of E and F, and their physical values when known.
struct ProgramUnits {
  std::string energy = "H";           ///< the name of E: "H" (de Sitter, Minkowski) or "M_p" (Friedmann)
  std::string field = "M_p";          ///< the name of F
  std::optional<PhysicalScale> scale; ///< unset: no physical scale (program units only)

  /// \brief The units of a de Sitter or Minkowski run (E = H, F = M_p), optionally with a scale.
  [[nodiscard]] static ProgramUnits hubble(std::optional<PhysicalScale> scale = std::nullopt) {
    return {"H", "M_p", scale};
  }
  /// \brief The units of a Friedmann run: E = F = M_p = 2.435e18 GeV.
  [[nodiscard]] static ProgramUnits planck() {
    return {"M_p", "M_p",
            PhysicalScale{constants::reduced_planck_mass_GeV, constants::reduced_planck_mass_GeV}};
  }

  /// \brief The reduced Planck mass in program field units: 2.435e18 GeV / F with a scale; without one, 1
  /// (the program's field unit is then called M_p).
  [[nodiscard]] double planck_mass() const noexcept { return scale ? scale->planck_mass() : 1.0; }

  friend bool operator==(const ProgramUnits&, const ProgramUnits&) = default;

  /// \brief The name of the program unit of `q`: "1/H", "H^2 M_p^2", "M_p^4", "1" (dimensionless).
  [[nodiscard]] std::string name(const QuantityUnit& q) const { return name(q.energy_power, q.field_power); }

  /// \brief The name of E^energy_power F^field_power ("1" when both are 0).
  [[nodiscard]] std::string name(int energy_power, int field_power) const {
    if (energy == field) {
      return power_name({{energy, energy_power + field_power}});
    }
    return power_name({{energy, energy_power}, {field, field_power}});
  }

  /// \brief `text` with its bracketed units, written for E = "H" and F = "M_p" (the schema's convention,
  /// e.g. "[1/H]", "[H^2 M_p^2]", "[1/H for alpha = 0]"), renamed to this run's units. Words in brackets
  /// that are no unit factor ("dimensionless", "steps", "for") are kept. Unchanged when the names are the
  /// convention's.
  [[nodiscard]] std::string relabel(std::string_view text) const {
    if (energy == "H" && field == "M_p") {
      return std::string(text);
    }
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const auto open = text.find('[', pos),
                 close = open == std::string_view::npos ? open : text.find(']', open);
      if (close == std::string_view::npos) {
        out += text.substr(pos);
        break;
      }
      out += text.substr(pos, open + 1 - pos);
      out += relabel_bracket(text.substr(open + 1, close - open - 1));
      out += ']';
      pos = close + 1;
    }
    return out;
  }

private:
  struct Power {
    std::string_view symbol;
    int power;
  };

  // "H^2 M_p^2", "1/H", "M_p/H", "1/(H M_p)"; "1" when every power is 0.
  [[nodiscard]] static std::string power_name(std::initializer_list<Power> powers) {
    std::string up, down;
    int down_factors = 0;
    for (const auto& [symbol, power] : powers) {
      if (power == 0) {
        continue;
      }
      std::string& side = power > 0 ? up : down;
      side += side.empty() ? "" : " ";
      side += symbol;
      if (std::abs(power) > 1) {
        side.append("^").append(std::to_string(std::abs(power)));
      }
      down_factors += power < 0 ? 1 : 0;
    }
    std::string out = up.empty() ? std::string("1") : up;
    if (!down.empty()) {
      out.append(down_factors > 1 ? "/(" : "/").append(down).append(down_factors > 1 ? ")" : "");
    }
    return out;
  }

  // One bracket's content: runs of factors H, M_p, 1/H, H^2, M_p^2, ... are one unit, renamed; other words
  // are kept where they are.
  [[nodiscard]] std::string relabel_bracket(std::string_view inner) const {
    std::string out;
    int e = 0, f = 0;
    bool in_unit = false;
    const auto flush = [&] {
      if (in_unit) {
        out.append(out.empty() ? "" : " ").append(name(e, f));
      }
      e = f = 0;
      in_unit = false;
    };
    std::size_t pos = 0;
    while (pos <= inner.size()) {
      const auto end = std::min(inner.find(' ', pos), inner.size());
      const std::string_view word = inner.substr(pos, end - pos);
      if (int de = 0, df = 0; factor(word, de, df)) {
        e += de;
        f += df;
        in_unit = true;
      } else {
        flush();
        out.append(out.empty() ? "" : " ").append(word);
      }
      pos = end + 1;
    }
    flush();
    return out;
  }

  // A word "H", "M_p", "1/H", "H^2", "1/M_p^2": its powers of E (H) and F (M_p).
  [[nodiscard]] static bool factor(std::string_view word, int& e, int& f) {
    int sign = 1;
    if (word.starts_with("1/")) {
      sign = -1;
      word.remove_prefix(2);
    }
    int power = 1;
    if (const auto caret = word.find('^'); caret != std::string_view::npos) {
      const auto digits = word.substr(caret + 1);
      if (digits.empty() || digits.size() > 1 || digits[0] < '1' || digits[0] > '9') {
        return false;
      }
      power = digits[0] - '0';
      word = word.substr(0, caret);
    }
    if (word == "H") {
      e = sign * power;
      return true;
    }
    if (word == "M_p") {
      f = sign * power;
      return true;
    }
    return false;
  }
};

} // namespace inflanet
