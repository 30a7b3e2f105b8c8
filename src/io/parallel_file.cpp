#include "inflanet/io/parallel_file.hpp"

#include <array>
#include <sstream>

#include "inflanet/base/error.hpp"

namespace inflanet::io {
namespace {

int communicator_size(MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}

Hdf5Handle mpio_access_list(MPI_Comm comm, const std::filesystem::path& file, bool posix = false) {
  Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), HandleKind::property_list, "H5Pcreate(fapl)", file);
  if (posix) {
    return fapl; // HDF5's default (POSIX) driver: see ParallelFile::create
  }
  check_h5(H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL), "H5Pset_fapl_mpio", file);
  // Collective metadata: one rank reads and broadcasts, one rank writes; avoids N ranks hammering the
  // superblock and object headers.
  check_h5(H5Pset_all_coll_metadata_ops(fapl.get(), true), "H5Pset_all_coll_metadata_ops", file);
  check_h5(H5Pset_coll_metadata_write(fapl.get(), true), "H5Pset_coll_metadata_write", file);
  return fapl;
}

/// A transfer property list: collective for a file on the MPI-IO driver, the default for one on POSIX
/// (HDF5 refuses collective transfers there).
Hdf5Handle collective_transfer(hid_t object, const std::filesystem::path& file) {
  Hdf5Handle dxpl(H5Pcreate(H5P_DATASET_XFER), HandleKind::property_list, "H5Pcreate(dxpl)", file);
  const Hdf5Handle file_id(H5Iget_file_id(object), HandleKind::file, "H5Iget_file_id", file);
  const Hdf5Handle fapl(H5Fget_access_plist(file_id.get()), HandleKind::property_list, "H5Fget_access_plist",
                        file);
  if (H5Pget_driver(fapl.get()) == H5FD_MPIO) {
    check_h5(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio", file);
  }
  return dxpl;
}

/// The file-side and memory-side selections of this rank's slab. The memory side describes the padded
/// buffer (SlabLayout::real_storage_shape) and picks the owned sites of each row.
struct SlabSpaces {
  Hdf5Handle file_space;
  Hdf5Handle memory_space;
};

SlabSpaces slab_spaces(hid_t dataset, const Decomposition& d, Space space,
                       const std::filesystem::path& file) {
  const SlabLayout& layout = d.layout();
  const bool fourier = space == Space::fourier;
  const IndexBox owned = fourier ? layout.owned_modes() : layout.owned_sites();
  const int rank = fourier ? 4 : 3; // Fourier: a trailing axis (real, imaginary)
  SlabSpaces s{Hdf5Handle(H5Dget_space(dataset), HandleKind::dataspace, "H5Dget_space", file), {}};
  if (owned.empty()) {
    // A rank without planes still joins the collective transfer, with empty selections on both sides.
    const std::array<hsize_t, 4> one{1, 1, 1, 1};
    s.memory_space = Hdf5Handle(H5Screate_simple(rank, one.data(), nullptr), HandleKind::dataspace,
                                "H5Screate_simple", file);
    check_h5(H5Sselect_none(s.file_space.get()), "H5Sselect_none", file);
    check_h5(H5Sselect_none(s.memory_space.get()), "H5Sselect_none", file);
    return s;
  }
  const auto dims = [](const std::array<std::ptrdiff_t, 3>& v) {
    return std::array<hsize_t, 4>{static_cast<hsize_t>(v[0]), static_cast<hsize_t>(v[1]),
                                  static_cast<hsize_t>(v[2]), 2};
  };
  const std::array<hsize_t, 4> memory_dims =
      dims(fourier ? layout.fourier_storage_shape() : layout.real_storage_shape());
  s.memory_space = Hdf5Handle(H5Screate_simple(rank, memory_dims.data(), nullptr), HandleKind::dataspace,
                              "H5Screate_simple", file);
  const std::array<hsize_t, 4> count = dims(owned.count);
  const std::array<hsize_t, 4> memory_start{0, 0, 0, 0};
  std::array<hsize_t, 4> file_start = dims(owned.start);
  file_start[3] = 0;
  check_h5(H5Sselect_hyperslab(s.memory_space.get(), H5S_SELECT_SET, memory_start.data(), nullptr,
                               count.data(), nullptr),
           "H5Sselect_hyperslab(memory)", file);
  check_h5(H5Sselect_hyperslab(s.file_space.get(), H5S_SELECT_SET, file_start.data(), nullptr, count.data(),
                               nullptr),
           "H5Sselect_hyperslab(file)", file);
  return s;
}

} // namespace

