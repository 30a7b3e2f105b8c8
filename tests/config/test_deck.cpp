// Properties of the input deck (include/inflanet/config/deck.hpp, schema.hpp): every class of bad input is
// refused with a message naming the file, line, key and expectation; defaults are filled and marked; the
// resolved deck round-trips; overrides win and are located by their argument.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "inflanet/base/error.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/config/schema.hpp"

namespace fs = std::filesystem;
using inflanet::InputError;
using inflanet::config::Deck;
using inflanet::config::KeySpec;
using inflanet::config::Presence;
using inflanet::config::Schema;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

/// The smallest valid deck: the required keys of the required sections.
const char* const minimal = R"([lattice]
N = 32
L = 10.0

[background]

[time]
dt = 0.01
t_end = 1.0
)";

class DeckTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("inflanet_deck_") + info->name() + "_" +
                                        std::to_string(static_cast<long>(::getpid())));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Write `text` to a deck file called `name` and return its path.
  std::string write(const std::string& text, const std::string& name = "deck.toml") {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  /// The InputError message of loading `text` (fails the test when loading succeeds).
  std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
    path_ = write(text);
    try {
      (void)Deck::load(path_, overrides, inflanet::config::inflanet_schema());
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "deck was accepted:\n" << text;
    return {};
  }

  Deck load(const std::string& text, const std::vector<std::string>& overrides = {}) {
    path_ = write(text);
    return Deck::load(path_, overrides, inflanet::config::inflanet_schema());
  }

  fs::path dir_;
  std::string path_; ///< the last deck written by error_of()/load()
};

} // namespace

// ------------------------------------------------------------------------------------------ valid decks

TEST_F(DeckTest, RefuseUnreadNamesTheFirstGivenKeyNoGetterReadAndPassesKeysAtTheirDefault) {
  // lattice.N and time.dt given and read; time.integrator given at its default; output.spectra_every given
  // with another value and never read.
  const Deck d = load(std::string(minimal) + "integrator = \"leapfrog\"\n[output]\nspectra_every = 7\n");
  EXPECT_FALSE(d.was_read("lattice.N"));
  (void)d.integer("lattice.N");
  (void)d.real("lattice.L");
  (void)d.real("time.dt");
  (void)d.real("time.t_end");
  EXPECT_TRUE(d.was_read("lattice.N"));
  EXPECT_FALSE(d.was_read("time.integrator"));
  EXPECT_FALSE(d.has("output.spectra_every") && d.was_read("output.spectra_every")) << "has() is not a read";
  try {
    d.refuse_unread("a test");
    ADD_FAILURE() << "output.spectra_every = 7 was never read";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("deck.toml:12:"));
    EXPECT_THAT(e.what(), HasSubstr("key 'output.spectra_every': expected no value: the key is not used by a "
                                    "test run, got 7"));
  }
  (void)d.integer("output.spectra_every");
  EXPECT_NO_THROW(d.refuse_unread("a test")) << "read now; time.integrator is at its default";
}

TEST_F(DeckTest, MinimalDeckLoadsAndFillsDefaults) {
  const Deck d = load(minimal);
  EXPECT_EQ(d.integer("lattice.N"), 32);
  EXPECT_DOUBLE_EQ(d.real("lattice.L"), 10.0);
  EXPECT_EQ(d.string("background.kind"), "desitter");
  EXPECT_DOUBLE_EQ(d.real("background.H"), 1.0);
  EXPECT_EQ(d.string("time.integrator"), "leapfrog");
  EXPECT_TRUE(d.user_given("lattice.N"));
  EXPECT_FALSE(d.user_given("background.H"));
  EXPECT_TRUE(d.has("background.H"));
}

TEST_F(DeckTest, AbsentDefaultedSectionExistsWithDefaults) {
  const Deck d = load(minimal);
  EXPECT_TRUE(d.has_section("output"));
  EXPECT_EQ(d.string("output.dir"), "output");
  EXPECT_EQ(d.integer("output.timeseries_every"), 10);
  EXPECT_EQ(d.integer("output.snapshot_every"), 0);
}

