// Properties of repeated sections, TOML arrays of tables `[[field]]` (include/inflanet/config/deck.hpp,
// schema.hpp): elements are counted, read by index, defaulted and validated one by one; every refusal names
// the element (1-based number and name) at its file position; overrides address an element by name or
// 0-based index and never create one; the resolved deck writes each element back as a [[field]] table and
// round-trips. The last tests check the multi-field keys of inflanet_schema() and that they leave the
// resolved text of every existing deck byte-identical.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
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
using inflanet::config::WhenUnset;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

/// A small schema with the shape of the inflanet multi-field deck, independent of its physics keys.
Schema field_schema() {
  Schema s;
  s.section("box", Presence::defaulted, "the box");
  s.key(KeySpec::integer("box.N", "sites per side").at_least(2).defaults_to(8));
  s.section("field", Presence::repeated, "one scalar field");
  s.key(KeySpec::string("field.name", "its name").required().identifier());
  s.key(KeySpec::real("field.mean", "initial value [M_p]").defaults_to(0.0));
  s.key(KeySpec::string("field.fluctuations", "vacuum")
            .one_of({"bunch-davies", "wkb", "none"})
            .defaults_to("bunch-davies"));
  s.key(KeySpec::integer("field.seed", "random seed; unset = 1 + position").at_least(0));
  s.key(KeySpec::real("field.kcut", "cutoff [H]").at_least(0).defaults_to(0.0));
  s.section("extra", Presence::optional, "an optional section after the fields");
  s.key(KeySpec::boolean("extra.on", "switch").defaults_to(true));
  return s;
}

/// Two fields: phi (line 4) and chi (line 8).
const char* const two_fields = R"([box]
N = 16

[[field]]
name = "phi"
mean = 1.0

[[field]]
name = "chi"
fluctuations = "wkb"
seed = 5
)";

class DeckArraysTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("inflanet_deck_arrays_") + info->name() + "_" +
                                        std::to_string(static_cast<long>(::getpid())));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& text, const std::string& name = "deck.toml") {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  Deck load(const std::string& text, const std::vector<std::string>& overrides = {},
            const Schema& schema = field_schema()) {
    path_ = write(text);
    return Deck::load(path_, overrides, schema);
  }

  std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {},
                       const Schema& schema = field_schema()) {
    path_ = write(text);
    try {
      (void)Deck::load(path_, overrides, schema);
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "deck was accepted:\n" << text;
    return {};
  }

  fs::path dir_;
  std::string path_;
};

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no throw";
}

} // namespace

// ------------------------------------------------------------------------------------------ counts, getters

TEST_F(DeckArraysTest, CountIsTheNumberOfElementsAndZeroWhenAbsent) {
  EXPECT_EQ(load(two_fields).count("field"), 2u);
  const Deck none = load("[box]\nN = 4\n");
  EXPECT_EQ(none.count("field"), 0u);
  EXPECT_FALSE(none.has_section("field"));
  EXPECT_TRUE(load(two_fields).has_section("field"));
  EXPECT_EQ(load("field = []\n").count("field"), 0u);
  EXPECT_THROW((void)none.count("box"), std::logic_error);     // not repeated
  EXPECT_THROW((void)none.count("nowhere"), std::logic_error); // not in the schema
}

TEST_F(DeckArraysTest, IndexedGettersReadEachElementInDeckOrder) {
  const Deck d = load(two_fields);
  EXPECT_EQ(d.string("field.name", 0), "phi");
  EXPECT_EQ(d.string("field.name", 1), "chi");
  EXPECT_DOUBLE_EQ(d.real("field.mean", 0), 1.0);
  EXPECT_EQ(d.string("field.fluctuations", 1), "wkb");
  EXPECT_EQ(d.integer("field.seed", 1), 5);
  EXPECT_EQ(d.integer("box.N"), 16);
}

TEST_F(DeckArraysTest, InlineArrayOfTablesIsTheSameDeck) {
  const Deck d = load("field = [{name = \"phi\", mean = 2}, {name = \"chi\"}]\n");
  ASSERT_EQ(d.count("field"), 2u);
  EXPECT_DOUBLE_EQ(d.real("field.mean", 0), 2.0);
  EXPECT_EQ(d.string("field.name", 1), "chi");
}

