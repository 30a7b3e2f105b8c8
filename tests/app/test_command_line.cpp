// The command-line and deck contract of the `inflanet` executable, tested through the real binary
// (INFLANET_BINARY) run as a child process: exit statuses 0 / 1 / 2, and the text of every message. Input
// errors exit 2 with one `inflanet: error:` report naming the file, line and key (or the override argument);
// a run that blows up exits 1 naming the step and time and leaves a readable time series; `check` prints the
// resolved deck (itself a valid deck) and the derived quantities; a short real run writes its outputs, also
// under mpiexec at 2 ranks. Each test works in a fresh temporary directory.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include "child_process.hpp"
#include "hdf5_read.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using namespace inflanet::testing;

namespace {

/// A small valid deck: 16^3, 5 steps of leapfrog, quadratic inflaton. Line numbers matter to the tests.
const char* const small_deck = R"([lattice]
N = 16
L = 10.0
[background]
[inflaton]
m = 0.5
phi0 = 1.0
[time]
dt = 0.01
t_end = 0.05
[output]
dir = "out"
)";

/// The number after `prefix` in `text` (NaN when absent).
double number_after(const std::string& text, const std::string& prefix) {
  const auto at = text.find(prefix);
  if (at == std::string::npos) {
    return std::nan("");
  }
  return std::strtod(text.c_str() + at + prefix.size(), nullptr);
}

/// The text after `prefix` up to the next space, comma or parenthesis (the number as printed).
std::string token_after(const std::string& text, const std::string& prefix) {
  const auto at = text.find(prefix);
  if (at == std::string::npos) {
    return {};
  }
  const auto begin = at + prefix.size();
  return text.substr(begin, text.find_first_of(" ,)\n", begin) - begin);
}

/// The `key = value` lines of a resolved deck, without their comments (the resolved deck aligns the
/// comments two spaces after the longest assignment of a section).
std::vector<std::string> assignments(const std::string& toml) {
  std::vector<std::string> out;
  std::istringstream in(toml);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '[') {
      continue;
    }
    const auto comment = line.find("  #");
    line = line.substr(0, comment);
    line.erase(line.find_last_not_of(' ') + 1);
    out.push_back(line);
  }
  return out;
}

/// The derived quantities of check's output, without the node's available memory (a live measurement).
std::string derived_block(const std::string& check_output) {
  const auto at = check_output.find("# derived quantities");
  if (at == std::string::npos) {
    return {};
  }
  std::istringstream lines(check_output.substr(at));
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("available per rank (MemAvailable") == std::string::npos) {
      out += line + "\n";
    }
  }
  return out;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

class CommandLine : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("inflanet-cli-" + std::to_string(::getpid()) + "-" + std::string(info->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) {
      fs::remove_all(dir_);
    } else {
      std::cerr << "kept " << dir_ << " for inspection\n";
    }
  }

  /// `inflanet ARGS...` in the test's directory.
  Result inflanet(std::vector<std::string> args) const {
    args.insert(args.begin(), INFLANET_BINARY);
    return spawn(args, dir_);
  }

  /// `mpiexec -n RANKS inflanet ARGS...`.
  Result inflanet_mpi(int ranks, std::vector<std::string> args) const {
    std::vector<std::string> command = {mpiexec(),
                                        "-n",
                                        std::to_string(ranks),
                                        "--oversubscribe",
                                        "--allow-run-as-root",
                                        "-x",
                                        "OMP_NUM_THREADS=1",
                                        INFLANET_BINARY};
    command.insert(command.end(), args.begin(), args.end());
    return spawn(command, dir_);
  }

  static std::string mpiexec() {
#ifdef INFLANET_MPIEXEC
    return INFLANET_MPIEXEC;
#else
    return {};
#endif
  }

  /// Writes `text` as `name` in the test's directory; returns the name (relative to it, as users type).
  std::string deck(const std::string& text, const std::string& name = "deck.toml") const {
    write_file(dir_ / name, text);
    return name;
  }

  fs::path dir_;
};

/// Exit 2 and one report starting `inflanet: error:` that contains every one of `needles`.
void expect_input_error(const Result& r, const std::vector<std::string>& needles) {
  EXPECT_EQ(r.status, 2) << r;
  EXPECT_THAT(r.err, StartsWith("inflanet: error: ")) << r;
  EXPECT_EQ(count(r.err, "inflanet: error:"), 1) << r;
  for (const auto& n : needles) {
    EXPECT_THAT(r.err, HasSubstr(n)) << r;
  }
}

// ------------------------------------------------------------------------------------ --help, --version