TEST_F(DeckTest, AbsentOptionalSectionIsFineAndHasNoValues) {
  const Deck d = load(minimal);
  EXPECT_FALSE(d.has_section("network"));
  EXPECT_FALSE(d.has_section("inflaton"));
  EXPECT_FALSE(d.has("network.depth"));
  EXPECT_FALSE(d.has("restart"));
  EXPECT_THROW((void)d.integer("network.depth"), std::logic_error);
}

TEST_F(DeckTest, PresentOptionalSectionGetsDefaultsButNotOptionalWithoutDefault) {
  const Deck d = load(std::string(minimal) + "\n[network]\nwidth = 64\n");
  EXPECT_TRUE(d.has_section("network"));
  EXPECT_EQ(d.integer("network.width"), 64);
  EXPECT_EQ(d.integer("network.depth"), 2);
  EXPECT_EQ(d.string("network.activation"), "erf");
  EXPECT_FALSE(d.has("network.loss_scale"));
}

TEST_F(DeckTest, IntegerLiteralIsAcceptedForRealKey) {
  const Deck d = load("[lattice]\nN = 8\nL = 10\n[background]\nH = 2\n[time]\ndt = 1\nt_end = 5\n");
  EXPECT_DOUBLE_EQ(d.real("lattice.L"), 10.0);
  EXPECT_DOUBLE_EQ(d.real("background.H"), 2.0);
  EXPECT_DOUBLE_EQ(d.real("time.t_end"), 5.0);
}

TEST_F(DeckTest, TopLevelRestartKeyIsRead) {
  const Deck d = load(std::string("restart = \"chk/step_100.h5\"\n") + minimal);
  EXPECT_EQ(d.string("restart"), "chk/step_100.h5");
}

TEST_F(DeckTest, GettersRefuseMisuseAsProgrammingErrors) {
  const Deck d = load(minimal);
  EXPECT_THROW((void)d.real("lattice.N"), std::logic_error);    // wrong type
  EXPECT_THROW((void)d.integer("lattice.M"), std::logic_error); // not in the schema
  EXPECT_THROW((void)d.string("restart"), std::logic_error);    // no value
}

// ---------------------------------------------------------------------------------------- file errors

TEST_F(DeckTest, MissingFileIsRefusedNamingFileAndReason) {
  const auto path = (dir_ / "nope.toml").string();
  try {
    (void)Deck::load(path, {}, inflanet::config::inflanet_schema());
    FAIL() << "missing file accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path + ": cannot open the input deck: No such file or directory"));
  }
}

TEST_F(DeckTest, DirectoryIsRefusedAsDeck) {
  try {
    (void)Deck::load(dir_.string(), {}, inflanet::config::inflanet_schema());
    FAIL() << "directory accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(dir_.string() + ": cannot read the input deck: Is a directory"));
  }
}

TEST_F(DeckTest, SyntaxErrorIsReportedWithFileLineAndColumn) {
  const auto msg = error_of("[lattice]\nN = 3.\n");
  EXPECT_THAT(msg, HasSubstr(path_ + ":2:"));
  EXPECT_THAT(msg, HasSubstr("TOML syntax error: "));
}

TEST_F(DeckTest, UnknownKeyIsRefusedWithLineAndSuggestion) {
  const auto msg = error_of("[lattice]\nN = 32\nLL = 10.0\n[background]\n[time]\ndt = 0.1\nt_end = 1.0\n");
  // The typo also leaves lattice.L unset, and that is said too (no value is silently defaulted).
  EXPECT_EQ(msg, path_ + ":3:1: unknown key 'lattice.LL' (did you mean 'lattice.L'?)\n" + path_ +
                     ":1:1: missing required key 'lattice.L' (comoving side of the periodic box [1/H])");
}

TEST_F(DeckTest, UnknownKeySuggestionIsCaseInsensitive) {
  const auto msg = error_of("[lattice]\nn = 32\nL = 10.0\n[background]\n[time]\ndt = 0.1\nt_end = 1.0\n");
  EXPECT_THAT(msg, HasSubstr(":2:1: unknown key 'lattice.n' (did you mean 'lattice.N'?)"));
}

