// The network-only run through the real binary: loss curves identical at 1, 2 and 3 ranks; nn.h5 holds every
// dataset and attribute of issue 5's contract; bad dataset files and inconsistent decks exit 2 naming the
// file (or key) and the problem; eta beyond the NTK stability bound is refused naming network.eta.
// The 1-rank run's directory is copied to $INFLANET_TEST_DATA_DIR/network for analysis/tests.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include "child_process.hpp"
#include "hdf5_read.hpp"

namespace fs = std::filesystem;
using inflanet::testing::Result;
using inflanet::testing::spawn;
using ::testing::HasSubstr;
using ::testing::Not;

using inflanet::testing::read_doubles;

namespace {

std::string mpiexec() {
#ifdef INFLANET_MPIEXEC
  return INFLANET_MPIEXEC;
#else
  return {};
#endif
}

const char* small_deck = R"([lattice]
N = 8
L = 10.0
[network]
sublattice = 4
targets = "plane_wave"
depth = 2
width = 48
activation = "tanh"
eta = 0.5
beta = 0.9
steps = 40
ntk_every = 20
output_every = 5
[output]
dir = "out"
progress_every = 20
)";

class NetworkRun : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("inflanet_nn_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string deck(const std::string& text, const std::string& name = "deck.toml") const {
    std::ofstream(dir_ / name) << text;
    return name;
  }
  Result run(std::vector<std::string> args, int ranks = 0) const {
    if (ranks == 0) {
      args.insert(args.begin(), INFLANET_BINARY);
      return spawn(args, dir_, std::chrono::seconds(120));
    }
    std::vector<std::string> command = {mpiexec(),
                                        "-n",
                                        std::to_string(ranks),
                                        "--oversubscribe",
                                        "--allow-run-as-root",
                                        "-x",
                                        "OPENBLAS_NUM_THREADS=1",
                                        INFLANET_BINARY};
    command.insert(command.end(), args.begin(), args.end());
    return spawn(command, dir_, std::chrono::seconds(120));
  }
  fs::path dir_;
};

std::vector<hsize_t> shape(hid_t file, const std::string& name) {
  const hid_t d = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (d < 0) {
    return {};
  }
  const hid_t s = H5Dget_space(d);
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(s)));
  H5Sget_simple_extent_dims(s, dims.data(), nullptr);
  H5Sclose(s);
  H5Dclose(d);
  return dims;
}

} // namespace

TEST_F(NetworkRun, LossCurvesAreIdenticalAtOneTwoAndThreeRanks) {
  ASSERT_FALSE(mpiexec().empty()) << "no mpiexec known to this build";
  std::vector<std::vector<double>> loss, f;
  for (int ranks : {1, 2, 3}) {
    const auto out = "out" + std::to_string(ranks);
    const auto r = run({"run", deck(small_deck), "output.dir=" + out}, ranks);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_THAT(r.out, HasSubstr("# summary: 40 steps of euler"));
    loss.push_back(read_doubles(dir_ / out / "nn.h5", "loss"));
    f.push_back(read_doubles(dir_ / out / "nn.h5", "f"));
  }
  ASSERT_EQ(loss[0].size(), 9u); // steps 0, 5, ..., 40
  for (std::size_t k = 1; k < loss.size(); ++k) {
    ASSERT_EQ(loss[k].size(), loss[0].size());
    for (std::size_t i = 0; i < loss[0].size(); ++i) {
      EXPECT_NEAR(loss[k][i], loss[0][i], 1e-12 * std::abs(loss[0][i])) << "ranks " << k + 1 << " row " << i;
    }
    for (std::size_t i = 0; i < f[0].size(); ++i) {
      EXPECT_NEAR(f[k][i], f[0][i], 1e-12 * (1.0 + std::abs(f[0][i])));
    }
  }
  EXPECT_LT(loss[0].back(), loss[0].front()); // it trains
}