TEST_F(DeckArraysTest, DefaultsAreFilledPerElement) {
  const Deck d = load(two_fields);
  EXPECT_DOUBLE_EQ(d.real("field.mean", 1), 0.0);
  EXPECT_EQ(d.string("field.fluctuations", 0), "bunch-davies");
  EXPECT_TRUE(d.has("field.kcut", 0));
  EXPECT_FALSE(d.has("field.seed", 0)); // optional without default
  EXPECT_TRUE(d.has("field.seed", 1));
  EXPECT_TRUE(d.user_given("field.mean", 0));
  EXPECT_FALSE(d.user_given("field.mean", 1));
  EXPECT_TRUE(d.given_non_default("field.mean", 0));
  EXPECT_FALSE(d.given_non_default("field.mean", 1));
  EXPECT_FALSE(load("[[field]]\nname = \"a\"\nmean = 0.0\n").given_non_default("field.mean", 0));
}

TEST_F(DeckArraysTest, PlainAndIndexedVerbsAreNotMixed) {
  const Deck d = load(two_fields);
  EXPECT_THROW((void)d.real("field.mean"), std::logic_error); // per element only
  EXPECT_FALSE(d.has("field.mean"));                          // no single value
  EXPECT_FALSE(d.user_given("field.mean"));
  EXPECT_THROW((void)d.integer("box.N", 0), std::logic_error);   // not repeated
  EXPECT_THROW((void)d.real("field.mean", 2), std::logic_error); // index out of range
  EXPECT_THROW((void)d.has("field.mean", 2), std::logic_error);
  EXPECT_THROW((void)d.integer("field.mean", 0), std::logic_error); // wrong type
  EXPECT_THROW((void)d.integer("field.seed", 0), std::logic_error); // no value
  EXPECT_THROW(d.fail("field.mean", "x"), std::logic_error);
  EXPECT_THROW(d.fail_section("field", "x"), std::logic_error);
}

// ----------------------------------------------------------------------------------------------- refusals

TEST_F(DeckArraysTest, ProblemsInsideAnElementNameItsNumberAndName) {
  const auto msg = error_of(std::string(two_fields) + "mean = \"x\"\n");
  EXPECT_EQ(msg, path_ +
                     ":12:8: key 'field.mean' ([[field]] #2, name = \"chi\"): expected a real number, got "
                     "string \"x\"");
}

TEST_F(DeckArraysTest, ElementWithoutANameIsNamedByItsNumberOnly) {
  const auto msg = error_of("[[field]]\nname = \"phi\"\n\n[[field]]\nmean = 1.0\nkcut = -1\n");
  EXPECT_EQ(msg, path_ + ":6:8: key 'field.kcut' ([[field]] #2): expected a real number >= 0, got -1\n" +
                     path_ + ":4:1: missing required key 'field.name' ([[field]] #2) (its name)");
}

TEST_F(DeckArraysTest, UnknownKeyInAnElementIsRefusedWithSuggestion) {
  const auto msg = error_of("[[field]]\nname = \"phi\"\nmaen = 1.0\n");
  EXPECT_EQ(msg, path_ + ":3:1: unknown key 'field.maen' ([[field]] #1, name = \"phi\") (did you mean "
                         "'field.mean'?)");
}

TEST_F(DeckArraysTest, RangesAndChoicesAreCheckedPerElement) {
  const auto msg = error_of("[[field]]\nname = \"phi\"\nfluctuations = \"wkbb\"\n[[field]]\nname = \"chi\"\n"
                            "seed = -3\n");
  EXPECT_EQ(msg,
            path_ +
                ":3:16: key 'field.fluctuations' ([[field]] #1, name = \"phi\"): expected one of "
                "\"bunch-davies\", \"wkb\", \"none\", got \"wkbb\" (did you mean \"wkb\"?)\n" +
                path_ +
                ":6:8: key 'field.seed' ([[field]] #2, name = \"chi\"): expected an integer >= 0, got -3");
}

TEST_F(DeckArraysTest, MissingRequiredKeyIsRefusedPerElementAtItsHeader) {
  const auto msg = error_of("[[field]]\nmean = 1.0\n\n[[field]]\nname = \"chi\"\n\n  [[field]]\nkcut = 1\n");
  EXPECT_EQ(msg, path_ + ":1:1: missing required key 'field.name' ([[field]] #1) (its name)\n" + path_ +
                     ":7:3: missing required key 'field.name' ([[field]] #3) (its name)");
}