TEST_F(CommandLine, HelpExitsZeroAndPrintsUsageAndExitStatuses) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"-h"}, {"run", "--help"}}) {
    const auto r = inflanet(args);
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_THAT(r.out, HasSubstr("Usage:")) << r;
    EXPECT_THAT(r.out, HasSubstr("inflanet run   DECK [key.path=value ...]")) << r;
    EXPECT_THAT(r.out, HasSubstr("inflanet check DECK")) << r;
    EXPECT_THAT(r.out, HasSubstr("Exit status: 0 success, 2 invalid deck or arguments, 1 runtime failure"))
        << r;
    EXPECT_EQ(r.err, "") << r;
  }
}

TEST_F(CommandLine, VersionExitsZeroAndNamesTheCommit) {
  for (const char* flag : {"--version", "-V"}) {
    const auto r = inflanet({flag});
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(^inflanet \d+\.\d+\.\d+\S* \(commit \S+\)\n$)"))) << r;
    EXPECT_EQ(r.err, "") << r;
  }
}

// ---------------------------------------------------------------------------- command-line errors (2)

TEST_F(CommandLine, NoCommandIsAnInputError) {
  expect_input_error(inflanet({}), {"no command given", "inflanet run DECK", "--help"});
}

TEST_F(CommandLine, UnknownCommandIsNamed) {
  expect_input_error(inflanet({"simulate", "deck.toml"}), {"unknown command 'simulate'", "run, check"});
}

TEST_F(CommandLine, UnknownOptionIsNamed) {
  expect_input_error(inflanet({"run", deck(small_deck), "--fast"}),
                     {"unknown option '--fast'", "key.path=value"});
}

TEST_F(CommandLine, MissingDeckArgumentIsNamedForBothCommands) {
  expect_input_error(inflanet({"run"}), {"'inflanet run' needs a deck"});
  expect_input_error(inflanet({"check", "lattice.N=32"}), {"'inflanet check' needs a deck"});
}

TEST_F(CommandLine, SecondDeckArgumentIsRefused) {
  expect_input_error(inflanet({"check", deck(small_deck), "other.toml"}),
                     {"unexpected argument 'other.toml'", "one deck"});
}

// ----------------------------------------------------------------------------- bad decks (2), by class

TEST_F(CommandLine, MissingDeckFileIsNamed) {
  expect_input_error(inflanet({"check", "no_such_deck.toml"}),
                     {"no_such_deck.toml: cannot open the input deck", "No such file or directory"});
}

TEST_F(CommandLine, DirectoryGivenAsDeckIsUnreadable) {
  fs::create_directories(dir_ / "decks");
  expect_input_error(inflanet({"run", "decks"}), {"decks: cannot read the input deck"});
}

TEST_F(CommandLine, UnopenableDeckFileIsNamedWithTheReason) {
  // A path through a regular file cannot be opened by anyone, root included.
  const auto name = deck(small_deck);
  expect_input_error(inflanet({"check", name + "/inner.toml"}),
                     {"deck.toml/inner.toml: cannot open the input deck", "Not a directory"});
  // A file without read permission, where the mode binds (root reads files whatever their mode).
  if (geteuid() != 0) {
    fs::permissions(dir_ / name, fs::perms::none);
    expect_input_error(inflanet({"check", name}), {"deck.toml: cannot open the input deck"});
  }
}

TEST_F(CommandLine, TomlSyntaxErrorIsLocatedByLine) {
  expect_input_error(inflanet({"check", deck("[lattice]\nN = 16\nL = = 10.0\n")}),
                     {"deck.toml:3:", "TOML syntax error"});
  expect_input_error(inflanet({"check", deck("[lattice\nN = 16\n")}), {"deck.toml:1:", "TOML syntax error"});
}

TEST_F(CommandLine, UnknownKeyIsLocatedAndSuggestsTheNearestKey) {
  std::string text = small_deck;
  text.replace(text.find("t_end"), 5, "tend");
  expect_input_error(inflanet({"check", deck(text)}),
                     {"deck.toml:10:1: unknown key 'time.tend' (did you mean 'time.t_end'?)"});
}

TEST_F(CommandLine, UnknownSectionIsLocatedAndSuggestsTheNearestSection) {
  std::string text = small_deck;
  text.replace(text.find("[output]"), 8, "[outptu]");
  expect_input_error(inflanet({"run", deck(text)}),
                     {"deck.toml:11:1: unknown section [outptu] (did you mean [output]?)"});
}

