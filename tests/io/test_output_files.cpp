// Output files (timeseries.h5, spectra.h5) read back with the plain HDF5 C API: shapes, values, attribute
// types (fixed-length strings for yt), growth over appends, survival without close. The last test writes
// the sample run directory that analysis/tests reads (INFLANET_TEST_DATA_DIR, default under the build tree).
#include <gtest/gtest.h>

#include <hdf5.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <numbers>
#include <string>
#include <vector>

#include "inflanet/base/error.hpp"
#include "inflanet/io/file_metadata.hpp"
#include "inflanet/io/hdf5_handle.hpp"
#include "inflanet/io/network_file.hpp"
#include "inflanet/io/spectra_file.hpp"
#include "inflanet/io/timeseries_file.hpp"

#ifndef INFLANET_TEST_DATA_DEFAULT_DIR
#define INFLANET_TEST_DATA_DEFAULT_DIR "test-data"
#endif

namespace fs = std::filesystem;
using inflanet::RuntimeError;
using namespace inflanet::io;

namespace {

// A fresh directory per test process so parallel ctest runs never share files.
fs::path scratch_dir() {
  static const fs::path dir = [] {
    auto d = fs::temp_directory_path() / ("inflanet-io-test-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

FileMetadata sample_metadata() {
  return FileMetadata{"[lattice]\nN = 16\n", "0.1.0", "abc123def456", {}};
}

Hdf5Handle open_read_only(const fs::path& path) {
  return Hdf5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), HandleKind::file, "H5Fopen", path);
}

std::vector<hsize_t> dims_of(hid_t file, const std::string& name) {
  const Hdf5Handle dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), HandleKind::dataset, "H5Dopen2");
  const Hdf5Handle space(H5Dget_space(dataset.get()), HandleKind::dataspace, "H5Dget_space");
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

template <class T>
std::vector<T> read_all(hid_t file, const std::string& name, hid_t memory_type) {
  std::size_t size = 1;
  for (auto d : dims_of(file, name)) {
    size *= d;
  }
  std::vector<T> values(size);
  const Hdf5Handle dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), HandleKind::dataset, "H5Dopen2");
  if (size > 0) {
    check_h5(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "H5Dread");
  }
  return values;
}

std::vector<double> read_doubles(hid_t file, const std::string& name) {
  return read_all<double>(file, name, H5T_NATIVE_DOUBLE);
}
std::vector<std::int64_t> read_int64s(hid_t file, const std::string& name) {
  return read_all<std::int64_t>(file, name, H5T_NATIVE_INT64);
}

H5T_class_t dataset_class(hid_t file, const std::string& name, std::size_t* size) {
  const Hdf5Handle dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), HandleKind::dataset, "H5Dopen2");
  const Hdf5Handle type(H5Dget_type(dataset.get()), HandleKind::datatype, "H5Dget_type");
  *size = H5Tget_size(type.get());
  return H5Tget_class(type.get());
}

// Reads a string attribute and asserts it is the fixed-length ASCII kind yt can decode.
std::string read_fixed_string_attribute(hid_t object, const std::string& name) {
  const Hdf5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), HandleKind::attribute, "H5Aopen");
  const Hdf5Handle type(H5Aget_type(attribute.get()), HandleKind::datatype, "H5Aget_type");
  EXPECT_EQ(H5Tget_class(type.get()), H5T_STRING) << name;
  EXPECT_EQ(H5Tis_variable_str(type.get()), 0) << name << " must be a fixed-length string";
  EXPECT_EQ(H5Tget_cset(type.get()), H5T_CSET_ASCII) << name;
  const std::size_t size = H5Tget_size(type.get());
  std::string value(size, '\0');
  check_h5(H5Aread(attribute.get(), type.get(), value.data()), "H5Aread");
  value.resize(value.find('\0') == std::string::npos ? size : value.find('\0'));
  return value;
}

double read_double_attribute(hid_t object, const std::string& name) {
  const Hdf5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), HandleKind::attribute, "H5Aopen");
  const Hdf5Handle type(H5Aget_type(attribute.get()), HandleKind::datatype, "H5Aget_type");
  EXPECT_EQ(H5Tget_class(type.get()), H5T_FLOAT);
  EXPECT_EQ(H5Tget_size(type.get()), 8U);
  double value = 0;
  check_h5(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), "H5Aread");
  return value;
}