TEST_F(DeckArraysTest, NameMustBeAnIdentifier) {
  {
    const auto msg = error_of("[[field]]\nname = \"2phi\"\n");
    EXPECT_EQ(msg,
              path_ +
                  ":2:8: key 'field.name' ([[field]] #1): expected an identifier (letters, digits and _, not "
                  "starting with a digit), got \"2phi\"");
  }
  EXPECT_THAT(error_of("[[field]]\nname = \"a-b\"\n"), HasSubstr("expected an identifier"));
  EXPECT_EQ(load("[[field]]\nname = \"_chi2\"\n").string("field.name", 0), "_chi2");
}

TEST_F(DeckArraysTest, DuplicateNamesAreRefused) {
  {
    const auto msg = error_of("[[field]]\nname = \"phi\"\n[[field]]\nname = \"phi\"\n");
    EXPECT_EQ(msg,
              path_ +
                  ":4:8: key 'field.name' ([[field]] #2, name = \"phi\"): expected a name no other element "
                  "has, got \"phi\" (the name of [[field]] #1, name = \"phi\")");
  }
}

TEST_F(DeckArraysTest, EveryProblemOfEveryElementIsReportedInFileOrder) {
  const auto msg =
      error_of("[box]\nN = 1\n[[field]]\nname = \"phi\"\nmean = true\n[[field]]\nname = \"chi\"\n"
               "kcut = \"x\"\nbogus = 1\n");
  const std::vector<std::string> expected{":2:5: key 'box.N'", ":5:8: key 'field.mean' ([[field]] #1",
                                          ":8:8: key 'field.kcut' ([[field]] #2",
                                          ":9:1: unknown key 'field.bogus'"};
  std::size_t from = 0;
  for (const auto& e : expected) {
    const auto at = msg.find(e, from);
    ASSERT_NE(at, std::string::npos) << e << "\nnot found in order in:\n" << msg;
    from = at + e.size();
  }
}

TEST_F(DeckArraysTest, RepeatedSectionWrittenAsOneTableOrAValueIsRefused) {
  {
    const auto msg = error_of("[field]\nname = \"phi\"\n");
    EXPECT_EQ(msg,
              path_ +
                  ":1:1: 'field' is a repeated section: expected an array of tables [[field]], got a table");
  }
  {
    const auto msg = error_of("field = 3\n");
    EXPECT_EQ(
        msg,
        path_ + ":1:9: 'field' is a repeated section: expected an array of tables [[field]], got integer 3");
  }
  EXPECT_THAT(error_of("field = [1, 2]\n"), HasSubstr("expected an array of tables [[field]], got an array"));
}

TEST_F(DeckArraysTest, PlainSectionWrittenAsArrayOfTablesIsRefused) {
  {
    const auto msg = error_of("[[box]]\nN = 4\n");
    EXPECT_EQ(msg, path_ + ":1:1: 'box' is a section: expected a table [box], got an array");
  }
}

TEST_F(DeckArraysTest, MistypedRepeatedSectionIsSuggestedWithDoubleBrackets) {
  {
    const auto msg = error_of("[[fields]]\nname = \"phi\"\n");
    EXPECT_EQ(msg, path_ + ":1:1: unknown section [[fields]] (did you mean [[field]]?)");
  }
  {
    const auto msg = error_of("[fild]\nname = \"phi\"\n");
    EXPECT_EQ(msg, path_ + ":1:1: unknown section [fild] (did you mean [[field]]?)");
  }
}

// ----------------------------------------------------------------------------------------- fail,
// fail_section