TEST_F(NetworkRun, NnH5HasEveryDatasetAndAttributeOfTheContract) {
  const auto r = run({"run", deck(small_deck), "network.ntk_spectrum=\"full\""});
  ASSERT_EQ(r.status, 0) << r;
  const fs::path file = dir_ / "out" / "nn.h5";
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hsize_t n = 64, nt = 9;
  EXPECT_EQ(shape(f, "x"), (std::vector<hsize_t>{n, 6}));
  EXPECT_EQ(shape(f, "y"), (std::vector<hsize_t>{n}));
  EXPECT_EQ(shape(f, "ntk"), (std::vector<hsize_t>{n, n}));
  EXPECT_EQ(shape(f, "ntk_eigenvalues"), (std::vector<hsize_t>{n}));
  for (const char* name : {"step", "time", "loss", "ntk_drift", "lin_gap"}) {
    EXPECT_EQ(shape(f, name), (std::vector<hsize_t>{nt})) << name;
  }
  for (const char* name : {"f", "f_lin", "mode_amplitudes"}) {
    EXPECT_EQ(shape(f, name), (std::vector<hsize_t>{nt, n})) << name;
  }
  const std::vector<std::vector<hsize_t>> w = {{48, 6}, {48, 48}, {1, 48}};
  for (const char* group : {"weights", "weights_final"}) {
    for (int l = 0; l < 3; ++l) {
      EXPECT_EQ(shape(f, std::string(group) + "/W" + std::to_string(l)), w[static_cast<std::size_t>(l)]);
      EXPECT_EQ(shape(f, std::string(group) + "/b" + std::to_string(l)),
                (std::vector<hsize_t>{w[static_cast<std::size_t>(l)][0]}));
    }
    const hid_t g = H5Gopen2(f, group, H5P_DEFAULT);
    ASSERT_GE(g, 0);
    for (const char* a : {"activation", "sigma_w", "sigma_b", "parameterization", "depth", "width"}) {
      EXPECT_GT(H5Aexists(g, a), 0) << group << "/" << a;
    }
    H5Gclose(g);
  }
  for (const char* a : {"eta", "beta", "c", "gamma", "integrator", "deck", "code_version", "git_commit"}) {
    EXPECT_GT(H5Aexists(f, a), 0) << a;
  }
  H5Fclose(f);
  // The linearised model starts at the network: f_lin(0) = f(0); and the time axis is n sqrt(eta).
  const auto fo = read_doubles(file, "f"), fl = read_doubles(file, "f_lin"), t = read_doubles(file, "time");
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(fo[i], fl[i], 1e-12);
  }
  EXPECT_NEAR(t.back(), 40 * std::sqrt(0.5), 1e-12);
  EXPECT_TRUE(fs::exists(dir_ / "out" / "resolved.toml"));
  // Hand the run to the Python reader tests.
  if (const char* data = std::getenv("INFLANET_TEST_DATA_DIR"); data != nullptr) {
    const fs::path target = fs::path(data) / "network";
    fs::remove_all(target);
    fs::create_directories(target);
    fs::copy(dir_ / "out", target, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
}

TEST_F(NetworkRun, ExtremesOnlyTrainIdenticallyWithoutTheEigenbasisDatasets) {
  // network.ntk_spectrum = "extremes" (the default): lambda_max by Lanczos, no N x N kernel or eigenbasis in
  // nn.h5, and the very same training.
  const auto full = run({"run", deck(small_deck), "network.ntk_spectrum=\"full\"", "output.dir=full"});
  ASSERT_EQ(full.status, 0) << full;
  const auto extremes = run({"run", deck(small_deck), "output.dir=extremes"});
  ASSERT_EQ(extremes.status, 0) << extremes;
  EXPECT_THAT(extremes.out, HasSubstr("smallest Lanczos Ritz value"));
  const fs::path file = dir_ / "extremes" / "nn.h5";
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  for (const char* name : {"ntk", "ntk_eigenvalues", "mode_amplitudes"}) {
    EXPECT_LE(H5Lexists(f, name, H5P_DEFAULT), 0) << name;
  }
  H5Fclose(f);
  for (const char* name : {"loss", "f", "f_lin", "ntk_drift"}) {
    EXPECT_EQ(read_doubles(file, name), read_doubles(dir_ / "full" / "nn.h5", name)) << name;
  }
}

TEST_F(NetworkRun, BadDatasetFilesAreRefusedWithExit2NamingTheFileAndTheProblem) {
  const std::string head = "[network]\ndataset = \"file\"\nwidth = 16\nsteps = 2\n";
  auto refused = [&](const std::string& file, const std::string& problem) {
    const auto r = run({"run", deck(head + "file = \"" + file + "\"\n")});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("network.file '" + file + "': " + problem)) << r;
  };
  refused("missing.csv", "no such file");
  std::ofstream(dir_ / "ragged.csv") << "x0,x1,y\n1,2,3\n4,5\n";
  refused("ragged.csv", "line 3: 2 columns, expected 3");
  std::ofstream(dir_ / "word.csv") << "1,2,3\n4,five,6\n";
  refused("word.csv", "line 2: 'five' is not a number");
  std::ofstream(dir_ / "nan.csv") << "1,2,3\n4,5,nan\n";
  refused("nan.csv", "line 2: non-finite target nan");
  std::ofstream(dir_ / "fake.h5") << "not hdf5";
  refused("fake.h5", "not an HDF5 file");
  // HDF5 files: y missing, shapes that disagree, a non-finite input.
  auto h5 = [&](const std::string& name, hsize_t nx, hsize_t ny, bool with_y, double x00) {
    const auto path = dir_ / name;
    const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t xd[2] = {nx, 2};
    std::vector<double> x(nx * 2, 0.5), y(ny, 1.0);
    x[0] = x00;
    hid_t s = H5Screate_simple(2, xd, nullptr);
    hid_t d = H5Dcreate2(f, "x", H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x.data());
    H5Dclose(d);
    H5Sclose(s);
    if (with_y) {
      s = H5Screate_simple(1, &ny, nullptr);
      d = H5Dcreate2(f, "y", H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, y.data());
      H5Dclose(d);
      H5Sclose(s);
    }
    H5Fclose(f);
  };
  h5("noy.h5", 5, 5, false, 0.0);
  refused("noy.h5", "no dataset 'y'");
  h5("shape.h5", 5, 4, true, 0.0);
  refused("shape.h5", "x has 5 points but y has 4");
  h5("inf.h5", 5, 5, true, INFINITY);
  refused("inf.h5", "non-finite input x[0, 0] = inf");
  // A good file runs.
  h5("good.h5", 7, 7, true, 0.1);
  const auto ok = run({"run", deck(head + "file = \"good.h5\"\n")});
  EXPECT_EQ(ok.status, 0) << ok;
  std::ofstream(dir_ / "good.csv") << "a,b,y\n0.1,0.2,1\n0.3,0.1,-1\n0.5,0.5,0.2\n";
  // (a second run into the first one's output directory says so: output.overwrite)
  const auto ok_csv = run({"run", deck(head + "file = \"good.csv\"\n"), "output.overwrite=true"});
  EXPECT_EQ(ok_csv.status, 0) << ok_csv;
}

