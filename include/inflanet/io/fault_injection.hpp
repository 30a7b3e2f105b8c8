#pragma once
/// \file
/// \brief Deterministic fault injection for the crash-safety tests (kill a run mid-checkpoint).

#include <cstdint>
#include <string_view>

namespace inflanet::io {

/// \brief Kills this process with SIGKILL when the environment variable INFLANET_FAULT_INJECTION equals
/// "<point>:<step>" (e.g. "checkpoint-write:20"). A test facility: production runs never set it, and the
/// check costs one getenv per checkpoint.
void fault_point(std::string_view point, std::int64_t step);

} // namespace inflanet::io