TEST_F(DeckArraysTest, FailLocatesTheElementsKeyOrItsHeader) {
  const Deck d = load(two_fields, {"field.chi.kcut=2"});
  EXPECT_EQ(message_of([&] { d.fail("field.mean", 0, "a real number < 0.5"); }),
            path_ +
                ":6:8: key 'field.mean' ([[field]] #1, name = \"phi\"): expected a real number < 0.5, got 1");
  // A default is located at the element's header.
  EXPECT_EQ(message_of([&] { d.fail("field.mean", 1, "a real number > 0"); }),
            path_ +
                ":8:1: key 'field.mean' ([[field]] #2, name = \"chi\"): expected a real number > 0, got 0");
  EXPECT_EQ(message_of([&] { d.fail("field.seed", 0, "a seed"); }),
            path_ + ":4:1: key 'field.seed' ([[field]] #1, name = \"phi\"): expected a seed, got no value");
  EXPECT_EQ(message_of([&] { d.fail("field.kcut", 1, "a real number < 1"); }),
            "command line override 'field.chi.kcut=2': key 'field.kcut' ([[field]] #2, name = \"chi\"): "
            "expected a real number < 1, got 2");
  EXPECT_THROW(d.fail("field.mean", 2, "x"), std::logic_error);
}

TEST_F(DeckArraysTest, FailSectionLocatesTheElementsHeaderLine) {
  const Deck d = load(two_fields);
  EXPECT_EQ(message_of([&] { d.fail_section("field", 1, "a field not named like a parameter"); }),
            path_ + ":8: section [[field]] #2, name = \"chi\": expected a field not named like a parameter");
  EXPECT_THROW(d.fail_section("field", 2, "x"), std::logic_error);
  EXPECT_THROW(d.fail_section("box", 0, "x"), std::logic_error);
}

TEST_F(DeckArraysTest, RequireSectionOfARepeatedSectionNeedsAnElement) {
  const Deck none = load("[box]\n");
  EXPECT_EQ(message_of([&] { none.require_section("field", "a multi-field run evolves fields"); }),
            path_ +
                ": missing required section [[field]] (one scalar field): a multi-field run evolves fields; "
                "it needs 'field.name' (its name)");
  EXPECT_NO_THROW(load(two_fields).require_section("field", "unused"));
}

// ----------------------------------------------------------------------------------------------- overrides

TEST_F(DeckArraysTest, OverrideAddressesAnElementByName) {
  const Deck d = load(two_fields, {"field.chi.mean=0.1", "field.phi.fluctuations=none"});
  EXPECT_DOUBLE_EQ(d.real("field.mean", 1), 0.1);
  EXPECT_DOUBLE_EQ(d.real("field.mean", 0), 1.0);
  EXPECT_EQ(d.string("field.fluctuations", 0), "none");
  EXPECT_TRUE(d.user_given("field.mean", 1));
}

TEST_F(DeckArraysTest, OverrideAddressesAnElementByIndex) {
  const Deck d = load(two_fields, {"field.1.mean=0.25", "field.0.seed=9"});
  EXPECT_DOUBLE_EQ(d.real("field.mean", 1), 0.25);
  EXPECT_EQ(d.integer("field.seed", 0), 9);
}

TEST_F(DeckArraysTest, OverrideCanGiveAMissingRequiredKeyByIndex) {
  const Deck d = load("[[field]]\nmean = 1.0\n", {"field.0.name=psi"});
  EXPECT_EQ(d.string("field.name", 0), "psi");
}

TEST_F(DeckArraysTest, OverrideOfANonexistentElementListsTheElements) {
  EXPECT_EQ(
      error_of(two_fields, {"field.psi.mean=1"}),
      "command line override 'field.psi.mean=1': no element 'psi' in [[field]] (an override cannot create "
      "one); its elements are \"phi\" (index 0), \"chi\" (index 1)");
  EXPECT_THAT(error_of(two_fields, {"field.2.mean=1"}), HasSubstr("no element '2' in [[field]]"));
  EXPECT_THAT(error_of("[[field]]\nmean = 1.0\n", {"field.x.mean=1"}),
              HasSubstr("its elements are unnamed (index 0)"));
  EXPECT_EQ(
      error_of("[box]\n", {"field.phi.mean=1"}),
      "command line override 'field.phi.mean=1': no element 'phi' in [[field]]: the deck has none, and an "
      "override cannot create one");
}

TEST_F(DeckArraysTest, OverrideWithoutAnElementOrWithABadValueIsRefused) {
  EXPECT_EQ(error_of(two_fields, {"field.mean=1"}),
            "command line override 'field.mean=1': key 'field.mean' is in the array of tables [[field]]: "
            "address one element as field.<name>.mean or field.<index>.mean");
  EXPECT_EQ(error_of(two_fields, {"field.chi.mean=abc"}),
            "command line override 'field.chi.mean=abc': key 'field.mean' ([[field]] #2, name = \"chi\"): "
            "expected a real number, got 'abc', which is not a TOML value");
  EXPECT_EQ(
      error_of(two_fields, {"field.chi.maen=1"}),
      "command line override 'field.chi.maen=1': unknown key 'field.maen' ([[field]] #2, name = \"chi\") "
      "(did you mean 'field.chi.mean'?)");
  EXPECT_THAT(error_of(two_fields, {"field.1.name=phi"}), HasSubstr("expected a name no other element has"));
}

