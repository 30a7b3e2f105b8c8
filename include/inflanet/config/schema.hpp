#pragma once
/// \file
/// \brief The declarative list of every input-deck key: type, default or requirement, documentation with
/// units, allowed choices and numeric range. The deck reader (deck.hpp) validates against it, and the
/// resolved deck is written from it, so adding a key here is all a new module needs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace inflanet::config {

/// \brief The TOML type a key takes. A `real` key also accepts a TOML integer literal (`L = 10`).
enum class Type { integer, real, boolean, string };

/// \brief A resolved key value. The alternative matches the key's Type: integer -> std::int64_t,
/// real -> double (always finite), boolean -> bool, string -> std::string.
using Value = std::variant<std::int64_t, double, bool, std::string>;

/// \brief One end of a numeric range: `value`, included in the range when `inclusive`.
struct Bound {
  double value = 0.0;
  bool inclusive = true;
};

/// \brief Whether a section must appear in the deck, and how often.
enum class Presence {
  required,  ///< absent -> error "missing required section".
  defaulted, ///< may be absent; it then exists with every key at its default (e.g. `[output]`).
  optional,  ///< may be absent; it then does not exist and its keys have no value (e.g. `[network]`).
  repeated,  ///< an array of tables `[[name]]`, 0..n elements, each validated and defaulted on its own
             ///< (e.g. `[[field]]`). Its keys are read with the indexed Deck getters. When the section has
             ///< a string key `name`, the names must be unique: overrides address elements by name.
};

/// \brief How the resolved deck shows a key without a value, or an absent optional or repeated section.
///
/// Resolved decks are stored in every output file, and regression tests compare outputs bitwise; a key or
/// section added later is `omitted` so that the resolved text of every deck that does not use it stays
/// byte-identical.
enum class WhenUnset {
  listed,  ///< commented out: `# key = (not set)`, `# [name] not present (optional: doc)`.
  omitted, ///< not written at all.
};

/// \brief One section of the deck. The top level is the section with the empty name.
struct SectionSpec {
  std::string name;
  Presence presence = Presence::required;
  std::string doc;                           ///< one line: what the section configures.
  WhenUnset when_absent = WhenUnset::listed; ///< resolved deck of an absent optional/repeated section.
};

/// \brief One key of the deck, built fluently:
/// `KeySpec::integer("lattice.N", "grid points per side").required().at_least(2)`.
///
/// A key is either `required` (required when its section is present), or has a default, or is
/// "optional without default" (neither: the key then has no value unless given, and the consumer
/// computes one, e.g. `network.loss_scale`).
struct KeySpec {
  std::string path; ///< dotted path, "section.key"; a top-level key has no dot.
  Type type = Type::string;
  bool is_required = false;
  std::optional<Value> default_value;
  std::string doc; ///< one line with units in square brackets, e.g. "time step in cosmic time t [1/H]".
  std::vector<std::string> choices;         ///< allowed strings (string keys only); empty = any string.
  std::optional<Bound> min;                 ///< lower bound (numeric keys only).
  std::optional<Bound> max;                 ///< upper bound (numeric keys only).
  bool is_identifier = false;               ///< the string must be an identifier (string keys only).
  WhenUnset when_unset = WhenUnset::listed; ///< resolved deck of the key when it has no value.

  /// \brief Start a key of the given type at `path` documented by `doc`.
  static KeySpec integer(std::string path, std::string doc);
  static KeySpec real(std::string path, std::string doc);
  static KeySpec boolean(std::string path, std::string doc);
  static KeySpec string(std::string path, std::string doc);

