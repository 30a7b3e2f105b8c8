#pragma once
/// \file
/// \brief A parallel HDF5 file opened by every rank of a communicator (MPI-IO driver), and the collective
/// writer and reader of a distributed 3-D real field.
///
/// Everything here is collective over the communicator the file was opened on: every rank must make the
/// same calls with the same arguments (names, shapes, attribute values), in the same order. Metadata
/// reads and writes are collective (H5Pset_all_coll_metadata_ops, H5Pset_coll_metadata_write), field
/// transfers use H5FD_MPIO_COLLECTIVE, and a rank that owns no x-planes still takes part in every
/// H5Dwrite/H5Dread with an empty selection (ecosystem.md §2).

#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "inflanet/decomposition/field.hpp"
#include "inflanet/io/hdf5_handle.hpp"

namespace inflanet::io {

/// \brief RAII owner of an HDF5 file opened collectively with the MPI-IO driver.
///
/// Move-only (as its handle). The destructor closes silently; call close() where a failure must be reported
/// (a parallel close is collective and flushes every dataset, so it is where a full disk shows up).
class ParallelFile {
public:
  /// \brief Creates `path` on every rank of `comm`, truncating an existing file (collective).
  /// Throws RuntimeError naming the file when H5Fcreate fails. `payload_bytes` (the size of the data to
  /// come, if known) picks the driver on one rank: a small file (<= posix_payload_limit) is written with
  /// HDF5's POSIX driver, which skips MPI-IO's start-up (about 20 ms, most of a 1-step N = 32 run's final
  /// checkpoint); a large one with MPI-IO, which writes the padded slabs faster (1.0-1.3 GB/s against
  /// 0.5-0.8 GB/s at N = 256 here). Several ranks always use MPI-IO.
  [[nodiscard]] static ParallelFile create(const std::filesystem::path& path, MPI_Comm comm,
                                           std::uint64_t payload_bytes = UINT64_MAX);
  static constexpr std::uint64_t posix_payload_limit = 32u << 20;
  /// \brief Opens an existing file read-only on every rank of `comm` (collective). Throws RuntimeError
  /// naming the file when H5Fopen fails (missing, truncated, not HDF5); HDF5's own error stack is not
  /// printed.
  [[nodiscard]] static ParallelFile open_read_only(const std::filesystem::path& path, MPI_Comm comm);

  /// \brief The file identifier (also the root group, for attributes and paths).
  [[nodiscard]] hid_t id() const noexcept { return file_.get(); }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /// \brief Collective close; throws RuntimeError naming the file if HDF5 reports a failure.
  void close();

private:
  ParallelFile(Hdf5Handle file, std::filesystem::path path)
      : file_(std::move(file)), path_(std::move(path)) {}
  Hdf5Handle file_;
  std::filesystem::path path_;
};

/// \brief Creates every missing group on `path` below `parent` ("a/b/c"; collective). Returns the last.
[[nodiscard]] Hdf5Handle create_groups(hid_t parent, const std::string& path,
                                       const std::filesystem::path& file = {});

/// \brief Writes `field` (real space) as the float64 dataset `name` under `parent`, global shape
/// [N][N][N] in C order [x][y][z]; value at [x][y][z] is phi(x dx, y dx, z dx) (collective).
///
/// Contiguous, uncompressed, allocated early with H5D_FILL_TIME_NEVER. Each rank writes its x-slab
/// [x_start, x_start + local_nx) straight from the padded FFTW buffer: the memory dataspace has the padded
/// row length 2(N/2+1) and selects the first N entries of each row, so nothing is copied. Ranks with no
/// planes select none. Returns the open dataset so the caller can attach attributes (collectively).
/// A field in Fourier space is written as its transposed half spectrum, global shape [N][N][N/2+1][2]
/// (axes ky, kx, kz, then real and imaginary part), each rank its ky-slab. Throws RuntimeError if HDF5
/// fails.
[[nodiscard]] Hdf5Handle write_field(hid_t parent, const std::string& name, const Field& field,
                                     const std::filesystem::path& file = {});

/// \brief Reads the [N][N][N] float64 dataset `name` under `parent` into `field` (collective), for any
/// decomposition of the same N (the writer's rank count does not matter). Padding is left untouched and
/// the field is marked real; a [N][N][N/2+1][2] dataset (a Fourier-space field) is read into the Fourier
/// slab and the field is marked Fourier. Throws RuntimeError if the dataset is missing, not 3-D N^3, or HDF5
/// fails.
void read_field(hid_t parent, const std::string& name, Field& field, const std::filesystem::path& file = {});

/// \brief Writes a 1-D float64 dataset `name` under `parent` holding `values`, which must be identical on
/// every rank (collective; rank 0's copy is what lands in the file). Zero length is allowed.
void write_replicated_vector(hid_t parent, const std::string& name, std::span<const double> values,
                             MPI_Comm comm, const std::filesystem::path& file = {});
/// \brief Reads a whole 1-D float64 dataset on every rank (independent reads of the same bytes).
[[nodiscard]] std::vector<double> read_vector(hid_t parent, const std::string& name,
                                              const std::filesystem::path& file = {});

/// \brief Disables HDF5's automatic error-stack printing for the lifetime of the guard (restores it after).
/// Used where a failure is expected and reported in our own words (probing a restart file).
class SilenceHdf5Errors {
public:
  SilenceHdf5Errors();
  ~SilenceHdf5Errors();
  SilenceHdf5Errors(const SilenceHdf5Errors&) = delete;
  SilenceHdf5Errors& operator=(const SilenceHdf5Errors&) = delete;

private:
  H5E_auto2_t function_ = nullptr;
  void* data_ = nullptr;
};

} // namespace inflanet::io