// ------------------------------------------------------------------------------------------ resolved deck

TEST_F(DeckArraysTest, ResolvedTomlWritesEachElementAsAnArrayTable) {
  const std::string text = load(two_fields, {"field.chi.mean=0.5"}).resolved_toml({{"field.phi.seed", "1"}});
  EXPECT_THAT(text, HasSubstr("\n[[field]]  # one scalar field\nname = \"phi\"  "));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nmean += 1.0 +# initial value"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nmean += 0.5 +# \\(override\\) initial value"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nfluctuations = \"bunch-davies\" +# \\(default\\) vacuum"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\n# seed = 1 +# \\(derived\\) random seed"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nseed += 5 +# random seed"));
  EXPECT_LT(text.find("name = \"phi\""), text.find("name = \"chi\""));
  EXPECT_LT(text.find("[box]"), text.find("[[field]]"));
  EXPECT_THAT(text, HasSubstr("# [extra] not present"));
  EXPECT_LT(text.rfind("[[field]]"), text.find("# [extra] not present"));
}

TEST_F(DeckArraysTest, DerivedValueOfAnElementKeyMayNameTheElementByIndex) {
  const std::string text = load(two_fields).resolved_toml({{"field.0.seed", "1"}});
  EXPECT_THAT(text, ::testing::ContainsRegex("\n# seed = 1 +# \\(derived\\) random seed"));
}

TEST_F(DeckArraysTest, AbsentRepeatedSectionIsListedOrOmitted) {
  EXPECT_THAT(load("[box]\n").resolved_toml(),
              HasSubstr("\n# [[field]] not present (optional: one scalar field)\n"));
  Schema quiet;
  quiet.section("field", Presence::repeated, "one scalar field", WhenUnset::omitted);
  quiet.key(KeySpec::string("field.name", "its name").required());
  quiet.key(KeySpec::real("field.x", "position").omitted_when_unset());
  const std::string text = load("# nothing\n", {}, quiet).resolved_toml();
  EXPECT_THAT(text, Not(HasSubstr("field")));
  EXPECT_THAT(load("[[field]]\nname = \"a\"\n", {}, quiet).resolved_toml(), Not(HasSubstr("x =")));
}

TEST_F(DeckArraysTest, ResolvedTomlRoundTripsToTheSameValuesInEveryElement) {
  const Deck first = load(std::string(two_fields) + "[[field]]\nname = \"psi\"\nmean = 1e-300\n",
                          {"field.phi.kcut=3", "field.2.seed=7", "extra.on=false"});
  const auto again = write(first.resolved_toml(), "resolved.toml");
  const Deck second = Deck::load(again, {}, field_schema());
  ASSERT_EQ(second.count("field"), first.count("field"));
  for (std::size_t i = 0; i < first.count("field"); ++i) {
    for (const auto& k : first.schema().keys()) {
      if (k.section() != "field")
        continue;
      SCOPED_TRACE(k.path + " #" + std::to_string(i));
      ASSERT_EQ(first.has(k.path, i), second.has(k.path, i));
      if (!first.has(k.path, i))
        continue;
      switch (k.type) {
      case inflanet::config::Type::integer:
        EXPECT_EQ(first.integer(k.path, i), second.integer(k.path, i));
        break;
      case inflanet::config::Type::real:
        EXPECT_EQ(first.real(k.path, i), second.real(k.path, i));
        break;
      case inflanet::config::Type::boolean:
        EXPECT_EQ(first.boolean(k.path, i), second.boolean(k.path, i));
        break;
      case inflanet::config::Type::string:
        EXPECT_EQ(first.string(k.path, i), second.string(k.path, i));
        break;
      }
    }
  }
  EXPECT_FALSE(second.boolean("extra.on"));
  EXPECT_EQ(second.integer("box.N"), 16);
  // Resolving the resolved deck again changes nothing but the header and the override marks.
  EXPECT_EQ(Deck::load(write(second.resolved_toml(), "again.toml"), {}, field_schema()).count("field"), 3u);
}

