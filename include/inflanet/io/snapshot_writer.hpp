#pragma once
/// \file
/// \brief Field snapshots: one openPMD 1.1.0 HDF5 file per output step (`data_<step>.h5`, fileBased) plus
/// an XDMF sidecar (`data_<step>.xmf`) so ParaView/VisIt open it.
///
/// Layout of `data_<step>.h5` (%T unpadded; ecosystem.md §1):
///   /                       openPMD="1.1.0", openPMDextension=0 (uint32), basePath="/data/%T/",
///                           meshesPath="meshes/", iterationEncoding="fileBased",
///                           iterationFormat="data_%T.h5", software="inflanet", softwareVersion, date
///                           ("YYYY-MM-DD hh:mm:ss +0000"), deck, code_version, git_commit, created
///                           (FileMetadata)
///   /data/<step>/           time, dt, timeUnitSI (float64: seconds per program time unit, 1.0 without a
///                           physical scale), a, H (float64), step (int64), attributeUnits ("time=1/H;...")
///   /data/<step>/meshes/<name>   float64 [N][N][N], C order [x][y][z], with geometry="cartesian",
///                           axisLabels=["x","y","z"] (fixed-length strings), gridSpacing=[dx,dx,dx],
///                           gridGlobalOffset=[0,0,0], gridUnitSI (scalar: metres per program length
///                           unit), dataOrder="C", position=[0,0,0], units (the program unit's name),
///                           unitSI, unitDimension (7 doubles), timeOffset=0.0 (float32)
/// Strings are fixed-length null-terminated ASCII (yt decodes bytes). Values are in program units
/// (metadata.units names them); the SI factors convert them when the run has a physical scale, and are 1.0
/// (unitDimension 0) without one, as openPMD requires some value.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "inflanet/base/box.hpp"
#include "inflanet/decomposition/field.hpp"
#include "inflanet/io/file_metadata.hpp"

namespace inflanet::io {

/// \brief The meshes of one snapshot, by record name (openPMD `\w` names; use names without
/// underscores, e.g. `phi`, `phidot`, because yt rewrites `_` to `-`). All on one decomposition.
using SnapshotFields = std::map<std::string, std::reference_wrapper<const Field>>;

/// \brief Where a snapshot landed.
struct SnapshotPaths {
  std::filesystem::path data; ///< dir/data_<step>.h5
  std::filesystem::path xdmf; ///< dir/data_<step>.xmf
};

/// \brief Writes one snapshot collectively over the fields' decomposition (every rank calls it with the
/// same arguments; `dir` must exist).
///
/// Atomic: the data go to `data_<step>.h5.tmp`, which is closed collectively, then after a barrier rank 0
/// renames it to `data_<step>.h5`; rank 0 then writes `data_<step>.xmf` (3DCoRectMesh, ORIGIN_DXDYDZ,
/// Center="Node", one Attribute per mesh, Time = `time`) the same way (tmp + rename), and a final barrier
/// makes both visible to every rank on return. `time`, `dt` in program time units; `a` the scale factor,
/// `hubble` H at `time`; `box` must match the fields' decomposition (its dx is the grid spacing).
/// Throws RuntimeError on an I/O failure or InputError for a bad record name / mismatched box.
/// `record_units` gives the quantity of every record (a missing one is an InputError).
SnapshotPaths write_snapshot(const std::filesystem::path& dir, std::int64_t step, double time, double dt,
                             double a, double hubble, const SnapshotFields& fields,
                             const std::map<std::string, QuantityUnit>& record_units,
                             const FileMetadata& metadata, const Box& box);

/// \brief Reads mesh `name` of the single iteration stored in snapshot `file` into `field` (collective over
/// the field's decomposition, which may have any rank count). Throws RuntimeError if the file, the
/// iteration or the mesh is missing or the lattice size differs.
void read_snapshot_field(const std::filesystem::path& file, const std::string& name, Field& field);

} // namespace inflanet::io