TEST_F(DeckTest, KeyInWrongSectionSuggestsTheRightOne) {
  const auto msg = error_of(std::string(minimal) + "[output]\ndt = 0.5\n");
  EXPECT_THAT(msg, HasSubstr(":11:1: unknown key 'output.dt' (did you mean 'time.dt'?)"));
}

TEST_F(DeckTest, FarFetchedKeyGetsNoSuggestion) {
  const auto msg = error_of(std::string(minimal) + "[output]\nbanana = 1\n");
  EXPECT_EQ(msg, path_ + ":11:1: unknown key 'output.banana'");
  // A shared section prefix does not make a short key name look close.
  EXPECT_THAT(error_of(std::string(minimal) + "tiem = 3\n"), Not(HasSubstr("did you mean")));
}

TEST_F(DeckTest, MisspelledSectionInKeyPathIsSuggested) {
  EXPECT_THAT(error_of(minimal, {"backgruond.kind=minkowski"}),
              HasSubstr("(did you mean 'background.kind'?)"));
  EXPECT_THAT(error_of(minimal, {"network.widht=3"}), HasSubstr("(did you mean 'network.width'?)"));
}

TEST_F(DeckTest, UnknownSectionIsRefusedWithSuggestion) {
  const auto msg = error_of(std::string(minimal) + "\n[netwrk]\nwidth = 3\n");
  EXPECT_EQ(msg, path_ + ":11:1: unknown section [netwrk] (did you mean [network]?)");
}

TEST_F(DeckTest, SectionWrittenAsArrayOfTablesIsRefused) {
  const auto msg = error_of(std::string(minimal) + "\n[[output]]\ndir = \"x\"\n");
  EXPECT_THAT(msg,
              HasSubstr(path_ + ":11:1: 'output' is a section: expected a table [output], got an array"));
}

TEST_F(DeckTest, WrongTypeNamesExpectationAndWhatWasFound) {
  const auto msg = error_of("[lattice]\nN = 32\nL = \"abc\"\n[background]\n[time]\ndt = 0.1\nt_end = 1.0\n");
  EXPECT_EQ(msg, path_ + ":3:5: key 'lattice.L': expected a real number > 0, got string \"abc\"");
}

TEST_F(DeckTest, RealIsNotAcceptedForIntegerKey) {
  const auto msg = error_of("[lattice]\nN = 32.0\nL = 1.0\n[background]\n[time]\ndt = 0.1\nt_end = 1.0\n");
  EXPECT_EQ(msg, path_ + ":2:5: key 'lattice.N': expected an integer >= 2, got real number 32.0");
}

TEST_F(DeckTest, OutOfRangeIntegerIsRefused) {
  const auto msg = error_of("[lattice]\nN = 1\nL = 1.0\n[background]\n[time]\ndt = 0.1\nt_end = 1.0\n");
  EXPECT_EQ(msg, path_ + ":2:5: key 'lattice.N': expected an integer >= 2, got 1");
}

TEST_F(DeckTest, OutOfRangeRealIsRefused) {
  const auto msg = error_of("[lattice]\nN = 4\nL = -1\n[background]\n[time]\ndt = 0.1\nt_end = 1.0\n");
  EXPECT_EQ(msg, path_ + ":3:5: key 'lattice.L': expected a real number > 0, got -1");
}

TEST_F(DeckTest, HalfOpenIntervalIsEnforcedAtBothEnds) {
  const std::string base = std::string(minimal) + "[network]\nbeta = ";
  EXPECT_THAT(error_of(base + "0.0\n"),
              HasSubstr("key 'network.beta': expected a real number in (0, 1], got 0"));
  EXPECT_THAT(error_of(base + "1.5\n"), HasSubstr("expected a real number in (0, 1], got 1.5"));
  EXPECT_DOUBLE_EQ(load(base + "1.0\n").real("network.beta"), 1.0);
}