ParallelFile ParallelFile::create(const std::filesystem::path& path, MPI_Comm comm,
                                  std::uint64_t payload_bytes) {
  const Hdf5Handle fapl =
      mpio_access_list(comm, path, communicator_size(comm) == 1 && payload_bytes <= posix_payload_limit);
  Hdf5Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), HandleKind::file,
                  "H5Fcreate", path);
  return ParallelFile(std::move(file), path);
}

ParallelFile ParallelFile::open_read_only(const std::filesystem::path& path, MPI_Comm comm) {
  const Hdf5Handle fapl = mpio_access_list(comm, path);
  hid_t id = H5I_INVALID_HID;
  {
    const SilenceHdf5Errors quiet;
    id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get());
  }
  Hdf5Handle file(id, HandleKind::file, "H5Fopen", path);
  return ParallelFile(std::move(file), path);
}

void ParallelFile::close() {
  if (file_.valid()) {
    try {
      file_.close();
    } catch (const RuntimeError&) {
      throw RuntimeError("HDF5 H5Fclose failed for '" + path_.string() + "'");
    }
  }
}

Hdf5Handle create_groups(hid_t parent, const std::string& path, const std::filesystem::path& file) {
  Hdf5Handle current;
  hid_t at = parent;
  std::stringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '/')) {
    if (part.empty()) {
      continue;
    }
    const htri_t exists = H5Lexists(at, part.c_str(), H5P_DEFAULT);
    check_h5(exists, "H5Lexists(" + part + ")", file);
    Hdf5Handle next = exists > 0
                          ? Hdf5Handle(H5Gopen2(at, part.c_str(), H5P_DEFAULT), HandleKind::group,
                                       "H5Gopen2(" + part + ")", file)
                          : Hdf5Handle(H5Gcreate2(at, part.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                       HandleKind::group, "H5Gcreate2(" + part + ")", file);
    current = std::move(next);
    at = current.get();
  }
  if (!current.valid()) {
    throw RuntimeError("create_groups: empty group path for '" + file.string() + "'");
  }
  return current;
}

Hdf5Handle write_field(hid_t parent, const std::string& name, const Field& field,
                       const std::filesystem::path& file) {
  const Decomposition& d = field.decomposition();
  const auto n = static_cast<hsize_t>(d.n());
  const bool fourier = field.space() == Space::fourier;
  const std::array<hsize_t, 4> dims{n, n, fourier ? n / 2 + 1 : n, 2};
  const Hdf5Handle space(H5Screate_simple(fourier ? 4 : 3, dims.data(), nullptr), HandleKind::dataspace,
                         "H5Screate_simple", file);
  const Hdf5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), HandleKind::property_list, "H5Pcreate(dcpl)", file);
  check_h5(H5Pset_layout(dcpl.get(), H5D_CONTIGUOUS), "H5Pset_layout", file);
  check_h5(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY), "H5Pset_alloc_time", file);
  check_h5(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "H5Pset_fill_time", file);
  Hdf5Handle dataset(
      H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      HandleKind::dataset, "H5Dcreate2(" + name + ")", file);
  const SlabSpaces s = slab_spaces(dataset.get(), d, field.space(), file);
  const Hdf5Handle dxpl = collective_transfer(dataset.get(), file);
  check_h5(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, s.memory_space.get(), s.file_space.get(), dxpl.get(),
                    field.real_data()),
           "H5Dwrite(" + name + ")", file);
  return dataset;
}

