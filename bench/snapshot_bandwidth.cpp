// Write bandwidth of one snapshot (phi and phidot, openPMD HDF5, collective MPI-IO, atomic rename) in GB/s,
// counting only the field bytes (2 N^3 doubles). Compare with bench/snapshot_bandwidth.sh's `dd` figure on
// the same directory, which is the disk's plain sequential-write ceiling. Usage: mpirun -np P
// bench_snapshot_bandwidth [N (default 256)] [DIR (default .)] [REPEATS (default 3)] Each timed write ends
// with the file closed and renamed; like dd's conv=fsync, it ends with an fsync of the final file (rank 0),
// so the page cache does not flatter the number.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench_timer.hpp"
#include "inflanet/decomposition/field.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/io/snapshot_writer.hpp"

using namespace inflanet;

int main(int argc, char** argv) {
  Session session(argc, argv);
  const std::ptrdiff_t n = argc > 1 ? std::atol(argv[1]) : 256;
  const std::filesystem::path dir = argc > 2 ? argv[2] : ".";
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  Decomposition d(Box{n, 20.0});
  Field phi(d), phidot(d);
  phi.fill(0.25);
  phidot.fill(-1.5);
  const auto metadata = io::FileMetadata::for_this_build("# bench_snapshot_bandwidth\n");
  std::filesystem::path written;
  auto write = [&] {
    written =
        io::write_snapshot(dir, 0, 0.0, 0.01, 1.0, 1.0, {{"phi", phi}, {"phidot", phidot}},
                           {{"phi", quantity::field}, {"phidot", quantity::field_rate}}, metadata, d.box())
            .data;
    if (d.is_root()) {
      const int fd = ::open(written.c_str(), O_RDONLY);
      if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
      }
    }
  };
  const double seconds = bench::median_seconds(write, repeats, 1);
  const double bytes = 2.0 * 8.0 * static_cast<double>(n) * n * n;
  if (session.rank() == 0) {
    std::printf("snapshot N=%td ranks=%d bytes=%.0f median_s=%.4f GB/s=%.3f\n", n, session.size(), bytes,
                seconds, bytes / seconds / 1e9);
    std::filesystem::remove(written);
    std::filesystem::remove(std::filesystem::path(written).replace_extension(".xmf"));
  }
  return 0;
}
