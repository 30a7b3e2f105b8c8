/// \file
/// \brief Reading, validating and resolving the input deck (TOML via toml++, plus command-line overrides).
#include "inflanet/config/deck.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "inflanet/base/error.hpp"

namespace inflanet::config {

namespace {

/// One problem found while loading. Problems are collected so one run reports them all, then sorted:
/// file problems by position, then override problems in argument order, then missing keys/sections.
struct Problem {
  int group = 0; ///< 0 file, 1 override, 2 missing
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::size_t seq = 0;
  std::string text;
};

std::string at(const std::string& file, const toml::source_region& where) {
  return fmt::format("{}:{}:{}", file, where.begin.line, where.begin.column);
}

std::string override_where(const std::string& arg) {
  return fmt::format("command line override '{}'", arg);
}

/// How a TOML node reads in "got ..." for a type mismatch: `string "abc"`, `integer 3`, `a table`.
std::string describe(const toml::node& n) {
  if (const auto* s = n.as_string())
    return "string " + toml_literal(Value{s->get()});
  if (const auto* i = n.as_integer())
    return "integer " + toml_literal(Value{i->get()});
  if (const auto* d = n.as_floating_point())
    return "real number " + toml_literal(Value{d->get()});
  if (const auto* b = n.as_boolean())
    return "boolean " + toml_literal(Value{b->get()});
  if (n.is_table())
    return "a table";
  if (n.is_array())
    return "an array";
  return "a date/time";
}

/// The node as a Value holding a T, or nullopt when the node is not of TOML type T.
template <class T>
std::optional<Value> exactly(const toml::node& n) {
  const std::optional<T> v = n.value_exact<T>();
  return v ? std::optional<Value>(Value{*v}) : std::nullopt;
}

/// The node as a Value of `type`, or nullopt when it has another TOML type. A real key takes an integer.
std::optional<Value> convert(const toml::node& n, Type type) {
  switch (type) {
  case Type::integer:
    return exactly<std::int64_t>(n);
  case Type::real:
    return n.is_integer() ? Value{static_cast<double>(n.as_integer()->get())} : exactly<double>(n);
  case Type::boolean:
    return exactly<bool>(n);
  case Type::string:
    return exactly<std::string>(n);
  }
  return std::nullopt;
}

/// Best guess for a mistyped key path: the closest full path, or a key of the same (or nearly the same)
/// name in another section ("[lattice] dt" -> "time.dt"); the latter costs one extra edit, so a typo in
/// the right section wins a tie.
std::optional<std::string> suggest_path(const std::string& word, const Schema& schema) {
  const auto dot = word.rfind('.');
  const std::string leaf = dot == std::string::npos ? word : word.substr(dot + 1);
  const std::string section = dot == std::string::npos ? std::string{} : word.substr(0, dot);
  // The tolerance scales with the key name, not the whole path: a shared "lattice." prefix must not make
  // "lattice.tiem" look close to "lattice.N".
  const std::size_t full_limit = std::max<std::size_t>(1, leaf.size() / 3);
  const std::size_t leaf_limit = leaf.size() / 4;
  std::optional<std::string> best;
  std::size_t best_score = SIZE_MAX;
  for (const auto& k : schema.keys()) {
    std::size_t score = SIZE_MAX;
    if (const auto d = edit_distance(word, k.path); d <= full_limit)
      score = d;
    if (edit_distance(section, k.section()) != 0) {
      if (const auto d = edit_distance(leaf, k.name()); d <= leaf_limit)
        score = std::min(score, d + 1);
    }
    if (score < best_score) {
      best_score = score;
      best = k.path;
    }
  }
  return best;
}

std::string did_you_mean(const std::optional<std::string>& guess) {
  return guess ? fmt::format(" (did you mean '{}'?)", *guess) : std::string{};
}

/// A section as the deck spells it: "[lattice]", or "[[field]]" for a repeated one.
std::string bracketed(const SectionSpec& sec) {
  return sec.presence == Presence::repeated ? "[[" + sec.name + "]]" : "[" + sec.name + "]";
}

/// " (did you mean [network]?)" or " (did you mean [[field]]?)" for a mistyped section name.
std::string did_you_mean_section(const std::string& word, const Schema& schema) {
  std::vector<std::string> names;
  for (const auto& s : schema.sections()) {
    if (!s.name.empty())
      names.push_back(s.name);
  }
  const auto guess = closest(word, names);
  return guess ? fmt::format(" (did you mean {}?)", bracketed(*schema.find_section(*guess))) : std::string{};
}

/// An element of a repeated section as messages name it: "[[field]] #2, name = \"chi\"" (1-based number;
/// the name only when the element has one).
std::string label_text(const std::string& section, std::size_t index, const std::string* name) {
  std::string out = fmt::format("[[{}]] #{}", section, index + 1);
  if (name != nullptr)
    out += ", name = " + toml_literal(Value{*name});
  return out;
}

/// "; it needs 'lattice.N' (doc), 'lattice.L' (doc)": the required keys of section `name` ("" if none).
std::string needed_keys(const Schema& schema, const std::string& name) {
  std::string out;
  for (const auto& k : schema.keys()) {
    if (k.section() == name && k.is_required)
      out += fmt::format("{} '{}' ({})", out.empty() ? "; it needs" : ",", k.path, k.doc);
  }
  return out;
}

/// `e`, the entry of `spec`, when a getter of `type` may read it; std::logic_error naming the `call`
/// ("Deck::real('time.dt')") otherwise.
template <class E>
const E& readable(const E& e, const KeySpec& spec, Type type, const std::string& call) {
  if (spec.type != type) {
    throw std::logic_error(fmt::format("{}: the key is {}", call, type_name(spec.type)));
  }
  if (!e.value) {
    throw std::logic_error(fmt::format("{}: the key has no value; check has() first", call));
  }
  return e;
}

/// True when `node` is an array whose every element is a table: `[[x]]` headers, or `x = [{...}, ...]`
/// (the same thing in TOML). An empty array qualifies: no element.
bool is_array_of_tables(const toml::node& node) {
  const auto* array = node.as_array();
  return array != nullptr &&
         std::all_of(array->begin(), array->end(), [](const toml::node& n) { return n.is_table(); });
}

/// The value of override text `raw` for `spec`, or nullopt with `complaint` set to "expected ..., got ...".
std::optional<Value> override_value(const KeySpec& spec, const std::string& raw, std::string& complaint) {
  // Parse the value as the right-hand side of a one-key TOML document; anything else in it (a newline
  // followed by a second key, say) means it was not a single value.
  std::optional<Value> value;
  std::string got = fmt::format("'{}', which is not a TOML value", raw);
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + raw, std::string_view{"override"});
  } catch (const toml::parse_error&) {
    // Not TOML: a string key takes the text literally below, any other key reports it.
  }
  const toml::node* node = parsed.size() == 1 ? parsed.get("v") : nullptr;
  if (node != nullptr) {
    value = convert(*node, spec.type);
    got = describe(*node);
  }
  if (spec.type == Type::string && !value) {
    value = Value{raw}; // background.kind=minkowski: a bare word is the string the user typed
  }
  if (!value) {
    complaint = fmt::format("expected {}, got {}", spec.expectation(), got);
    return std::nullopt;
  }
  if (auto why = spec.violation(*value)) {
    complaint = *why;
    return std::nullopt;
  }
  return value;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos)
    return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

