// The network's training data (the refusals of bad files are tested through the executable in
// tests/app/test_network_run.cpp; here, what is read and generated): the lattice data set's inputs are the
// periodic embedding of the sub-lattice sites in row-major order and its plane wave is cos(2 pi x_0 / L),
// both from the documented positions; the Gaussian random field has zero mean, unit variance, no power
// outside 0 < |n|_inf <= min(4, M/2) and a spectrum falling as k^-3 (a direct DFT, fitted over seeds); it is
// a pure function of its seed; CSV (header, comments, CR LF, spaces) and HDF5 (y[N] or y[N,1]) files read
// back value for value; synthetic inputs are standard normal and the targets are the teacher's outputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <tuple>
#include <vector>

#include "inflanet/base/error.hpp"
#include "inflanet/nn/dataset.hpp"

namespace fs = std::filesystem;
using namespace inflanet;
using ::testing::HasSubstr;

namespace {
constexpr double two_pi = 2.0 * std::numbers::pi;

/// y~_n = sum_sites y e^{-2 pi i n.s / M} for the integer vector n (components in (-M/2, M/2]), by brute
/// force.
std::complex<double> dft(const Dataset& data, std::int64_t m, int a, int b, int c) {
  std::complex<double> sum = 0.0;
  const auto ms = static_cast<std::size_t>(m);
  for (std::size_t i = 0; i < data.points; ++i) {
    const double s = a * static_cast<double>(i / (ms * ms)) + b * static_cast<double>((i / ms) % ms) +
                     c * static_cast<double>(i % ms);
    sum += data.y[i] * std::polar(1.0, -two_pi * s / static_cast<double>(m));
  }
  return sum;
}

/// The half space of integer vectors with 0 < |n|_inf <= kmax (first non-zero component positive).
template <class F>
void for_each_half_space_mode(int kmax, F&& f) {
  for (int a = -kmax; a <= kmax; ++a) {
    for (int b = -kmax; b <= kmax; ++b) {
      for (int c = -kmax; c <= kmax; ++c) {
        if (a > 0 || (a == 0 && (b > 0 || (b == 0 && c > 0)))) {
          f(a, b, c);
        }
      }
    }
  }
}

class TempDir : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("inflanet_dataset_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};
using FileDataset = TempDir;

} // namespace

TEST(LatticeDataset, InputsArePeriodicEmbeddingsOfTheSubLatticeSitesInRowMajorOrder) {
  const std::int64_t n = 32, m = 8;
  const double length = 10.0;
  const Dataset data = lattice_dataset(n, length, m, "plane_wave", 1);
  ASSERT_EQ(data.points, 512u);
  ASSERT_EQ(data.dim, 6);
  ASSERT_EQ(data.x.size(), 512u * 6);
  ASSERT_EQ(data.y.size(), 512u);
  double worst = 0.0;
  std::size_t i = 0;
  for (std::int64_t a = 0; a < m; ++a) {
    for (std::int64_t b = 0; b < m; ++b) {
      for (std::int64_t c = 0; c < m; ++c, ++i) {
        // The site's position, as documented: (a, b, c) (N/M) L/N.
        const double spacing = static_cast<double>(n / m) * length / static_cast<double>(n);
        const double position[3] = {a * spacing, b * spacing, c * spacing};
        for (int d = 0; d < 3; ++d) {
          worst = std::max(worst, std::abs(data.x[6 * i + 2 * d] - std::cos(two_pi * position[d] / length)));
          worst =
              std::max(worst, std::abs(data.x[6 * i + 2 * d + 1] - std::sin(two_pi * position[d] / length)));
        }
        worst = std::max(worst, std::abs(data.y[i] - std::cos(two_pi * position[0] / length)));
      }
    }
  }
  EXPECT_LT(worst, 1e-14);
}

TEST(LatticeDataset, GaussianRandomFieldHasUnitVarianceAndOnlyItsModes) {
  // M = 16: modes up to |n|_inf = 4 of the 8 available; M = 4: up to M/2 = 2, the Nyquist modes included.
  for (std::int64_t m : {16, 4}) {
    const Dataset data = lattice_dataset(32, 3.0, m, "gaussian_random_field", 9);
    double mean = 0.0, second = 0.0;
    for (double v : data.y) {
      mean += v;
      second += v * v;
    }
    mean /= static_cast<double>(data.points);
    second /= static_cast<double>(data.points);
    EXPECT_LT(std::abs(mean), 1e-13) << "no zero mode: the mean vanishes, M = " << m;
    EXPECT_NEAR(second - mean * mean, 1.0, 1e-12) << "M = " << m;
    const int kmax = static_cast<int>(std::min<std::int64_t>(4, m / 2));
    const int h = static_cast<int>(m / 2);
    double inside_min = INFINITY, outside_max = 0.0;
    for_each_half_space_mode(h, [&](int a, int b, int c) {
      const double power = std::norm(dft(data, m, a, b, c));
      if (std::max({std::abs(a), std::abs(b), std::abs(c)}) <= kmax) {
        inside_min = std::min(inside_min, power);
      } else {
        outside_max = std::max(outside_max, power);
      }
    });
    EXPECT_GT(inside_min, 0.0) << "every mode with |n|_inf <= " << kmax << " is drawn, M = " << m;
    EXPECT_LT(outside_max, 1e-20 * static_cast<double>(data.points * data.points)) << "M = " << m;
  }
}

TEST(LatticeDataset, GaussianRandomFieldSpectrumFallsAsKToTheMinusThree) {
  // |y~_n|^2 = C |z_n|^2 |n|^-3 with z_n complex Gaussian: log |y~_n|^2 = const - 3 log |n| + log of an
  // exponential variable (standard deviation pi / sqrt 6). A least-squares slope over 364 modes and 12 seeds
  // has a standard error of about 0.06; the test allows 0.3 (5 sigma), so k^-2 or k^-4 would fail.
  const std::int64_t m = 16;
  double sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, count = 0.0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const Dataset data = lattice_dataset(32, 5.0, m, "gaussian_random_field", seed);
    for_each_half_space_mode(4, [&](int a, int b, int c) {
      const double x = 0.5 * std::log(static_cast<double>(a * a + b * b + c * c));
      const double y = std::log(std::norm(dft(data, m, a, b, c)));
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      count += 1.0;
    });
  }
  const double slope = (count * sxy - sx * sy) / (count * sxx - sx * sx);
  std::printf("[measured] gaussian_random_field: fitted spectral slope %.3f over %.0f modes (expected -3)\n",
              slope, count);
  EXPECT_NEAR(slope, -3.0, 0.3);
}

