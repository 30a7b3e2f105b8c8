#pragma once
/// \file
/// \brief RAII ownership of HDF5 identifiers and helpers that write self-describing attributes.
///
/// Used by the rank-0 output files (timeseries, spectra) with plain serial HDF5 calls; nothing here
/// calls MPI. Every HDF5 call whose result is checked throws inflanet::RuntimeError naming the
/// operation and the file, so a failed write surfaces in `main` with exit status 1.

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inflanet/base/program_units.hpp"

namespace inflanet::io {

/// \brief Which H5*close releases an identifier.
enum class HandleKind { file, group, dataset, dataspace, datatype, property_list, attribute };

/// \brief Move-only owner of one HDF5 identifier, closed with the H5*close matching its kind.
///
/// The constructor takes the raw result of an H5*create/open call and throws RuntimeError if it is
/// negative, so `Hdf5Handle h(H5Fcreate(...), HandleKind::file, "H5Fcreate", path);` both checks
/// and owns. An empty (default-constructed or moved-from) handle holds H5I_INVALID_HID and closes
/// nothing.
class Hdf5Handle {
public:
  Hdf5Handle() noexcept = default;
  /// \brief Takes ownership of `id`; throws RuntimeError("HDF5 <operation> failed for '<file>'")
  /// when `id < 0`.
  Hdf5Handle(hid_t id, HandleKind kind, std::string_view operation, const std::filesystem::path& file = {});
  ~Hdf5Handle();
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;
  Hdf5Handle(Hdf5Handle&& other) noexcept;
  Hdf5Handle& operator=(Hdf5Handle&& other) noexcept;

  /// \brief The raw identifier (H5I_INVALID_HID when empty); ownership stays here.
  [[nodiscard]] hid_t get() const noexcept { return id_; }
  [[nodiscard]] bool valid() const noexcept { return id_ >= 0; }
  /// \brief Closes now and throws RuntimeError if the close fails (the destructor cannot report).
  void close();

private:
  hid_t id_ = H5I_INVALID_HID;
  HandleKind kind_ = HandleKind::file;
};

/// \brief Throws RuntimeError("HDF5 <operation> failed for '<file>'") when `status < 0`.
void check_h5(herr_t status, std::string_view operation, const std::filesystem::path& file = {});

/// \brief Writes (or replaces) a scalar fixed-length ASCII string attribute, null-terminated,
/// size `value.size() + 1`. Fixed length on purpose: yt calls `.decode()` on root attributes and
/// fails on variable-length strings. HDF5's default object headers hold attributes up to 64 KiB.
void write_string_attribute(hid_t object, const std::string& name, std::string_view value,
                            const std::filesystem::path& file = {});
/// \brief Writes (or replaces) a scalar IEEE double attribute (H5T_IEEE_F64LE).
void write_double_attribute(hid_t object, const std::string& name, double value,
                            const std::filesystem::path& file = {});
/// \brief Writes (or replaces) a scalar 64-bit signed integer attribute (H5T_STD_I64LE).
void write_int64_attribute(hid_t object, const std::string& name, std::int64_t value,
                           const std::filesystem::path& file = {});
/// \brief Writes (or replaces) a scalar H5T_STD_U32LE attribute (openPMD `openPMDextension`).
void write_uint32_attribute(hid_t object, const std::string& name, std::uint32_t value,
                            const std::filesystem::path& file = {});
/// \brief Writes (or replaces) a scalar H5T_IEEE_F32LE attribute (openPMD `timeOffset` is a float).
void write_float_attribute(hid_t object, const std::string& name, float value,
                           const std::filesystem::path& file = {});
/// \brief Writes (or replaces) a 1-D double array attribute of length `values.size()` (may be 0).
void write_double_array_attribute(hid_t object, const std::string& name, std::span<const double> values,
                                  const std::filesystem::path& file = {});
/// \brief Writes (or replaces) a 1-D array of fixed-length null-terminated ASCII strings (size = longest
/// + 1), e.g. openPMD axisLabels.
void write_string_array_attribute(hid_t object, const std::string& name,
                                  const std::vector<std::string>& values,
                                  const std::filesystem::path& file = {});

/// \brief How write_unit_attributes() treats a run without a physical scale.
enum class OpenPmdUnits {
  when_scaled, ///< `unitSI` and `unitDimension` only with a physical scale
  always,      ///< also without one, as openPMD mesh records require: unitSI = 1, unitDimension = 0
};

/// \brief The unit attributes of one record (dataset or group) holding quantity `q`: `units`, the name of its
/// program unit ("1/M_p", "H^2 M_p^2", "1" when dimensionless), always; with a physical scale also openPMD's
/// `unitSI` (double, the factor to SI) and `unitDimension` (7 doubles: powers of L, M, T, I, theta, N, J).
void write_unit_attributes(hid_t object, const ProgramUnits& units, const QuantityUnit& q,
                           const std::filesystem::path& file = {},
                           OpenPmdUnits open_pmd = OpenPmdUnits::when_scaled);

/// \brief write_unit_attributes() on the dataset `name` of `parent` (opened and closed here).
void write_dataset_units(hid_t parent, const std::string& name, const ProgramUnits& units,
                         const QuantityUnit& q, const std::filesystem::path& file = {});

/// \brief The units of the scalar attributes of `object`, which HDF5 cannot attach to an attribute: one
/// string attribute `attributeUnits`, "name=unit" pairs joined by ';' in the given order (e.g.
/// "L=1/M_p;N=1").
void write_attribute_units(hid_t object, const ProgramUnits& units,
                           const std::vector<std::pair<std::string, QuantityUnit>>& attributes,
                           const std::filesystem::path& file = {});

} // namespace inflanet::io
