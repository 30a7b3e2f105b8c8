#include "inflanet/config/deck_changes.hpp"

#include <cstdint>
#include <variant>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "inflanet/base/error.hpp"
#include "inflanet/config/schema.hpp"

namespace inflanet::config {
namespace {

/// The value of `spec` in a TOML table, converted to the key's type; nullopt when absent or of another type.
std::optional<Value> toml_value(const toml::node* node, const KeySpec& spec) {
  if (node == nullptr) {
    return std::nullopt;
  }
  switch (spec.type) {
  case Type::integer:
    if (auto v = node->value_exact<std::int64_t>()) {
      return Value{*v};
    }
    break;
  case Type::real:
    if (auto v = node->value<double>()) { // an integer literal is a real key's value too
      return Value{*v};
    }
    break;
  case Type::boolean:
    if (auto v = node->value_exact<bool>()) {
      return Value{*v};
    }
    break;
  case Type::string:
    if (auto v = node->value_exact<std::string>()) {
      return Value{*v};
    }
    break;
  }
  return std::nullopt;
}

std::string text(const std::optional<Value>& value) {
  if (!value) {
    return "(none)";
  }
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return fmt::format("\"{}\"", v);
        } else {
          return fmt::format("{}", v);
        }
      },
      *value);
}

/// The key's name below its section ("g2" of "potential.g2").
std::string_view leaf(std::string_view path) {
  const auto dot = path.find('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

/// The value of a key in a section's table: as written, else its default (a schema that has grown since the
/// deck was written), else none; none too when the section is absent.
std::optional<Value> value_in(const toml::table* table, const KeySpec& spec) {
  if (table == nullptr) {
    return std::nullopt;
  }
  const toml::node* value = table->get(leaf(spec.path));
  return value == nullptr ? spec.default_value : toml_value(value, spec);
}

toml::table parse(const std::string& text, const char* which) {
  try {
    return toml::parse(text);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("the {} resolved deck is not TOML: {}", which, e.description()));
  }
}

} // namespace

std::vector<KeyChange> changed_keys(const std::string& before_toml, const std::string& after_toml,
                                    const Schema& schema,
                                    const std::function<bool(std::string_view)>& compared) {
  const toml::table before = parse(before_toml, "earlier"), after = parse(after_toml, "current");
  std::vector<KeyChange> changes;
  for (const SectionSpec& section : schema.sections()) {
    std::vector<const KeySpec*> keys;
    for (const KeySpec& spec : schema.keys()) {
      const bool in_section = section.name.empty() ? spec.path.find('.') == std::string::npos
                                                   : spec.path.rfind(section.name + ".", 0) == 0;
      if (in_section && compared(spec.path)) {
        keys.push_back(&spec);
      }
    }
    if (keys.empty()) {
      continue;
    }
    const auto node_of = [&](const toml::table& root) -> const toml::node* {
      return section.name.empty() ? &root : root.get(section.name);
    };
    if (section.presence == Presence::repeated) {
      const toml::array* was = node_of(before) != nullptr ? node_of(before)->as_array() : nullptr;
      const toml::array* is = node_of(after) != nullptr ? node_of(after)->as_array() : nullptr;
      const std::size_t n_was = was != nullptr ? was->size() : 0, n_is = is != nullptr ? is->size() : 0;
      if (n_was != n_is) {
        changes.push_back({section.name, fmt::format("{} [[{}]] table(s)", n_was, section.name),
                           fmt::format("{} [[{}]] table(s)", n_is, section.name)});
        continue;
      }
      for (std::size_t i = 0; i < n_is; ++i) {
        const toml::table* a = was->get(i) != nullptr ? was->get(i)->as_table() : nullptr;
        const toml::table* b = is->get(i) != nullptr ? is->get(i)->as_table() : nullptr;
        std::string label = std::to_string(i);
        if (const auto name = b != nullptr ? b->get("name") : nullptr;
            name != nullptr && name->value<std::string>()) {
          label = *name->value<std::string>();
        }
        for (const KeySpec* spec : keys) {
          const auto va = value_in(a, *spec), vb = value_in(b, *spec);
          if (va != vb) {
            changes.push_back(
                {fmt::format("{}.{}.{}", section.name, label, leaf(spec->path)), text(va), text(vb)});
          }
        }
      }
      continue;
    }
    const toml::node* na = node_of(before);
    const toml::node* nb = node_of(after);
    for (const KeySpec* spec : keys) {
      const auto va = value_in(na != nullptr ? na->as_table() : nullptr, *spec);
      const auto vb = value_in(nb != nullptr ? nb->as_table() : nullptr, *spec);
      if (va != vb) {
        changes.push_back({spec->path, text(va), text(vb)});
      }
    }
  }
  return changes;
}

} // namespace inflanet::config