TEST_F(NetworkRun, InconsistentDecksAreRefusedNamingTheKey) {
  const std::string d = small_deck;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = d;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  auto r = run({"run", deck(with("targets = \"plane_wave\"\n", ""))});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("key 'network.targets'"));
  EXPECT_THAT(r.err, HasSubstr("needs an [inflaton] section"));
  r = run({"run", deck(with("sublattice = 4", "sublattice = 3"))});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("key 'network.sublattice': expected a divisor of lattice.N = 8"));
  r = run({"run", deck(with("targets = \"plane_wave\"\n", "dataset = \"file\"\n"))});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("key 'network.file'"));
  r = run({"run", deck(with("eta = 0.5", "eta = 5000.0"))});
  EXPECT_EQ(r.status, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("key 'network.eta': expected eta < "));
  EXPECT_THAT(r.err, HasSubstr("for stability of euler"));
}

TEST_F(NetworkRun, CheckPrintsTheDerivedQuantitiesOfTheDictionary) {
  const auto r = run({"check", deck(small_deck)});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("N training points   = 64"));
  EXPECT_THAT(r.out, HasSubstr("time step h         = sqrt(eta) = 0.707107"));
  EXPECT_THAT(r.out, HasSubstr("H = gamma/3"));
  EXPECT_THAT(r.out, HasSubstr("rho_Lambda = 3 H^2"));
  EXPECT_THAT(r.out, HasSubstr("memory for Theta"));
}

/// small_deck without its [lattice] section and lattice targets: the network part of a file or synthetic
/// deck.
std::string network_section_only() {
  std::string s = small_deck;
  s.erase(0, s.find("[network]"));
  s.replace(s.find("targets = \"plane_wave\"\n"), 23, "");
  return s;
}

TEST_F(NetworkRun, SyntheticTeacherDataTrainsItsLossFallsTenfold) {
  std::string s = network_section_only();
  s.replace(s.find("sublattice = 4"), 14, "dataset = \"synthetic\"\nsublattice = 3");
  const auto r = run({"run", deck(s)});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("synthetic: 27 Gaussian points in d = 3"));
  // 40 heavy-ball steps at eta = 0.5, beta = 0.9 on a teacher of the student's own architecture.
  const auto loss = read_doubles(dir_ / "out" / "nn.h5", "loss");
  ASSERT_EQ(loss.size(), 9u); // steps 0, 5, ..., 40
  EXPECT_LT(loss.back(), 0.1 * loss.front()) << "loss " << loss.front() << " -> " << loss.back();
}

