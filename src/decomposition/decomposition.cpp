#include "inflanet/decomposition/decomposition.hpp"

#include <fftw3-mpi.h>

#include <algorithm>

#include "inflanet/base/error.hpp"

namespace inflanet {

Decomposition::Decomposition(const Box& box, MPI_Comm comm) : box_(box), comm_(comm) {
  if (box.n < 2 || !(box.length > 0.0)) {
    throw InputError("lattice needs N >= 2 and L > 0");
  }
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  const std::ptrdiff_t n = box.n;
  std::ptrdiff_t local_nx = 0, x_start = 0, local_nky = 0, ky_start = 0;
  alloc_complex_ =
      fftw_mpi_local_size_3d_transposed(n, n, n / 2 + 1, comm_, &local_nx, &x_start, &local_nky, &ky_start);
  layout_ = SlabLayout(n, local_nx, x_start, local_nky, ky_start);
  // FFTW may hand out 0 for a rank that owns nothing; keep a positive size so fftw_malloc is valid.
  alloc_complex_ = std::max<std::ptrdiff_t>(alloc_complex_, 1);
}

double Decomposition::sum(double local) const {
  double global = 0.0;
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_SUM, comm_);
  return global;
}

void Decomposition::sum_in_place(std::span<double> values) const {
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, comm_);
}

double Decomposition::max(double local) const {
  double global = 0.0;
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_MAX, comm_);
  return global;
}

double Decomposition::min(double local) const {
  double global = 0.0;
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_MIN, comm_);
  return global;
}

bool Decomposition::all(bool local) const {
  int in = local ? 1 : 0;
  int out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LAND, comm_);
  return out != 0;
}

void Decomposition::barrier() const {
  MPI_Barrier(comm_);
}

double Decomposition::broadcast(double value) const {
  MPI_Bcast(&value, 1, MPI_DOUBLE, 0, comm_);
  return value;
}

std::string broadcast_string(const std::string& text, MPI_Comm comm) {
  unsigned long long size = text.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  std::string out = text;
  out.resize(size);
  if (size > 0) {
    MPI_Bcast(out.data(), static_cast<int>(size), MPI_CHAR, 0, comm);
  }
  return out;
}

} // namespace inflanet
