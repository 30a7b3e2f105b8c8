#include "inflanet/nn/dataset.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>

#include <fmt/format.h>

#include "inflanet/base/counter_rng.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/site_order.hpp"

namespace inflanet {

DataFileError::DataFileError(const std::filesystem::path& path, const std::string& problem)
    : InputError(fmt::format("data file '{}': {}", path.string(), problem)), path_(path), problem_(problem) {}

namespace {

constexpr std::uint32_t grf_stream = 0x47524600u;       // "GRF"
constexpr std::uint32_t synthetic_stream = 0x53594E00u; // "SYN"

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& problem) {
  throw DataFileError(path, problem);
}

void check_finite(const Dataset& data, const std::filesystem::path& path) {
  for (std::size_t i = 0; i < data.x.size(); ++i) {
    if (!std::isfinite(data.x[i])) {
      refuse(path, fmt::format("non-finite input x[{}, {}] = {}", i / static_cast<std::size_t>(data.dim),
                               i % static_cast<std::size_t>(data.dim), data.x[i]));
    }
  }
  for (std::size_t i = 0; i < data.y.size(); ++i) {
    if (!std::isfinite(data.y[i])) {
      refuse(path, fmt::format("non-finite target y[{}] = {}", i, data.y[i]));
    }
  }
  if (data.points == 0) {
    refuse(path, "no data points");
  }
}

/// Suppresses HDF5's automatic error-stack printing while alive: a bad file is reported by us, once.
struct QuietHdf5 {
  H5E_auto2_t func = nullptr;
  void* data = nullptr;
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, func, data); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;
};

/// Reads a whole double dataset and its shape; refuses a missing dataset or one of rank > 2.
std::vector<double> read_h5(hid_t file, const char* name, std::vector<hsize_t>& dims,
                            const std::filesystem::path& path) {
  if (H5Lexists(file, name, H5P_DEFAULT) <= 0) {
    refuse(path, fmt::format("no dataset '{}' (expected x[N,d] and y[N])", name));
  }
  const hid_t set = H5Dopen2(file, name, H5P_DEFAULT);
  if (set < 0) {
    refuse(path, fmt::format("cannot open dataset '{}'", name));
  }
  const hid_t space = H5Dget_space(set);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 1 || rank > 2) {
    H5Sclose(space);
    H5Dclose(set);
    refuse(path, fmt::format("dataset '{}' has {} dimensions, expected {}", name, rank,
                             std::string(name) == "x" ? "2 (x[N,d])" : "1 or 2 (y[N] or y[N,1])"));
  }
  dims.assign(static_cast<std::size_t>(rank), 0);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::size_t count = 1;
  for (const hsize_t d : dims) {
    count *= d;
  }
  std::vector<double> values(count);
  const herr_t status =
      count == 0 ? 0 : H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Sclose(space);
  H5Dclose(set);
  if (status < 0) {
    refuse(path, fmt::format("cannot read dataset '{}' as floating-point numbers", name));
  }
  return values;
}

Dataset read_hdf5(const std::filesystem::path& path) {
  const QuietHdf5 quiet;
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    refuse(path, "not an HDF5 file");
  }
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    refuse(path, "cannot open as HDF5");
  }
  struct Closer {
    hid_t id;
    ~Closer() { H5Fclose(id); }
  } closer{file};
  std::vector<hsize_t> xd, yd;
  Dataset data;
  data.x = read_h5(file, "x", xd, path);
  data.y = read_h5(file, "y", yd, path);
  if (xd.size() != 2) {
    refuse(path, fmt::format("dataset 'x' has shape [{}], expected x[N,d]", xd[0]));
  }
  if (yd.size() == 2 && yd[1] != 1) {
    refuse(path, fmt::format("dataset 'y' has shape [{}, {}]: only scalar targets y[N] or y[N,1] are "
                             "supported so far",
                             yd[0], yd[1]));
  }
  if (yd[0] != xd[0]) {
    refuse(path, fmt::format("x has {} points but y has {}", xd[0], yd[0]));
  }
  if (xd[1] == 0) {
    refuse(path, "x has d = 0 input dimensions");
  }
  data.points = xd[0];
  data.dim = static_cast<int>(xd[1]);
  check_finite(data, path);
  data.description = fmt::format("file {} ({} points, d = {})", path.string(), data.points, data.dim);
  return data;
}

