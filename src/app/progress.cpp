#include "inflanet/app/progress.hpp"

#include <mpi.h>

#include <cmath>

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
  const auto eta = static_cast<long>(std::lround((total_ - step) / std::max(rate, 1e-9)));
  fmt::print("step {}/{} t={:.4f} a={:.4e} N={:.3f} {} | {:.1f} steps/s ETA {:02d}:{:02d}:{:02d}\n", step,
             total_, t, a, efolds, diagnostics, rate, eta / 3600, (eta / 60) % 60, eta % 60);
  std::fflush(stdout);
}

} // namespace inflanet