TEST_F(DeckTest, NonFiniteRealIsRefused) {
  const std::string head = "[lattice]\nN = 4\nL = 1.0\n[background]\n[time]\nt_end = 1.0\n";
  const auto nan_msg = error_of(head + "dt = nan\n");
  EXPECT_EQ(nan_msg, path_ + ":7:6: key 'time.dt': expected a finite real number > 0, got nan");
  EXPECT_THAT(error_of(std::string(minimal) + "[inflaton]\nphi0 = -inf\n"),
              HasSubstr("key 'inflaton.phi0': expected a finite real number, got -inf"));
}

TEST_F(DeckTest, ValueOutsideChoicesListsThemAndSuggests) {
  const auto msg = error_of(std::string(minimal) + "integrator = \"leapfrg\"\n");
  EXPECT_EQ(msg, path_ +
                     ":10:14: key 'time.integrator': expected one of \"euler\", \"leapfrog\", \"yoshida4\", "
                     "\"yoshida6\", got \"leapfrg\" (did you mean \"leapfrog\"?)");
}

TEST_F(DeckTest, ChoiceKeyRefusesNonString) {
  const auto msg = error_of(std::string(minimal) + "integrator = 4\n");
  EXPECT_THAT(msg, HasSubstr("key 'time.integrator': expected one of \"euler\", \"leapfrog\", \"yoshida4\", "
                             "\"yoshida6\", got integer 4"));
}

TEST_F(DeckTest, MissingRequiredKeyIsLocatedAtSectionHeaderWithItsDoc) {
  const auto msg = error_of("[lattice]\nN = 4\nL = 1.0\n[background]\n\n[time]\ndt = 0.1\n");
  EXPECT_EQ(msg, path_ +
                     ":6:1: missing required key 'time.t_end' (final cosmic time, the run starts at t = 0 "
                     "[1/H])");
}

TEST_F(DeckTest, MissingRequiredSectionIsRefused) {
  Schema s;
  s.section("box", Presence::required, "the box");
  s.key(KeySpec::integer("box.N", "sites per side").required());
  s.key(KeySpec::real("box.L", "side [1/H]").required());
  const auto path = write("# nothing\n");
  try {
    (void)Deck::load(path, {}, s);
    FAIL() << "missing [box] accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path + ": missing required section [box]"));
    EXPECT_THAT(e.what(), HasSubstr("'box.N'"));
    EXPECT_THAT(e.what(), HasSubstr("'box.L'"));
  }
}

TEST_F(DeckTest, LatticeSectionIsLeftToTheRunThatNeedsIt) {
  // [lattice] is optional in the schema: a network on a file needs none. require_section is how the
  // inflaton and the lattice data set demand it, naming why and the keys it needs.
  const auto deck = load("[network]\ndataset = \"file\"\nfile = \"x.csv\"\n");
  EXPECT_FALSE(deck.has_section("lattice"));
  try {
    deck.require_section("lattice", "the inflaton lives on the lattice");
    FAIL() << "require_section accepted an absent section";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr(path_ + ": missing required section [lattice] (the comoving box and its "
                                  "grid): the inflaton lives on the lattice; it needs 'lattice.N'"));
    EXPECT_THAT(e.what(), HasSubstr("'lattice.L'"));
  }
  EXPECT_NO_THROW(load(minimal).require_section("lattice", "unused"));
}

TEST_F(DeckTest, DefaultedSectionMayBeOmittedAndGetsItsDefaults) {
  const auto deck = Deck::load(write("[lattice]\nN = 4\nL = 1.0\n[time]\ndt = 0.1\nt_end = 1.0\n"), {},
                               inflanet::config::inflanet_schema());
  EXPECT_TRUE(deck.has_section("background"));
  EXPECT_EQ(deck.string("background.kind"), "desitter");
  EXPECT_FALSE(deck.user_given("background.H"));
}

TEST_F(DeckTest, EveryProblemIsReportedOnItsOwnLineInFileOrder) {
  const auto msg = error_of("[lattice]\nN = 1\nL = 0.0\n[background]\nkind = \"ds\"\n[time]\ndt = 0.1\n");
  const std::vector<std::string> expected{path_ + ":2:5: key 'lattice.N'", path_ + ":3:5: key 'lattice.L'",
                                          path_ + ":5:8: key 'background.kind'",
                                          path_ + ":6:1: missing required key 'time.t_end'"};
  std::size_t from = 0;
  for (const auto& e : expected) {
    const auto at = msg.find(e, from);
    ASSERT_NE(at, std::string::npos) << e << "\nnot found in order in:\n" << msg;
    from = at + e.size();
  }
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 3);
}

