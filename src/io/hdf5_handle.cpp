#include "inflanet/io/hdf5_handle.hpp"

#include <algorithm>
#include <array>
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
  // In the order of HandleKind.
  static constexpr std::array<herr_t (*)(hid_t), 7> close{H5Fclose, H5Gclose, H5Dclose, H5Sclose,
                                                          H5Tclose, H5Pclose, H5Aclose};
  return close[static_cast<std::size_t>(kind)](id);
}

// Replacing an attribute keeps the writers idempotent (a restart rewrites `created`, for instance).
void write_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                     const Hdf5Handle& space, const void* data, const std::filesystem::path& file) {
  const htri_t exists = H5Aexists(object, name.c_str());
  check_h5(exists, "H5Aexists(" + name + ")", file);
  if (exists > 0) {
    check_h5(H5Adelete(object, name.c_str()), "H5Adelete(" + name + ")", file);
  }
  const Hdf5Handle attribute(
      H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
      HandleKind::attribute, "H5Acreate2(" + name + ")", file);
  check_h5(H5Awrite(attribute.get(), memory_type, data), "H5Awrite(" + name + ")", file);
}

void write_scalar_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                            const void* data, const std::filesystem::path& file) {
  const Hdf5Handle space(H5Screate(H5S_SCALAR), HandleKind::dataspace, "H5Screate", file);
  write_attribute(object, name, file_type, memory_type, space, data, file);
}

/// Fixed-length null-terminated ASCII strings of `size` bytes (the null included).
Hdf5Handle ascii_string_type(std::size_t size, const std::string& name, const std::filesystem::path& file) {
  Hdf5Handle type(H5Tcopy(H5T_C_S1), HandleKind::datatype, "H5Tcopy", file);
  check_h5(H5Tset_size(type.get(), size), "H5Tset_size(" + name + ")", file);
  check_h5(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "H5Tset_strpad(" + name + ")", file);
  check_h5(H5Tset_cset(type.get(), H5T_CSET_ASCII), "H5Tset_cset(" + name + ")", file);
  return type;
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
  const Hdf5Handle type = ascii_string_type(value.size() + 1, name, file);
  const std::string terminated(value); // c_str() supplies the terminating null
  write_scalar_attribute(object, name, type.get(), type.get(), terminated.c_str(), file);
}

void write_double_attribute(hid_t object, const std::string& name, double value,
                            const std::filesystem::path& file) {
  write_scalar_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, file);
}

void write_int64_attribute(hid_t object, const std::string& name, std::int64_t value,
                           const std::filesystem::path& file) {
  write_scalar_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, file);
}

void write_uint32_attribute(hid_t object, const std::string& name, std::uint32_t value,
                            const std::filesystem::path& file) {
  write_scalar_attribute(object, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, &value, file);
}

void write_float_attribute(hid_t object, const std::string& name, float value,
                           const std::filesystem::path& file) {
  write_scalar_attribute(object, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, &value, file);
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

void write_string_array_attribute(hid_t object, const std::string& name,
                                  const std::vector<std::string>& values, const std::filesystem::path& file) {
  std::size_t width = 1;
  for (const auto& v : values) {
    width = std::max(width, v.size() + 1);
  }
  std::vector<char> packed(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::copy(values[i].begin(), values[i].end(), packed.begin() + static_cast<std::ptrdiff_t>(i * width));
  }
  const Hdf5Handle type = ascii_string_type(width, name, file);
  const hsize_t size = values.size();
  const Hdf5Handle space(H5Screate_simple(1, &size, nullptr), HandleKind::dataspace, "H5Screate_simple",
                         file);
  write_attribute(object, name, type.get(), type.get(), space, packed.data(), file);
}

void write_unit_attributes(hid_t object, const ProgramUnits& units, const QuantityUnit& q,
                           const std::filesystem::path& file, OpenPmdUnits open_pmd) {
  write_string_attribute(object, "units", units.name(q), file);
  if (units.scale) {
    write_double_attribute(object, "unitSI", units.scale->si_factor(q), file);
    const auto dimension = q.si.open_pmd();
    write_double_array_attribute(object, "unitDimension", dimension, file);
  } else if (open_pmd == OpenPmdUnits::always) {
    const std::array<double, 7> zeros{};
    write_double_attribute(object, "unitSI", 1.0, file);
    write_double_array_attribute(object, "unitDimension", zeros, file);
  }
}

void write_dataset_units(hid_t parent, const std::string& name, const ProgramUnits& units,
                         const QuantityUnit& q, const std::filesystem::path& file) {
  const Hdf5Handle dataset(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), HandleKind::dataset,
                           "H5Dopen2(" + name + ")", file);
  write_unit_attributes(dataset.get(), units, q, file);
}

void write_attribute_units(hid_t object, const ProgramUnits& units,
                           const std::vector<std::pair<std::string, QuantityUnit>>& attributes,
                           const std::filesystem::path& file) {
  std::string joined;
  for (const auto& [name, q] : attributes) {
    joined.append(joined.empty() ? "" : ";").append(name).append("=").append(units.name(q));
  }
  write_string_attribute(object, "attributeUnits", joined, file);
}

} // namespace inflanet::io