Dataset read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    refuse(path, "cannot open for reading");
  }
  Dataset data;
  std::string line;
  std::size_t line_number = 0, columns = 0;
  bool first_row = true;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.find_first_not_of(" \t") == std::string::npos || line.front() == '#') {
      continue;
    }
    std::vector<double> row;
    std::stringstream fields(line);
    std::string field;
    bool numeric = true;
    std::string bad;
    while (std::getline(fields, field, ',')) {
      const auto b = field.find_first_not_of(" \t"), e = field.find_last_not_of(" \t");
      const std::string token = b == std::string::npos ? "" : field.substr(b, e - b + 1);
      char* end = nullptr;
      const double v = std::strtod(token.c_str(), &end);
      if (token.empty() || end != token.c_str() + token.size()) {
        numeric = false;
        bad = token;
      }
      row.push_back(v);
    }
    if (!numeric) {
      if (first_row) { // a header of column names
        first_row = false;
        columns = row.size();
        continue;
      }
      refuse(path, fmt::format("line {}: '{}' is not a number", line_number, bad));
    }
    if (columns == 0) {
      columns = row.size();
    }
    first_row = false;
    if (row.size() != columns) {
      refuse(path, fmt::format("line {}: {} columns, expected {} like the first row", line_number, row.size(),
                               columns));
    }
    if (columns < 2) {
      refuse(path,
             fmt::format("line {}: needs at least two columns (inputs, then the target y)", line_number));
    }
    for (std::size_t j = 0; j + 1 < row.size(); ++j) {
      if (!std::isfinite(row[j])) {
        refuse(path, fmt::format("line {}: non-finite input {}", line_number, row[j]));
      }
      data.x.push_back(row[j]);
    }
    if (!std::isfinite(row.back())) {
      refuse(path, fmt::format("line {}: non-finite target {}", line_number, row.back()));
    }
    data.y.push_back(row.back());
  }
  data.points = data.y.size();
  data.dim = columns >= 2 ? static_cast<int>(columns - 1) : 0;
  check_finite(data, path);
  data.description = fmt::format("file {} ({} points, d = {})", path.string(), data.points, data.dim);
  return data;
}

} // namespace

std::vector<std::string> lattice_target_names() {
  return {"plane_wave", "gaussian_random_field"};
}