TEST_F(DeckTest, RequiredKeyOfOptionalSectionIsRequiredOnlyWhenSectionPresent) {
  Schema s;
  s.section("probe", Presence::optional, "an optional probe");
  s.key(KeySpec::real("probe.x", "position [1/H]").required());
  s.key(KeySpec::boolean("probe.on", "switch").defaults_to(true));
  const auto absent = write("# nothing\n", "absent.toml");
  EXPECT_FALSE(Deck::load(absent, {}, s).has_section("probe"));
  const auto present = write("[probe]\non = false\n", "present.toml");
  try {
    (void)Deck::load(present, {}, s);
    FAIL() << "missing probe.x accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), present + ":1:1: missing required key 'probe.x' (position [1/H])");
  }
  const Deck d = Deck::load(present, {"probe.x=2"}, s);
  EXPECT_FALSE(d.boolean("probe.on"));
  EXPECT_DOUBLE_EQ(d.real("probe.x"), 2.0);
  EXPECT_TRUE(Deck::load(absent, {"probe.on=false", "probe.x=1.5"}, s).has_section("probe"));
}

// ------------------------------------------------------------------------------------------- overrides

TEST_F(DeckTest, OverridesWinOverTheFile) {
  const Deck d = load(minimal, {"lattice.N=64", "time.dt=1e-3", "background.kind=minkowski",
                                "output.dir=\"a b\"", "lattice.N = 128"});
  EXPECT_EQ(d.integer("lattice.N"), 128); // the later override wins
  EXPECT_DOUBLE_EQ(d.real("time.dt"), 1e-3);
  EXPECT_EQ(d.string("background.kind"), "minkowski");
  EXPECT_EQ(d.string("output.dir"), "a b");
  EXPECT_TRUE(d.user_given("output.dir"));
}

TEST_F(DeckTest, StringOverrideThatIsNotATomlStringIsTakenLiterally) {
  const Deck d = load(minimal, {"output.dir=2024", "inflaton.expression=0.5*m^2*phi^2"});
  EXPECT_EQ(d.string("output.dir"), "2024");
  EXPECT_EQ(d.string("inflaton.expression"), "0.5*m^2*phi^2");
}

TEST_F(DeckTest, OverrideMakesOptionalSectionPresent) {
  const Deck d = load(minimal, {"network.depth=3"});
  EXPECT_TRUE(d.has_section("network"));
  EXPECT_EQ(d.integer("network.depth"), 3);
  EXPECT_EQ(d.integer("network.width"), 512);
}

TEST_F(DeckTest, OverrideErrorsNameTheArgument) {
  EXPECT_EQ(
      error_of(minimal, {"lattice.N=abc"}),
      "command line override 'lattice.N=abc': key 'lattice.N': expected an integer >= 2, got 'abc', which is "
      "not a TOML value");
  EXPECT_EQ(error_of(minimal, {"lattice.N=1"}),
            "command line override 'lattice.N=1': key 'lattice.N': expected an integer >= 2, got 1");
  EXPECT_EQ(
      error_of(minimal, {"time.dt=\"x\""}),
      "command line override 'time.dt=\"x\"': key 'time.dt': expected a real number > 0, got string \"x\"");
  EXPECT_EQ(
      error_of(minimal, {"background.kind=desiter"}),
      "command line override 'background.kind=desiter': key 'background.kind': expected one of \"desitter\", "
      "\"minkowski\", \"friedmann\", got \"desiter\" (did you mean \"desitter\"?)");
}

TEST_F(DeckTest, OverrideOfUnknownKeyIsRefusedWithSuggestion) {
  EXPECT_EQ(error_of(minimal, {"lattice.n=64"}),
            "command line override 'lattice.n=64': unknown key 'lattice.n' (did you mean 'lattice.N'?)");
  EXPECT_EQ(error_of(minimal, {"lattice.N"}), "command line override 'lattice.N': expected key.path=value");
}

