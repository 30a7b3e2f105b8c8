#pragma once
/// \file
/// \brief The rank-0 progress line of long runs: step, t, a, e-folds, key diagnostics, steps/s, ETA.

#include <cstdint>
#include <string>

namespace inflanet {

/// \brief Prints one stable, regex-friendly line every `every` steps on rank 0, e.g.
/// `step 1200/10000 t=12.000 a=3.210e+00 N=1.166 <phi>=1.0e-03 cont=1.2e-09 | 85.3 steps/s ETA 00:01:43`.
class ProgressReporter {
public:
  ProgressReporter(std::int64_t total_steps, std::int64_t every, bool enabled);
  /// \brief Reports if `step` is due (or is the last); `diagnostics` is appended verbatim.
  void maybe_report(std::int64_t step, double t, double a, double efolds, const std::string& diagnostics);
  /// \brief Wall seconds since construction.
  [[nodiscard]] double elapsed() const;

private:
  std::int64_t total_, every_;
  bool enabled_;
  double start_, window_start_;
  std::int64_t window_step_ = 0;
};

} // namespace inflanet