/// The whole file, or an InputError naming it and the operating system's reason.
std::string read_deck(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(fmt::format("{}: cannot read the input deck: {}", path, std::strerror(EISDIR)));
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw InputError(fmt::format("{}: cannot open the input deck: {}", path,
                                 err != 0 ? std::strerror(err) : "unknown reason"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw InputError(fmt::format("{}: cannot read the input deck: {}", path, std::strerror(errno)));
  }
  return text.str();
}

} // namespace

Deck::Deck(std::string file, Schema schema)
    : file_(std::move(file)), schema_(std::move(schema)), entries_(schema_.keys().size()),
      section_exists_(schema_.sections().size(), false), section_lines_(schema_.sections().size(), 0),
      elements_(schema_.sections().size()) {}

Deck Deck::load(const std::string& path, const std::vector<std::string>& overrides, const Schema& schema) {
  Deck deck(path, schema);
  deck.overrides_ = overrides;
  const auto& keys = deck.schema_.keys();
  const auto& sections = deck.schema_.sections();
  std::vector<Problem> problems;
  std::vector<std::optional<toml::source_region>> header(sections.size());
  // Keys the user wrote, valid or not: an invalid one is reported once, as invalid, never also as missing.
  // The same per element of a repeated section: element_given[section][element][key].
  std::vector<bool> given(keys.size(), false);
  std::vector<std::vector<std::vector<bool>>> element_given(sections.size());

  // ---- 1. the file: every key in it must be in the schema, with a valid value.
  const std::string text = read_deck(path);
  toml::table root;
  try {
    root = toml::parse(std::string_view{text}, std::string_view{path});
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}: TOML syntax error: {}", at(path, e.source()), e.description()));
  }

  const auto file_problem = [&](const toml::source_region& where, std::string text) {
    problems.push_back(
        {0, where.begin.line, where.begin.column, problems.size(), at(path, where) + ": " + text});
  };
  // A key the file gives: `node` at the dotted path `full`, its key token `key`, stored in `entries` (and
  // marked in `given_here`). `label` names the element of a repeated section, " ([[field]] #2)", or is
  // empty.
  const auto take = [&](const std::string& full, const toml::key& key, const toml::node& node,
                        std::vector<Entry>& entries, std::vector<bool>& given_here,
                        const std::string& label) {
    const KeySpec* spec = deck.schema_.find(full);
    if (spec == nullptr) {
      if (node.is_table()) {
        // The table's region starts at its '[' header, the key's inside the brackets.
        file_problem(node.source(), fmt::format("unknown section [{}]{}{}", full, label,
                                                did_you_mean_section(full, schema)));
      } else if (label.empty() && is_array_of_tables(node) && !node.as_array()->empty()) {
        file_problem(node.source(),
                     fmt::format("unknown section [[{}]]{}", full, did_you_mean_section(full, schema)));
      } else {
        file_problem(key.source(), fmt::format("unknown key '{}'{}{}", full, label,
                                               did_you_mean(suggest_path(full, schema))));
      }
      return;
    }
    const std::size_t k = deck.schema_.index_of(full);
    given_here[k] = true;
    auto value = convert(node, spec->type);
    if (!value) {
      file_problem(node.source(), fmt::format("key '{}'{}: expected {}, got {}", full, label,
                                              spec->expectation(), describe(node)));
      return;
    }
    if (auto why = spec->violation(*value)) {
      file_problem(node.source(), fmt::format("key '{}'{}: {}", full, label, *why));
      return;
    }
    entries[k] =
        Entry{std::move(value), Origin::file, node.source().begin.line, node.source().begin.column, {}};
  };

  for (auto&& [key, node] : root) {
    const std::string name(key.str());
    const SectionSpec* sec = name.empty() ? nullptr : deck.schema_.find_section(name);
    if (sec == nullptr) {
      // Only genuine top-level keys live at the root: a quoted "lattice.N" is not lattice.N.
      const KeySpec* spec = deck.schema_.find(name);
      if (spec != nullptr && !spec->section().empty()) {
        file_problem(key.source(),
                     fmt::format("unknown key '\"{}\"' (a quoted key; did you mean {} under {}?)", name,
                                 spec->name(), bracketed(*deck.schema_.find_section(spec->section()))));
      } else {
        take(name, key, node, deck.entries_, given, "");
      }
      continue;
    }
    const std::size_t si = deck.section_index(name);
    if (sec->presence == Presence::repeated) {
      if (!is_array_of_tables(node)) {
        file_problem(node.source(),
                     fmt::format("'{}' is a repeated section: expected an array of tables [[{}]], got {}",
                                 name, name, describe(node)));
        continue;
      }
      const auto& array = *node.as_array();
      deck.section_exists_[si] = !array.empty();
      for (std::size_t n = 0; n < array.size(); ++n) {
        const auto& table = *array[n].as_table();
        // The element's name labels every problem in it, wherever in the table `name` is written.
        // Only a valid name, as element_label() shows once the deck is loaded.
        const auto* named = table.get_as<std::string>("name");
        const KeySpec* name_spec = deck.schema_.find(name + ".name");
        const bool valid_name = named != nullptr && name_spec != nullptr && name_spec->type == Type::string &&
                                !name_spec->violation(Value{named->get()});
        const std::string label = " (" + label_text(name, n, valid_name ? &named->get() : nullptr) + ")";
        deck.elements_[si].push_back(
            {table.source().begin.line, table.source().begin.column, std::vector<Entry>(keys.size())});
        element_given[si].emplace_back(keys.size(), false);
        for (auto&& [child_key, child] : table) {
          take(name + "." + std::string(child_key.str()), child_key, child, deck.elements_[si].back().entries,
               element_given[si].back(), label);
        }
      }
      continue;
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      file_problem(node.source(), fmt::format("'{}' is a section: expected a table [{}], got {}", name, name,
                                              describe(node)));
      continue;
    }
    deck.section_exists_[si] = true;
    header[si] = node.source();
    deck.section_lines_[si] = node.source().begin.line;
    for (auto&& [child_key, child] : *table) {
      take(name + "." + std::string(child_key.str()), child_key, child, deck.entries_, given, "");
    }
  }

  // ---- 2. overrides, in order; a later override of the same key wins.
  for (std::size_t n = 0; n < overrides.size(); ++n) {
    const std::string& arg = overrides[n];
    const auto problem = [&](const std::string& text) {
      problems.push_back({1, 0, 0, n, override_where(arg) + ": " + text});
    };
    const auto eq = arg.find('=');
    const std::string key = trim(std::string_view(arg).substr(0, eq));
    if (eq == std::string::npos || key.empty()) {
      problem("expected key.path=value");
      continue;
    }
    const std::string raw = trim(std::string_view(arg).substr(eq + 1));

    // A key of a repeated section: section.<name or 0-based index>.key, in an element the deck has. Its
    // value goes to that element's entries, any other key's to the deck's.
    std::vector<Entry>* entries = &deck.entries_;
    std::vector<bool>* given_here = &given;
    std::string full = key, label, section, selector;
    const auto first_dot = key.find('.');
    const SectionSpec* repeated =
        first_dot == std::string::npos ? nullptr : deck.schema_.find_section(key.substr(0, first_dot));
    if (repeated != nullptr && repeated->presence == Presence::repeated) {
      section = repeated->name;
      const std::size_t si = deck.section_index(section);
      const std::string rest = key.substr(first_dot + 1);
      const auto second_dot = rest.find('.');
      if (second_dot == std::string::npos) {
        if (deck.schema_.find(key) != nullptr) {
          problem(
              fmt::format("key '{}' is in the array of tables [[{}]]: address one element as {}.<name>.{} "
                          "or {}.<index>.{}",
                          key, section, section, rest, section, rest));
        } else {
          problem(fmt::format("unknown key '{}'{}", key, did_you_mean(suggest_path(key, schema))));
        }
        continue;
      }
      selector = rest.substr(0, second_dot);
      full = section + "." + rest.substr(second_dot + 1);
      auto& elements = deck.elements_[si];
      std::optional<std::size_t> index;
      if (!selector.empty() &&
          std::all_of(selector.begin(), selector.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        std::size_t i = 0;
        const auto [end, ec] = std::from_chars(selector.data(), selector.data() + selector.size(), i);
        if (ec == std::errc{} && end == selector.data() + selector.size() && i < elements.size())
          index = i;
      } else {
        for (std::size_t i = 0; i < elements.size() && !index; ++i) {
          const std::string* name = deck.element_name(si, i);
          if (name != nullptr && *name == selector)
            index = i;
        }
      }
      if (!index) {
        if (elements.empty()) {
          problem(
              fmt::format("no element '{}' in [[{}]]: the deck has none, and an override cannot create one",
                          selector, section));
        } else {
          // The names the user can type, with the index that addresses the same element.
          std::string list;
          for (std::size_t i = 0; i < elements.size(); ++i) {
            const std::string* name = deck.element_name(si, i);
            list += fmt::format("{}{} (index {})", i == 0 ? "" : ", ",
                                name != nullptr ? toml_literal(Value{*name}) : std::string("unnamed"), i);
          }
          problem(
              fmt::format("no element '{}' in [[{}]] (an override cannot create one); its elements are {}",
                          selector, section, list));
        }
        continue;
      }
      label = " (" + deck.element_label(si, *index) + ")";
      entries = &elements[*index].entries;
      given_here = &element_given[si][*index];
    }

    const KeySpec* spec = deck.schema_.find(full);
    if (spec == nullptr) {
      // Suggest in the form the user typed: field.chi.mean, not field.mean.
      auto guess = suggest_path(full, schema);
      if (!section.empty() && guess && guess->rfind(section + ".", 0) == 0)
        guess = section + "." + selector + guess->substr(section.size());
      problem(fmt::format("unknown key '{}'{}{}", full, label, did_you_mean(guess)));
      continue;
    }
    const std::size_t k = deck.schema_.index_of(full);
    (*given_here)[k] = true;
    std::string complaint;
    auto value = override_value(*spec, raw, complaint);
    if (!value) {
      problem(fmt::format("key '{}'{}: {}", full, label, complaint));
      continue;
    }
    (*entries)[k] = Entry{std::move(value), Origin::override_argument, 0, 0, arg};
    // An override makes an optional section present (an element's section is already).
    deck.section_exists_[deck.section_index(spec->section())] = true;
  }

  // ---- 3. sections and keys not given: refuse missing required ones, fill defaults.
  for (std::size_t si = 0; si < sections.size(); ++si) {
    const SectionSpec& sec = sections[si];
    // Fill the defaults of one table's `entries`, refusing its missing required keys at `where`.
    const auto complete = [&](std::vector<Entry>& entries, const std::vector<bool>& given_here,
                              const std::string& where, const std::string& label) {
      for (std::size_t ki = 0; ki < keys.size(); ++ki) {
        const KeySpec& k = keys[ki];
        auto& e = entries[ki];
        if (k.section() != sec.name || e.value || given_here[ki])
          continue;
        if (k.is_required) {
          problems.push_back(
              {2, 0, 0, si,
               fmt::format("{}: missing required key '{}'{} ({})", where, k.path, label, k.doc)});
        } else if (k.default_value) {
          e.value = k.default_value;
          e.origin = Origin::default_value;
        }
      }
    };
    if (sec.presence == Presence::repeated) {
      auto& elements = deck.elements_[si];
      for (std::size_t n = 0; n < elements.size(); ++n) {
        complete(elements[n].entries, element_given[si][n],
                 fmt::format("{}:{}:{}", path, elements[n].line, elements[n].column),
                 " (" + deck.element_label(si, n) + ")");
      }
      // Overrides address elements by name: two elements of one name would make that ambiguous.
      const std::size_t name_key = deck.schema_.index_of(sec.name + ".name");
      for (std::size_t n = 0; name_key < keys.size() && n < elements.size(); ++n) {
        const Entry& e = elements[n].entries[name_key];
        for (std::size_t m = 0; m < n && e.value; ++m) {
          if (elements[m].entries[name_key].value != e.value)
            continue;
          const std::string text =
              fmt::format("{}: key '{}' ({}): expected a name no other element has, got {} (the name of {})",
                          deck.element_where(si, n, e), sec.name + ".name", deck.element_label(si, n),
                          toml_literal(*e.value), deck.element_label(si, m));
          if (e.origin == Origin::file)
            problems.push_back({0, e.line, e.column, problems.size(), text});
          else
            problems.push_back({1, 0, 0, overrides.size(), text});
          break;
        }
      }
      continue;
    }
    if (!deck.section_exists_[si]) {
      if (sec.presence == Presence::required) {
        problems.push_back({2, 0, 0, si,
                            fmt::format("{}: missing required section [{}] ({}){}", path, sec.name, sec.doc,
                                        needed_keys(schema, sec.name))});
        continue;
      }
      if (sec.presence == Presence::optional)
        continue;
      deck.section_exists_[si] = true; // defaulted: exists with its defaults
    }
    complete(deck.entries_, given, header[si] ? at(path, *header[si]) : path, "");
  }

  if (!problems.empty()) {
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
      return std::tie(a.group, a.line, a.column, a.seq) < std::tie(b.group, b.line, b.column, b.seq);
    });
    std::string all;
    for (const auto& p : problems)
      all += (all.empty() ? "" : "\n") + p.text;
    throw InputError(all);
  }
  return deck;
}