TEST_F(DeckTest, OverrideCannotSmuggleASecondKey) {
  EXPECT_THAT(error_of(minimal, {"lattice.N=4\nL = 2"}), HasSubstr("which is not a TOML value"));
}

// ------------------------------------------------------------------------------------------ resolved deck

TEST_F(DeckTest, ResolvedTomlFillsAndMarksDefaults) {
  const std::string text = load(minimal, {"time.dt=0.5"}).resolved_toml();
  EXPECT_THAT(text, HasSubstr("\n[output]  # "));
  EXPECT_THAT(text, ::testing::ContainsRegex("\ntimeseries_every = 10 +# \\(default\\) steps between"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nkind += \"desitter\" +# \\(default\\) "));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nN = 32 +# grid points per side"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\ndt += 0.5 +# \\(override\\) time step"));
  EXPECT_THAT(text, HasSubstr("# [network] not present"));
  EXPECT_THAT(text, HasSubstr("# restart = (not set)"));
  // Sections in schema order.
  EXPECT_LT(text.find("[lattice]"), text.find("[background]"));
  EXPECT_LT(text.find("[background]"), text.find("[time]"));
  EXPECT_LT(text.find("[time]"), text.find("[output]"));
}

TEST_F(DeckTest, ResolvedTomlRoundTripsToTheSameValues) {
  const Deck first = load(std::string("restart = \"c\\\"k\\\\pt\\n.h5\"\n") + minimal +
                              "[inflaton]\nphi0 = 0.1\nkcut = 3\nexpression = \"phi^2 # not a comment\"\n"
                              "[network]\nloss_scale = 1e-300\n",
                          {"time.dt=0.1", "background.a0=3"});
  const auto again_path = write(first.resolved_toml(), "resolved.toml");
  const Deck second = Deck::load(again_path, {}, inflanet::config::inflanet_schema());
  for (const auto& k : first.schema().keys()) {
    SCOPED_TRACE(k.path);
    ASSERT_EQ(first.has(k.path), second.has(k.path));
    if (!first.has(k.path))
      continue;
    switch (k.type) {
    case inflanet::config::Type::integer:
      EXPECT_EQ(first.integer(k.path), second.integer(k.path));
      break;
    case inflanet::config::Type::real:
      EXPECT_EQ(first.real(k.path), second.real(k.path)); // bit-exact: shortest round-trip digits
      break;
    case inflanet::config::Type::boolean:
      EXPECT_EQ(first.boolean(k.path), second.boolean(k.path));
      break;
    case inflanet::config::Type::string:
      EXPECT_EQ(first.string(k.path), second.string(k.path));
      break;
    }
  }
  for (const auto& s : first.schema().sections())
    EXPECT_EQ(first.has_section(s.name), second.has_section(s.name));
}

// ---------------------------------------------------------------------------------------- cross-key fail