// --------------------------------------------------------------------------------- the inflanet schema keys

TEST_F(DeckArraysTest, InflanetMultiFieldDeckLoadsWithItsDefaults) {
  const Deck d =
      load("[lattice]\nN = 16\nL = 10.0\n[background]\nkind = \"friedmann\"\n"
           "[[field]]\nname = \"phi\"\nmean = 16.0\n[[field]]\nname = \"chi\"\nfluctuations = \"wkb\"\n"
           "[potential]\nkind = \"chaotic_g2\"\nm = 1e-6\ng2 = 2.5e-7\n",
           {}, inflanet::config::inflanet_schema());
  EXPECT_EQ(d.count("field"), 2u);
  EXPECT_DOUBLE_EQ(d.real("field.velocity", 0), 0.0);
  EXPECT_EQ(d.string("field.fluctuations", 0), "bunch-davies");
  EXPECT_FALSE(d.has("field.seed", 1));
  EXPECT_FALSE(d.has("field.dV", 0));
  EXPECT_EQ(d.string("potential.kind"), "chaotic_g2");
  EXPECT_FALSE(d.has("potential.lambda"));
  EXPECT_EQ(d.string("background.kind"), "friedmann");
  EXPECT_FALSE(d.has("background.rho_lambda")); // unset = 0
  EXPECT_FALSE(d.has("output.cross_spectra"));  // unset = false
  {
    const auto msg = error_of("[potential]\nm = 1.0\n", {}, inflanet::config::inflanet_schema());
    EXPECT_EQ(
        msg,
        path_ +
            ":1:1: missing required key 'potential.kind' (V of the fields: the one-field built-ins of "
            "the field phi, quadratic (m), quartic (lambda), quadratic_quartic (m, lambda), axion (Lambda4, "
            "f), starobinsky (V0, Mp); the two-field built-ins of phi and chi, chaotic_g2 (m, g2), "
            "quartic_g2 (lambda, g2), hybrid (lambda, v, g2, m); or expression (V, with every parameter "
            "as a named constant))");
  }
}

namespace {

/// inflanet_schema() without the multi-field sections and keys: the schema as it was before them.
Schema schema_before_multi_field() {
  const Schema full = inflanet::config::inflanet_schema();
  const std::vector<std::string> new_keys{"background.rho_lambda", "output.cross_spectra"};
  Schema s;
  for (const auto& sec : full.sections()) {
    if (!sec.name.empty() && sec.name != "field" && sec.name != "potential")
      s.section(sec.name, sec.presence, sec.doc, sec.when_absent);
  }
  for (const auto& k : full.keys()) {
    if (k.section() != "field" && k.section() != "potential" &&
        std::find(new_keys.begin(), new_keys.end(), k.path) == new_keys.end())
      s.key(k);
  }
  return s;
}

} // namespace

TEST_F(DeckArraysTest, ExistingDecksResolveToTheSameBytesAsWithoutTheMultiFieldKeys) {
  const Schema before = schema_before_multi_field();
  const Schema now = inflanet::config::inflanet_schema();
  int decks = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(INFLANET_SOURCE_DIR) / "inputs")) {
    if (entry.path().extension() != ".toml")
      continue;
    SCOPED_TRACE(entry.path().string());
    const Deck new_deck_probe = Deck::load(entry.path().string(), {"lattice.N=8"}, now);
    if (new_deck_probe.has_section("field")) {
      continue; // a multi-field deck (inputs/preheating.toml): it did not exist before
    }
    const Deck old_deck = Deck::load(entry.path().string(), {"lattice.N=8"}, before);
    const Deck new_deck = Deck::load(entry.path().string(), {"lattice.N=8"}, now);
    const std::string text = new_deck.resolved_toml({{"network.eta", "0.5"}});
    EXPECT_EQ(text, old_deck.resolved_toml({{"network.eta", "0.5"}}));
    for (const char* word : {"[[field]]", "[potential]", "rho_lambda", "cross_spectra", "friedmann"})
      EXPECT_THAT(text, Not(HasSubstr(word)));
    ++decks;
  }
  EXPECT_GE(decks, 10);
}
