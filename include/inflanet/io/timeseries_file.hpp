#pragma once
/// \file
/// \brief The per-step scalar diagnostics file (`timeseries.h5`), written by rank 0 only.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "inflanet/io/file_metadata.hpp"

namespace inflanet::io {

/// \brief An HDF5 table of scalar diagnostics, one 1-D extendible dataset per column.
///
/// Layout: root datasets named exactly as the columns, all of length `rows()`; a column named
/// `step` is stored as int64 (H5T_STD_I64LE), every other one as double (H5T_IEEE_F64LE). Root
/// attributes: those of write_metadata_attributes(), `columns` (comma-separated column order) and, when the
/// writer declares them, `units` (comma-separated, in column order; program units, e.g. "H^2 M_p^2"), and
/// then each column's own unit attributes (write_unit_attributes: `units`, and `unitSI`, `unitDimension` with
/// the physical scale of `metadata.units`).
/// Every append() ends with H5Fflush, so a killed run keeps every row it wrote.
/// Serial HDF5 with default property lists: construct it on one rank only; no MPI inside.
class TimeseriesFile {
public:
  /// \brief Creates (truncating) `path` with the given columns (non-empty, unique, no '/', ',') and, if
  /// given, the quantity of each column (named in metadata.units).
  TimeseriesFile(std::filesystem::path path, std::vector<std::string> columns, const FileMetadata& metadata,
                 const std::vector<QuantityUnit>& units = {});

  /// \brief Reopens a file written by this class for a restart: checks that it has exactly the
  /// datasets `columns` with equal lengths and a `step` column, then drops every row after the first
  /// one whose step exceeds `last_step` (rows written after the checkpoint being restarted from).
  /// Records the int64 root attribute `restarted_from_step`.
  [[nodiscard]] static TimeseriesFile open_existing(std::filesystem::path path,
                                                    std::vector<std::string> columns, std::int64_t last_step);

  ~TimeseriesFile();
  TimeseriesFile(TimeseriesFile&&) noexcept;
  TimeseriesFile& operator=(TimeseriesFile&&) noexcept;

  /// \brief Appends one row (`row.size() == columns().size()`, in column order; the `step` entry is
  /// rounded to int64) and flushes the file. Throws RuntimeError on a size mismatch or HDF5 failure.
  void append(std::span<const double> row);

  [[nodiscard]] const std::vector<std::string>& columns() const noexcept { return columns_; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  struct State;
  TimeseriesFile(std::filesystem::path path, std::vector<std::string> columns);
  std::filesystem::path path_;
  std::vector<std::string> columns_;
  std::size_t rows_ = 0;
  std::unique_ptr<State> state_;
};

} // namespace inflanet::io
