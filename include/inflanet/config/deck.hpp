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

#include "inflanet/base/program_units.hpp"
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
/// A repeated section (Presence::repeated) is a TOML array of tables, `[[field]]`, 0..n times. Each
/// element is validated and defaulted like a section of its own, and its keys are read with the indexed
/// verbs (`deck.real("field.mean", i)`, i < count("field"), 0-based in deck order). Problems inside an
/// element name it after the key: `key 'field.mean' ([[field]] #2, name = "chi")`, with the 1-based element
/// number and, when the element has a string key `name`, that name.
///
/// Getters are for keys of the schema only; asking for an unknown key, the wrong type, a key with no
/// value, an element index out of range, or mixing the plain and indexed verbs (a key of a repeated
/// section has a value per element only) is a programming error (std::logic_error). Check has() first for
/// optional-without-default keys and keys of optional sections.
class Deck {
public:
  /// \brief Read `path`, apply `overrides` (each `key.path=value`, later ones win), validate against
  /// `schema` and fill defaults.
  ///
  /// An override value is parsed as a TOML value (`lattice.N=64`, `time.dt=1e-3`, `x.flag=true`); for a
  /// string key, a value that is not a TOML string is taken literally (`background.kind=minkowski`). An
  /// override of a key in an optional section makes that section present. A key of a repeated section is
  /// overridden in one element, addressed by its name or its 0-based index: `field.chi.mean=0.1`,
  /// `field.1.mean=0.1`; an override cannot create an element.
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
  /// not given, for every key of an absent optional section, and for a key of a repeated section (whose
  /// values are per element: has(path, index)).
  [[nodiscard]] bool has(std::string_view path) const;
  /// \brief True when the section exists: always for required and defaulted sections (and "" = top
  /// level); for an optional one, when the file or an override mentions it; for a repeated one, when it
  /// has at least one element.
  [[nodiscard]] bool has_section(std::string_view name) const;
  /// \brief True when the value came from the file or an override rather than a default.
  [[nodiscard]] bool user_given(std::string_view path) const;
  /// \brief True when the user gave a value other than the schema default. A key written with its default
  /// changes nothing, and every resolved deck spells its defaults out, so rules of the form "this key
  /// must not be set here" use this verb to keep resolved decks reloadable.
  [[nodiscard]] bool given_non_default(std::string_view path) const;

  /// \brief Number of elements of the repeated section `section` (0 when it is absent).
  /// std::logic_error for a section that is not repeated.
  [[nodiscard]] std::size_t count(std::string_view section) const;
  /// \brief Value of an integer key of a repeated section in element `index` (0-based, < count()).
  [[nodiscard]] std::int64_t integer(std::string_view path, std::size_t index) const;
  /// \brief Value of a real key of a repeated section in element `index`. Always finite.
  [[nodiscard]] double real(std::string_view path, std::size_t index) const;
  /// \brief Value of a boolean key of a repeated section in element `index`.
  [[nodiscard]] bool boolean(std::string_view path, std::size_t index) const;
  /// \brief Value of a string key of a repeated section in element `index`.
  [[nodiscard]] const std::string& string(std::string_view path, std::size_t index) const;
  /// \brief has(), user_given() and given_non_default() for a key of a repeated section in element
  /// `index`. std::logic_error when `path` is not a key of a repeated section or `index` >= count().
  [[nodiscard]] bool has(std::string_view path, std::size_t index) const;
  [[nodiscard]] bool user_given(std::string_view path, std::size_t index) const;
  [[nodiscard]] bool given_non_default(std::string_view path, std::size_t index) const;

  /// \brief The deck that will run, as TOML: sections in schema order, every key with its value (defaults
  /// filled in and marked `(default)`, overrides marked `(override)`) followed by a `# doc` comment.
  /// Keys without a value appear commented out, or not at all (WhenUnset::omitted); so do absent optional
  /// sections. A repeated section is written as one `[[name]]` table per element, in deck order. Parsing
  /// it back gives the same values.
  ///
  /// `derived` maps key paths to values the program computed; they are written commented out and marked
  /// `(derived)`. A key of a repeated section is named with its element: `field.<name>.key` or
  /// `field.<index>.key`.
  ///
  /// `units` names the run's program units: each doc's bracketed units, written in the schema for E = H
  /// and F = M_p, are renamed to them (ProgramUnits::relabel; a Friedmann run's "[1/H]" reads "[1/M_p]").
  [[nodiscard]] std::string resolved_toml(const std::map<std::string, std::string>& derived = {},
                                          const ProgramUnits& units = {}) const;