std::int64_t read_int64_attribute(hid_t object, const std::string& name) {
  const Hdf5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), HandleKind::attribute, "H5Aopen");
  const Hdf5Handle type(H5Aget_type(attribute.get()), HandleKind::datatype, "H5Aget_type");
  EXPECT_EQ(H5Tget_class(type.get()), H5T_INTEGER);
  EXPECT_EQ(H5Tget_size(type.get()), 8U);
  std::int64_t value = 0;
  check_h5(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), "H5Aread");
  return value;
}

// What a killed run leaves on disk: the bytes as they are while the writer still holds the file.
fs::path snapshot_of(const fs::path& path) {
  auto copy = path;
  copy += ".snapshot";
  fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
  return copy;
}

} // namespace

TEST(Hdf5Handle, NegativeIdThrowsNamingOperationAndFile) {
  H5E_BEGIN_TRY {
    try {
      Hdf5Handle bad(H5Fopen("/nonexistent/x.h5", H5F_ACC_RDONLY, H5P_DEFAULT), HandleKind::file, "H5Fopen",
                     "/nonexistent/x.h5");
      FAIL() << "expected RuntimeError";
    } catch (const RuntimeError& e) {
      EXPECT_NE(std::string(e.what()).find("H5Fopen"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("/nonexistent/x.h5"), std::string::npos) << e.what();
    }
  }
  H5E_END_TRY;
}

TEST(Hdf5Handle, MoveTransfersOwnershipAndClosesOnce) {
  Hdf5Handle space(H5Screate(H5S_SCALAR), HandleKind::dataspace, "H5Screate");
  const hid_t id = space.get();
  Hdf5Handle moved(std::move(space));
  EXPECT_FALSE(space.valid()); // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  EXPECT_EQ(moved.get(), id);
  EXPECT_GT(H5Iis_valid(id), 0);
  moved.close();
  EXPECT_FALSE(moved.valid());
  H5E_BEGIN_TRY {
    EXPECT_LE(H5Iis_valid(id), 0);
  }
  H5E_END_TRY;
}

TEST(Hdf5Attributes, TypesAreFixedStringDoubleInt64AndArray) {
  const auto path = scratch_dir() / "attributes.h5";
  {
    const Hdf5Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), HandleKind::file,
                          "H5Fcreate", path);
    write_string_attribute(file.get(), "name", "hello", path);
    write_string_attribute(file.get(), "empty", "", path);
    write_string_attribute(file.get(), "name", "replaced", path); // replacing is allowed
    write_double_attribute(file.get(), "x", 2.5, path);
    write_int64_attribute(file.get(), "n", -(std::int64_t{1} << 40), path);
    const std::array<double, 3> spacing{0.5, 0.25, 0.125};
    write_double_array_attribute(file.get(), "spacing", spacing, path);
  }
  const auto file = open_read_only(path);
  EXPECT_EQ(read_fixed_string_attribute(file.get(), "name"), "replaced");
  EXPECT_EQ(read_fixed_string_attribute(file.get(), "empty"), "");
  EXPECT_EQ(read_double_attribute(file.get(), "x"), 2.5);
  EXPECT_EQ(read_int64_attribute(file.get(), "n"), -(std::int64_t{1} << 40));
  const Hdf5Handle attribute(H5Aopen(file.get(), "spacing", H5P_DEFAULT), HandleKind::attribute, "H5Aopen");
  const Hdf5Handle space(H5Aget_space(attribute.get()), HandleKind::dataspace, "H5Aget_space");
  ASSERT_EQ(H5Sget_simple_extent_npoints(space.get()), 3);
  std::array<double, 3> spacing{};
  check_h5(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, spacing.data()), "H5Aread");
  EXPECT_EQ(spacing[2], 0.125);
}

