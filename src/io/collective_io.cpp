#include "collective_io.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <fstream>

#include "inflanet/base/error.hpp"
#include "inflanet/io/hdf5_handle.hpp"

namespace inflanet::io::detail {
namespace {

void replace_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type, hid_t space,
                       const void* data, const std::filesystem::path& file) {
  const htri_t exists = H5Aexists(object, name.c_str());
  check_h5(exists, "H5Aexists(" + name + ")", file);
  if (exists > 0) {
    check_h5(H5Adelete(object, name.c_str()), "H5Adelete(" + name + ")", file);
  }
  const Hdf5Handle attribute(H5Acreate2(object, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT),
                             HandleKind::attribute, "H5Acreate2(" + name + ")", file);
  check_h5(H5Awrite(attribute.get(), memory_type, data), "H5Awrite(" + name + ")", file);
}

std::string format_utc(std::time_t when, const char* format) {
  std::tm utc{};
  gmtime_r(&when, &utc);
  std::array<char, 64> buffer{};
  const std::size_t length = std::strftime(buffer.data(), buffer.size(), format, &utc);
  return std::string(buffer.data(), length);
}

} // namespace

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
  const Hdf5Handle type(H5Tcopy(H5T_C_S1), HandleKind::datatype, "H5Tcopy", file);
  check_h5(H5Tset_size(type.get(), width), "H5Tset_size(" + name + ")", file);
  check_h5(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "H5Tset_strpad(" + name + ")", file);
  check_h5(H5Tset_cset(type.get(), H5T_CSET_ASCII), "H5Tset_cset(" + name + ")", file);
  const hsize_t size = values.size();
  const Hdf5Handle space(H5Screate_simple(1, &size, nullptr), HandleKind::dataspace, "H5Screate_simple",
                         file);
  replace_attribute(object, name, type.get(), type.get(), space.get(), packed.data(), file);
}

void write_uint32_attribute(hid_t object, const std::string& name, std::uint32_t value,
                            const std::filesystem::path& file) {
  const Hdf5Handle space(H5Screate(H5S_SCALAR), HandleKind::dataspace, "H5Screate", file);
  replace_attribute(object, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, space.get(), &value, file);
}

void write_float_attribute(hid_t object, const std::string& name, float value,
                           const std::filesystem::path& file) {
  const Hdf5Handle space(H5Screate(H5S_SCALAR), HandleKind::dataspace, "H5Screate", file);
  replace_attribute(object, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, space.get(), &value, file);
}

AgreedTime agreed_utc_now(MPI_Comm comm) {
  long long now = static_cast<long long>(std::time(nullptr));
  MPI_Bcast(&now, 1, MPI_LONG_LONG, 0, comm); // a second boundary must not split the ranks
  const auto when = static_cast<std::time_t>(now);
  return AgreedTime{format_utc(when, "%Y-%m-%dT%H:%M:%SZ"), format_utc(when, "%Y-%m-%d %H:%M:%S +0000")};
}

void write_provenance(hid_t object, const FileMetadata& metadata, const std::string& created,
                      const std::filesystem::path& file) {
  write_string_attribute(object, "software", "inflanet", file);
  write_string_attribute(object, "code_version", metadata.code_version, file);
  write_string_attribute(object, "git_commit", metadata.git_commit, file);
  write_string_attribute(object, "created", created, file);
  write_string_attribute(object, "deck", metadata.deck_text, file);
}

std::string broadcast_string(const std::string& what, MPI_Comm comm) {
  unsigned long long size = what.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  std::string out = what;
  out.resize(size);
  if (size > 0) {
    MPI_Bcast(out.data(), static_cast<int>(size), MPI_CHAR, 0, comm);
  }
  return out;
}

} // namespace inflanet::io::detail