TEST(LatticeDataset, IsAPureFunctionOfItsSeed) {
  const Dataset a = lattice_dataset(16, 2.0, 8, "gaussian_random_field", 5);
  const Dataset b = lattice_dataset(16, 2.0, 8, "gaussian_random_field", 5);
  const Dataset c = lattice_dataset(16, 2.0, 8, "gaussian_random_field", 6);
  EXPECT_EQ(a.y, b.y);
  EXPECT_EQ(a.x, c.x) << "the inputs are the sites, whatever the seed";
  EXPECT_NE(a.y, c.y);
}

TEST(LatticeDataset, ASubLatticeThatDoesNotDivideTheLatticeOrAnUnknownTargetIsRefused) {
  EXPECT_THAT([] { (void)lattice_dataset(32, 1.0, 3, "plane_wave", 1); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("M = 3 must divide the lattice side N = 32")));
  EXPECT_THROW((void)lattice_dataset(32, 1.0, 0, "plane_wave", 1), InputError);
  EXPECT_THAT([] { (void)lattice_dataset(32, 1.0, 8, "planewave", 1); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("\"plane_wave\" or \"gaussian_random_field\"")));
  EXPECT_EQ(lattice_target_names(), (std::vector<std::string>{"plane_wave", "gaussian_random_field"}));
}