TEST(TimeseriesFile, ColumnsGrowWithAppendsAndCarryMetadata) {
  const auto path = scratch_dir() / "timeseries.h5";
  const std::vector<std::string> columns{"step", "time", "a", "rho"};
  {
    TimeseriesFile series(path, columns, sample_metadata());
    EXPECT_EQ(series.rows(), 0U);
    for (int s = 0; s < 700; ++s) { // more than one 512-row chunk
      const std::array<double, 4> row{double(s), 0.1 * s, std::exp(0.1 * s), 1.0 / (1 + s)};
      series.append(row);
    }
    EXPECT_EQ(series.rows(), 700U);
  }
  const auto file = open_read_only(path);
  for (const auto& name : columns) {
    EXPECT_EQ(dims_of(file.get(), name), std::vector<hsize_t>{700}) << name;
  }
  std::size_t size = 0;
  EXPECT_EQ(dataset_class(file.get(), "step", &size), H5T_INTEGER);
  EXPECT_EQ(size, 8U);
  EXPECT_EQ(dataset_class(file.get(), "rho", &size), H5T_FLOAT);
  EXPECT_EQ(size, 8U);
  const auto steps = read_int64s(file.get(), "step");
  const auto time = read_doubles(file.get(), "time");
  const auto rho = read_doubles(file.get(), "rho");
  EXPECT_EQ(steps[699], 699);
  EXPECT_EQ(time[10], 0.1 * 10);
  EXPECT_EQ(rho[3], 1.0 / 4);
  EXPECT_EQ(read_fixed_string_attribute(file.get(), "deck"), "[lattice]\nN = 16\n");
  EXPECT_EQ(read_fixed_string_attribute(file.get(), "code_version"), "0.1.0");
  EXPECT_EQ(read_fixed_string_attribute(file.get(), "git_commit"), "abc123def456");
  EXPECT_EQ(read_fixed_string_attribute(file.get(), "columns"), "step,time,a,rho");
  const auto created = read_fixed_string_attribute(file.get(), "created");
  ASSERT_EQ(created.size(), 20U) << created; // YYYY-MM-DDThh:mm:ssZ
  EXPECT_EQ(created[10], 'T');
  EXPECT_EQ(created.back(), 'Z');
}