// ------------------------------------------------------------------------------------------- getters

std::size_t Deck::section_index(std::string_view name) const {
  const SectionSpec* s = schema_.find_section(name);
  if (s == nullptr) {
    throw std::logic_error(fmt::format("Deck: no section [{}] in the schema", name));
  }
  return static_cast<std::size_t>(s - schema_.sections().data());
}

std::size_t Deck::repeated_section_of(std::string_view path, const char* getter) const {
  const std::size_t i = schema_.index_of(path);
  if (i == schema_.keys().size()) {
    throw std::logic_error(fmt::format("Deck::{}('{}', index): no such key in the schema", getter, path));
  }
  const std::size_t si = section_index(schema_.keys()[i].section());
  if (schema_.sections()[si].presence != Presence::repeated) {
    throw std::logic_error(
        fmt::format("Deck::{}('{}', index): the key is not in a repeated section; call it without an index",
                    getter, path));
  }
  return si;
}

const Deck::Entry& Deck::entry(std::string_view path, const char* getter) const {
  const std::size_t i = schema_.index_of(path);
  if (i == schema_.keys().size()) {
    throw std::logic_error(fmt::format("Deck::{}('{}'): no such key in the schema", getter, path));
  }
  if (schema_.find_section(schema_.keys()[i].section())->presence == Presence::repeated) {
    throw std::logic_error(fmt::format("Deck::{}('{}'): the key is in the repeated section [[{}]]; pass the "
                                       "element index",
                                       getter, path, schema_.keys()[i].section()));
  }
  return entries_[i];
}