TEST_F(CommandLine, WrongTypeNamesKeyExpectationAndWhatWasFound) {
  std::string text = small_deck;
  text.replace(text.find("N = 16"), 6, "N = \"sixteen\"");
  expect_input_error(inflanet({"check", deck(text)}),
                     {"deck.toml:2:", "key 'lattice.N'", "expected an integer", "got", "sixteen"});
  text = small_deck;
  text.replace(text.find("N = 16"), 6, "N = 16.0");
  expect_input_error(inflanet({"check", deck(text)}),
                     {"deck.toml:2:", "key 'lattice.N'", "expected an integer", "16.0"});
}

TEST_F(CommandLine, OutOfRangeValuesNameKeyAndRange) {
  std::string text = small_deck;
  text.replace(text.find("N = 16"), 6, "N = 1");
  expect_input_error(inflanet({"check", deck(text)}),
                     {"deck.toml:2:5: key 'lattice.N': expected an integer >= 2, got 1"});
  // Numbers are echoed as the user's value (-1.0 prints as -1).
  for (const auto& [bad, echoed] : {std::pair{"0.0", "got 0"}, std::pair{"-1.0", "got -1"}}) {
    text = small_deck;
    text.replace(text.find("L = 10.0"), 8, std::string("L = ") + bad);
    expect_input_error(inflanet({"run", deck(text)}),
                       {"deck.toml:3:5: key 'lattice.L': expected a real number > 0", echoed});
  }
}

TEST_F(CommandLine, NonFiniteNumbersAreRefused) {
  for (const char* bad : {"nan", "inf", "-inf"}) {
    std::string text = small_deck;
    text.replace(text.find("phi0 = 1.0"), 10, std::string("phi0 = ") + bad);
    expect_input_error(inflanet({"check", deck(text)}),
                       {"deck.toml:7:", "key 'inflaton.phi0': expected a finite real number", bad});
  }
}

TEST_F(CommandLine, BadChoiceListsTheChoices) {
  std::string text = small_deck;
  text.insert(text.find("[output]"), "integrator = \"rk4\"\n");
  expect_input_error(inflanet({"check", deck(text)}),
                     {"deck.toml:11:", "key 'time.integrator': expected one of", "\"leapfrog\"",
                      "\"yoshida4\"", "got \"rk4\""});
}

TEST_F(CommandLine, EveryProblemOfADeckIsReportedAtOnceInFileOrder) {
  const auto r = inflanet({"check", deck("[lattice]\nN = 1\nL = nan\n[background]\n[inflaton]\nphi0 = inf\n"
                                         "[time]\ndt = 0.01\nt_end = 1.0\nintegrator = \"rk4\"\n")});
  expect_input_error(r, {});
  const auto n = r.err.find("deck.toml:2:");
  const auto l = r.err.find("deck.toml:3:");
  const auto phi = r.err.find("deck.toml:6:");
  const auto integrator = r.err.find("deck.toml:10:");
  EXPECT_TRUE(n < l && l < phi && phi < integrator && integrator != std::string::npos) << r;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 4) << r;
}

TEST_F(CommandLine, MissingRequiredKeyIsLocatedAtItsSection) {
  std::string text = small_deck;
  text.erase(text.find("t_end = 0.05\n"), 13);
  expect_input_error(inflanet({"run", deck(text)}), {"deck.toml:8:1: missing required key 'time.t_end'"});
}

TEST_F(CommandLine, MissingRequiredSectionIsNamedWithTheKeysItNeeds) {
  std::string text = small_deck;
  text.erase(text.find("[time]"), text.find("[output]") - text.find("[time]"));
  expect_input_error(inflanet({"check", deck(text)}),
                     {"deck.toml: section [time]: expected to be present", "'time.dt'", "'time.t_end'"});
}

TEST_F(CommandLine, MissingInflatonSectionIsAnInputErrorNotACrash) {
  std::string text = small_deck;
  text.erase(text.find("[inflaton]"), text.find("[time]") - text.find("[inflaton]"));
  const auto r = inflanet({"check", deck(text)});
  expect_input_error(r, {"deck.toml: section [inflaton]: expected to be present"});
  EXPECT_THAT(r.err, Not(HasSubstr("MPI_ABORT"))) << r;
}

TEST_F(CommandLine, TEndThatIsNotAWholeNumberOfStepsIsRefused) {
  expect_input_error(inflanet({"check", deck(small_deck), "time.t_end=0.055"}),
                     {"key 'time.t_end': expected a whole number of steps"});
}

