#pragma once
/// \file
/// \brief Checkpoints: the complete state of a run in one HDF5 file, written atomically, readable on any
/// rank count, refused with a reason (InputError, exit 2) when it cannot be restarted from.
///
/// Files in the run directory:
///   checkpoint_<step>.h5      (unpadded step) the newest two complete checkpoints; older ones are deleted
///   checkpoint_latest         one line: the file name of the newest complete checkpoint
///   checkpoint_<step>.h5.tmp  only while a write is in progress (or left by a killed run: ignored)
///
/// Layout of checkpoint_<step>.h5:
///   /                      format="inflanet-checkpoint", format_version=1 (int64), step, n (int64),
///                          time, a, dt, rho0, length (float64), integrator, deck, code_version,
///                          git_commit, software, created (fixed-length strings), complete (int64, written
///                          LAST: 1 when the file is whole)
///   /fields/phi, /fields/phidot    float64 [N][N][N], global C order [x][y][z], contiguous, uncompressed
///   /series/continuity_values      float64 [m]
///   /extra_series/<name>           float64 [m_name], one per CheckpointState::extra_series entry
///   /scalars                       group; one float64 attribute per CheckpointState::scalars entry

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "inflanet/base/program_units.hpp"
#include "inflanet/decomposition/decomposition.hpp"
#include "inflanet/decomposition/field.hpp"

namespace inflanet::io {

/// \brief Everything besides the lattice fields that a bit-identical continuation needs (program units).
///
/// Must be identical on every rank when written. `n`, `length` are ignored by write_checkpoint (the
/// decomposition's Box is stored) and filled by read_checkpoint. `extra_series` names and `scalars` names
/// are free-form but must not contain '/' or be empty.
struct CheckpointState {
  std::int64_t step = 0;
  double time = 0.0;
  double a = 1.0;
  double dt = 0.0;
  std::string integrator;
  std::vector<double> continuity_values; ///< ContinuityTracker history (dissipation at every step)
  double rho0 = 0.0;                     ///< rho(t0) of the ContinuityTracker
  std::map<std::string, std::vector<double>> extra_series; ///< anything else the driver needs
  std::map<std::string, double> scalars;
  std::string deck_text, code_version, git_commit;
  /// \brief The run's program units, written (FileMetadata's unit attributes, attributeUnits of the root
  /// scalars); not read back: a restart takes them from its deck.
  ProgramUnits units;
  std::int64_t n = 0;
  double length = 0.0;
  std::filesystem::path source; ///< the file read_checkpoint read it from (empty for a state to write)

  /// \brief The scalar `name`, part of `what` (e.g. "coupled-run state", for the message). \throws InputError
  /// naming the file, `what` and the entry when there is none (a checkpoint of another kind of run).
  [[nodiscard]] double scalar(const std::string& name, const std::string& what = "state") const;
  /// \brief The scalar `name`, or `otherwise` when the checkpoint has none (an entry older builds did not
  /// write: the value they implied).
  [[nodiscard]] double scalar_or(const std::string& name, double otherwise) const;
  /// \brief The series `name` (as scalar()).
  [[nodiscard]] const std::vector<double>& series(const std::string& name,
                                                  const std::string& what = "state") const;

  friend bool operator==(const CheckpointState&, const CheckpointState&) = default;
};

/// \brief Name of the pointer file, `checkpoint_latest`.
inline constexpr const char* checkpoint_pointer_name = "checkpoint_latest";

/// \brief The lattice fields of a checkpoint, by dataset name under /fields (written and read in this order):
/// {"phi", "phidot"} for one field, `/fields/<name>` for each of a multi-field run.
using CheckpointFields = std::vector<std::pair<std::string, Field*>>;
/// \brief The same, read-only (for writing).
using ConstCheckpointFields = std::vector<std::pair<std::string, const Field*>>;

/// \brief Writes `dir/checkpoint_<state.step>.h5` with the named lattice `fields` collectively over
/// `decomposition` (every rank, same arguments; `dir` must exist). Returns the final path.
///
/// Sequence: create `checkpoint_<step>.h5.tmp`; write fields (global index order, so any rank count can
/// read them), series and scalars; write `complete = 1` last; collective close; barrier; rank 0 renames
/// to `checkpoint_<step>.h5`, rewrites `checkpoint_latest` (tmp + rename), then deletes all but the newest
/// two `checkpoint_<step>.h5` and any older `.tmp` leftovers; a final barrier. A run killed at any point
/// leaves the previous complete checkpoint and a pointer to a complete file. Throws RuntimeError (exit 1)
/// on I/O failure.
std::filesystem::path write_checkpoint(const std::filesystem::path& dir, const CheckpointState& state,
                                       const ConstCheckpointFields& fields,
                                       const Decomposition& decomposition);

/// \brief The same checkpoint without lattice fields, for the network-only run: the same files, sequence,
/// pointer and retention, collective over `comm`; n = 0, length = 0 and no /fields group. Its state lives in
/// extra_series and scalars.
std::filesystem::path write_checkpoint(const std::filesystem::path& dir, const CheckpointState& state,
                                       MPI_Comm comm);

/// \brief Resolves "latest" in `dir` (collective; same answer on every rank): the file named by
/// `checkpoint_latest` if it exists and is complete, else the highest-step `checkpoint_<step>.h5` with
/// complete = 1. Anything else is returned unchanged. Throws InputError when "latest" finds nothing.
[[nodiscard]] std::filesystem::path resolve_checkpoint(const std::string& path_or_latest,
                                                       const std::filesystem::path& dir,
                                                       const Decomposition& decomposition);

/// \brief Restores the named lattice `fields` of a checkpoint (on `decomposition`, any rank count) and
/// returns the rest of the state (collective).
///
/// `path_or_latest` is a file path or "latest" (see resolve_checkpoint; "latest" considers only checkpoints
/// holding the fields). Rank 0 inspects the file first and every rank throws the same InputError (exit 2),
/// naming the file, when it is: missing; not HDF5 or truncated; not an inflanet checkpoint (no `complete`
/// attribute, or no /fields/<name> of one of the fields, all named); incomplete (complete != 1); or of
/// another lattice (N or L differ from decomposition.box(); both are quoted).
CheckpointState read_checkpoint(const std::string& path_or_latest, const std::filesystem::path& dir,
                                const CheckpointFields& fields, const Decomposition& decomposition);

/// \brief Reads a checkpoint without its fields (network-only run; collective over `comm`), with the same
/// refusals except the lattice check ("latest" accepts field-free checkpoints).
CheckpointState read_checkpoint(const std::string& path_or_latest, const std::filesystem::path& dir,
                                MPI_Comm comm);

} // namespace inflanet::io