const Deck::Entry& Deck::entry(std::string_view path, Type type, const char* getter) const {
  // The entry first: it refuses an unknown key, which has no KeySpec to dereference.
  const Entry& e = entry(path, getter);
  const Entry& r = readable(e, *schema_.find(path), type, fmt::format("Deck::{}('{}')", getter, path));
  r.read = true;
  return r;
}

const Deck::Entry& Deck::element_entry(std::string_view path, std::size_t index, const char* getter) const {
  const std::size_t si = repeated_section_of(path, getter);
  const auto& elements = elements_[si];
  if (index >= elements.size()) {
    throw std::logic_error(fmt::format("Deck::{}('{}', {}): [[{}]] has {} elements", getter, path, index,
                                       schema_.sections()[si].name, elements.size()));
  }
  return elements[index].entries[schema_.index_of(path)];
}

const Deck::Entry& Deck::element_entry(std::string_view path, std::size_t index, Type type,
                                       const char* getter) const {
  const Entry& e = element_entry(path, index, getter); // refuses an unknown key before its KeySpec is read
  const Entry& r =
      readable(e, *schema_.find(path), type, fmt::format("Deck::{}('{}', {})", getter, path, index));
  r.read = true;
  return r;
}

std::int64_t Deck::integer(std::string_view path) const {
  return std::get<std::int64_t>(*entry(path, Type::integer, "integer").value);
}
double Deck::real(std::string_view path) const {
  return std::get<double>(*entry(path, Type::real, "real").value);
}
bool Deck::boolean(std::string_view path) const {
  return std::get<bool>(*entry(path, Type::boolean, "boolean").value);
}
const std::string& Deck::string(std::string_view path) const {
  return std::get<std::string>(*entry(path, Type::string, "string").value);
}

