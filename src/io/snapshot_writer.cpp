#include "inflanet/io/snapshot_writer.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <regex>
#include <sstream>

#include "collective_io.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/io/hdf5_handle.hpp"
#include "inflanet/io/parallel_file.hpp"

namespace inflanet::io {
namespace {

std::string exact(double value) {
  std::array<char, 40> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.17g", value);
  return buffer.data();
}

void write_mesh_attributes(hid_t mesh, double dx, const ProgramUnits& units, const QuantityUnit& q,
                           const std::filesystem::path& file) {
  write_string_attribute(mesh, "geometry", "cartesian", file);
  write_string_array_attribute(mesh, "axisLabels", {"x", "y", "z"}, file);
  const std::array<double, 3> spacing{dx, dx, dx};
  const std::array<double, 3> zeros3{0.0, 0.0, 0.0};
  write_double_array_attribute(mesh, "gridSpacing", spacing, file);
  write_double_array_attribute(mesh, "gridGlobalOffset", zeros3, file);
  // scalar: the per-axis form is 2.0-draft only
  write_double_attribute(mesh, "gridUnitSI", units.scale ? units.scale->metres() : 1.0, file);
  write_string_attribute(mesh, "dataOrder", "C", file);
  write_double_array_attribute(mesh, "position", zeros3, file);      // values sit on the nodes
  write_unit_attributes(mesh, units, q, file, OpenPmdUnits::always); // units, unitSI, unitDimension
  write_float_attribute(mesh, "timeOffset", 0.0F, file);
}

/// `data_<step>.h5` (unpadded step).
std::string snapshot_file_name(std::int64_t step) {
  return "data_" + std::to_string(step) + ".h5";
}

std::string xdmf_text(std::int64_t step, double time, const Box& box, const SnapshotFields& fields) {
  const std::string n = std::to_string(box.n);
  const std::string dims = n + " " + n + " " + n;
  const std::string dx = exact(box.dx());
  std::ostringstream x;
  x << "<?xml version=\"1.0\" ?>\n"
    << "<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
    << "<!-- inflanet snapshot " << snapshot_file_name(step)
    << ": axes listed slowest first ([x][y][z] in the HDF5 file); ParaView shows the fastest axis (z) as X. "
       "-->\n"
    << "<Xdmf Version=\"2.0\">\n"
    << "  <Domain>\n"
    << "    <Grid Name=\"step" << step << "\" GridType=\"Uniform\">\n"
    << "      <Time Value=\"" << exact(time) << "\"/>\n"
    << "      <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"" << dims << "\"/>\n"
    << "      <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n"
    << "        <DataItem Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">0 0 "
       "0</DataItem>\n"
    << "        <DataItem Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">" << dx << " "
    << dx << " " << dx << "</DataItem>\n"
    << "      </Geometry>\n";
  for (const auto& [name, field] : fields) {
    x << "      <Attribute Name=\"" << name << "\" AttributeType=\"Scalar\" Center=\"Node\">\n"
      << "        <DataItem Dimensions=\"" << dims
      << "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << snapshot_file_name(step) << ":/data/"
      << step << "/meshes/" << name << "</DataItem>\n"
      << "      </Attribute>\n";
  }
  x << "    </Grid>\n  </Domain>\n</Xdmf>\n";
  return x.str();
}

} // namespace

SnapshotPaths write_snapshot(const std::filesystem::path& dir, std::int64_t step, double time, double dt,
                             double a, double hubble, const SnapshotFields& fields,
                             const std::map<std::string, QuantityUnit>& record_units,
                             const FileMetadata& metadata, const Box& box) {
  if (fields.empty()) {
    throw InputError("write_snapshot: no fields given");
  }
  static const std::regex record_name("[A-Za-z0-9]+");
  const Decomposition& d = fields.begin()->second.get().decomposition();
  for (const auto& [name, field] : fields) {
    if (!std::regex_match(name, record_name)) {
      throw InputError("snapshot record name '" + name +
                       "' must be letters and digits only (openPMD \\w, no '_')");
    }
    if (!record_units.contains(name)) {
      throw InputError("write_snapshot: no unit given for record '" + name + "'");
    }
    if (&field.get().decomposition() != &d && field.get().decomposition().comm() != d.comm()) {
      throw InputError("write_snapshot: field '" + name + "' lives on another communicator");
    }
  }
  if (d.n() != box.n || d.box().length != box.length) {
    throw InputError("write_snapshot: box N=" + std::to_string(box.n) + " L=" + exact(box.length) +
                     " differs from the fields' lattice N=" + std::to_string(d.n()) +
                     " L=" + exact(d.box().length));
  }
  const MPI_Comm comm = d.comm();
  const SnapshotPaths paths{dir / snapshot_file_name(step), dir / ("data_" + std::to_string(step) + ".xmf")};
  std::filesystem::path tmp = paths.data;
  tmp += ".tmp";
  const auto now = detail::agreed_utc_now(comm);
  {
    ParallelFile file = ParallelFile::create(tmp, comm,
                                             static_cast<std::uint64_t>(fields.size()) *
                                                 static_cast<std::uint64_t>(d.box().sites()) * 8u);
    const hid_t root = file.id();
    write_string_attribute(root, "openPMD", "1.1.0", tmp);
    write_uint32_attribute(root, "openPMDextension", 0, tmp);
    write_string_attribute(root, "basePath", "/data/%T/", tmp);
    write_string_attribute(root, "meshesPath", "meshes/", tmp);
    write_string_attribute(root, "iterationEncoding", "fileBased", tmp);
    write_string_attribute(root, "iterationFormat", "data_%T.h5", tmp);
    write_metadata_attributes(root, metadata, tmp, now.iso8601); // software, code_version, ..., deck
    write_string_attribute(root, "softwareVersion", metadata.code_version, tmp);
    write_string_attribute(root, "date", now.openpmd, tmp);

    { // groups close before the file (a parallel close is SEMI: open objects make it fail)
      const Hdf5Handle iteration = create_groups(root, "data/" + std::to_string(step), tmp);
      write_double_attribute(iteration.get(), "time", time, tmp);
      write_double_attribute(iteration.get(), "dt", dt, tmp);
      const ProgramUnits& units = metadata.units;
      write_double_attribute(iteration.get(), "timeUnitSI", units.scale ? units.scale->seconds() : 1.0, tmp);
      write_double_attribute(iteration.get(), "a", a, tmp);
      write_double_attribute(iteration.get(), "H", hubble, tmp);
      write_int64_attribute(iteration.get(), "step", step, tmp);
      write_attribute_units(iteration.get(), units,
                            {{"time", quantity::time},
                             {"dt", quantity::time},
                             {"a", quantity::dimensionless},
                             {"H", quantity::rate},
                             {"step", quantity::dimensionless}},
                            tmp);
      const Hdf5Handle meshes = create_groups(iteration.get(), "meshes", tmp);
      for (const auto& [name, field] : fields) {
        const Hdf5Handle mesh = write_field(meshes.get(), name, field.get(), tmp);
        write_mesh_attributes(mesh.get(), box.dx(), units, record_units.at(name), tmp);
      }
    }
    file.close(); // collective: every rank's data is on disk before the rename
  }
  detail::run_on_root(comm, [&] { // every rank learns of a failed rename alike
    rename_file(tmp, paths.data);
    write_text_atomically(paths.xdmf, xdmf_text(step, time, box, fields));
  });
  return paths;
}

void read_snapshot_field(const std::filesystem::path& file, const std::string& name, Field& field) {
  ParallelFile snapshot = ParallelFile::open_read_only(file, field.decomposition().comm());
  const Hdf5Handle data(H5Gopen2(snapshot.id(), "data", H5P_DEFAULT), HandleKind::group, "H5Gopen2(/data)",
                        file);
  H5G_info_t info{};
  check_h5(H5Gget_info(data.get(), &info), "H5Gget_info(/data)", file);
  if (info.nlinks != 1) {
    throw RuntimeError("snapshot '" + file.string() + "' holds " + std::to_string(info.nlinks) +
                       " iterations, expected 1 (fileBased)");
  }
  std::array<char, 64> iteration{};
  check_h5(static_cast<herr_t>(H5Lget_name_by_idx(data.get(), ".", H5_INDEX_NAME, H5_ITER_INC, 0,
                                                  iteration.data(), iteration.size(), H5P_DEFAULT)),
           "H5Lget_name_by_idx(/data)", file);
  read_field(data.get(), std::string(iteration.data()) + "/meshes/" + name, field, file);
}

} // namespace inflanet::io
