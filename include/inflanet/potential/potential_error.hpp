#pragma once
/// \file
/// \brief The error a potential's formula raises, in the potential library's own terms: which formula (V,
/// dV/dphi_i or d2V/dphi_i dphi_j, by field index) and what is wrong with it. The deck layer maps the
/// formula to its key (potential.V, field.dV, field.d2V); nothing reads the message to find it.

#include <cstddef>
#include <string>

#include "inflanet/base/error.hpp"

namespace inflanet {

/// \brief A formula of a potential, by the field indices of its derivative.
struct FormulaRole {
  static constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::size_t first = none;  ///< none: V itself
  std::size_t second = none; ///< none: V or a first derivative dV/dphi_first
  [[nodiscard]] bool is_V() const noexcept { return first == none; }
  [[nodiscard]] bool is_dV() const noexcept { return first != none && second == none; }
};

/// \brief A bad formula (exit 2): what() is "<role name>: <detail>", e.g. "dV/dchi: cannot parse ...".
class PotentialError : public InputError {
public:
  PotentialError(FormulaRole role, const std::string& role_name, const std::string& detail)
      : InputError(role_name + ": " + detail), role_(role), name_(role_name), detail_(detail) {}
  [[nodiscard]] const FormulaRole& role() const noexcept { return role_; }
  /// \brief The formula's name as messages write it ("V", "dV/dchi", "d2V/dphi dchi").
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /// \brief The message without the role's name.
  [[nodiscard]] const std::string& detail() const noexcept { return detail_; }

private:
  FormulaRole role_;
  std::string name_, detail_;
};

} // namespace inflanet
