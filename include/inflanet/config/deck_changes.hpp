#pragma once
/// \file
/// \brief The keys whose values differ between the resolved deck of an earlier run (as its checkpoints
/// store it) and a deck: what a restart uses to refuse changed physics. Compared by value and type through
/// the schema, so formatting, comments and key order do not count, and a key the earlier deck lacks (a
/// schema that has grown since) counts as its default.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inflanet/config/schema.hpp"

namespace inflanet::config {

/// \brief One key that differs: its path ("potential.g2"; "field.chi.mean" for an element of a repeated
/// section, by name, or "field.1.mean" by index; "field" for a different number of elements) and both
/// values as TOML text ("(none)" where the key has no value).
struct KeyChange {
  std::string key, before, after;
};

/// \brief The keys of `schema` for which `compared(path)` holds whose values differ between two resolved
/// decks (Deck::resolved_toml; values the program derived are comments there and do not count). A key a
/// present section lacks counts as its default. InputError when either text is not TOML.
[[nodiscard]] std::vector<KeyChange> changed_keys(const std::string& before_toml,
                                                  const std::string& after_toml, const Schema& schema,
                                                  const std::function<bool(std::string_view)>& compared);

} // namespace inflanet::config