TEST_F(CommandLine, BadOverrideValueNamesTheArgument) {
  expect_input_error(inflanet({"check", deck(small_deck), "lattice.N=abc"}),
                     {"command line override 'lattice.N=abc': key 'lattice.N': expected an integer", "abc"});
  expect_input_error(
      inflanet({"run", deck(small_deck), "lattice.N=1"}),
      {"command line override 'lattice.N=1': key 'lattice.N': expected an integer >= 2, got 1"});
  expect_input_error(inflanet({"check", deck(small_deck), "time.integrator=rk4"}),
                     {"command line override 'time.integrator=rk4'", "got \"rk4\""});
}

TEST_F(CommandLine, UnknownOverrideKeyNamesTheArgumentAndSuggests) {
  expect_input_error(
      inflanet({"check", deck(small_deck), "lattice.M=32"}),
      {"command line override 'lattice.M=32': unknown key 'lattice.M' (did you mean 'lattice.N'?)"});
}

TEST_F(CommandLine, OverridesWinOverTheFileAndAreMarkedInTheResolvedDeck) {
  const auto r = inflanet({"check", deck(small_deck), "lattice.N=8", "lattice.N=12"});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("# override: lattice.N=12")) << r;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nN = 12 +# \(override\))"))) << r;
}

TEST_F(CommandLine, MinkowskiRefusesAHubbleRateButAcceptsTheDefaultItsResolvedDeckWrites) {
  std::string text = small_deck;
  text.replace(text.find("[background]"), 12, "[background]\nkind = \"minkowski\"\nH = 0.5");
  expect_input_error(
      inflanet({"check", deck(text)}),
      {"deck.toml:6:5: key 'background.H': expected H = 0 for kind = \"minkowski\"", "got 0.5"});
  text = small_deck;
  text.replace(text.find("[background]"), 12, "[background]\nkind = \"minkowski\"\nH = 1.0");
  const auto r = inflanet({"check", deck(text)});
  EXPECT_EQ(r.status, 0) << r;
}

// -------------------------------------------------------------------------------------- stability of dt

TEST_F(CommandLine, UnstableDtIsRefusedByCheckAndRunWithTheLimitCheckPrints) {
  const auto name = deck(small_deck);
  for (const char* integrator : {"leapfrog", "yoshida4", "euler"}) {
    const std::string choice = std::string("time.integrator=") + integrator;
    const auto stable = inflanet({"check", name, choice});
    ASSERT_EQ(stable.status, 0) << stable;
    const auto limit = token_after(stable.out, "stability: dt < ");
    ASSERT_FALSE(limit.empty()) << stable;
    EXPECT_THAT(stable.out, HasSubstr("stability: dt < " + limit + " for " + integrator)) << stable;

    // One step of a dt 10% above the limit (t_end = dt, a whole number of steps).
    char dt[64];
    std::snprintf(dt, sizeof dt, "%.17g", 1.1 * std::stod(limit));
    for (const char* command : {"check", "run"}) {
      const auto r =
          inflanet({command, name, choice, std::string("time.dt=") + dt, std::string("time.t_end=") + dt});
      expect_input_error(r, {"command line override 'time.dt=", "key 'time.dt'",
                             "expected dt < " + limit + " for stability of " + integrator});
      EXPECT_EQ(r.out, "") << r;
    }
  }
  // From the file, it is located by line; the refused run wrote nothing.
  std::string text = small_deck;
  text.replace(text.find("dt = 0.01"), 9, "dt = 0.25");
  text.replace(text.find("t_end = 0.05"), 12, "t_end = 0.5");
  const auto r = inflanet({"run", deck(text)});
  expect_input_error(r, {"deck.toml:9:6: key 'time.dt': expected dt < ", ", got 0.25"});
  EXPECT_FALSE(fs::exists(dir_ / "out")) << "a refused run created its output directory";
}

// ------------------------------------------------------------------------------------------ check

