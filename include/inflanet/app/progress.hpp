#pragma once
/// \file
/// \brief The rank-0 progress lines of long runs: the time loop's (step, t, a, e-folds, key diagnostics,
/// steps/s, ETA) and those of the long stages before it (Theta(0)'s rows, Lanczos, the eigendecomposition,
/// the velocity solve).

#include <chrono>
#include <cstddef>
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

/// \brief "hh:mm:ss" of a number of seconds, rounded (negative or non-finite: "--:--:--").
[[nodiscard]] std::string clock_time(double seconds);

/// \brief The progress of a long stage that counts items (Theta(0)'s rows, Lanczos products), one line on
/// rank 0 at most every `interval` seconds and at the last item, e.g.
/// `# progress: Theta(0) rows 1024/2048 (50.0%) | 812.3 rows/s ETA 00:00:01`. The ranks other than 0 pass
/// enabled = false. The stage's library code calls update through a callback: it never prints itself.
class StageProgress {
public:
  StageProgress(std::string stage, std::string unit, std::size_t total, bool enabled, double interval = 2.0);
  /// \brief `done` items of the total are done; prints if the interval has passed or done == total (once).
  void update(std::size_t done);
  /// \brief Wall seconds since construction.
  [[nodiscard]] double elapsed() const;
  /// \brief The line for `done` of `total` items after `elapsed` seconds (the rate and the ETA from them).
  [[nodiscard]] static std::string line(const std::string& stage, const std::string& unit, std::size_t done,
                                        std::size_t total, double elapsed);

private:
  std::string stage_, unit_;
  std::size_t total_;
  bool enabled_;
  double interval_;
  std::chrono::steady_clock::time_point start_;
  double last_ = -1.0;
  bool finished_ = false;
};

/// \brief The line that opens an opaque stage (one library call, no progress inside), with its estimated
/// duration and the estimate's basis: `# progress: Theta(0) eigendecomposition (N = 4096): starting,
/// estimated 00:00:25 (<basis>)`.
[[nodiscard]] std::string stage_start_line(const std::string& stage, double estimate,
                                           const std::string& basis);
/// \brief The line that closes it: `# progress: Theta(0) eigendecomposition (N = 4096): done in 23.4 s`.
[[nodiscard]] std::string stage_done_line(const std::string& stage, double seconds);

} // namespace inflanet