void read_field(hid_t parent, const std::string& name, Field& field, const std::filesystem::path& file) {
  const Decomposition& d = field.decomposition();
  const Hdf5Handle dataset(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), HandleKind::dataset,
                           "H5Dopen2(" + name + ")", file);
  Space stored = Space::real;
  {
    const Hdf5Handle space(H5Dget_space(dataset.get()), HandleKind::dataspace, "H5Dget_space", file);
    std::array<hsize_t, 4> dims{};
    const auto n = static_cast<hsize_t>(d.n());
    const int rank = H5Sget_simple_extent_ndims(space.get());
    stored = rank == 4 ? Space::fourier : Space::real;
    const bool real_ok = rank == 3 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) == 3 &&
                         dims[0] == n && dims[1] == n && dims[2] == n;
    const bool fourier_ok = rank == 4 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) == 4 &&
                            dims[0] == n && dims[1] == n && dims[2] == n / 2 + 1 && dims[3] == 2;
    if (!real_ok && !fourier_ok) {
      throw RuntimeError("dataset '" + name + "' in '" + file.string() + "' is not a " + std::to_string(n) +
                         "^3 array");
    }
  }
  const SlabSpaces s = slab_spaces(dataset.get(), d, stored, file);
  const Hdf5Handle dxpl = collective_transfer(dataset.get(), file);
  check_h5(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, s.memory_space.get(), s.file_space.get(), dxpl.get(),
                   field.real_data()),
           "H5Dread(" + name + ")", file);
  field.set_space(stored);
}

void write_replicated_vector(hid_t parent, const std::string& name, std::span<const double> values,
                             MPI_Comm comm, const std::filesystem::path& file) {
  const hsize_t size = values.size();
  const Hdf5Handle space(H5Screate_simple(1, &size, nullptr), HandleKind::dataspace, "H5Screate_simple",
                         file);
  const Hdf5Handle dataset(
      H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      HandleKind::dataset, "H5Dcreate2(" + name + ")", file);
  if (size == 0) {
    return; // every rank sees the same (replicated) size, so all skip the transfer alike
  }
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const Hdf5Handle file_space(H5Dget_space(dataset.get()), HandleKind::dataspace, "H5Dget_space", file);
  const Hdf5Handle memory_space(H5Screate_simple(1, &size, nullptr), HandleKind::dataspace,
                                "H5Screate_simple", file);
  if (rank != 0) {
    check_h5(H5Sselect_none(file_space.get()), "H5Sselect_none", file);
    check_h5(H5Sselect_none(memory_space.get()), "H5Sselect_none", file);
  }
  const Hdf5Handle dxpl = collective_transfer(dataset.get(), file);
  check_h5(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, memory_space.get(), file_space.get(), dxpl.get(),
                    values.data()),
           "H5Dwrite(" + name + ")", file);
}

std::vector<double> read_vector(hid_t parent, const std::string& name, const std::filesystem::path& file) {
  const Hdf5Handle dataset(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), HandleKind::dataset,
                           "H5Dopen2(" + name + ")", file);
  const Hdf5Handle space(H5Dget_space(dataset.get()), HandleKind::dataspace, "H5Dget_space", file);
  if (H5Sget_simple_extent_ndims(space.get()) != 1) {
    throw RuntimeError("dataset '" + name + "' in '" + file.string() + "' is not 1-D");
  }
  hsize_t size = 0;
  H5Sget_simple_extent_dims(space.get(), &size, nullptr);
  std::vector<double> values(size);
  if (size > 0) {
    check_h5(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
             "H5Dread(" + name + ")", file);
  }
  return values;
}

SilenceHdf5Errors::SilenceHdf5Errors() {
  H5Eget_auto2(H5E_DEFAULT, &function_, &data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

SilenceHdf5Errors::~SilenceHdf5Errors() {
  H5Eset_auto2(H5E_DEFAULT, function_, data_);
}

} // namespace inflanet::io