TEST_F(CommandLine, CheckAcceptsEveryShippedDeckAndItsResolvedDeckReloads) {
  int decks = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(INFLANET_SOURCE_DIR) / "inputs")) {
    if (entry.path().extension() != ".toml") {
      continue;
    }
    ++decks;
    SCOPED_TRACE(entry.path().string());
    const auto r = inflanet({"check", entry.path().string()});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.err, "") << r;
    EXPECT_THAT(r.out, StartsWith("# inflanet check: the resolved deck")) << r;
    if (r.out.find("# derived quantities (network-only run)") != std::string::npos) {
      // A network-only deck ([network], no [inflaton]): the network's derived quantities.
      for (const char* derived : {"#   N training points   = ", "#   P parameters        = ",
                                  "#   time step h         = sqrt(eta) = ", "#   memory for Theta    = "}) {
        EXPECT_THAT(r.out, HasSubstr(derived)) << r;
      }
    } else {
      for (const char* derived :
           {"# derived quantities", "#   dx                  = ", "#   k range (comoving)  = [",
            "#   stability: dt < ", "#   steps ", "#   memory per rank     = "}) {
        EXPECT_THAT(r.out, HasSubstr(derived)) << r;
      }
      EXPECT_GT(number_after(r.out, "#   dx                  = "), 0.0) << r;
      // The run-time estimate with its basis (issue 22 item 8); a full spectrum adds the N^3 stage.
      EXPECT_THAT(r.out, HasSubstr("#   run time (estimate) = ")) << r;
      EXPECT_THAT(r.out, HasSubstr("#     lattice steps ")) << r;
      EXPECT_THAT(r.out, HasSubstr("#     basis: a model with constants measured on the 2-core reference"))
          << r;
      if (entry.path().stem() == "default") {
        EXPECT_THAT(r.out, HasSubstr("#     eigendecomposition ")) << r;
      }
    }
    // Every shipped deck's memory, beside what the node has, fits.
    EXPECT_THAT(r.out, HasSubstr("# memory before allocation")) << r;
    EXPECT_THAT(r.out, HasSubstr("MiB  total per rank")) << r;
    EXPECT_THAT(r.out, HasSubstr("on it): fits")) << r;
    // The whole output of check is a deck (the derived quantities are comments): it reloads, with the
    // same values and the same derived quantities.
    write_file(dir_ / "resolved.toml", r.out);
    const auto again = inflanet({"check", "resolved.toml"});
    ASSERT_EQ(again.status, 0) << again;
    EXPECT_EQ(assignments(again.out), assignments(r.out));
    EXPECT_EQ(derived_block(again.out), derived_block(r.out));
  }
  EXPECT_GE(decks, 4);
}

// -------------------------------------------------------------------------------------------- runs

TEST_F(CommandLine, RunThatBlowsUpExitsOneNamingStepAndTimeAndKeepsTheTimeSeries) {
  // V = -exp(phi^2) from phi0 = 3: the force grows like exp(phi^2), the field overflows within steps.
  const auto r = inflanet({"run", deck(R"toml([lattice]
N = 8
L = 10.0
[background]
kind = "minkowski"
[inflaton]
potential = "expression"
expression = "-exp(phi^2)"
phi0 = 3.0
fluctuations = "none"
[time]
dt = 0.01
t_end = 10.0
[output]
dir = "blowup"
timeseries_every = 1
)toml")});
  EXPECT_EQ(r.status, 1) << r;
  EXPECT_THAT(r.err, StartsWith("inflanet: error: ")) << r;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"(non-finite at step (\d+) \(t = ([0-9.eE+-]+)\))")))
      << r;
  const int step = std::stoi(m[1]);
  EXPECT_NEAR(std::stod(m[2]), 0.01 * step, 1e-9) << r;
  EXPECT_THAT(r.err, HasSubstr("time.dt")) << r;
  EXPECT_THAT(r.out, Not(HasSubstr("# summary"))) << r;

  // The time series holds every row up to the failing step, readable by HDF5.
  const auto timeseries = dir_ / "blowup" / "timeseries.h5";
  ASSERT_TRUE(fs::exists(timeseries));
  EXPECT_GT(fs::file_size(timeseries), 0u);
  const auto steps = read_doubles(timeseries, "step");
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.front(), 0.0);
  EXPECT_EQ(steps.back(), step);
  EXPECT_EQ(read_doubles(timeseries, "rho").size(), steps.size());
}

