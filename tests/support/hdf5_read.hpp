#pragma once
// Reading a whole dataset of an HDF5 file as doubles, for tests that check what the executable wrote.
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hdf5.h>

namespace inflanet::testing {

/// Every element of dataset `name` (any shape, converted to double); a test failure if it is missing.
inline std::vector<double> read_doubles(const std::filesystem::path& file, const std::string& name) {
  std::vector<double> values;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    ADD_FAILURE() << "cannot open " << file;
    return values;
  }
  const hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  if (d >= 0) {
    const hid_t space = H5Dget_space(d);
    values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
    if (!values.empty()) {
      H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    }
    H5Sclose(space);
    H5Dclose(d);
  } else {
    ADD_FAILURE() << "no dataset " << name << " in " << file;
  }
  H5Fclose(f);
  return values;
}

/// A scalar numeric root attribute as a double; a test failure (and NaN) if it is missing.
inline double read_double_attribute(const std::filesystem::path& file, const std::string& name) {
  double value = std::numeric_limits<double>::quiet_NaN();
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    ADD_FAILURE() << "cannot open " << file;
    return value;
  }
  const hid_t a = H5Aopen(f, name.c_str(), H5P_DEFAULT);
  if (a >= 0) {
    H5Aread(a, H5T_NATIVE_DOUBLE, &value);
    H5Aclose(a);
  } else {
    ADD_FAILURE() << "no attribute " << name << " in " << file;
  }
  H5Fclose(f);
  return value;
}

/// The paths of every dataset in `file` (groups walked recursively), sorted; a test failure if it cannot be
/// opened.
inline std::vector<std::string> dataset_names(const std::filesystem::path& file) {
  std::vector<std::string> names;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    ADD_FAILURE() << "cannot open " << file;
    return names;
  }
  const auto visit = [](hid_t, const char* name, const H5O_info_t* info, void* out) -> herr_t {
    if (info->type == H5O_TYPE_DATASET) {
      static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    }
    return 0;
  };
  H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit, &names, H5O_INFO_BASIC);
  H5Fclose(f);
  return names;
}

} // namespace inflanet::testing