TEST_F(NetworkRun, NetworkOnlyDeckOnACsvFileNeedsNoOtherSection) {
  std::ofstream(dir_ / "points.csv") << "a,b,y\n0.1,0.2,1\n0.3,0.1,-1\n0.5,0.5,0.2\n-0.2,0.4,0.5\n";
  const std::string only = "[network]\ndataset = \"file\"\nfile = \"points.csv\"\nwidth = 16\nsteps = 10\n";
  const auto checked = run({"check", deck(only)});
  ASSERT_EQ(checked.status, 0) << checked;
  EXPECT_THAT(checked.out, HasSubstr("# [lattice] not present"));
  const auto r = run({"run", deck(only)});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_TRUE(fs::is_regular_file(dir_ / "output" / "nn.h5"));
  // Its resolved deck reloads (it spells out [background] and [output] with their defaults).
  const auto again = run({"check", "output/resolved.toml"});
  EXPECT_EQ(again.status, 0) << again;
}

TEST_F(NetworkRun, SectionsAFileOrSyntheticRunDoesNotUseAreRefusedNamingThem) {
  std::ofstream(dir_ / "points.csv") << "a,b,y\n0.1,0.2,1\n0.3,0.1,-1\n0.5,0.5,0.2\n";
  const std::string file_deck =
      "[network]\ndataset = \"file\"\nfile = \"points.csv\"\nwidth = 16\nsteps = 4\n";
  const std::string synthetic_deck =
      "[network]\ndataset = \"synthetic\"\nsublattice = 2\nwidth = 16\nsteps = 4\n";
  for (const auto& [base, dataset] : {std::pair{file_deck, "file"}, std::pair{synthetic_deck, "synthetic"}}) {
    auto r = run({"check", deck("[lattice]\nN = 8\nL = 10.0\n" + base)});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("deck.toml:1: section [lattice]: expected to be absent for dataset = \"" +
                                 std::string(dataset) + "\""))
        << r;
    r = run({"run", deck(base + "[time]\ndt = 0.1\nt_end = 1.0\n")});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("section [time]: expected to be absent in a network-only deck")) << r;
    r = run({"run", deck(base + "[background]\nH = 2.0\n")});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("key 'background.H': expected no [background] keys in a network-only deck"))
        << r;
    // A lattice override is refused alike.
    r = run({"check", deck(base), "lattice.N=16", "lattice.L=5.0"});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("section [lattice]: expected to be absent")) << r;
  }
}

TEST_F(NetworkRun, NetworkBeyondTheNodesMemoryIsRefusedBeforeItIsBuilt) {
  // width = 10^6 on 21^3 points: tens of TiB of activations and weights; the teacher alone would be 8 TB.
  const std::string huge = "[network]\ndataset = \"synthetic\"\nsublattice = 21\nwidth = 1000000\n";
  for (const char* command : {"check", "run"}) {
    const auto r = run({command, deck(huge)});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("deck.toml: memory: a rank needs")) << r;
    EXPECT_THAT(r.err, HasSubstr("network.width = 1000000")) << r;
    EXPECT_THAT(r.err, Not(HasSubstr("bad_alloc"))) << r;
  }
  EXPECT_FALSE(fs::exists(dir_ / "output"));
  // A deck that fits lists the network's items beside the node's memory.
  const auto fits = run({"check", deck(small_deck), "network.ntk_spectrum=\"full\""});
  ASSERT_EQ(fits.status, 0) << fits;
  for (const char* item :
       {"network Theta(0) rows on this rank", "network layer factors",
        "network activations, data and weights", "network Theta(0) eigendecomposition (dsyevr",
        "network Theta(0) gathered on rank 0 for nn.h5", "on it): fits",
        "MiB per rank for its eigendecomposition (dsyevr"}) {
    EXPECT_THAT(fits.out, HasSubstr(item)) << fits;
  }
  const auto extremes = run({"check", deck(small_deck)});
  ASSERT_EQ(extremes.status, 0) << extremes;
  EXPECT_THAT(extremes.out, HasSubstr("network Lanczos basis"));
  EXPECT_THAT(extremes.out, HasSubstr("MiB of Theta(0) rows per rank (64 of N = 64) (never gathered"));
  EXPECT_THAT(extremes.out, Not(HasSubstr("network Theta(0) eigendecomposition")));
}

TEST_F(NetworkRun, LatticeDatasetWithoutALatticeSectionNamesWhatItNeeds) {
  const auto r =
      run({"check", deck(std::string(small_deck).substr(std::string(small_deck).find("[network]")))});
  EXPECT_EQ(r.status, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("deck.toml: missing required section [lattice]")) << r;
  EXPECT_THAT(r.err, HasSubstr("dataset = \"lattice\"")) << r;
  EXPECT_THAT(r.err, HasSubstr("'lattice.N'")) << r;
}