TEST_F(DeckTest, FailLocatesTheKeyWhereverItsValueCameFrom) {
  const Deck d = load(minimal, {"time.t_end=7"});
  const auto message = [&](const std::string& key, const std::string& expected) {
    try {
      d.fail(key, expected);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no throw");
  };
  EXPECT_EQ(message("lattice.N", "an integer <= 16"),
            path_ + ":2:5: key 'lattice.N': expected an integer <= 16, got 32");
  EXPECT_EQ(
      message("time.t_end", "a real number > time.dt"),
      "command line override 'time.t_end=7': key 'time.t_end': expected a real number > time.dt, got 7");
  EXPECT_EQ(message("output.dir", "a writable directory"),
            path_ + " (default): key 'output.dir': expected a writable directory, got \"output\"");
  EXPECT_THROW(d.fail("no.such", "x"), std::logic_error);
}

// ------------------------------------------------------------------------------------------------- schema

TEST(Schema, InflanetSchemaBuildsWithEveryDocumentedKey) {
  const Schema s = inflanet::config::inflanet_schema();
  // lattice, background, inflaton, field, potential, time, output, gravitational_waves, network, duality, top
  // level, units.
  EXPECT_EQ(s.keys().size(), 2u + 4u + 13u + 10u + 10u + 4u + 10u + 7u + 22u + 7u + 1u + 2u);
  const std::vector<std::string> without_default{"network.loss_scale",
                                                 "restart",
                                                 "time.dt",
                                                 "network.initial_velocity",
                                                 "background.rho_lambda",
                                                 "output.cross_spectra",
                                                 "field.seed",
                                                 "field.profile",
                                                 "field.velocity_profile",
                                                 "field.dV",
                                                 "field.d2V",
                                                 "potential.m",
                                                 "potential.g2",
                                                 "potential.lambda",
                                                 "potential.v",
                                                 "potential.Lambda4",
                                                 "potential.f",
                                                 "potential.V0",
                                                 "potential.Mp",
                                                 "potential.V",
                                                 "duality.field",
                                                 "units.energy_GeV",
                                                 "units.field_GeV",
                                                 "duality.velocity_cut"};
  for (const auto& k : s.keys()) {
    EXPECT_FALSE(k.doc.empty()) << k.path;
    EXPECT_TRUE(k.is_required || k.default_value ||
                std::find(without_default.begin(), without_default.end(), k.path) != without_default.end())
        << k.path;
  }
  EXPECT_EQ(s.find_section("output")->presence, Presence::defaulted);
  EXPECT_EQ(s.find_section("network")->presence, Presence::optional);
  EXPECT_EQ(s.find_section("lattice")->presence, Presence::optional);
  EXPECT_EQ(s.find_section("field")->presence, Presence::repeated);
  EXPECT_EQ(s.find_section("potential")->presence, Presence::optional);
  // Added after decks' resolved text was stored in outputs: never written when unused.
  for (const char* path : {"background.rho_lambda", "output.cross_spectra"})
    EXPECT_EQ(s.find(path)->when_unset, inflanet::config::WhenUnset::omitted) << path;
  EXPECT_EQ(s.find_section("field")->when_absent, inflanet::config::WhenUnset::omitted);
  EXPECT_EQ(s.find_section("potential")->when_absent, inflanet::config::WhenUnset::omitted);
}

TEST(Schema, DefaultOutsideItsOwnConstraintsIsAProgrammingError) {
  Schema s;
  s.section("a", Presence::required, "a");
  EXPECT_THROW(s.key(KeySpec::string("a.id", "id").identifier().defaults_to("1x")), std::logic_error);
  EXPECT_THROW(s.key(KeySpec::integer("a.i", "not a string").identifier()), std::logic_error);
  EXPECT_THROW(s.key(KeySpec::real("a.o", "omitted yet defaulted").defaults_to(1.0).omitted_when_unset()),
               std::logic_error);
  EXPECT_THROW(s.section("b", Presence::defaulted, "never absent", inflanet::config::WhenUnset::omitted),
               std::logic_error);
  EXPECT_THROW(s.section("c.d", Presence::optional, "dotted"), std::logic_error);
  EXPECT_THROW(s.key(KeySpec::integer("a.n", "n").at_least(1).defaults_to(0)), std::logic_error);
  EXPECT_THROW(s.key(KeySpec::string("a.s", "s").one_of({"x"}).defaults_to("y")), std::logic_error);
  EXPECT_THROW(s.key(KeySpec::real("b.x", "undeclared section").defaults_to(1.0)), std::logic_error);
  EXPECT_THROW(s.key(KeySpec::real("a.r", "wrong default type").defaults_to("1")), std::logic_error);
}

TEST(Spelling, EditDistanceCountsTranspositionAsOneAndIgnoresCase) {
  EXPECT_EQ(inflanet::config::edit_distance("tiem", "time"), 1u);
  EXPECT_EQ(inflanet::config::edit_distance("Lattice", "lattice"), 0u);
  EXPECT_EQ(inflanet::config::edit_distance("", "abc"), 3u);
  EXPECT_EQ(inflanet::config::edit_distance("kitten", "sitting"), 3u);
  EXPECT_FALSE(inflanet::config::closest("zzz", {"euler", "leapfrog"}).has_value());
}