bool Deck::has(std::string_view path) const {
  const std::size_t i = schema_.index_of(path);
  return i < entries_.size() && entries_[i].value.has_value();
}

bool Deck::has_section(std::string_view name) const {
  const SectionSpec* s = schema_.find_section(name);
  return s != nullptr && section_exists_[static_cast<std::size_t>(s - schema_.sections().data())];
}

bool Deck::user_given(std::string_view path) const {
  const std::size_t i = schema_.index_of(path);
  return i < entries_.size() &&
         (entries_[i].origin == Origin::file || entries_[i].origin == Origin::override_argument);
}

bool Deck::given_non_default(std::string_view path) const {
  if (!user_given(path)) {
    return false;
  }
  const std::size_t i = schema_.index_of(path);
  const auto& fallback = schema_.keys()[i].default_value;
  return !fallback || entries_[i].value != fallback;
}

std::size_t Deck::count(std::string_view section) const {
  const std::size_t si = section_index(section);
  if (schema_.sections()[si].presence != Presence::repeated) {
    throw std::logic_error(fmt::format("Deck::count('{}'): the section is not repeated", section));
  }
  return elements_[si].size();
}

std::int64_t Deck::integer(std::string_view path, std::size_t index) const {
  return std::get<std::int64_t>(*element_entry(path, index, Type::integer, "integer").value);
}
double Deck::real(std::string_view path, std::size_t index) const {
  return std::get<double>(*element_entry(path, index, Type::real, "real").value);
}
bool Deck::boolean(std::string_view path, std::size_t index) const {
  return std::get<bool>(*element_entry(path, index, Type::boolean, "boolean").value);
}
const std::string& Deck::string(std::string_view path, std::size_t index) const {
  return std::get<std::string>(*element_entry(path, index, Type::string, "string").value);
}