Dataset lattice_dataset(std::int64_t n, double length, std::int64_t m, std::string_view target,
                        std::uint64_t seed) {
  if (m < 1 || n % m != 0) {
    throw InputError(fmt::format("sub-lattice side M = {} must divide the lattice side N = {}", m, n));
  }
  const auto names = lattice_target_names();
  if (std::find(names.begin(), names.end(), target) == names.end()) {
    throw InputError(fmt::format("unknown lattice target \"{}\" (expected \"plane_wave\" or "
                                 "\"gaussian_random_field\")",
                                 target));
  }
  const SiteOrder order{m}; // point i is sub-lattice site order.site(i)
  const double two_pi = 2.0 * std::numbers::pi;
  Dataset data;
  data.points = static_cast<std::size_t>(order.size());
  data.dim = 6;
  data.x.resize(data.points * 6);
  data.y.resize(data.points);
  for (std::size_t i = 0; i < data.points; ++i) {
    const auto site = order.site(i);
    const auto& idx = site;
    for (int d = 0; d < 3; ++d) {
      const double phase = two_pi * static_cast<double>(idx[d]) / static_cast<double>(m);
      data.x[i * 6 + 2 * static_cast<std::size_t>(d)] = std::cos(phase);
      data.x[i * 6 + 2 * static_cast<std::size_t>(d) + 1] = std::sin(phase);
    }
    if (target == "plane_wave") {
      data.y[i] = std::cos(two_pi * static_cast<double>(idx[0]) / static_cast<double>(m));
    }
  }
  if (target == "gaussian_random_field") {
    // y(x) = sum_n A_n cos(2 pi n.x / L + phi_n) over half of the modes 0 < |n|_inf <= K (the other half
    // is the complex conjugate), A_n = |z_n| |n|^-3/2 (P ~ k^-3), phi_n = arg z_n, z_n complex Gaussian keyed
    // by (seed, mode index): the field does not depend on the rank count or loop order.
    const int kmax = static_cast<int>(std::min<std::int64_t>(4, m / 2));
    const int side = 2 * kmax + 1;
    for (int a = -kmax; a <= kmax; ++a) {
      for (int b = -kmax; b <= kmax; ++b) {
        for (int c = -kmax; c <= kmax; ++c) {
          // half space: first non-zero component positive
          if (!(a > 0 || (a == 0 && (b > 0 || (b == 0 && c > 0))))) {
            continue;
          }
          // The draw's counter: the mode's place in the row-major order of the (2K+1)^3 cube of modes.
          const auto mode = static_cast<std::uint64_t>(SiteOrder{side}.index(a + kmax, b + kmax, c + kmax));
          const auto z = CounterRng(seed).complex_gaussian(mode, grf_stream);
          const double k2 = static_cast<double>(a * a + b * b + c * c);
          const double amp = std::abs(z) * std::pow(k2, -0.75), phi = std::arg(z);
          for (std::size_t i = 0; i < data.points; ++i) {
            const auto site = order.site(i);
            const double s = static_cast<double>(a) * static_cast<double>(site[0]) +
                             static_cast<double>(b) * static_cast<double>(site[1]) +
                             static_cast<double>(c) * static_cast<double>(site[2]);
            data.y[i] += amp * std::cos(two_pi * s / static_cast<double>(m) + phi);
          }
        }
      }
    }
    double mean = 0.0, var = 0.0;
    for (const double v : data.y) {
      mean += v;
    }
    mean /= static_cast<double>(data.points);
    for (const double v : data.y) {
      var += (v - mean) * (v - mean);
    }
    const double norm = var > 0.0 ? 1.0 / std::sqrt(var / static_cast<double>(data.points)) : 1.0;
    for (double& v : data.y) {
      v *= norm;
    }
  }
  data.description =
      fmt::format("lattice: {}^3 sites of a {}^3 box of side {:g}, target {}", m, n, length, target);
  return data;
}

Dataset file_dataset(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    refuse(path, "no such file");
  }
  const auto ext = path.extension().string();
  if (ext == ".h5" || ext == ".hdf5" || ext == ".he5") {
    return read_hdf5(path);
  }
  return read_csv(path);
}

Dataset synthetic_dataset(std::size_t points, int dim, MlpParams teacher, std::uint64_t seed) {
  if (points == 0 || dim < 1) {
    throw InputError("synthetic data set: need N >= 1 points and d >= 1");
  }
  Dataset data;
  data.points = points;
  data.dim = dim;
  data.x.resize(points * static_cast<std::size_t>(dim));
  const CounterRng rng(seed);
  for (std::size_t i = 0; i < data.x.size(); ++i) {
    const auto z = rng.complex_gaussian(i / 2, synthetic_stream);
    data.x[i] = std::numbers::sqrt2 * (i % 2 == 0 ? z.real() : z.imag());
  }
  teacher.input_dim = dim;
  teacher.output_dim = 1;
  Mlp net(teacher);
  net.forward(data.x, points);
  const auto f = net.outputs();
  data.y.assign(f.begin(), f.end());
  data.description =
      fmt::format("synthetic: {} Gaussian points in d = {}, teacher {}x{} {} (seed {})", points, dim,
                  teacher.depth, teacher.width, activation_name(teacher.activation), teacher.seed);
  return data;
}

} // namespace inflanet
