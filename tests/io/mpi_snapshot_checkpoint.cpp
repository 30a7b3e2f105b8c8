// Snapshots (openPMD + XDMF) and checkpoints, written collectively and read back on the same and on a
// single-rank (MPI_COMM_SELF) decomposition: bitwise round trips, attribute types as yt/h5py see them,
// atomic replacement, the `latest` pointer, retention of two, and refusal of bad restart files with a reason.
// With INFLANET_TEST_DATA_DIR set, IndexCodedSnapshot writes data_8.h5 there for analysis/tests.
#include <gtest/gtest.h>

#include <functional>

#include <hdf5.h>
#include <mpi.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/io/checkpoint.hpp"
#include "inflanet/io/hdf5_handle.hpp"
#include "inflanet/io/parallel_file.hpp"
#include "inflanet/io/snapshot_writer.hpp"
#include "lattice_helpers.hpp"

namespace fs = std::filesystem;
using namespace inflanet;
using namespace inflanet::io;
using inflanet::testing::fill_sites;
using inflanet::testing::site_noise;

namespace {

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

/// A fresh directory shared by every rank (rank 0's pid names it), one per test.
fs::path shared_dir(const std::string& test) {
  long long pid = ::getpid();
  MPI_Bcast(&pid, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  const fs::path dir = fs::temp_directory_path() / ("inflanet-snapshot-test-" + std::to_string(pid)) / test;
  if (world_rank() == 0) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return dir;
}

double phi_of(std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z) {
  return site_noise(x, y, z, 1);
}
double phidot_of(std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z) {
  return site_noise(x, y, z, 2) * 1e-7 + 1.0 / 3.0;
}

/// Sites (over all ranks) whose bits differ from f.
template <class F>
double bit_differences(const Field& field, F&& f) {
  const double* data = field.real_data();
  double wrong = 0;
  for_each_site(field.decomposition(), [&](const Site& s) {
    const double expected = f(s.ix, s.iy, s.iz);
    wrong += std::bit_cast<std::uint64_t>(data[s.offset]) != std::bit_cast<std::uint64_t>(expected) ? 1 : 0;
  });
  return field.decomposition().sum(wrong);
}

FileMetadata sample_metadata() {
  return FileMetadata{"[lattice]\nN = 12\nL = 10.0\n", "0.1.0", "0123456789abcdef", {}};
}

CheckpointState sample_state(std::int64_t step) {
  CheckpointState s;
  s.step = step;
  s.time = 0.05 * static_cast<double>(step) + 1.0 / 3.0;
  s.a = std::exp(s.time);
  s.dt = 0.05;
  s.integrator = "yoshida4";
  for (int i = 0; i <= step; ++i) {
    s.continuity_values.push_back(std::sin(0.1 * i) / 7.0);
  }
  s.rho0 = 0.123456789012345678;
  s.extra_series["energy_history"] = {1.0, 2.0, std::nextafter(3.0, 4.0)};
  s.extra_series["empty"] = {};
  s.scalars["rng_counter"] = 123456789.0;
  s.scalars["pending.kick"] = -0.0;
  s.deck_text = "[lattice]\nN = 12\nL = 10.0\n";
  s.code_version = "0.1.0";
  s.git_commit = "0123456789abcdef";
  return s;
}

void expect_fields_exact(const Field& phi, const Field& phidot) {
  EXPECT_EQ(bit_differences(phi, phi_of), 0.0);
  EXPECT_EQ(bit_differences(phidot, phidot_of), 0.0);
}

/// Runs f, expecting an InputError on every rank whose message contains each of `parts`.
template <class F>
void expect_refused(F&& f, const std::vector<std::string>& parts) {
  bool thrown = false;
  try {
    f();
  } catch (const InputError& e) {
    thrown = true;
    for (const auto& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what() << "\n  lacks: " << part;
    }
    EXPECT_EQ(e.status(), ExitStatus::invalid_input);
  }
  EXPECT_TRUE(thrown) << "no InputError";
  int all = thrown ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  EXPECT_EQ(all, 1) << "every rank must reach the same verdict";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// --- HDF5 type inspection (rank 0, serial HDF5) ----------------------------------------------------------

struct AttributeType {
  H5T_class_t type_class = H5T_NO_CLASS;
  std::size_t size = 0;
  bool variable_string = false;
  int rank = -1; // 0 for a scalar
  hsize_t elements = 0;
};

AttributeType attribute_type(hid_t object, const std::string& name) {
  const Hdf5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), HandleKind::attribute,
                             "H5Aopen " + name);
  const Hdf5Handle type(H5Aget_type(attribute.get()), HandleKind::datatype, "H5Aget_type");
  const Hdf5Handle space(H5Aget_space(attribute.get()), HandleKind::dataspace, "H5Aget_space");
  AttributeType t;
  t.type_class = H5Tget_class(type.get());
  t.size = H5Tget_size(type.get());
  t.variable_string = t.type_class == H5T_STRING && H5Tis_variable_str(type.get()) > 0;
  t.rank = H5Sget_simple_extent_ndims(space.get());
  t.elements = static_cast<hsize_t>(H5Sget_simple_extent_npoints(space.get()));
  return t;
}

std::string string_attribute(hid_t object, const std::string& name) {
  const Hdf5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), HandleKind::attribute,
                             "H5Aopen " + name);
  const Hdf5Handle type(H5Aget_type(attribute.get()), HandleKind::datatype, "H5Aget_type");
  std::string value(H5Tget_size(type.get()), '\0');
  check_h5(H5Aread(attribute.get(), type.get(), value.data()), "H5Aread");
  return value.substr(0, value.find('\0'));
}