/// Checks a finished 5-step run of small_deck into `cwd / out`: progress lines, the summary, the files.
void expect_complete_small_run(const Result& r, const fs::path& cwd, const std::string& out_dir, int ranks) {
  const auto out = cwd / out_dir;
  EXPECT_EQ(r.status, 0) << r;
  EXPECT_EQ(count(r.err, "inflanet: error"), 0) << r;
  EXPECT_THAT(r.out, HasSubstr("on " + std::to_string(ranks) + " rank(s)")) << r;
  for (int step = 1; step <= 5; ++step) {
    EXPECT_TRUE(
        std::regex_search(r.out, std::regex("\nstep " + std::to_string(step) +
                                            R"(/5 t=[0-9.]+ a=\S+ N=\S+ .*steps/s ETA \d\d:\d\d:\d\d\n)")))
        << "no progress line for step " << step << "\n"
        << r;
  }
  EXPECT_THAT(r.out, HasSubstr("# summary: 5 steps of leapfrog on 16^3")) << r;
  EXPECT_THAT(r.out, HasSubstr("#   t = 0.05,")) << r;
  EXPECT_THAT(r.out, HasSubstr("#   output: " + out_dir +
                               "/{timeseries.h5, spectra.h5, resolved.toml, checkpoint_5.h5}"))
      << r;
  for (const char* file : {"timeseries.h5", "spectra.h5", "resolved.toml", "checkpoint_5.h5"}) {
    ASSERT_TRUE(fs::exists(out / file)) << file;
    EXPECT_GT(fs::file_size(out / file), 0u) << file;
  }
  EXPECT_FALSE(fs::exists(out / "fftw_wisdom.dat")) << "wisdom lives in the per-user cache, not per run";
  const auto steps = read_doubles(out / "timeseries.h5", "step");
  EXPECT_EQ(steps, (std::vector<double>{0, 1, 2, 3, 4, 5}));
  const auto k = read_doubles(out / "spectra.h5", "k");
  EXPECT_FALSE(k.empty());
  EXPECT_EQ(read_doubles(out / "spectra.h5", "P_phi").size(), 2 * k.size()); // steps 0 and 5
}

TEST_F(CommandLine, ShortRunPrintsProgressAndSummaryAndWritesItsOutputs) {
  const auto r = inflanet({"run", deck(small_deck), "output.timeseries_every=1", "output.progress_every=1"});
  expect_complete_small_run(r, dir_, "out", 1);
  // resolved.toml records the overrides and reproduces the run: it loads with check.
  const auto resolved = read_file(dir_ / "out" / "resolved.toml");
  EXPECT_THAT(resolved, HasSubstr("# override: output.progress_every=1"));
  const auto again = inflanet({"check", "out/resolved.toml"});
  EXPECT_EQ(again.status, 0) << again;
  EXPECT_THAT(again.out, HasSubstr("progress_every = 1")) << again;
}

TEST_F(CommandLine, ShortRunOnTwoRanksMatchesOneRank) {
  ASSERT_TRUE(!mpiexec().empty() && fs::exists(mpiexec()))
      << "no mpiexec (INFLANET_MPIEXEC) known to this build";
  const auto name = deck(small_deck);
  const std::vector<std::string> args = {"run", name, "output.timeseries_every=1", "output.progress_every=1"};
  const auto one = inflanet(args);
  ASSERT_EQ(one.status, 0) << one;
  auto two_args = args;
  two_args.push_back("output.dir=out2");
  const auto two = inflanet_mpi(2, two_args);
  expect_complete_small_run(two, dir_, "out2", 2);
  // Only rank 0 prints: one summary.
  EXPECT_EQ(count(two.out, "# summary"), 1) << two;
  // The same initial field for any rank count, so the same physics to rounding.
  for (const char* quantity : {"phi: mean ", "var(phidot) ", "rho = "}) {
    const double a = number_after(one.out, quantity);
    const double b = number_after(two.out, quantity);
    EXPECT_NEAR(a, b, 1e-6 * std::abs(a)) << quantity;
  }
}

// ------------------------------------------------------------------------------------------- alpha-time

TEST_F(CommandLine, AlphaOutsideZeroToOneIsRefusedWithTheReason) {
  const auto name = deck(small_deck);
  for (const char* value : {"-0.5", "1.5"}) {
    const auto r = inflanet({"check", name, std::string("time.alpha=") + value});
    expect_input_error(r, {"time.alpha", "0 <= alpha <= 1", "conformal time", value});
  }
}

TEST_F(CommandLine, CheckInConformalTimePrintsStepsLargestHOmegaAndTheTermThatSetsTheStep) {
  const auto name = deck(small_deck);
  // Massless: the gradient term sets the step, constant in conformal time.
  const auto massless = inflanet({"check", name, "time.alpha=1", "inflaton.m=0", "time.t_end=3",
                                  "time.dt=0.05", "lattice.L=6.283185307179586"});
  ASSERT_EQ(massless.status, 0) << massless;
  const auto block = derived_block(massless.out);
  EXPECT_THAT(block, HasSubstr("time variable       = eta, dt = a^1 d eta")) << block;
  EXPECT_THAT(block, HasSubstr("steps               = 20 ")) << block; // ceil((1 - e^-3) / 0.05)
  EXPECT_THAT(block, HasSubstr("largest h omega")) << block;
  EXPECT_THAT(block, HasSubstr("set by the gradient term")) << block;
  // A mass grows as a^2 m^2 in conformal time and then sets the step, at the last a.
  const auto massive =
      inflanet({"check", name, "time.alpha=1", "inflaton.m=0.5", "time.t_end=6", "time.dt=0.001"});
  ASSERT_EQ(massive.status, 0) << massive;
  EXPECT_THAT(derived_block(massive.out), HasSubstr("set by the mass term")) << massive;
  const auto unstable =
      inflanet({"check", name, "time.alpha=1", "inflaton.m=0.5", "time.t_end=6", "time.dt=0.01"});
  expect_input_error(unstable, {"time.dt", "mass term"});
}