TEST(TimeseriesFile, RowsSurviveWithoutClose) {
  const auto path = scratch_dir() / "unclosed_timeseries.h5";
  TimeseriesFile series(path, {"step", "phi_var"}, sample_metadata());
  for (int s = 0; s < 5; ++s) {
    const std::array<double, 2> row{double(s), 0.5 * s};
    series.append(row);
  }
  const auto copy = snapshot_of(path); // the writer is still open
  const auto file = open_read_only(copy);
  EXPECT_EQ(read_int64s(file.get(), "step"), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(read_doubles(file.get(), "phi_var").back(), 2.0);
}

TEST(TimeseriesFile, RejectsBadColumnsAndRows) {
  const auto path = scratch_dir() / "bad_timeseries.h5";
  EXPECT_THROW(TimeseriesFile(path, {}, sample_metadata()), RuntimeError);
  EXPECT_THROW(TimeseriesFile(path, {"a", "a"}, sample_metadata()), RuntimeError);
  EXPECT_THROW(TimeseriesFile(path, {"a/b"}, sample_metadata()), RuntimeError);
  TimeseriesFile series(path, {"step", "x"}, sample_metadata());
  const std::array<double, 3> too_long{1, 2, 3};
  EXPECT_THROW(series.append(too_long), RuntimeError);
  EXPECT_EQ(series.rows(), 0U);
}

TEST(TimeseriesFile, OpenExistingDropsRowsAfterRestartStep) {
  const auto path = scratch_dir() / "restart_timeseries.h5";
  const std::vector<std::string> columns{"step", "time"};
  {
    TimeseriesFile series(path, columns, sample_metadata());
    for (int s = 0; s <= 30; s += 10) {
      const std::array<double, 2> row{double(s), 0.01 * s};
      series.append(row);
    }
  }
  {
    auto series = TimeseriesFile::open_existing(path, columns, 15);
    EXPECT_EQ(series.rows(), 2U); // steps 0 and 10 kept, 20 and 30 dropped
    const std::array<double, 2> row{20, 0.2};
    series.append(row);
  }
  const auto file = open_read_only(path);
  EXPECT_EQ(read_int64s(file.get(), "step"), (std::vector<std::int64_t>{0, 10, 20}));
  EXPECT_EQ(read_int64_attribute(file.get(), "restarted_from_step"), 15);
  H5E_BEGIN_TRY {
    EXPECT_THROW((void)TimeseriesFile::open_existing(path, {"step"}, 15), RuntimeError);
    EXPECT_THROW((void)TimeseriesFile::open_existing(path, {"step", "missing"}, 15), RuntimeError);
  }
  H5E_END_TRY;
}

TEST(SpectraFile, ShapesValuesAttributesAndGrowth) {
  const auto path = scratch_dir() / "spectra.h5";
  const std::vector<double> k{0.5, 1.0, 1.5};
  const std::vector<double> counts{6, 12, 8};
  {
    SpectraFile spectra(path, k, counts, {"P_phi", "P_phidot"}, 10.0, 16, sample_metadata());
    for (int t = 0; t < 20; ++t) { // more than one 16-row chunk
      const std::vector<double> p_phi{1.0 * t, 2.0 * t, 3.0 * t};
      const std::vector<double> p_phidot{-1.0 * t, -2.0 * t, -3.0 * t};
      spectra.append(10 * t, 0.5 * t, std::exp(0.5 * t), {p_phi, p_phidot});
    }
    EXPECT_EQ(spectra.times(), 20U);
    EXPECT_EQ(spectra.shells(), 3U);
  }
  const auto file = open_read_only(path);
  EXPECT_EQ(dims_of(file.get(), "k"), std::vector<hsize_t>{3});
  EXPECT_EQ(dims_of(file.get(), "counts"), std::vector<hsize_t>{3});
  EXPECT_EQ(dims_of(file.get(), "step"), std::vector<hsize_t>{20});
  EXPECT_EQ(dims_of(file.get(), "a"), std::vector<hsize_t>{20});
  EXPECT_EQ(dims_of(file.get(), "P_phi"), (std::vector<hsize_t>{20, 3}));
  EXPECT_EQ(dims_of(file.get(), "P_phidot"), (std::vector<hsize_t>{20, 3}));
  EXPECT_EQ(read_doubles(file.get(), "k"), k);
  EXPECT_EQ(read_doubles(file.get(), "counts"), counts);
  EXPECT_EQ(read_int64s(file.get(), "step")[19], 190);
  EXPECT_EQ(read_doubles(file.get(), "time")[4], 2.0);
  const auto p_phi = read_doubles(file.get(), "P_phi");
  EXPECT_EQ(p_phi[7 * 3 + 2], 21.0); // row-major [time, shell]
  EXPECT_EQ(read_doubles(file.get(), "P_phidot")[19 * 3 + 1], -38.0);
  EXPECT_EQ(read_fixed_string_attribute(file.get(), "normalisation"), std::string(spectrum_normalisation));
  EXPECT_EQ(read_fixed_string_attribute(file.get(), "spectra"), "P_phi,P_phidot");
  EXPECT_EQ(read_fixed_string_attribute(file.get(), "git_commit"), "abc123def456");
  EXPECT_EQ(read_double_attribute(file.get(), "L"), 10.0);
  EXPECT_EQ(read_int64_attribute(file.get(), "N"), 16);
}

TEST(SpectraFile, TimesSurviveWithoutClose) {
  const auto path = scratch_dir() / "unclosed_spectra.h5";
  const std::vector<double> k{1.0, 2.0};
  SpectraFile spectra(path, k, k, {"P_phi"}, 1.0, 4, sample_metadata());
  const std::vector<double> p{3.0, 4.0};
  spectra.append(0, 0.0, 1.0, {p});
  spectra.append(7, 0.7, 2.0, {p});
  const auto file = open_read_only(snapshot_of(path));
  EXPECT_EQ(dims_of(file.get(), "P_phi"), (std::vector<hsize_t>{2, 2}));
  EXPECT_EQ(read_int64s(file.get(), "step"), (std::vector<std::int64_t>{0, 7}));
}

TEST(SpectraFile, RejectsMismatchedSizes) {
  const auto path = scratch_dir() / "bad_spectra.h5";
  const std::vector<double> k{1.0, 2.0};
  const std::vector<double> one{1.0};
  EXPECT_THROW(SpectraFile(path, k, one, {"P_phi"}, 1.0, 4, sample_metadata()), RuntimeError);
  EXPECT_THROW(SpectraFile(path, k, k, {"time"}, 1.0, 4, sample_metadata()), RuntimeError);
  SpectraFile spectra(path, k, k, {"P_phi", "P_phidot"}, 1.0, 4, sample_metadata());
  EXPECT_THROW(spectra.append(0, 0.0, 1.0, {k}), RuntimeError);
  EXPECT_THROW(spectra.append(0, 0.0, 1.0, {k, one}), RuntimeError);
  EXPECT_EQ(spectra.times(), 0U);
}

namespace {

// A massless test field in exact de Sitter (H = 1, a0 = 1) on N = 16, L = 10, in the shape a real run
// writes. The spectra are the Bunch-Davies ones (physics.md §2) averaged over the lattice modes of each
// shell, times a fixed "realisation" scatter; the timeseries moments are the box sums of those same
// spectra, so the analysis tests can check <dphi^2>_box = (1/L^3) sum counts P exactly.
constexpr int sample_n = 16;
constexpr double sample_l = 10.0;
constexpr double sample_h = 1.0;
constexpr double sample_dt = 0.05;
constexpr int sample_steps = 80;
constexpr int sample_spectra_every = 10;

const char* const sample_deck =
    R"(# Sample deck written by tests/io/test_output_files.cpp: a massless test field in exact de Sitter.
[lattice]
N = 16
L = 10.0

[background]
kind = "desitter"
H = 1.0
a0 = 1.0

[inflaton]
potential = "quadratic"
m = 0.0

[time]
dt = 0.05
t_end = 4.0

[output]
timeseries_every = 1
spectra_every = 10
)";

struct Shells {
  std::vector<double> k, counts;
  std::vector<int> shell_of_mode; // -1 for the zero mode
  std::vector<double> k_of_mode;
};

Shells sample_shells() {
  Shells s;
  const int half = sample_n / 2;
  const double dk = 2 * std::numbers::pi / sample_l;
  std::map<int, std::pair<double, double>> sums; // shell -> (sum |k|, count)
  for (int i = -half; i < half; ++i) {
    for (int j = -half; j < half; ++j) {
      for (int l = -half; l < half; ++l) {
        const double n = std::sqrt(double(i * i + j * j + l * l));
        const int shell = n == 0 ? -1 : static_cast<int>(std::lround(n)) - 1;
        s.shell_of_mode.push_back(shell);
        s.k_of_mode.push_back(dk * n);
        if (shell >= 0) {
          sums[shell].first += dk * n;
          sums[shell].second += 1;
        }
      }
    }
  }
  for (const auto& [shell, sum] : sums) {
    s.k.push_back(sum.first / sum.second);
    s.counts.push_back(sum.second);
  }
  return s;
}

} // namespace

