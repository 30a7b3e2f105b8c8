#include "inflanet/io/hdf5_handle.hpp"

#include <utility>

#include "inflanet/base/error.hpp"

namespace inflanet::io {
namespace {

std::string failure_message(std::string_view operation, const std::filesystem::path& file) {
  std::string message = "HDF5 " + std::string(operation) + " failed";
  if (!file.empty()) {
    message += " for '" + file.string() + "'";
  }
  return message;
}

herr_t close_by_kind(hid_t id, HandleKind kind) noexcept {
  switch (kind) {
  case HandleKind::file:
    return H5Fclose(id);
  case HandleKind::group:
    return H5Gclose(id);
  case HandleKind::dataset:
    return H5Dclose(id);
  case HandleKind::dataspace:
    return H5Sclose(id);
  case HandleKind::datatype:
    return H5Tclose(id);
  case HandleKind::property_list:
    return H5Pclose(id);
  case HandleKind::attribute:
    return H5Aclose(id);
  }
  return -1;
}

// Replacing an attribute keeps the writers idempotent (a restart rewrites `created`, for instance).
void delete_if_exists(hid_t object, const std::string& name, const std::filesystem::path& file) {
  const htri_t exists = H5Aexists(object, name.c_str());
  check_h5(exists, "H5Aexists(" + name + ")", file);
  if (exists > 0) {
    check_h5(H5Adelete(object, name.c_str()), "H5Adelete(" + name + ")", file);
  }
}

void write_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                     const Hdf5Handle& space, const void* data, const std::filesystem::path& file) {
  delete_if_exists(object, name, file);
  const Hdf5Handle attribute(
      H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
      HandleKind::attribute, "H5Acreate2(" + name + ")", file);
  check_h5(H5Awrite(attribute.get(), memory_type, data), "H5Awrite(" + name + ")", file);
}

} // namespace

Hdf5Handle::Hdf5Handle(hid_t id, HandleKind kind, std::string_view operation,
                       const std::filesystem::path& file)
    : id_(id), kind_(kind) {
  if (id_ < 0) {
    id_ = H5I_INVALID_HID;
    throw RuntimeError(failure_message(operation, file));
  }
}

Hdf5Handle::~Hdf5Handle() {
  if (id_ >= 0) {
    close_by_kind(id_, kind_); // a destructor cannot report; call close() where failure matters
  }
}

Hdf5Handle::Hdf5Handle(Hdf5Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), kind_(other.kind_) {}

Hdf5Handle& Hdf5Handle::operator=(Hdf5Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0) {
      close_by_kind(id_, kind_);
    }
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    kind_ = other.kind_;
  }
  return *this;
}

void Hdf5Handle::close() {
  if (id_ < 0) {
    return;
  }
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  check_h5(close_by_kind(id, kind_), "close");
}

void check_h5(herr_t status, std::string_view operation, const std::filesystem::path& file) {
  if (status < 0) {
    throw RuntimeError(failure_message(operation, file));
  }
}

void write_string_attribute(hid_t object, const std::string& name, std::string_view value,
                            const std::filesystem::path& file) {
  const Hdf5Handle type(H5Tcopy(H5T_C_S1), HandleKind::datatype, "H5Tcopy", file);
  check_h5(H5Tset_size(type.get(), value.size() + 1), "H5Tset_size(" + name + ")", file);
  check_h5(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "H5Tset_strpad(" + name + ")", file);
  check_h5(H5Tset_cset(type.get(), H5T_CSET_ASCII), "H5Tset_cset(" + name + ")", file);
  const Hdf5Handle space(H5Screate(H5S_SCALAR), HandleKind::dataspace, "H5Screate", file);
  const std::string terminated(value); // c_str() supplies the terminating null
  write_attribute(object, name, type.get(), type.get(), space, terminated.c_str(), file);
}

void write_double_attribute(hid_t object, const std::string& name, double value,
                            const std::filesystem::path& file) {
  const Hdf5Handle space(H5Screate(H5S_SCALAR), HandleKind::dataspace, "H5Screate", file);
  write_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space, &value, file);
}

void write_int64_attribute(hid_t object, const std::string& name, std::int64_t value,
                           const std::filesystem::path& file) {
  const Hdf5Handle space(H5Screate(H5S_SCALAR), HandleKind::dataspace, "H5Screate", file);
  write_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, space, &value, file);
}

void write_double_array_attribute(hid_t object, const std::string& name, std::span<const double> values,
                                  const std::filesystem::path& file) {
  const hsize_t size = values.size();
  const Hdf5Handle space(H5Screate_simple(1, &size, nullptr), HandleKind::dataspace, "H5Screate_simple",
                         file);
  static constexpr double dummy = 0.0; // H5Awrite needs a non-null buffer even for zero elements
  write_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space,
                  values.empty() ? &dummy : values.data(), file);
}

} // namespace inflanet::io