TEST_F(CommandLine, CoupledRunRefusesAlphaOtherThanZeroNamingTheKey) {
  const auto r =
      inflanet({"check", (fs::path(INFLANET_SOURCE_DIR) / "inputs/default.toml").string(), "time.alpha=1"});
  expect_input_error(r, {"time.alpha", "coupled run", "cosmic time"});
  const auto zero =
      inflanet({"check", (fs::path(INFLANET_SOURCE_DIR) / "inputs/default.toml").string(), "time.alpha=0"});
  EXPECT_EQ(zero.status, 0) << zero;
}

// ------------------------------------------------------------------------- wisdom cache, final checkpoint

TEST_F(CommandLine, SecondRunInANewDirectoryPlansNothingFromTheSharedWisdomCache) {
  const auto name = deck(small_deck);
  const std::vector<std::string> cache = {"XDG_CACHE_HOME=" + (dir_ / "cache").string()};
  const auto first =
      spawn({INFLANET_BINARY, "run", name, "output.dir=first"}, dir_, std::chrono::seconds(60), cache);
  ASSERT_EQ(first.status, 0) << first;
  EXPECT_THAT(first.out,
              HasSubstr("# fft: plans measured and saved to " + (dir_ / "cache/inflanet/wisdom").string()))
      << first;
  const auto second =
      spawn({INFLANET_BINARY, "run", name, "output.dir=second"}, dir_, std::chrono::seconds(60), cache);
  ASSERT_EQ(second.status, 0) << second;
  EXPECT_THAT(second.out, HasSubstr("# fft: plans made from the cached wisdom in " +
                                    (dir_ / "cache/inflanet/wisdom/N16_r1_t").string()))
      << second;
  EXPECT_THAT(second.out, HasSubstr("(nothing measured)")) << second;
  // The cache is keyed by what FFTW needs: another grid measures again.
  const auto other = spawn({INFLANET_BINARY, "run", name, "output.dir=third", "lattice.N=12"}, dir_,
                           std::chrono::seconds(60), cache);
  ASSERT_EQ(other.status, 0) << other;
  EXPECT_THAT(other.out, HasSubstr("plans measured and saved to")) << other;
  EXPECT_THAT(other.out, HasSubstr("N12_r1_t")) << other;
}

TEST_F(CommandLine, RunsSharingTheCacheAtOnceLeaveWisdomTheNextRunPlansNothingFrom) {
  const auto name = deck(small_deck);
  const std::vector<std::string> cache = {"XDG_CACHE_HOME=" + (dir_ / "cache").string()};
  // Three runs of one grid measure and merge into one cache file at the same time (lock, temporary file,
  // rename): none fails, and what they leave is whole.
  std::vector<Result> results(3);
  std::vector<std::thread> runs;
  for (std::size_t i = 0; i < results.size(); ++i) {
    runs.emplace_back([&, i] {
      results[i] = spawn({INFLANET_BINARY, "run", name, "output.dir=concurrent" + std::to_string(i)}, dir_,
                         std::chrono::seconds(60), cache);
    });
  }
  for (auto& t : runs) {
    t.join();
  }
  for (const auto& r : results) {
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_THAT(r.err, Not(HasSubstr("warning"))) << r;
  }
  const auto after =
      spawn({INFLANET_BINARY, "run", name, "output.dir=after"}, dir_, std::chrono::seconds(60), cache);
  ASSERT_EQ(after.status, 0) << after;
  EXPECT_THAT(after.out, HasSubstr("(nothing measured)")) << after;
  for (const auto& entry : fs::directory_iterator(dir_ / "cache/inflanet/wisdom")) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << "leftover " << entry.path();
  }
}

