#pragma once
// Internal to src/io: a chunked dataset that grows by whole rows along its first axis. Shared by
// TimeseriesFile (1-D columns) and SpectraFile (1-D step/time/a and 2-D [nt, nk] spectra).

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "inflanet/io/hdf5_handle.hpp"

namespace inflanet::io::detail {

class ExtendibleDataset {
public:
  /// Creates `name` under `parent` with 0 rows; `width` = 0 makes it 1-D, otherwise [rows, width].
  static ExtendibleDataset create(hid_t parent, const std::string& name, hid_t file_type, hsize_t width,
                                  hsize_t chunk_rows, const std::filesystem::path& file);
  /// Opens an existing dataset made by create() and reads its current row count.
  static ExtendibleDataset open(hid_t parent, const std::string& name, const std::filesystem::path& file);

  /// Grows by one row and writes `data` (width elements, or one for 1-D) of `memory_type` there.
  void append_row(const void* data, hid_t memory_type);
  /// Shrinks (or grows) to `rows` rows.
  void resize(hsize_t rows);
  /// Reads the whole 1-D dataset as int64 (for `step` columns).
  [[nodiscard]] std::vector<std::int64_t> read_int64() const;

  [[nodiscard]] hsize_t rows() const noexcept { return rows_; }
  [[nodiscard]] hsize_t width() const noexcept { return width_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

private:
  ExtendibleDataset(Hdf5Handle dataset, std::string name, hsize_t rows, hsize_t width,
                    std::filesystem::path file);
  Hdf5Handle dataset_;
  std::string name_;
  hsize_t rows_ = 0;
  hsize_t width_ = 0; // 0: 1-D
  std::filesystem::path file_;
};

/// A restart from `last_step`: every dataset of `file` shrinks to the rows whose step (read from
/// datasets[step_column], a 1-D int64 dataset) is at most last_step; the file then records
/// `restarted_from_step` and is flushed. Returns the rows kept.
hsize_t drop_rows_after(hid_t file, std::vector<ExtendibleDataset>& datasets, std::size_t step_column,
                        std::int64_t last_step, const std::filesystem::path& path);

/// A fixed-size float64 dataset written at once: 1-D [rows] or 2-D [rows, cols] (row-major values).
void write_fixed_dataset(hid_t parent, const std::string& name, std::span<const double> values, hsize_t rows,
                         hsize_t cols, bool two_d, const std::filesystem::path& file);

} // namespace inflanet::io::detail