bool Deck::has(std::string_view path, std::size_t index) const {
  return element_entry(path, index, "has").value.has_value();
}

bool Deck::user_given(std::string_view path, std::size_t index) const {
  const Entry& e = element_entry(path, index, "user_given");
  return e.origin == Origin::file || e.origin == Origin::override_argument;
}

bool Deck::given_non_default(std::string_view path, std::size_t index) const {
  if (!user_given(path, index)) {
    return false;
  }
  const auto& fallback = schema_.find(path)->default_value;
  return !fallback || element_entry(path, index, "given_non_default").value != fallback;
}

// ----------------------------------------------------------------------------------------- reporting

std::string Deck::where(const Entry& e) const {
  switch (e.origin) {
  case Origin::file:
    return fmt::format("{}:{}:{}", file_, e.line, e.column);
  case Origin::override_argument:
    return override_where(e.argument);
  case Origin::default_value:
    return file_ + " (default)";
  case Origin::unset:
    break;
  }
  return file_ + " (not set)";
}

std::string Deck::element_where(std::size_t si, std::size_t index, const Entry& e) const {
  if (e.origin == Origin::file || e.origin == Origin::override_argument) {
    return where(e);
  }
  const Element& element = elements_[si][index];
  return fmt::format("{}:{}:{}", file_, element.line, element.column);
}