TEST_F(CommandLine, WisdomPathThatCannotBeWrittenWarnsAndTheRunGoesOn) {
  const auto name = deck(small_deck);
  // A path below a regular file: no directory can be made there, not even by root.
  const auto r = inflanet({"run", name, "output.wisdom=" + name + "/fftw.wisdom"});
  EXPECT_EQ(r.status, 0) << r;
  EXPECT_THAT(r.err, HasSubstr("inflanet: warning: cannot keep the FFTW wisdom")) << r;
  EXPECT_THAT(r.err, HasSubstr("deck.toml")) << r;
  EXPECT_THAT(r.err, HasSubstr("the run goes on")) << r;
  EXPECT_EQ(count(r.err, "inflanet: error"), 0) << r;
  EXPECT_TRUE(fs::exists(dir_ / "out/checkpoint_5.h5"));
}

TEST_F(CommandLine, TurningTheFinalCheckpointOffWritesNoneAndCheckSaysTheRunCannotRestart) {
  const auto name = deck(small_deck);
  const auto check = inflanet({"check", name, "output.final_checkpoint=false"});
  EXPECT_EQ(check.status, 0) << check;
  EXPECT_THAT(derived_block(check.out), HasSubstr("restart             : impossible")) << check;
  EXPECT_THAT(derived_block(check.out), HasSubstr("output.checkpoint_every")) << check;
  const auto with_cadence =
      inflanet({"check", name, "output.final_checkpoint=false", "output.checkpoint_every=2"});
  EXPECT_EQ(with_cadence.status, 0) << with_cadence;
  EXPECT_THAT(derived_block(with_cadence.out), Not(HasSubstr("impossible"))) << with_cadence;
  EXPECT_THAT(derived_block(inflanet({"check", name}).out), Not(HasSubstr("impossible")));

  const auto r = inflanet({"run", name, "output.final_checkpoint=false", "output.checkpoint_every=2"});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_TRUE(fs::exists(dir_ / "out/checkpoint_4.h5"));
  EXPECT_FALSE(fs::exists(dir_ / "out/checkpoint_5.h5")) << "no checkpoint at the last step";
  EXPECT_THAT(r.out, HasSubstr("#   output: out/{timeseries.h5, spectra.h5, resolved.toml}")) << r;
}

TEST_F(CommandLine, LatticeBeyondTheNodesMemoryIsRefusedBeforeAllocating) {
  // N = 100000 (dx kept, so dt stays stable): 2.3e10 MiB per rank, beyond any node. check shows the
  // shortfall and exits 2; run exits 2 before it allocates, or writes anything.
  const std::vector<std::string> huge = {"lattice.N=100000", "lattice.L=62500"};
  auto args = [&](const char* command) {
    std::vector<std::string> a = {command, deck(small_deck)};
    a.insert(a.end(), huge.begin(), huge.end());
    return a;
  };
  const std::vector<std::string> named = {"deck.toml: memory: a rank needs 3.052e+10 MiB on 1 rank(s)",
                                          "available per rank", "set by lattice.N = 100000"};
  const auto checked = inflanet(args("check"));
  expect_input_error(checked, named);
  EXPECT_THAT(checked.out, HasSubstr("2.28886e+10 MiB  lattice fields")) << checked;
  EXPECT_THAT(checked.out, HasSubstr("SHORT by")) << checked;
  const auto ran = inflanet(args("run"));
  expect_input_error(ran, named);
  EXPECT_THAT(ran.err, Not(HasSubstr("bad_alloc"))) << ran;
  EXPECT_FALSE(fs::exists(dir_ / "out")) << "refused before it allocated or wrote anything";
  // On 2 ranks the ranks on the node share it, and the refusal is still one report with status 2.
  ASSERT_TRUE(!mpiexec().empty() && fs::exists(mpiexec()))
      << "no mpiexec (INFLANET_MPIEXEC) known to this build";
  auto two_args = args("run");
  const auto two = inflanet_mpi(2, two_args);
  expect_input_error(two, {"a rank needs 1.907e+10 MiB on 2 rank(s)", "/ 2 rank(s) on the node"});
}

TEST_F(CommandLine, InputErrorsOnTwoRanksAreReportedOnceWithStatusTwo) {
  ASSERT_TRUE(!mpiexec().empty() && fs::exists(mpiexec()))
      << "no mpiexec (INFLANET_MPIEXEC) known to this build";
  const auto r = inflanet_mpi(2, {"run", deck(small_deck), "lattice.N=1"});
  EXPECT_EQ(r.status, 2) << r;
  EXPECT_THAT(r.err, StartsWith("inflanet: error: command line override 'lattice.N=1'")) << r;
  EXPECT_EQ(count(r.err, "inflanet: error:"), 1) << r;
  EXPECT_THAT(r.err, Not(HasSubstr("MPI_ABORT"))) << r;
}

} // namespace