std::vector<double> double_attribute(hid_t object, const std::string& name) {
  const Hdf5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), HandleKind::attribute,
                             "H5Aopen " + name);
  const Hdf5Handle space(H5Aget_space(attribute.get()), HandleKind::dataspace, "H5Aget_space");
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  check_h5(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, values.data()), "H5Aread");
  return values;
}

void expect_fixed_string(hid_t object, const std::string& name, const std::string& value) {
  const auto t = attribute_type(object, name);
  EXPECT_EQ(t.type_class, H5T_STRING) << name;
  EXPECT_FALSE(t.variable_string) << name << " must be a fixed-length string (yt calls .decode())";
  EXPECT_EQ(t.rank, 0) << name;
  EXPECT_EQ(string_attribute(object, name), value) << name;
}

void expect_float64(hid_t object, const std::string& name, int rank, hsize_t elements) {
  const auto t = attribute_type(object, name);
  EXPECT_EQ(t.type_class, H5T_FLOAT) << name;
  EXPECT_EQ(t.size, 8U) << name;
  EXPECT_EQ(t.rank, rank) << name;
  EXPECT_EQ(t.elements, elements) << name;
}

const Box box12{12, 10.0};

SnapshotPaths write_sample_snapshot(const fs::path& dir, const Decomposition& d, Field& phi, Field& phidot) {
  fill_sites(phi, phi_of);
  fill_sites(phidot, phidot_of);
  return write_snapshot(dir, 7, 0.35, 0.05, 1.4190675485932571, 1.0, {{"phi", phi}, {"phidot", phidot}},
                        {{"phi", inflanet::quantity::field}, {"phidot", inflanet::quantity::field_rate}},
                        sample_metadata(), d.box());
}

} // namespace

// --- snapshots -----------------------------------------------------------------------------------------