TEST(SampleRun, WritesMasslessDeSitterFilesForAnalysis) {
  const char* env = std::getenv("INFLANET_TEST_DATA_DIR");
  const fs::path dir =
      env != nullptr && *env != '\0' ? fs::path(env) : fs::path(INFLANET_TEST_DATA_DEFAULT_DIR);
  fs::create_directories(dir);
  std::ofstream(dir / "resolved.toml") << sample_deck;

  const auto shells = sample_shells();
  const std::size_t nk = shells.k.size();
  ASSERT_EQ(nk, 14U); // |n| up to sqrt(3) * 8 ~ 13.9
  const auto metadata = FileMetadata::for_this_build(sample_deck);
  const std::vector<std::string> columns{
      "step",    "time",     "a",       "phi_mean", "phi_var", "phidot_mean",        "phidot_var",
      "rho_kin", "rho_grad", "rho_pot", "rho",      "p",       "continuity_residual"};
  TimeseriesFile series(dir / "timeseries.h5", columns, metadata);
  SpectraFile spectra(dir / "spectra.h5", shells.k, shells.counts, {"P_phi", "P_phidot"}, sample_l, sample_n,
                      metadata);
  const double volume = sample_l * sample_l * sample_l;
  for (int step = 0; step <= sample_steps; ++step) {
    const double t = step * sample_dt;
    const double a = std::exp(sample_h * t);
    const double tau = -1 / (a * sample_h);
    std::vector<double> p_phi(nk, 0.0), p_phidot(nk, 0.0);
    for (std::size_t m = 0; m < shells.k_of_mode.size(); ++m) {
      const int s = shells.shell_of_mode[m];
      if (s < 0) {
        continue;
      }
      const double k = shells.k_of_mode[m];
      p_phi[s] += sample_h * sample_h * (1 + k * k * tau * tau) / (2 * k * k * k) / shells.counts[s];
      p_phidot[s] += sample_h * sample_h * k * tau * tau / (2 * a * a) / shells.counts[s];
    }
    double phi_var = 0, phidot_var = 0, grad2 = 0;
    for (std::size_t s = 0; s < nk; ++s) {
      const double scatter = 1 + 0.05 * std::sin(3.0 * double(s) + 0.1 * step);
      p_phi[s] *= scatter;
      p_phidot[s] *= scatter;
      phi_var += shells.counts[s] * p_phi[s] / volume;
      phidot_var += shells.counts[s] * p_phidot[s] / volume;
      grad2 += shells.counts[s] * shells.k[s] * shells.k[s] * p_phi[s] / volume;
    }
    const double phi_mean = 1e-3 * std::sin(t),
                 phidot_mean = 1e-3 * std::cos(t) * std::exp(-3 * sample_h * t);
    const double rho_kin = 0.5 * (phidot_var + phidot_mean * phidot_mean);
    const double rho_grad = grad2 / (2 * a * a);
    const double rho_pot = 0.0;
    const double rho = rho_kin + rho_grad + rho_pot;
    const double p = rho_kin - rho_grad / 3 - rho_pot;
    const double residual = 1e-10 * (1 + step) * (1 + step);
    const std::vector<double> row{double(step), t,        a,       phi_mean, phi_var, phidot_mean, phidot_var,
                                  rho_kin,      rho_grad, rho_pot, rho,      p,       residual};
    series.append(row);
    if (step % sample_spectra_every == 0) {
      spectra.append(step, t, a, {p_phi, p_phidot});
    }
  }
  EXPECT_EQ(series.rows(), std::size_t(sample_steps + 1));
  EXPECT_EQ(spectra.times(), std::size_t(sample_steps / sample_spectra_every + 1));
  std::cout << "sample run directory: " << dir << "\n";
}