  /// \brief The key must be given (when its section is present).
  KeySpec& required();
  /// \brief Value used when the key is not given; an integer is accepted for a real key. One overload
  /// per literal type, so `defaults_to(1)`, `defaults_to(0.1)`, `defaults_to(true)` and
  /// `defaults_to("x")` each pick the alternative they spell.
  KeySpec& defaults_to(int value) { return set_default(std::int64_t{value}); }
  KeySpec& defaults_to(std::int64_t value) { return set_default(value); }
  KeySpec& defaults_to(double value) { return set_default(value); }
  KeySpec& defaults_to(bool value) { return set_default(value); }
  KeySpec& defaults_to(const char* value) { return set_default(std::string(value)); }
  KeySpec& defaults_to(std::string value) { return set_default(std::move(value)); }
  /// \brief Numeric range: value >= v, value > v, value <= v.
  KeySpec& at_least(double v);
  KeySpec& greater_than(double v);
  KeySpec& at_most(double v);
  /// \brief The value must be one of these strings.
  KeySpec& one_of(std::vector<std::string> allowed);
  /// \brief The value must be an identifier: ASCII letters, digits and '_', not starting with a digit.
  KeySpec& identifier();
  /// \brief Leave the key out of the resolved deck when it has no value (see WhenUnset).
  KeySpec& omitted_when_unset();

  /// \brief Section part of the path ("" for a top-level key).
  [[nodiscard]] std::string section() const;
  /// \brief Last component of the path.
  [[nodiscard]] std::string name() const;
  /// \brief What a valid value looks like, e.g. "an integer >= 2", "a real number in (0, 1]",
  /// "one of \"euler\", \"leapfrog\"", "an identifier (letters, digits and _, not starting with a digit)".
  [[nodiscard]] std::string expectation() const;
  /// \brief nullopt when `value` (already of this key's type) satisfies finiteness, range and choices;
  /// otherwise the complaint, e.g. "expected a real number > 0, got -1".
  [[nodiscard]] std::optional<std::string> violation(const Value& value) const;

private:
  KeySpec& set_default(Value value);
};

/// \brief The ordered list of sections and keys. Order is the order of the resolved deck.
class Schema {
public:
  /// \brief An empty schema with only the top-level section "" (Presence::defaulted).
  Schema();

  /// \brief Declare a section; its keys follow with key(). Throws std::logic_error on a duplicate.
  /// `when_absent` says how the resolved deck shows it when it is absent (optional and repeated only).
  Schema& section(std::string name, Presence presence, std::string doc,
                  WhenUnset when_absent = WhenUnset::listed);
  /// \brief Add a key to its (already declared) section. Throws std::logic_error when the section is
  /// unknown, the path is a duplicate, or the default violates the key's own constraints.
  Schema& key(KeySpec spec);

  [[nodiscard]] const std::vector<SectionSpec>& sections() const noexcept { return sections_; }
  [[nodiscard]] const std::vector<KeySpec>& keys() const noexcept { return keys_; }
  /// \brief The key at `path`, or nullptr.
  [[nodiscard]] const KeySpec* find(std::string_view path) const noexcept;
  /// \brief The section called `name` ("" = top level), or nullptr.
  [[nodiscard]] const SectionSpec* find_section(std::string_view name) const noexcept;
  /// \brief Index of the key at `path` in keys(), or keys().size().
  [[nodiscard]] std::size_t index_of(std::string_view path) const noexcept;

private:
  std::vector<SectionSpec> sections_;
  std::vector<KeySpec> keys_;
};

/// \brief The inflanet input deck: [lattice], [background], [inflaton], [[field]], [potential], [time],
/// [output], [network], [duality] and the top-level `restart` (documented key by key in
/// docs/input_deck.md).
[[nodiscard]] Schema inflanet_schema();

/// \brief Case-insensitive optimal-string-alignment (Damerau-Levenshtein) distance: insertions,
/// deletions, substitutions and adjacent transpositions each cost 1.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// \brief The candidate closest to `word` when close enough to be a plausible typo (distance at most
/// max(1, |word| / 3)); ties go to the first candidate. nullopt when none is close.
[[nodiscard]] std::optional<std::string> closest(std::string_view word,
                                                 const std::vector<std::string>& candidates);

/// \brief `value` written as a TOML literal: strings quoted and escaped, reals always with a '.' or an
/// exponent (so they re-parse as reals), shortest round-trip digits.
[[nodiscard]] std::string toml_literal(const Value& value);

/// \brief "an integer", "a real number", "a boolean" or "a string".
[[nodiscard]] std::string type_name(Type type);

} // namespace inflanet::config
