#include "extendible_dataset.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "inflanet/base/error.hpp"

namespace inflanet::io::detail {

ExtendibleDataset::ExtendibleDataset(Hdf5Handle dataset, std::string name, hsize_t rows, hsize_t width,
                                     std::filesystem::path file)
    : dataset_(std::move(dataset)), name_(std::move(name)), rows_(rows), width_(width),
      file_(std::move(file)) {}

ExtendibleDataset ExtendibleDataset::create(hid_t parent, const std::string& name, hid_t file_type,
                                            hsize_t width, hsize_t chunk_rows,
                                            const std::filesystem::path& file) {
  const int rank = width == 0 ? 1 : 2;
  const std::array<hsize_t, 2> initial{0, width};
  const std::array<hsize_t, 2> maximum{H5S_UNLIMITED, width};
  const std::array<hsize_t, 2> chunk{chunk_rows, width};
  const Hdf5Handle space(H5Screate_simple(rank, initial.data(), maximum.data()), HandleKind::dataspace,
                         "H5Screate_simple(" + name + ")", file);
  const Hdf5Handle properties(H5Pcreate(H5P_DATASET_CREATE), HandleKind::property_list, "H5Pcreate", file);
  check_h5(H5Pset_chunk(properties.get(), rank, chunk.data()), "H5Pset_chunk(" + name + ")", file);
  Hdf5Handle dataset(
      H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
      HandleKind::dataset, "H5Dcreate2(" + name + ")", file);
  return ExtendibleDataset(std::move(dataset), name, 0, width, file);
}

ExtendibleDataset ExtendibleDataset::open(hid_t parent, const std::string& name,
                                          const std::filesystem::path& file) {
  Hdf5Handle dataset(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), HandleKind::dataset,
                     "H5Dopen2(" + name + ")", file);
  const Hdf5Handle space(H5Dget_space(dataset.get()), HandleKind::dataspace, "H5Dget_space(" + name + ")",
                         file);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank != 1 && rank != 2) {
    throw RuntimeError("dataset '" + name + "' in '" + file.string() + "' is not 1-D or 2-D");
  }
  std::array<hsize_t, 2> dims{0, 0};
  check_h5(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), "H5Sget_simple_extent_dims", file);
  return ExtendibleDataset(std::move(dataset), name, dims[0], rank == 1 ? 0 : dims[1], file);
}

void ExtendibleDataset::append_row(const void* data, hid_t memory_type) {
  const int rank = width_ == 0 ? 1 : 2;
  const std::array<hsize_t, 2> extent{rows_ + 1, width_};
  check_h5(H5Dset_extent(dataset_.get(), extent.data()), "H5Dset_extent(" + name_ + ")", file_);
  const Hdf5Handle file_space(H5Dget_space(dataset_.get()), HandleKind::dataspace,
                              "H5Dget_space(" + name_ + ")", file_);
  const std::array<hsize_t, 2> start{rows_, 0};
  const std::array<hsize_t, 2> count{1, width_};
  check_h5(
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
      "H5Sselect_hyperslab(" + name_ + ")", file_);
  const Hdf5Handle memory_space(H5Screate_simple(rank, count.data(), nullptr), HandleKind::dataspace,
                                "H5Screate_simple", file_);
  check_h5(H5Dwrite(dataset_.get(), memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data),
           "H5Dwrite(" + name_ + ")", file_);
  ++rows_;
}

void ExtendibleDataset::resize(hsize_t rows) {
  const std::array<hsize_t, 2> extent{rows, width_};
  check_h5(H5Dset_extent(dataset_.get(), extent.data()), "H5Dset_extent(" + name_ + ")", file_);
  rows_ = rows;
}

std::vector<std::int64_t> ExtendibleDataset::read_int64() const {
  if (width_ != 0) {
    throw RuntimeError("dataset '" + name_ + "' in '" + file_.string() + "' is not 1-D");
  }
  std::vector<std::int64_t> values(rows_);
  if (rows_ > 0) {
    check_h5(H5Dread(dataset_.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
             "H5Dread(" + name_ + ")", file_);
  }
  return values;
}

hsize_t drop_rows_after(hid_t file, std::vector<ExtendibleDataset>& datasets, std::size_t step_column,
                        std::int64_t last_step, const std::filesystem::path& path) {
  const auto steps = datasets[step_column].read_int64();
  const auto keep = static_cast<hsize_t>(
      std::find_if(steps.begin(), steps.end(), [&](std::int64_t s) { return s > last_step; }) -
      steps.begin());
  for (auto& dataset : datasets) {
    dataset.resize(keep);
  }
  write_int64_attribute(file, "restarted_from_step", last_step, path);
  check_h5(H5Fflush(file, H5F_SCOPE_LOCAL), "H5Fflush", path);
  return keep;
}

void write_fixed_dataset(hid_t parent, const std::string& name, std::span<const double> values, hsize_t rows,
                         hsize_t cols, bool two_d, const std::filesystem::path& file) {
  const hsize_t dims[2] = {rows, cols};
  const Hdf5Handle space(H5Screate_simple(two_d ? 2 : 1, dims, nullptr), HandleKind::dataspace,
                         "H5Screate_simple", file);
  const Hdf5Handle set(
      H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      HandleKind::dataset, "H5Dcreate2(" + name + ")", file);
  if (!values.empty()) {
    check_h5(H5Dwrite(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
             "H5Dwrite(" + name + ")", file);
  }
}

} // namespace inflanet::io::detail
