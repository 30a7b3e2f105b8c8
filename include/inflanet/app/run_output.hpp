#pragma once
/// \file
/// \brief What every lattice run does with its output directory, written once: prepare it (directory,
/// resolved deck, FFTW wisdom imported before planning), say where the plans came from, read the output
/// cadence keys, and open (or, for a restart, reopen) the time series and spectra files.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "inflanet/base/error.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/decomposition/decomposition.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/fft/fft_plan.hpp"
#include "inflanet/io/checkpoint.hpp"
#include "inflanet/io/file_metadata.hpp"
#include "inflanet/io/spectra_file.hpp"
#include "inflanet/io/timeseries_file.hpp"
#include "inflanet/spectra/power_spectrum.hpp"

namespace inflanet {

/// \brief Claims `dir` for this run before anything is written (io::claim_output_directory on rank 0, the
/// verdict shared by every rank of `comm`; `root`: this is rank 0): another run's files there are refused
/// (InputError naming output.dir, the files and the ways out) unless `restart` is a checkpoint in `dir`
/// ("latest" included) or `overwrite`, which removes them first (and says so). A refused run changes no file:
/// `defer_removal` checks the claim and removes nothing (a restart, until its checkpoint is accepted; it then
/// claims again without it).
void claim_run_output(const std::filesystem::path& dir, const std::optional<std::string>& restart,
                      bool overwrite, bool root, MPI_Comm comm, bool defer_removal = false);

/// \brief Claims `dir` (claim_run_output with `restart` and `overwrite`; a restart's overwrite removes
/// nothing here, and resolved.toml is written by the run, once the restart's checkpoint is accepted) and
/// imports the FFTW wisdom of this grid, rank and thread count (`wisdom_setting`: output.wisdom) so the plans
/// made next come from it. Collective; returns the wisdom file.
[[nodiscard]] std::filesystem::path prepare_run_output(const std::filesystem::path& dir,
                                                       const std::optional<std::string>& restart,
                                                       bool overwrite, const std::string& wisdom_setting,
                                                       const Decomposition& d, const Session& session);

/// \brief Rank 0: one line on the plans' origin, and a warning on stderr when the wisdom could not be kept
/// (`problem` non-empty).
void report_fft_plans(const FftPlan& plan, const std::filesystem::path& wisdom, const std::string& problem,
                      bool root);

/// \brief The output keys of a lattice run (output.*), copied into any parameters struct that has these
/// members (LatticeParameters).
template <class P>
void read_output_keys(const config::Deck& deck, P& p) {
  p.output_dir = deck.string("output.dir");
  p.overwrite = deck.boolean("output.overwrite");
  p.timeseries_every = deck.integer("output.timeseries_every");
  p.spectra_every = deck.integer("output.spectra_every");
  p.snapshot_every = deck.integer("output.snapshot_every");
  p.checkpoint_every = deck.integer("output.checkpoint_every");
  p.progress_every = deck.integer("output.progress_every");
  p.final_checkpoint = deck.boolean("output.final_checkpoint");
  p.wisdom = deck.string("output.wisdom");
  if (deck.has("restart")) {
    p.restart = deck.string("restart");
  }
}

/// \brief `read()`, an io::read_checkpoint of the deck's `restart`, with its refusal named by that key:
/// `restart = "<restart>": <what is wrong with the file>`. Collective like the read (every rank raises it).
template <class Read>
[[nodiscard]] io::CheckpointState read_restart_checkpoint(const std::string& restart, Read&& read) {
  try {
    return read();
  } catch (const InputError& e) {
    throw InputError("restart = \"" + restart + "\": " + e.what());
  }
}

/// \brief Refuses (InputError naming `restart`, each changed key and both values) a restart whose deck
/// `deck_text` (resolved) changes the physics of the run that wrote `checkpoint`: every key but
/// restart_may_change's must be as the checkpoint's own resolved deck has it.
void require_same_physics(const io::CheckpointState& checkpoint, const std::string& restart,
                          const std::string& deck_text);

/// \brief The keys a restart may change: when the run ends (time.t_end, network.steps), what it writes and
/// how often (output.*, network.output_every, network.ntk_every), and restart itself.
[[nodiscard]] bool restart_may_change(std::string_view key);

/// \brief Refuses (InputError naming `restart`) a checkpoint the deck cannot continue: written with another
/// time.dt, or at a step past the deck's last.
void require_continuable(const io::CheckpointState& checkpoint, const std::string& restart, double dt,
                         std::int64_t steps);

/// \brief timeseries.h5 and spectra.h5 of a lattice run, held by rank 0 (empty elsewhere).
struct LatticeRunFiles {
  std::optional<io::TimeseriesFile> timeseries;
  std::optional<io::SpectraFile> spectra;
};

/// \brief Rank 0 (`root`): a continuing run (`continuing`, restarted at `step`) reopens both files when both
/// exist, checking their columns and names; otherwise both are created.
[[nodiscard]] LatticeRunFiles
open_lattice_run_files(const std::filesystem::path& dir, bool continuing, std::int64_t step,
                       const std::vector<std::string>& columns, const std::vector<QuantityUnit>& units,
                       const std::vector<std::string>& spectrum_names,
                       const std::vector<QuantityUnit>& spectrum_units, const PowerSpectrum& spectrum,
                       const Box& box, const io::FileMetadata& metadata, bool root);

} // namespace inflanet