// ------------------------------------------------------------------------------------------------- units

namespace {

bool has_attribute(hid_t object, const std::string& name) {
  return H5Aexists(object, name.c_str()) > 0;
}

std::vector<double> read_double_array_attribute(hid_t object, const std::string& name) {
  const Hdf5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), HandleKind::attribute, "H5Aopen");
  const Hdf5Handle space(H5Aget_space(attribute.get()), HandleKind::dataspace, "H5Aget_space");
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  check_h5(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, values.data()), "H5Aread");
  return values;
}

Hdf5Handle open_dataset(hid_t file, const std::string& name) {
  return Hdf5Handle(H5Dopen2(file, name.c_str(), H5P_DEFAULT), HandleKind::dataset, "H5Dopen2");
}

} // namespace

TEST(UnitAttributes, EveryColumnAndSpectrumNamesItsProgramUnitAndAScaleAddsOpenPmdFactors) {
  namespace q = inflanet::quantity;
  // Without a scale: the names only (de Sitter convention), no unitSI.
  {
    const auto path = scratch_dir() / "units_plain.h5";
    {
      TimeseriesFile series(path, {"step", "time", "rho"}, sample_metadata(),
                            {q::dimensionless, q::time, q::energy_density});
    }
    const auto file = open_read_only(path);
    EXPECT_EQ(read_fixed_string_attribute(file.get(), "units"), "1,1/H,H^2 M_p^2");
    EXPECT_EQ(read_fixed_string_attribute(file.get(), "unitEnergy"), "H");
    EXPECT_EQ(read_fixed_string_attribute(file.get(), "unitField"), "M_p");
    EXPECT_FALSE(has_attribute(file.get(), "unitEnergy_GeV"));
    const auto rho = open_dataset(file.get(), "rho");
    EXPECT_EQ(read_fixed_string_attribute(rho.get(), "units"), "H^2 M_p^2");
    EXPECT_FALSE(has_attribute(rho.get(), "unitSI"));
    EXPECT_FALSE(has_attribute(rho.get(), "unitDimension"));
  }
  // A Friedmann run's units: M_p names, SI factors from 2.435e18 GeV.
  FileMetadata planck = sample_metadata();
  planck.units = inflanet::ProgramUnits::planck();
  const auto& scale = planck.units.scale.value();
  {
    const auto path = scratch_dir() / "units_planck.h5";
    {
      TimeseriesFile series(path, {"step", "time", "rho"}, planck,
                            {q::dimensionless, q::time, q::energy_density});
    }
    const auto file = open_read_only(path);
    EXPECT_EQ(read_fixed_string_attribute(file.get(), "units"), "1,1/M_p,M_p^4");
    EXPECT_EQ(read_double_attribute(file.get(), "unitEnergy_GeV"), 2.435e18);
    EXPECT_EQ(read_double_attribute(file.get(), "unitField_GeV"), 2.435e18);
    const auto time = open_dataset(file.get(), "time");
    EXPECT_EQ(read_fixed_string_attribute(time.get(), "units"), "1/M_p");
    EXPECT_EQ(read_double_attribute(time.get(), "unitSI"), scale.seconds());
    EXPECT_EQ(read_double_array_attribute(time.get(), "unitDimension"),
              (std::vector<double>{0, 0, 1, 0, 0, 0, 0}));
    const auto rho = open_dataset(file.get(), "rho");
    EXPECT_EQ(read_double_attribute(rho.get(), "unitSI"), scale.si_factor(q::energy_density));
    EXPECT_EQ(read_double_array_attribute(rho.get(), "unitDimension"),
              (std::vector<double>{-1, 1, -2, 0, 0, 0, 0}));
  }
  {
    const auto path = scratch_dir() / "units_spectra.h5";
    const std::vector<double> k{1.0, 2.0};
    {
      SpectraFileExtras extras;
      extras.spectrum_units = {q::field_spectrum, q::field_rate_spectrum};
      SpectraFile spectra(path, k, k, {"P_phi", "P_phidot"}, 3.0, 4, planck, extras);
    }
    const auto file = open_read_only(path);
    EXPECT_EQ(read_fixed_string_attribute(file.get(), "attributeUnits"), "L=1/M_p;N=1");
    const auto kset = open_dataset(file.get(), "k");
    EXPECT_EQ(read_fixed_string_attribute(kset.get(), "units"), "M_p");
    EXPECT_DOUBLE_EQ(read_double_attribute(kset.get(), "unitSI"), 1.0 / scale.metres());
    const auto p = open_dataset(file.get(), "P_phi");
    EXPECT_EQ(read_fixed_string_attribute(p.get(), "units"), "1/M_p");
    EXPECT_EQ(read_double_attribute(p.get(), "unitSI"), scale.si_factor(q::field_spectrum));
    const auto pdot = open_dataset(file.get(), "P_phidot");
    EXPECT_EQ(read_fixed_string_attribute(pdot.get(), "units"), "M_p");
    SpectraFileExtras two_units;
    two_units.spectrum_units = {q::field_spectrum, q::field_spectrum};
    EXPECT_THROW(SpectraFile(path, k, k, {"P_phi"}, 1.0, 4, planck, two_units), RuntimeError);
  }
}

