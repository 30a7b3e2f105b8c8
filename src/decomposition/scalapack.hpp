#pragma once
// Private: the few BLACS and ScaLAPACK entry points inflanet calls (libscalapack-openmpi, which carries
// BLACS). Neither ships a C header, so they are declared here, for the LP64 build Debian ships (Fortran
// INTEGER = int). Fortran routines take every argument by reference and see matrices column-major. gfortran
// passes the length of each CHARACTER argument as a hidden trailing size_t; they are declared (and passed as
// 1) so that the calls match the callee's ABI exactly rather than relying on the callee never reading them.
//
// Used by ProcessGrid (the BLACS context; src/decomposition/process_grid.cpp) and NtkEigensystem (the
// descriptors and the eigensolver; src/ntk/ntk_eigensystem.cpp). Nothing else calls them.
#include <mpi.h>

#include <cstddef>

extern "C" {

// --- BLACS (C interface) ---------------------------------------------------------------------------------
/// A BLACS system handle for an MPI communicator (the input of Cblacs_gridinit); release it with
/// Cfree_blacs_system_handle once the grid exists (the grid keeps its own communicators).
int Csys2blacs_handle(MPI_Comm comm);
void Cfree_blacs_system_handle(int handle);
/// On entry *context is a system handle, on exit the new grid's context. order "Row": ranks fill the grid
/// row by row.
void Cblacs_gridinit(int* context, const char* order, int nprow, int npcol);
/// Shape of a grid and this process's coordinates in it; all -1 for a released or unknown context.
void Cblacs_gridinfo(int context, int* nprow, int* npcol, int* myrow, int* mycol);
/// Releases a grid's context (and the communicators BLACS made for it). Collective over the grid.
void Cblacs_gridexit(int context);

// --- ScaLAPACK tools ---------------------------------------------------------------------------------------
/// Rows (or columns) of an n-long dimension, cut in blocks of nb dealt cyclically over nprocs processes
/// starting at isrcproc, that process iproc holds.
int numroc_(const int* n, const int* nb, const int* iproc, const int* isrcproc, const int* nprocs);
/// Fills the 9-integer array descriptor of an m x n matrix in mb x nb blocks, first block on process
/// (irsrc, icsrc), local leading dimension lld.
void descinit_(int* desc, const int* m, const int* n, const int* mb, const int* nb, const int* irsrc,
               const int* icsrc, const int* context, const int* lld, int* info);

// --- ScaLAPACK eigensolver ---------------------------------------------------------------------------------
/// All eigenvalues (w, ascending, on every process) and eigenvectors (z, distributed like a) of the symmetric
/// matrix a (its `uplo` triangle read, then destroyed) by divide and conquer. lwork = liwork = -1: a
/// workspace query (sizes returned in work[0], iwork[0]).
void pdsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* ia, const int* ja,
              const int* desca, double* w, double* z, const int* iz, const int* jz, const int* descz,
              double* work, const int* lwork, int* iwork, const int* liwork, int* info, std::size_t jobz_len,
              std::size_t uplo_len);
}
