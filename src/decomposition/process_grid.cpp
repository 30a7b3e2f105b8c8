#include "inflanet/decomposition/process_grid.hpp"

#include <string>
#include <tuple>
#include <utility>

#include "inflanet/base/error.hpp"
#include "scalapack.hpp"

namespace inflanet {

namespace {

int live = 0; // grids holding a context in this process (ProcessGrid::live_grids)

bool mpi_finalized() noexcept {
  int finalized = 0;
  MPI_Finalized(&finalized);
  return finalized != 0;
}

} // namespace

std::pair<int, int> ProcessGrid::shape(int ranks) noexcept {
  int rows = 1;
  for (int r = 1; r * r <= ranks; ++r) {
    if (ranks % r == 0) {
      rows = r;
    }
  }
  return {rows, ranks > 0 ? ranks / rows : 0};
}

ProcessGrid::ProcessGrid(MPI_Comm comm) {
  MPI_Comm_dup(comm, &comm_);
  int size = 0;
  MPI_Comm_size(comm_, &size);
  MPI_Comm_rank(comm_, &rank_);
  const auto [rows, cols] = shape(size);
  // The system handle only names comm_ for gridinit, which makes the grid's own communicators; it is
  // released at once, so the context is the one BLACS resource held.
  const int handle = Csys2blacs_handle(comm_);
  context_ = handle;
  Cblacs_gridinit(&context_, "Row", rows, cols);
  Cfree_blacs_system_handle(handle);
  if (context_ >= 0) {
    ++live;
  }
  Cblacs_gridinfo(context_, &nprow_, &npcol_, &myrow_, &mycol_);
  if (nprow_ != rows || npcol_ != cols || myrow_ < 0 || mycol_ < 0) {
    const std::string got = std::to_string(nprow_) + " x " + std::to_string(npcol_);
    release();
    throw RuntimeError("ProcessGrid: BLACS made a " + got + " grid on rank " + std::to_string(rank_) +
                       ", expected " + std::to_string(rows) + " x " + std::to_string(cols));
  }
}

ProcessGrid::~ProcessGrid() {
  release();
}

ProcessGrid::ProcessGrid(ProcessGrid&& other) noexcept
    : comm_(std::exchange(other.comm_, MPI_COMM_NULL)), context_(std::exchange(other.context_, -1)),
      nprow_(other.nprow_), npcol_(other.npcol_), myrow_(other.myrow_), mycol_(other.mycol_),
      rank_(other.rank_) {}

ProcessGrid& ProcessGrid::operator=(ProcessGrid&& other) noexcept {
  if (this != &other) {
    release();
    std::tie(nprow_, npcol_, myrow_, mycol_, rank_) =
        std::tie(other.nprow_, other.npcol_, other.myrow_, other.mycol_, other.rank_);
    comm_ = std::exchange(other.comm_, MPI_COMM_NULL);
    context_ = std::exchange(other.context_, -1);
  }
  return *this;
}

void ProcessGrid::release() noexcept {
  // After MPI_Finalize nothing can be released (BLACS frees communicators too); the process is ending.
  if (mpi_finalized()) {
    return;
  }
  if (context_ >= 0) {
    --live;
    Cblacs_gridexit(context_);
    context_ = -1;
  }
  if (comm_ != MPI_COMM_NULL) {
    MPI_Comm_free(&comm_);
  }
}

void ProcessGrid::sum_in_place(std::span<double> values) const {
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, comm_);
}

void ProcessGrid::max_in_place(std::span<double> values) const {
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_MAX, comm_);
}

void ProcessGrid::broadcast(std::span<double> values) const {
  MPI_Bcast(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, 0, comm_);
}

bool ProcessGrid::context_alive(int context) noexcept {
  if (context < 0 || mpi_finalized()) {
    return false;
  }
  int nprow = -1, npcol = -1, myrow = -1, mycol = -1;
  Cblacs_gridinfo(context, &nprow, &npcol, &myrow, &mycol);
  return nprow > 0 && myrow >= 0;
}

int ProcessGrid::live_grids() noexcept {
  return live;
}

} // namespace inflanet
