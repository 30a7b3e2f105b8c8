#include "inflanet/app/run_output.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/config/deck_changes.hpp"
#include "inflanet/config/schema.hpp"
#include "inflanet/fft/fft_wisdom.hpp"
#include "inflanet/io/atomic_file.hpp"
#include "inflanet/io/output_directory.hpp"

namespace inflanet {

void claim_run_output(const std::filesystem::path& dir, const std::optional<std::string>& restart,
                      bool overwrite, bool root, MPI_Comm comm, bool defer_removal) {
  // Rank 0 alone looks and removes; every rank then raises the same error, or none.
  std::string refusal, failure;
  if (root) {
    try {
      const io::DirectoryClaim claim{restart ? std::optional<std::filesystem::path>(*restart) : std::nullopt,
                                     overwrite, defer_removal};
      const auto claimed = io::claim_output_directory(dir, claim);
      if (!claimed.removed.empty()) {
        fmt::print("# output: removed {} file(s) of the previous run in {} (output.overwrite = true)\n",
                   claimed.removed.size(), dir.string());
      }
    } catch (const io::OutputDirectoryTaken& e) {
      refusal = overwrite ? fmt::format("output.overwrite = true: output.dir '{}' {} (restart = \"{}\")",
                                        dir.string(), e.reason(), restart.value_or(""))
                          : fmt::format("output.dir '{}' {} ({}): {}choose another output.dir, or set "
                                        "output.overwrite = true to remove them first",
                                        dir.string(), e.reason(), e.file_list(),
                                        restart ? "restart from a checkpoint in it, "
                                                : "restart it (restart = \"latest\"), ");
    } catch (const Error& e) {
      failure = e.what();
    }
  }
  refusal = broadcast_string(refusal, comm);
  failure = broadcast_string(failure, comm);
  if (!refusal.empty()) {
    throw InputError(refusal);
  }
  if (!failure.empty()) {
    throw RuntimeError(failure, /*collective=*/true);
  }
}

std::filesystem::path prepare_run_output(const std::filesystem::path& dir,
                                         const std::optional<std::string>& restart, bool overwrite,
                                         const std::string& wisdom_setting, const Decomposition& d,
                                         const Session& session) {
  claim_run_output(dir, restart, overwrite, d.is_root(), d.comm(), /*defer_removal=*/restart.has_value());
  const auto wisdom =
      wisdom_path(wisdom_setting, WisdomKey{d.box().n, d.size(), session.threads(), PlanRigor::measure});
  import_fft_wisdom(wisdom, d);
  return wisdom;
}

void report_fft_plans(const FftPlan& plan, const std::filesystem::path& wisdom, const std::string& problem,
                      bool root) {
  if (!root) {
    return;
  }
  if (plan.from_wisdom()) {
    fmt::print("# fft: plans made from the cached wisdom in {} (nothing measured)\n", wisdom.string());
  } else if (problem.empty()) {
    fmt::print("# fft: plans measured and saved to {}\n", wisdom.string());
  } else {
    fmt::print("# fft: plans measured, not saved\n");
    std::fflush(stdout);
    fmt::print(
        stderr,
        "inflanet: warning: cannot keep the FFTW wisdom (output.wisdom): {}; the run goes on (the next run "
        "measures again)\n",
        problem);
  }
}

bool restart_may_change(std::string_view key) {
  return key == "restart" || key == "time.t_end" || key == "network.steps" || key == "network.output_every" ||
         key == "network.ntk_every" || key.rfind("output.", 0) == 0;
}

void require_same_physics(const io::CheckpointState& checkpoint, const std::string& restart,
                          const std::string& deck_text) {
  const auto changes = config::changed_keys(checkpoint.deck_text, deck_text, config::inflanet_schema(),
                                            [](std::string_view key) { return !restart_may_change(key); });
  if (changes.empty()) {
    return;
  }
  std::string list;
  for (const auto& c : changes) {
    list += fmt::format("{}{} = {} in the checkpoint's run, {} in this deck", list.empty() ? "" : "; ", c.key,
                        c.before, c.after);
  }
  throw InputError(fmt::format("restart = \"{}\": the deck changes the physics of the run it continues ({}); "
                               "a restart may change only time.t_end, network.steps, network.output_every, "
                               "network.ntk_every and the output.* keys",
                               restart, list));
}

void require_continuable(const io::CheckpointState& checkpoint, const std::string& restart, double dt,
                         std::int64_t steps) {
  if (checkpoint.dt != dt) {
    throw InputError(
        fmt::format("restart = \"{}\": the checkpoint was written with time.dt = {:.17g}, the deck "
                    "has {:.17g}; a run continues with its own step",
                    restart, checkpoint.dt, dt));
  }
  if (checkpoint.step > steps) {
    throw InputError(
        fmt::format("restart = \"{}\": the checkpoint is at step {}, past the deck's last step {} "
                    "(raise time.t_end to continue)",
                    restart, checkpoint.step, steps));
  }
}

LatticeRunFiles open_lattice_run_files(const std::filesystem::path& dir, bool continuing, std::int64_t step,
                                       const std::vector<std::string>& columns,
                                       const std::vector<QuantityUnit>& units,
                                       const std::vector<std::string>& spectrum_names,
                                       const std::vector<QuantityUnit>& spectrum_units,
                                       const PowerSpectrum& spectrum, const Box& box,
                                       const io::FileMetadata& metadata, bool root) {
  LatticeRunFiles files;
  if (!root) {
    return files;
  }
  const auto ts = dir / "timeseries.h5", sp = dir / "spectra.h5";
  if (continuing && std::filesystem::exists(ts) && std::filesystem::exists(sp)) {
    files.timeseries.emplace(io::TimeseriesFile::open_existing(ts, columns, step));
    files.spectra.emplace(io::SpectraFile::open_existing(sp, spectrum_names, step));
    return files;
  }
  files.timeseries.emplace(ts, columns, metadata, units);
  io::SpectraFileExtras extras;
  extras.spectrum_units = spectrum_units;
  files.spectra.emplace(sp, spectrum.k(), spectrum.counts(), spectrum_names, box.length, box.n, metadata,
                        extras);
  return files;
}

} // namespace inflanet
