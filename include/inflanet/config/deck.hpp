#pragma once
/// \file
/// \brief The input deck: a TOML file plus `key.path=value` command-line overrides, validated against a
/// Schema, with every default filled in and every value's origin (file line, override, default) kept
/// for located error messages.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inflanet/config/schema.hpp"

namespace inflanet::config {

/// \brief A validated, fully resolved input deck.
///
/// Reading is strict: unknown keys and sections, wrong types, non-finite reals, out-of-range values,
/// values outside their choices and missing required keys are all refused with an inflanet::InputError
/// naming the file, line and column (or the override argument), the key, what was expected and what was
/// found. All problems found are reported at once, one per line, in file order. Nothing the user wrote is
/// silently ignored.
///
/// Getters are for keys of the schema only; asking for an unknown key, the wrong type, or a key with no
/// value is a programming error (std::logic_error). Check has() first for optional-without-default keys
/// and keys of optional sections.
class Deck {
public:
  /// \brief Read `path`, apply `overrides` (each `key.path=value`, later ones win), validate against
  /// `schema` and fill defaults.
  ///
  /// An override value is parsed as a TOML value (`lattice.N=64`, `time.dt=1e-3`, `x.flag=true`); for a
  /// string key, a value that is not a TOML string is taken literally (`background.kind=minkowski`). An
  /// override of a key in an optional section makes that section present.
  /// \throws inflanet::InputError on any invalid input (see the class description).
  static Deck load(const std::string& path, const std::vector<std::string>& overrides, const Schema& schema);

  /// \brief Value of an integer key.
  [[nodiscard]] std::int64_t integer(std::string_view path) const;
  /// \brief Value of a real key (an integer literal in the deck is converted). Always finite.
  [[nodiscard]] double real(std::string_view path) const;
  /// \brief Value of a boolean key.
  [[nodiscard]] bool boolean(std::string_view path) const;
  /// \brief Value of a string key.
  [[nodiscard]] const std::string& string(std::string_view path) const;

  /// \brief True when the key has a value, given or defaulted. False for an optional-without-default key
  /// not given, and for every key of an absent optional section.
  [[nodiscard]] bool has(std::string_view path) const;
  /// \brief True when the section exists: always for required and defaulted sections (and "" = top
  /// level); for an optional one, when the file or an override mentions it.
  [[nodiscard]] bool has_section(std::string_view name) const;
  /// \brief True when the value came from the file or an override rather than a default.
  [[nodiscard]] bool user_given(std::string_view path) const;
  /// \brief True when the user gave a value other than the schema default. A key written with its default
  /// changes nothing, and every resolved deck spells its defaults out, so rules of the form "this key
  /// must not be set here" use this verb to keep resolved decks reloadable.
  [[nodiscard]] bool given_non_default(std::string_view path) const;

  /// \brief The deck that will run, as TOML: sections in schema order, every key with its value (defaults
  /// filled in and marked `(default)`, overrides marked `(override)`) followed by a `# doc` comment.
  /// Keys without a value appear commented out. Parsing it back gives the same values.
  [[nodiscard]] std::string resolved_toml(const std::map<std::string, std::string>& derived = {}) const;

  /// \brief Refuse a value for a reason only the caller can see (a cross-key check), e.g.
  /// `deck.fail("network.sublattice", "an integer <= lattice.N = 32")`. Throws inflanet::InputError
  /// "<where>: key 'network.sublattice': expected an integer <= lattice.N = 32, got 64", where <where> is
  /// the key's file:line:col, the override argument, or "<file> (default)".
  /// \brief Like fail, for a whole section: located at its header line (or the file when the section
  /// came from overrides or is absent). Throws InputError "file:line: section [name]: expected ...".
  [[noreturn]] void fail_section(const std::string& name, const std::string& expected) const;
  /// \brief Refuse the deck unless the optional section `name` is present, for a reason only the caller
  /// sees (which run needs it): throws InputError "<file>: missing required section [name] (doc): <why>;
  /// it needs 'name.key' (doc), ..." listing the section's required keys.
  void require_section(const std::string& name, const std::string& why) const;
  [[noreturn]] void fail(const std::string& path, const std::string& expected) const;

  /// \brief The deck file name, as given to load().
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  /// \brief The schema this deck was validated against.
  [[nodiscard]] const Schema& schema() const noexcept { return schema_; }

private:
  /// Where a key's value came from.
  enum class Origin { unset, file, override_argument, default_value };
  struct Entry {
    std::optional<Value> value;
    Origin origin = Origin::unset;
    std::uint32_t line = 0;   ///< 1-based, for Origin::file
    std::uint32_t column = 0; ///< 1-based, for Origin::file
    std::string argument;     ///< the whole `key=value` text, for Origin::override_argument
  };

  Deck(std::string file, Schema schema);
  [[nodiscard]] const Entry& entry(std::string_view path, Type type, const char* getter) const;
  [[nodiscard]] std::string where(const Entry& e) const;

  std::string file_;
  Schema schema_;
  std::vector<Entry> entries_;               ///< parallel to schema_.keys()
  std::vector<bool> section_exists_;         ///< parallel to schema_.sections()
  std::vector<std::uint32_t> section_lines_; ///< header line of each section in the file (0: not in it)
  std::vector<std::string> overrides_;
};

} // namespace inflanet::config