TEST_F(FileDataset, CsvWithHeaderCommentsCrLfAndSpacesReadsBackInRowOrder) {
  const fs::path path = dir_ / "points.csv";
  std::ofstream(path, std::ios::binary) << "x0, x1 ,y\r\n# a comment\r\n\r\n 0.5,-1.25, 3\r\n1e-3,2,-0.5\r\n"
                                           "  7 ,8,9e2\n";
  const Dataset data = file_dataset(path);
  EXPECT_EQ(data.points, 3u);
  EXPECT_EQ(data.dim, 2);
  EXPECT_EQ(data.x, (std::vector<double>{0.5, -1.25, 1e-3, 2.0, 7.0, 8.0}));
  EXPECT_EQ(data.y, (std::vector<double>{3.0, -0.5, 900.0}));
  EXPECT_THAT(data.description, HasSubstr("3 points, d = 2"));
}

TEST_F(FileDataset, Hdf5WithAColumnOfTargetsReadsBack) {
  const fs::path path = dir_ / "points.h5";
  const std::vector<double> x = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, y = {1.0, -2.0, 3.5};
  {
    const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t xd[2] = {3, 2}, yd[2] = {3, 1};
    for (auto [name, dims, values] : {std::tuple{"x", xd, &x}, std::tuple{"y", yd, &y}}) {
      const hid_t s = H5Screate_simple(2, dims, nullptr);
      const hid_t d = H5Dcreate2(f, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values->data());
      H5Dclose(d);
      H5Sclose(s);
    }
    H5Fclose(f);
  }
  const Dataset data = file_dataset(path);
  EXPECT_EQ(data.points, 3u);
  EXPECT_EQ(data.dim, 2);
  EXPECT_EQ(data.x, x);
  EXPECT_EQ(data.y, y);
}

TEST_F(FileDataset, ABadFileIsADataFileErrorCarryingThePathAndTheProblemNotADeckKey) {
  const fs::path path = dir_ / "ragged.csv";
  std::ofstream(path) << "x0,x1,y\n1,2,3\n4,5\n";
  try {
    (void)file_dataset(path);
    FAIL() << "a ragged file was accepted";
  } catch (const DataFileError& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_EQ(e.problem(), "line 3: 2 columns, expected 3 like the first row");
    EXPECT_EQ(std::string(e.what()),
              "data file '" + path.string() + "': line 3: 2 columns, expected 3 like the first row");
    EXPECT_EQ(e.status(), ExitStatus::invalid_input);
  }
}

TEST(SyntheticDataset, InputsAreStandardNormalAndTargetsAreTheTeachersOutputs) {
  MlpParams teacher;
  teacher.depth = 2;
  teacher.width = 8;
  teacher.seed = 17;
  const std::size_t points = 4000;
  const int dim = 3;
  const Dataset data = synthetic_dataset(points, dim, teacher, 4);
  ASSERT_EQ(data.x.size(), points * dim);
  double mean = 0.0, second = 0.0;
  for (double v : data.x) {
    mean += v;
    second += v * v;
  }
  const auto count = static_cast<double>(data.x.size());
  mean /= count;
  second /= count;
  // 12000 values: standard errors 1 / sqrt(12000) on the mean and sqrt(2 / 12000) on the variance.
  EXPECT_NEAR(mean, 0.0, 5.0 / std::sqrt(count));
  EXPECT_NEAR(second - mean * mean, 1.0, 5.0 * std::sqrt(2.0 / count));
  // The targets are the teacher (input dimension set to d) on these inputs.
  MlpParams with_dim = teacher;
  with_dim.input_dim = dim;
  Mlp net(with_dim);
  net.forward(data.x, points);
  const auto f = net.outputs();
  EXPECT_EQ(data.y, std::vector<double>(f.begin(), f.end()));
  // The data seed draws the inputs, the teacher's seed the network.
  MlpParams other = teacher;
  other.seed = 18;
  const Dataset b = synthetic_dataset(points, dim, other, 4);
  EXPECT_EQ(b.x, data.x);
  EXPECT_NE(b.y, data.y);
  EXPECT_NE(synthetic_dataset(points, dim, teacher, 5).x, data.x);
  EXPECT_THROW((void)synthetic_dataset(0, dim, teacher, 4), InputError);
  EXPECT_THROW((void)synthetic_dataset(points, 0, teacher, 4), InputError);
}
