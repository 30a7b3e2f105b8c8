#pragma once
/// \file
/// \brief The shell-binned power spectra file (`spectra.h5`), written by rank 0 only.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "inflanet/io/file_metadata.hpp"

namespace inflanet::io {

/// \brief The normalisation statement stored as the root attribute `normalisation` (physics.md §1).
inline constexpr const char* spectrum_normalisation =
    "P(k_n) = L^3 <|f~_n|^2> / N^6 with f~_n = sum_x f(x) exp(-i k.x); "
    "<df^2>_box = (1/L^3) sum_{n != 0} P(k_n); Delta^2 = k^3 P / (2 pi^2); "
    "k = mean |k| of the modes in the shell (comoving)";

/// \brief What a spectra file may hold beyond the power spectra's layout (all empty: exactly that layout).
struct SpectraFileExtras {
  /// Per-time scalar datasets `<name>[nt]` (double), appended with each row (e.g. rho, rho_gw).
  std::vector<std::string> series;
  /// The quantity of each series, in order (empty: the series carry no unit attributes).
  std::vector<QuantityUnit> series_units;
  /// The quantity of each spectrum, in order (empty: the spectra carry no unit attributes).
  std::vector<QuantityUnit> spectrum_units;
  /// Replaces spectrum_normalisation as the root attribute `normalisation` when non-empty.
  std::string normalisation;
};

/// \brief A 1-D dataset of a group written once (SpectraFile::write_group), with its `units` attribute.
struct GroupDataset {
  std::string name;
  std::vector<double> values;
  std::string units;
};

/// \brief Power spectra in |k| shells at a sequence of times.
///
/// Layout (root group):
/// - `k[nk]` (double): comoving mean |k| of the modes in each shell, in units of 1/length of `L`;
/// - `counts[nk]` (double): number of lattice modes in each shell;
/// - `step[nt]` (int64), `time[nt]` (double, cosmic time), `a[nt]` (double): one entry per append;
/// - `<series>[nt]` (double) for each name of SpectraFileExtras::series;
/// - `<name>[nt, nk]` (double) for each spectrum name (e.g. `P_phi`, `P_phidot`), normalised as
///   spectrum_normalisation states;
/// - root attributes: write_metadata_attributes() ones, `normalisation` (fixed-length string),
///   `L` (double, comoving box side), `N` (int64, sites per side), `spectra` (comma-separated names),
///   `attributeUnits` (write_attribute_units: "L=1/H;N=1");
/// - the unit attributes of every dataset (write_unit_attributes, in metadata.units): k, counts, step, time,
///   a always, each series and spectrum when SpectraFileExtras gives its quantity.
/// Every append() ends with H5Fflush. Serial HDF5 with default property lists; no MPI inside.
class SpectraFile {
public:
  /// \brief Creates (truncating) `path`. `k` and `counts` must have the same non-zero length nk;
  /// names must be non-empty, unique, free of '/' and ',' and not one of k, counts, step, time, a.
  SpectraFile(std::filesystem::path path, std::span<const double> k, std::span<const double> counts,
              std::vector<std::string> spectrum_names, double box_length, std::int64_t lattice_sites_per_side,
              const FileMetadata& metadata, const SpectraFileExtras& extras = {});
  /// \brief Reopens an existing spectra file to continue a restarted run: checks that it holds the given
  /// spectra, drops the rows after the first step greater than `last_step`, and records
  /// `restarted_from_step`. Throws RuntimeError naming the file when it does not fit.
  static SpectraFile open_existing(std::filesystem::path path, std::vector<std::string> spectrum_names,
                                   std::int64_t last_step, std::vector<std::string> series = {});
  ~SpectraFile();
  SpectraFile(SpectraFile&&) noexcept;
  SpectraFile& operator=(SpectraFile&&) noexcept;

  /// \brief Appends one time: `spectra[i]` (length nk) goes to the dataset named
  /// `spectrum_names()[i]`. Flushes the file. Throws RuntimeError on a size mismatch or HDF5 failure.
  void append(std::int64_t step, double time, double a, const std::vector<std::span<const double>>& spectra,
              std::span<const double> series = {});

  /// \brief Writes the group `name` (replacing one already there: a restarted run writes it again) with
  /// `datasets` and scalar double `attributes`. Flushes the file. Throws RuntimeError on HDF5 failure.
  void write_group(const std::string& name, const std::vector<GroupDataset>& datasets,
                   const std::map<std::string, double>& attributes);

  [[nodiscard]] const std::vector<std::string>& spectrum_names() const noexcept { return names_; }
  [[nodiscard]] std::size_t shells() const noexcept { return shells_; }
  [[nodiscard]] std::size_t times() const noexcept { return times_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  SpectraFile(std::filesystem::path path, std::vector<std::string> spectrum_names,
              std::vector<std::string> series);
  struct State;
  std::filesystem::path path_;
  std::vector<std::string> names_;
  std::vector<std::string> series_;
  std::size_t shells_ = 0;
  std::size_t times_ = 0;
  std::unique_ptr<State> state_;
};

} // namespace inflanet::io