  /// \brief Refuse a value for a reason only the caller can see (a cross-key check), e.g.
  /// `deck.fail("network.sublattice", "an integer <= lattice.N = 32")`. Throws inflanet::InputError
  /// "<where>: key 'network.sublattice': expected an integer <= lattice.N = 32, got 64", where <where> is
  /// the key's file:line:col, the override argument, or "<file> (default)".
  [[noreturn]] void fail(const std::string& path, const std::string& expected) const;
  /// \brief fail() for a key of a repeated section in element `index`: "<where>: key 'field.mean'
  /// ([[field]] #2, name = \"chi\"): expected ..., got ...", where <where> is the key's file:line:col, the
  /// override argument, or (default or unset) the file:line:col of the element's `[[field]]` header.
  [[noreturn]] void fail(const std::string& path, std::size_t index, const std::string& expected) const;
  /// \brief Like fail, for a whole section: located at its header line (or the file when the section
  /// came from overrides or is absent). Throws InputError "file:line: section [name]: expected ...".
  [[noreturn]] void fail_section(const std::string& name, const std::string& expected) const;
  /// \brief fail_section() for element `index` of a repeated section, located at its header line:
  /// "file:line: section [[field]] #2, name = \"chi\": expected ...".
  [[noreturn]] void fail_section(const std::string& name, std::size_t index,
                                 const std::string& expected) const;
  /// \brief Refuse the deck unless the optional section `name` is present (a repeated one: has at least
  /// one element), for a reason only the caller sees (which run needs it): throws InputError "<file>:
  /// missing required section [name] (doc): <why>; it needs 'name.key' (doc), ..." listing the section's
  /// required keys ("[[name]]" for a repeated section).
  void require_section(const std::string& name, const std::string& why) const;

  /// \brief True once a typed getter (integer, real, boolean, string) has returned the key's value: what a
  /// run kind has read of the deck. The indexed form for a key of a repeated section, in element `index`.
  [[nodiscard]] bool was_read(std::string_view path) const;
  [[nodiscard]] bool was_read(std::string_view path, std::size_t index) const;
  /// \brief Every key given is used or refused: called by a run kind once it has read its parameters, it
  /// refuses (fail(), naming the key) the first key given with a value other than its default that no
  /// typed getter has read, "no value: the key is not used by <run> run" (`run`: "a lattice", "the exact
  /// dual", ...). A key given at its default changes nothing and passes (resolved decks spell defaults out).
  void refuse_unread(const std::string& run) const;

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
    std::uint32_t line = 0;    ///< 1-based, for Origin::file
    std::uint32_t column = 0;  ///< 1-based, for Origin::file
    std::string argument;      ///< the whole `key=value` text, for Origin::override_argument
    mutable bool read = false; ///< a typed getter has returned the value (refuse_unread)
  };
  /// One element of a repeated section.
  struct Element {
    std::uint32_t line = 0;     ///< its `[[name]]` header (or inline table), 1-based
    std::uint32_t column = 0;   ///< 1-based
    std::vector<Entry> entries; ///< parallel to schema_.keys(); only the section's keys are used
  };

  Deck(std::string file, Schema schema);
  /// The entry of a key outside repeated sections; std::logic_error naming `getter` otherwise.
  [[nodiscard]] const Entry& entry(std::string_view path, const char* getter) const;
  /// entry() of a key of `type` with a value.
  [[nodiscard]] const Entry& entry(std::string_view path, Type type, const char* getter) const;
  [[nodiscard]] const Entry& element_entry(std::string_view path, std::size_t index,
                                           const char* getter) const;
  [[nodiscard]] const Entry& element_entry(std::string_view path, std::size_t index, Type type,
                                           const char* getter) const;
  [[nodiscard]] std::string where(const Entry& e) const;
  /// where() for an entry of element `index` of repeated section `si`; a default (or no value) is located
  /// at the element's header.
  [[nodiscard]] std::string element_where(std::size_t si, std::size_t index, const Entry& e) const;
  /// The string `name` of element `index` of repeated section `si`, or nullptr when it has none.
  [[nodiscard]] const std::string* element_name(std::size_t si, std::size_t index) const;
  /// "[[field]] #2, name = \"chi\"" for element `index` of repeated section `si`.
  [[nodiscard]] std::string element_label(std::size_t si, std::size_t index) const;
  [[nodiscard]] std::size_t section_index(std::string_view name) const;
  /// The index of the key's section, which must be repeated; std::logic_error naming `getter` otherwise.
  [[nodiscard]] std::size_t repeated_section_of(std::string_view path, const char* getter) const;

  std::string file_;
  Schema schema_;
  std::vector<Entry> entries_;                 ///< parallel to schema_.keys()
  std::vector<bool> section_exists_;           ///< parallel to schema_.sections()
  std::vector<std::uint32_t> section_lines_;   ///< header line of each section in the file (0: not in it)
  std::vector<std::vector<Element>> elements_; ///< parallel to schema_.sections(); repeated ones only
  std::vector<std::string> overrides_;
};

} // namespace inflanet::config
