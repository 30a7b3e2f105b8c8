#pragma once
/// \file
/// \brief `duality.h5`: the coupled run's comparison of the lattice and the network, written by rank 0.
///
/// A self-describing table file: fixed 1-D datasets (per shell, per eigenvalue, per eigenspace cluster),
/// root attributes (the dictionary, the optimizer that runs, the calibration, the fits) and extendible
/// row datasets `step[nt]`, `time[nt]`, `a[nt]` plus one [nt, width] dataset per declared column, appended
/// together and flushed after every row (a reader sees whole rows of a run in progress). The coupled run
/// (src/app/coupled_run.cpp) documents which names it writes; docs/input_deck.md lists them. The row
/// datasets step, time and a carry their unit attributes (write_unit_attributes, in metadata.units).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inflanet/io/file_metadata.hpp"

namespace inflanet::io {

class DualityFile {
public:
  /// \brief Creates (truncates) the file with the build's metadata and the spectra normalisation statement.
  DualityFile(std::filesystem::path path, const FileMetadata& metadata);
  /// \brief Reopens the file of a run being restarted from `last_step`: the declared rows must exist with
  /// these widths; rows past `last_step` are dropped (the restarted run writes them again).
  [[nodiscard]] static DualityFile open_existing(std::filesystem::path path,
                                                 std::vector<std::pair<std::string, std::size_t>> columns,
                                                 std::int64_t last_step);
  ~DualityFile();
  DualityFile(DualityFile&&) noexcept;
  DualityFile& operator=(DualityFile&&) noexcept;

  /// \brief A fixed 1-D dataset of doubles.
  void write_dataset(const std::string& name, std::span<const double> values, const QuantityUnit& unit);
  /// \brief Root attributes (each name once).
  void write_attribute(const std::string& name, double value);
  void write_attribute(const std::string& name, std::int64_t value);
  void write_attribute(const std::string& name, std::string_view value);
  /// \brief Declares the row datasets (name, values per row; 0 = one scalar per row, a 1-D dataset), once,
  /// before the first append.
  /// `units` (empty, or one per column in order) are the columns' quantities, written as each dataset's unit
  /// attributes.
  void define_rows(std::vector<std::pair<std::string, std::size_t>> columns,
                   const std::vector<QuantityUnit>& units = {});
  /// \brief One output time: `values` holds one span per declared column, in declaration order.
  void append(std::int64_t step, double time, double a, std::span<const std::span<const double>> values);

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  explicit DualityFile(std::filesystem::path path);
  struct State;
  std::filesystem::path path_;
  std::vector<std::pair<std::string, std::size_t>> columns_;
  std::unique_ptr<State> state_;
};

} // namespace inflanet::io