TEST(UnitAttributes, NetworkFileLabelsTheLossAsInverseTimeSquaredAndTheKernelAsTheTargetsSquared) {
  namespace q = inflanet::quantity;
  const auto path = scratch_dir() / "units_nn.h5";
  const std::vector<double> x{0.0, 1.0}, y{0.5, -0.5}, theta{2.0, 1.0, 1.0, 2.0}, eigenvalues{1.0, 3.0};
  {
    NetworkRunAttributes attributes;
    attributes.mode_amplitudes = false;
    attributes.time_unit = q::time;
    attributes.target_unit = q::field;
    NetworkFile nn(path, x, y, 2, 1, attributes, sample_metadata());
    nn.write_ntk(theta, eigenvalues);
  }
  const auto file = open_read_only(path);
  const std::map<std::string, std::string> expected{{"time", "1/H"},  {"y", "M_p"},
                                                    {"f", "M_p"},     {"loss", "H^2"},
                                                    {"ntk", "M_p^2"}, {"ntk_eigenvalues", "M_p^2"},
                                                    {"x", "1"}};
  for (const auto& [name, unit] : expected) {
    const Hdf5Handle set(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), HandleKind::dataset, "H5Dopen2");
    EXPECT_EQ(read_fixed_string_attribute(set.get(), "units"), unit) << name;
  }
}