TEST(Snapshot, RoundTripIsBitwiseOnWorldAndOnSingleRankDecomposition) {
  const fs::path dir = shared_dir("snapshot_round_trip");
  Decomposition world(box12);
  Field phi(world), phidot(world);
  const SnapshotPaths paths = write_sample_snapshot(dir, world, phi, phidot);
  EXPECT_EQ(paths.data, dir / "data_7.h5");
  EXPECT_TRUE(fs::is_regular_file(paths.data));
  EXPECT_FALSE(fs::exists(dir / "data_7.h5.tmp")) << "the temporary is renamed away";

  Field back_phi(world), back_phidot(world);
  back_phi.fill(-1.0);
  back_phidot.fill(-1.0);
  read_snapshot_field(paths.data, "phi", back_phi);
  read_snapshot_field(paths.data, "phidot", back_phidot);
  expect_fields_exact(back_phi, back_phidot);

  Decomposition self(box12, MPI_COMM_SELF);
  Field self_phi(self), self_phidot(self);
  read_snapshot_field(paths.data, "phi", self_phi);
  read_snapshot_field(paths.data, "phidot", self_phidot);
  EXPECT_EQ(bit_differences(self_phi, phi_of), 0.0);
  EXPECT_EQ(bit_differences(self_phidot, phidot_of), 0.0);
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(Snapshot, RanksOwningNoPlanesStillTakePart) {
  // N = 4 on 3 ranks gives planes 2, 2, 0 (FFTW's ceil(N/P) blocks); N = 5 gives 2, 2, 1.
  for (std::ptrdiff_t n : {4, 5}) {
    const fs::path dir = shared_dir("zero_planes_" + std::to_string(n));
    Decomposition d(Box{n, 3.0});
    Field phi(d), phidot(d);
    fill_sites(phi, phi_of);
    fill_sites(phidot, phidot_of);
    const auto paths =
        write_snapshot(dir, 0, 0.0, 0.1, 1.0, 1.0, {{"phi", phi}, {"phidot", phidot}},
                       {{"phi", inflanet::quantity::field}, {"phidot", inflanet::quantity::field_rate}},
                       sample_metadata(), d.box());
    Decomposition self(Box{n, 3.0}, MPI_COMM_SELF);
    Field back(self);
    read_snapshot_field(paths.data, "phidot", back);
    EXPECT_EQ(bit_differences(back, phidot_of), 0.0) << "N = " << n;
    read_snapshot_field(paths.data, "phi", phi);
    EXPECT_EQ(bit_differences(phi, phi_of), 0.0) << "N = " << n;
  }
}

TEST(Snapshot, EveryOpenPmdAttributeHasTheStandardType) {
  const fs::path dir = shared_dir("snapshot_attributes");
  Decomposition world(box12);
  Field phi(world), phidot(world);
  const auto paths = write_sample_snapshot(dir, world, phi, phidot);
  if (world_rank() == 0) {
    const Hdf5Handle file(H5Fopen(paths.data.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), HandleKind::file,
                          "H5Fopen");
    const hid_t root = file.get();
    expect_fixed_string(root, "openPMD", "1.1.0");
    expect_fixed_string(root, "basePath", "/data/%T/");
    expect_fixed_string(root, "meshesPath", "meshes/");
    expect_fixed_string(root, "iterationEncoding", "fileBased");
    expect_fixed_string(root, "iterationFormat", "data_%T.h5");
    expect_fixed_string(root, "software", "inflanet");
    expect_fixed_string(root, "softwareVersion", "0.1.0");
    expect_fixed_string(root, "code_version", "0.1.0");
    expect_fixed_string(root, "git_commit", "0123456789abcdef");
    expect_fixed_string(root, "deck", sample_metadata().deck_text);
    const auto extension = attribute_type(root, "openPMDextension");
    EXPECT_EQ(extension.type_class, H5T_INTEGER);
    EXPECT_EQ(extension.size, 4U);
    EXPECT_EQ(extension.rank, 0);
    const std::string date = string_attribute(root, "date");
    EXPECT_EQ(date.size(), 25U) << date; // YYYY-MM-DD hh:mm:ss +0000
    EXPECT_EQ(date.substr(19), " +0000");

    const Hdf5Handle iteration(H5Gopen2(root, "/data/7", H5P_DEFAULT), HandleKind::group, "H5Gopen2 /data/7");
    for (const char* name : {"time", "dt", "timeUnitSI", "a", "H"}) {
      expect_float64(iteration.get(), name, 0, 1);
    }
    EXPECT_EQ(double_attribute(iteration.get(), "time")[0], 0.35);
    EXPECT_EQ(double_attribute(iteration.get(), "dt")[0], 0.05);
    EXPECT_EQ(double_attribute(iteration.get(), "timeUnitSI")[0], 1.0);
    EXPECT_EQ(double_attribute(iteration.get(), "a")[0], 1.4190675485932571);
    const auto step = attribute_type(iteration.get(), "step");
    EXPECT_EQ(step.type_class, H5T_INTEGER);
    EXPECT_EQ(step.size, 8U);

    for (const char* mesh_name : {"phi", "phidot"}) {
      SCOPED_TRACE(mesh_name);
      const Hdf5Handle mesh(
          H5Dopen2(iteration.get(), (std::string("meshes/") + mesh_name).c_str(), H5P_DEFAULT),
          HandleKind::dataset, "H5Dopen2");
      const Hdf5Handle space(H5Dget_space(mesh.get()), HandleKind::dataspace, "H5Dget_space");
      std::array<hsize_t, 3> dims{};
      ASSERT_EQ(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), 3);
      EXPECT_EQ(dims, (std::array<hsize_t, 3>{12, 12, 12}));
      const Hdf5Handle dcpl(H5Dget_create_plist(mesh.get()), HandleKind::property_list,
                            "H5Dget_create_plist");
      EXPECT_EQ(H5Pget_layout(dcpl.get()), H5D_CONTIGUOUS);
      EXPECT_EQ(H5Pget_nfilters(dcpl.get()), 0);

      const hid_t m = mesh.get();
      expect_fixed_string(m, "geometry", "cartesian");
      expect_fixed_string(m, "dataOrder", "C");
      const auto labels = attribute_type(m, "axisLabels");
      EXPECT_EQ(labels.type_class, H5T_STRING);
      EXPECT_FALSE(labels.variable_string);
      EXPECT_EQ(labels.rank, 1);
      EXPECT_EQ(labels.elements, 3U);
      {
        const Hdf5Handle attribute(H5Aopen(m, "axisLabels", H5P_DEFAULT), HandleKind::attribute, "H5Aopen");
        const Hdf5Handle type(H5Aget_type(attribute.get()), HandleKind::datatype, "H5Aget_type");
        std::vector<char> raw(3 * H5Tget_size(type.get()));
        check_h5(H5Aread(attribute.get(), type.get(), raw.data()), "H5Aread");
        const std::size_t w = H5Tget_size(type.get());
        EXPECT_STREQ(raw.data(), "x");
        EXPECT_STREQ(raw.data() + w, "y");
        EXPECT_STREQ(raw.data() + 2 * w, "z");
      }
      expect_float64(m, "gridSpacing", 1, 3);
      expect_float64(m, "gridGlobalOffset", 1, 3);
      expect_float64(m, "position", 1, 3);
      expect_float64(m, "unitDimension", 1, 7);
      expect_float64(m, "gridUnitSI", 0, 1);
      expect_float64(m, "unitSI", 0, 1);
      EXPECT_EQ(double_attribute(m, "gridSpacing"), (std::vector<double>{10.0 / 12, 10.0 / 12, 10.0 / 12}));
      EXPECT_EQ(double_attribute(m, "gridGlobalOffset"), (std::vector<double>{0, 0, 0}));
      EXPECT_EQ(double_attribute(m, "unitDimension"), std::vector<double>(7, 0.0));
      const auto offset = attribute_type(m, "timeOffset");
      EXPECT_EQ(offset.type_class, H5T_FLOAT);
      EXPECT_EQ(offset.size, 4U);
      EXPECT_EQ(offset.rank, 0);
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(Snapshot, XdmfSidecarReferencesEveryMesh) {
  const fs::path dir = shared_dir("snapshot_xdmf");
  Decomposition world(box12);
  Field phi(world), phidot(world);
  const auto paths = write_sample_snapshot(dir, world, phi, phidot);
  EXPECT_EQ(paths.xdmf, dir / "data_7.xmf");
  ASSERT_TRUE(fs::is_regular_file(paths.xdmf)) << "visible on every rank on return";
  EXPECT_FALSE(fs::exists(dir / "data_7.xmf.tmp"));
  const std::string xml = read_text(paths.xdmf);
  for (const std::string part :
       {"<Xdmf", "TopologyType=\"3DCoRectMesh\" Dimensions=\"12 12 12\"", "GeometryType=\"ORIGIN_DXDYDZ\"",
        "<Time Value=\"0.34999999999999998\"/>", "Center=\"Node\"", "data_7.h5:/data/7/meshes/phi</DataItem>",
        "data_7.h5:/data/7/meshes/phidot</DataItem>", "0.83333333333333337 0.83333333333333337"}) {
    EXPECT_NE(xml.find(part), std::string::npos) << "missing: " << part << "\n" << xml;
  }
}

TEST(Snapshot, RecordNamesWithUnderscoresAreRefused) {
  Decomposition world(box12);
  Field phi(world);
  phi.fill(0.0);
  EXPECT_THROW(write_snapshot(shared_dir("bad_name"), 0, 0, 0, 1, 1, {{"phi_dot", phi}},
                              {{"phi_dot", inflanet::quantity::field}}, sample_metadata(), box12),
               InputError);
}

// --- checkpoints ---------------------------------------------------------------------------------------

TEST(Checkpoint, RoundTripRestoresFieldsAndEveryScalarAndSeries) {
  const fs::path dir = shared_dir("checkpoint_round_trip");
  Decomposition world(box12);
  Field phi(world), phidot(world);
  fill_sites(phi, phi_of);
  fill_sites(phidot, phidot_of);
  const CheckpointState state = sample_state(40);
  const fs::path path = write_checkpoint(dir, state, {{"phi", &phi}, {"phidot", &phidot}}, world);
  EXPECT_EQ(path, dir / "checkpoint_40.h5");
  EXPECT_FALSE(fs::exists(dir / "checkpoint_40.h5.tmp"));
  EXPECT_EQ(read_text(dir / "checkpoint_latest"), "checkpoint_40.h5\n");

  Field back_phi(world), back_phidot(world);
  const CheckpointState back =
      read_checkpoint(path.string(), dir, {{"phi", &back_phi}, {"phidot", &back_phidot}}, world);
  CheckpointState expected = state;
  expected.n = 12;
  expected.length = 10.0;
  expected.source = path;
  EXPECT_TRUE(back == expected);
  EXPECT_EQ(back.step, 40);
  EXPECT_EQ(back.integrator, "yoshida4");
  EXPECT_EQ(back.continuity_values, state.continuity_values);
  EXPECT_EQ(back.extra_series, state.extra_series);
  EXPECT_EQ(back.scalars, state.scalars);
  EXPECT_TRUE(std::signbit(back.scalars.at("pending.kick"))) << "-0.0 survives bitwise";
  EXPECT_EQ(back.deck_text, state.deck_text);
  expect_fields_exact(back_phi, back_phidot);
  // An entry the checkpoint lacks is an input error naming the file and the entry, not std::out_of_range.
  for (const auto& ask : std::vector<std::function<void()>>{[&] { (void)back.scalar("no_such_scalar"); },
                                                            [&] { (void)back.series("no_such_series"); }}) {
    try {
      ask();
      ADD_FAILURE() << "a missing entry was returned";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("no_such_s"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(back.scalar_or("no_such_scalar", 7.0), 7.0);
  EXPECT_EQ(back.scalar("pending.kick"), back.scalars.at("pending.kick"));
}

TEST(Checkpoint, RestartOntoADifferentDecompositionIsExact) {
  const fs::path dir = shared_dir("checkpoint_redistribute");
  Decomposition world(box12);
  Field phi(world), phidot(world);
  fill_sites(phi, phi_of);
  fill_sites(phidot, phidot_of);
  write_checkpoint(dir, sample_state(5), {{"phi", &phi}, {"phidot", &phidot}}, world);
  Decomposition self(box12, MPI_COMM_SELF);
  Field self_phi(self), self_phidot(self);
  const CheckpointState back =
      read_checkpoint("latest", dir, {{"phi", &self_phi}, {"phidot", &self_phidot}}, self);
  EXPECT_EQ(back.step, 5);
  EXPECT_EQ(back.continuity_values, sample_state(5).continuity_values);
  EXPECT_EQ(bit_differences(self_phi, phi_of), 0.0);
  EXPECT_EQ(bit_differences(self_phidot, phidot_of), 0.0);
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(Checkpoint, BadRestartFilesAreRefusedWithTheReason) {
  const fs::path dir = shared_dir("checkpoint_bad_files");
  Decomposition world(box12);
  Field phi(world), phidot(world);
  fill_sites(phi, phi_of);
  fill_sites(phidot, phidot_of);
  const fs::path good = write_checkpoint(dir, sample_state(3), {{"phi", &phi}, {"phidot", &phidot}}, world);
  const fs::path snapshot = write_sample_snapshot(dir, world, phi, phidot).data;
  const fs::path truncated = dir / "truncated.h5", incomplete = dir / "incomplete.h5",
                 text = dir / "notes.h5";
  if (world_rank() == 0) {
    fs::copy_file(good, truncated);
    fs::resize_file(truncated, fs::file_size(good) / 2);
    fs::copy_file(good, incomplete);
    const Hdf5Handle file(H5Fopen(incomplete.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), HandleKind::file,
                          "H5Fopen");
    write_int64_attribute(file.get(), "complete", 0);
    std::ofstream(text) << "not an HDF5 file\n";
  }
  MPI_Barrier(MPI_COMM_WORLD);

  auto restart = [&](const fs::path& path, const Decomposition& d) {
    return [&, path] {
      Field p(d), v(d);
      (void)read_checkpoint(path.string(), dir, {{"phi", &p}, {"phidot", &v}}, d);
    };
  };
  expect_refused(restart(dir / "checkpoint_999.h5", world), {"checkpoint_999.h5", "does not exist"});
  expect_refused(restart(truncated, world), {"truncated.h5", "not a readable HDF5 file", "truncated"});
  expect_refused(restart(text, world), {"notes.h5", "not a readable HDF5 file"});
  expect_refused(restart(snapshot, world), {"data_7.h5", "not an inflanet checkpoint"});
  expect_refused(restart(incomplete, world), {"incomplete.h5", "incomplete (complete = 0)"});
  Decomposition bigger(Box{16, 10.0});
  expect_refused(restart(good, bigger), {"checkpoint_3.h5", "N = 12, L = 10", "N = 16, L = 10"});
  Decomposition longer(Box{12, 20.0});
  expect_refused(restart(good, longer), {"checkpoint_3.h5", "N = 12, L = 10", "N = 12, L = 20"});
  expect_refused(
      [&] {
        Field p(world), v(world);
        (void)read_checkpoint("latest", shared_dir("empty"), {{"phi", &p}, {"phidot", &v}}, world);
      },
      {"latest", "no complete checkpoint"});
}

TEST(Checkpoint, LatestResolvesToTheNewestAndOnlyTwoAreKept) {
  const fs::path dir = shared_dir("checkpoint_rotation");
  Decomposition world(box12);
  Field phi(world), phidot(world);
  fill_sites(phi, phi_of);
  fill_sites(phidot, phidot_of);
  for (std::int64_t step : {10, 20, 30}) {
    write_checkpoint(dir, sample_state(step), {{"phi", &phi}, {"phidot", &phidot}}, world);
  }
  EXPECT_FALSE(fs::exists(dir / "checkpoint_10.h5"));
  EXPECT_TRUE(fs::exists(dir / "checkpoint_20.h5"));
  EXPECT_TRUE(fs::exists(dir / "checkpoint_30.h5"));
  EXPECT_EQ(read_text(dir / "checkpoint_latest"), "checkpoint_30.h5\n");
  EXPECT_EQ(resolve_checkpoint("latest", dir, world), dir / "checkpoint_30.h5");
  Field p(world), v(world);
  EXPECT_EQ(read_checkpoint("latest", dir, {{"phi", &p}, {"phidot", &v}}, world).step, 30);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    files += entry.path().filename().string().starts_with("checkpoint_") ? 1 : 0;
  }
  EXPECT_EQ(files, 3U) << "two checkpoints and the pointer";
}

TEST(Checkpoint, LeftoverTemporaryOfAnInterruptedWriteIsIgnored) {
  const fs::path dir = shared_dir("checkpoint_leftover");
  Decomposition world(box12);
  Field phi(world), phidot(world);
  fill_sites(phi, phi_of);
  fill_sites(phidot, phidot_of);
  write_checkpoint(dir, sample_state(10), {{"phi", &phi}, {"phidot", &phidot}}, world);
  const fs::path good20 =
      write_checkpoint(dir, sample_state(20), {{"phi", &phi}, {"phidot", &phidot}}, world);
  if (world_rank() == 0) {
    // A run killed while writing step 30: half a file under the temporary name.
    fs::copy_file(good20, dir / "checkpoint_30.h5.tmp");
    fs::resize_file(dir / "checkpoint_30.h5.tmp", fs::file_size(good20) / 3);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_EQ(resolve_checkpoint("latest", dir, world), dir / "checkpoint_20.h5");

  // Without the pointer, or with a pointer to a vanished file, the newest complete file still wins.
  if (world_rank() == 0) {
    fs::remove(dir / "checkpoint_latest");
  }
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_EQ(resolve_checkpoint("latest", dir, world), dir / "checkpoint_20.h5");
  if (world_rank() == 0) {
    std::ofstream(dir / "checkpoint_latest") << "checkpoint_30.h5\n";
  }
  MPI_Barrier(MPI_COMM_WORLD);
  Field p(world), v(world);
  EXPECT_EQ(read_checkpoint("latest", dir, {{"phi", &p}, {"phidot", &v}}, world).step, 20);
  expect_fields_exact(p, v);

  // The next successful write clears the leftover.
  write_checkpoint(dir, sample_state(30), {{"phi", &phi}, {"phidot", &phidot}}, world);
  EXPECT_FALSE(fs::exists(dir / "checkpoint_30.h5.tmp"));
  EXPECT_EQ(resolve_checkpoint("latest", dir, world), dir / "checkpoint_30.h5");
}

// --- sample for analysis/tests -------------------------------------------------------------------------

TEST(IndexCodedSnapshot, ReadsBackInGlobalIndexOrderAtEveryRankCount) {
  // The snapshot analysis/tests/test_snapshot.py reads: written at every rank count into a private
  // directory and read back on one rank, and io.snapshot_checkpoint_np2 (the one rank count CTest gives
  // INFLANET_TEST_DATA_DIR, so parallel runs never race on it) writes it there for the Python readers.
  const char* env = std::getenv("INFLANET_TEST_DATA_DIR");
  const fs::path dir = env != nullptr && *env != '\0' ? fs::path(env) : shared_dir("index_coded");
  if (world_rank() == 0) {
    fs::create_directories(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  // The sample run's lattice (tests/io/test_output_files.cpp): N = 16, L = 10, H = 1, dt = 0.05; step 8.
  Decomposition d(Box{16, 10.0});
  Field phi(d), phidot(d);
  // Index-coded values so the readers can check axis order: phi = x + y/100 + z/10^4, phidot = -(linear
  // index).
  const auto phi_code = [](auto x, auto y, auto z) { return x + y / 100.0 + z / 1e4; };
  const auto phidot_code = [](auto x, auto y, auto z) { return -static_cast<double>((x * 16 + y) * 16 + z); };
  fill_sites(phi, phi_code);
  fill_sites(phidot, phidot_code);
  const FileMetadata metadata{
      "[lattice]\nN = 16\nL = 10.0\n\n[background]\nkind = \"desitter\"\nH = 1.0\n", "0.1.0", "sample", {}};
  const auto paths = write_snapshot(
      dir, 8, 0.4, 0.05, std::exp(0.4), 1.0, {{"phi", phi}, {"phidot", phidot}},
      {{"phi", inflanet::quantity::field}, {"phidot", inflanet::quantity::field_rate}}, metadata, d.box());
  EXPECT_TRUE(fs::is_regular_file(paths.data));
  EXPECT_TRUE(fs::is_regular_file(paths.xdmf));

  Decomposition self(Box{16, 10.0}, MPI_COMM_SELF);
  Field back_phi(self), back_phidot(self);
  read_snapshot_field(paths.data, "phi", back_phi);
  read_snapshot_field(paths.data, "phidot", back_phidot);
  EXPECT_EQ(bit_differences(back_phi, phi_code), 0.0);
  EXPECT_EQ(bit_differences(back_phidot, phidot_code), 0.0);
  MPI_Barrier(MPI_COMM_WORLD);
}
