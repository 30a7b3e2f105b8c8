#pragma once
/// \file
/// \brief Private to src/potential: the per-thread cache of muparser evaluators behind the expression
/// potentials. muparser parsers are not re-entrant, so each thread lazily builds its own evaluator for each
/// potential (keyed by the potential's id, shared by its copies), with a one-entry fast path for loops over
/// one potential. Entries are never freed: a run builds a handful of potentials, a few kB per thread each.

#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace inflanet::detail {

/// \brief The calling thread's evaluator for `spec` (built from it on first use); Evaluator(const Spec&).
template <class Evaluator, class Spec>
Evaluator& thread_evaluator(const Spec& spec) {
  struct Cache {
    std::unordered_map<std::uint64_t, std::unique_ptr<Evaluator>> map;
    std::uint64_t last_id = 0;
    Evaluator* last = nullptr;
  };
  thread_local Cache cache; // one per Evaluator type and thread
  if (cache.last != nullptr && cache.last_id == spec.id) {
    return *cache.last;
  }
  auto& slot = cache.map[spec.id];
  if (!slot) {
    slot = std::make_unique<Evaluator>(spec);
  }
  cache.last_id = spec.id;
  cache.last = slot.get();
  return *slot;
}

/// \brief A process-wide unique id for a new expression potential's spec.
inline std::uint64_t next_expression_id() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1);
}

} // namespace inflanet::detail
