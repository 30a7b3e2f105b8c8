#pragma once
// Internal helpers of the parallel writers (snapshot_writer.cpp, checkpoint.cpp): attribute types the
// shared writers in hdf5_handle.hpp do not cover, and provenance written identically on every rank. (The
// atomic text-file write they use is inflanet/io/atomic_file.hpp.)
#include "inflanet/io/atomic_file.hpp"
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "inflanet/io/file_metadata.hpp"

namespace inflanet::io::detail {

/// 1-D array of fixed-length null-terminated ASCII strings (size = longest + 1), e.g. openPMD axisLabels.
void write_string_array_attribute(hid_t object, const std::string& name,
                                  const std::vector<std::string>& values, const std::filesystem::path& file);
/// Scalar H5T_STD_U32LE attribute (openPMD `openPMDextension`).
void write_uint32_attribute(hid_t object, const std::string& name, std::uint32_t value,
                            const std::filesystem::path& file);
/// Scalar H5T_IEEE_F32LE attribute (openPMD `timeOffset` is a float).
void write_float_attribute(hid_t object, const std::string& name, float value,
                           const std::filesystem::path& file);

/// Rank 0's UTC time, broadcast so every rank writes the same attribute bytes (collective).
struct AgreedTime {
  std::string iso8601; ///< YYYY-MM-DDThh:mm:ssZ (FileMetadata's `created`)
  std::string openpmd; ///< YYYY-MM-DD hh:mm:ss +0000 (openPMD `date`)
};
[[nodiscard]] AgreedTime agreed_utc_now(MPI_Comm comm);

/// The attributes of write_metadata_attributes() (software, code_version, git_commit, created, deck), with
/// `created` supplied so that all ranks agree.
void write_provenance(hid_t object, const FileMetadata& metadata, const std::string& created,
                      const std::filesystem::path& file);

/// `what` from rank 0 on every rank (collective).
[[nodiscard]] std::string broadcast_string(const std::string& what, MPI_Comm comm);

} // namespace inflanet::io::detail