const std::string* Deck::element_name(std::size_t si, std::size_t index) const {
  const std::size_t name_key = schema_.index_of(schema_.sections()[si].name + ".name");
  if (name_key == schema_.keys().size())
    return nullptr;
  const auto& v = elements_[si][index].entries[name_key].value;
  return v ? std::get_if<std::string>(&*v) : nullptr;
}

std::string Deck::element_label(std::size_t si, std::size_t index) const {
  return label_text(schema_.sections()[si].name, index, element_name(si, index));
}

namespace {

/// "got ..." of Deck::fail: numbers as the user writes them, as in KeySpec::violation ("got 7", not
/// "got 7.0").
std::string got_text(const std::optional<Value>& value) {
  if (!value)
    return "no value";
  return std::holds_alternative<double>(*value) ? fmt::format("{}", std::get<double>(*value))
                                                : toml_literal(*value);
}

} // namespace

bool Deck::was_read(std::string_view path) const {
  return entry(path, "was_read").read;
}

bool Deck::was_read(std::string_view path, std::size_t index) const {
  return element_entry(path, index, "was_read").read;
}

void Deck::refuse_unread(const std::string& run) const {
  // In schema order (the resolved deck's), then element by element: the first such key is refused.
  const std::string why = "no value: the key is not used by " + run + " run";
  const auto& keys = schema_.keys();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& path = keys[i].path;
    const std::size_t si = section_index(keys[i].section());
    if (schema_.sections()[si].presence != Presence::repeated) {
      if (given_non_default(path) && !entries_[i].read) {
        fail(path, why);
      }
      continue;
    }
    for (std::size_t index = 0; index < elements_[si].size(); ++index) {
      if (given_non_default(path, index) && !elements_[si][index].entries[i].read) {
        fail(path, index, why);
      }
    }
  }
}

void Deck::fail(const std::string& path, const std::string& expected) const {
  const Entry& e = entry(path, "fail");
  throw InputError(
      fmt::format("{}: key '{}': expected {}, got {}", where(e), path, expected, got_text(e.value)));
}

void Deck::fail(const std::string& path, std::size_t index, const std::string& expected) const {
  const Entry& e = element_entry(path, index, "fail");
  const std::size_t si = repeated_section_of(path, "fail");
  throw InputError(fmt::format("{}: key '{}' ({}): expected {}, got {}", element_where(si, index, e), path,
                               element_label(si, index), expected, got_text(e.value)));
}

void Deck::fail_section(const std::string& name, const std::string& expected) const {
  const SectionSpec* spec = schema_.find_section(name);
  if (spec == nullptr) {
    throw std::logic_error(fmt::format("Deck::fail_section('{}'): no such section in the schema", name));
  }
  if (spec->presence == Presence::repeated) {
    throw std::logic_error(
        fmt::format("Deck::fail_section('{}'): the section is repeated; pass the element index", name));
  }
  const auto si = static_cast<std::size_t>(spec - schema_.sections().data());
  const std::string where =
      section_lines_[si] > 0 ? fmt::format("{}:{}", file_, section_lines_[si]) : fmt::format("{}", file_);
  throw InputError(fmt::format("{}: section [{}]: expected {}", where, name, expected));
}

void Deck::fail_section(const std::string& name, std::size_t index, const std::string& expected) const {
  const SectionSpec* spec = schema_.find_section(name);
  if (spec == nullptr || spec->presence != Presence::repeated) {
    throw std::logic_error(
        fmt::format("Deck::fail_section('{}', {}): no such repeated section in the schema", name, index));
  }
  const auto si = static_cast<std::size_t>(spec - schema_.sections().data());
  if (index >= elements_[si].size()) {
    throw std::logic_error(fmt::format("Deck::fail_section('{}', {}): [[{}]] has {} elements", name, index,
                                       name, elements_[si].size()));
  }
  throw InputError(fmt::format("{}:{}: section {}: expected {}", file_, elements_[si][index].line,
                               element_label(si, index), expected));
}

