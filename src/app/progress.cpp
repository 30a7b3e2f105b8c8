#include "inflanet/app/progress.hpp"

#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <utility>

#include <fmt/format.h>

namespace inflanet {

ProgressReporter::ProgressReporter(std::int64_t total_steps, std::int64_t every, bool enabled)
    : total_(total_steps), every_(every), enabled_(enabled), start_(MPI_Wtime()), window_start_(start_) {}

double ProgressReporter::elapsed() const {
  return MPI_Wtime() - start_;
}

void ProgressReporter::maybe_report(std::int64_t step, double t, double a, double efolds,
                                    const std::string& diagnostics) {
  if (!enabled_ || (step % every_ != 0 && step != total_)) {
    return;
  }
  const double now = MPI_Wtime();
  const double rate = (step - window_step_) / std::max(now - window_start_, 1e-9);
  window_start_ = now;
  window_step_ = step;
  fmt::print("step {}/{} t={:.4f} a={:.4e} N={:.3f} {} | {:.1f} steps/s ETA {}\n", step, total_, t, a, efolds,
             diagnostics, rate, clock_time((total_ - step) / std::max(rate, 1e-9)));
  std::fflush(stdout);
}

std::string clock_time(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) {
    return "--:--:--";
  }
  const auto s = static_cast<long long>(std::llround(seconds));
  return fmt::format("{:02d}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
}

StageProgress::StageProgress(std::string stage, std::string unit, std::size_t total, bool enabled,
                             double interval)
    : stage_(std::move(stage)), unit_(std::move(unit)), total_(total), enabled_(enabled), interval_(interval),
      start_(std::chrono::steady_clock::now()) {}

double StageProgress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void StageProgress::update(std::size_t done) {
  if (!enabled_ || finished_) {
    return;
  }
  const double now = elapsed();
  const bool last = done >= total_;
  if (!last && last_ >= 0.0 && now - last_ < interval_) {
    return;
  }
  if (!last && last_ < 0.0 && now < interval_) {
    return; // a stage shorter than the interval prints its last line only
  }
  last_ = now;
  finished_ = last;
  fmt::print("{}\n", line(stage_, unit_, done, total_, now));
  std::fflush(stdout);
}

std::string StageProgress::line(const std::string& stage, const std::string& unit, std::size_t done,
                                std::size_t total, double elapsed) {
  const double rate = static_cast<double>(done) / std::max(elapsed, 1e-9);
  const double left = done > 0 ? static_cast<double>(total - std::min(done, total)) / rate : -1.0;
  const double percent = total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
  return fmt::format("# progress: {} {} {}/{} ({:.1f}%) | {:.1f} {}/s ETA {}", stage, unit, done, total,
                     percent, rate, unit, clock_time(left));
}

std::string stage_start_line(const std::string& stage, double estimate, const std::string& basis) {
  return fmt::format("# progress: {}: starting, estimated {} ({})", stage, clock_time(estimate), basis);
}

std::string stage_done_line(const std::string& stage, double seconds) {
  return fmt::format("# progress: {}: done in {:.1f} s", stage, seconds);
}

} // namespace inflanet