void Deck::require_section(const std::string& name, const std::string& why) const {
  if (has_section(name)) {
    return;
  }
  const SectionSpec* spec = schema_.find_section(name);
  if (spec == nullptr) {
    throw std::logic_error(fmt::format("Deck::require_section('{}'): no such section in the schema", name));
  }
  throw InputError(fmt::format("{}: missing required section {} ({}): {}{}", file_, bracketed(*spec),
                               spec->doc, why, needed_keys(schema_, name)));
}

std::string Deck::resolved_toml(const std::map<std::string, std::string>& derived,
                                const ProgramUnits& units) const {
  std::string out = "# inflanet input deck, fully resolved: the values this run uses.\n";
  out += fmt::format("# source: {}\n", file_);
  for (const auto& o : overrides_)
    out += fmt::format("# override: {}\n", o);
  out += "# '(default)' marks values not given by the user, '(override)' values from the command line,\n"
         "# '(derived)' values the program computed from other keys (commented out: they cannot be given).\n";

  // One table: `header` ("" for the top level), then its keys' lines, aligned. `derived_of` names the
  // derived value of a key, or nullptr.
  const auto table = [&](const SectionSpec& sec, const std::string& header, const std::vector<Entry>& entries,
                         const auto& derived_of) {
    std::vector<std::pair<std::string, std::string>> lines; // "key = value", "# comment"
    for (std::size_t k = 0; k < schema_.keys().size(); ++k) {
      const KeySpec& spec = schema_.keys()[k];
      if (spec.section() != sec.name)
        continue;
      const Entry& e = entries[k];
      if (const std::string* d = derived_of(spec)) {
        // Derived by the program from other keys: shown commented out, so the deck reloads as written.
        lines.emplace_back(fmt::format("# {} = {}", spec.name(), *d),
                           "# (derived) " + units.relabel(spec.doc));
        continue;
      }
      if (!e.value) {
        if (spec.when_unset == WhenUnset::listed)
          lines.emplace_back(fmt::format("# {} = (not set)", spec.name()), "# " + units.relabel(spec.doc));
        continue;
      }
      const char* mark = e.origin == Origin::default_value       ? "(default) "
                         : e.origin == Origin::override_argument ? "(override) "
                                                                 : "";
      lines.emplace_back(fmt::format("{} = {}", spec.name(), toml_literal(*e.value)),
                         fmt::format("# {}{}", mark, units.relabel(spec.doc)));
    }
    if (!header.empty())
      out += fmt::format("\n{}  # {}\n", header, sec.doc);
    else if (!lines.empty())
      out += "\n";
    std::size_t width = 0;
    for (const auto& l : lines)
      width = std::max(width, l.first.size());
    for (const auto& l : lines)
      out += fmt::format("{:<{}}  {}\n", l.first, width, l.second);
  };
  const auto lookup = [&](const std::string& path) -> const std::string* {
    const auto d = derived.find(path);
    return d == derived.end() ? nullptr : &d->second;
  };

  // The top-level section "" comes first in the schema, as TOML needs: root keys precede any [table].
  const auto& sections = schema_.sections();
  for (std::size_t si = 0; si < sections.size(); ++si) {
    const SectionSpec& sec = sections[si];
    if (!section_exists_[si]) {
      if (sec.when_absent == WhenUnset::listed)
        out += fmt::format("\n# {} not present (optional: {})\n", bracketed(sec), sec.doc);
      continue;
    }
    if (sec.presence != Presence::repeated) {
      table(sec, sec.name.empty() ? std::string{} : "[" + sec.name + "]", entries_,
            [&](const KeySpec& spec) { return lookup(spec.path); });
      continue;
    }
    for (std::size_t n = 0; n < elements_[si].size(); ++n) {
      const std::string* name = element_name(si, n);
      table(sec, "[[" + sec.name + "]]", elements_[si][n].entries, [&](const KeySpec& spec) {
        const std::string* d = name != nullptr ? lookup(sec.name + "." + *name + "." + spec.name()) : nullptr;
        return d != nullptr ? d : lookup(fmt::format("{}.{}.{}", sec.name, n, spec.name()));
      });
    }
  }
  return out;
}

} // namespace inflanet::config
