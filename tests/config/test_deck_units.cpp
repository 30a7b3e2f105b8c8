// config::deck_units (include/inflanet/config/deck_units.hpp): every run kind gets its program units from
// the deck, a Friedmann run is in reduced Planck units, [units] gives a de Sitter run its scale, and units
// the equations do not use are refused naming the key; [units] stays out of decks that do not give it.
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "inflanet/base/error.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/config/deck_units.hpp"
#include "inflanet/config/schema.hpp"

namespace fs = std::filesystem;
using inflanet::InputError;
using inflanet::ProgramUnits;
using inflanet::config::Deck;
using inflanet::config::deck_units;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const std::string lattice = "[lattice]\nN = 8\nL = 10.0\n[time]\ndt = 0.01\nt_end = 1.0\n";
const std::string one_field = "[inflaton]\npotential = \"quadratic\"\nm = 1e-6\nphi0 = 1.0\n";

class DeckUnits : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("inflanet_deck_units_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(static_cast<long>(::getpid())));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Deck load(const std::string& text) {
    const auto path = (dir_ / "deck.toml").string();
    std::ofstream(path) << text;
    return Deck::load(path, {}, inflanet::config::inflanet_schema());
  }
  std::string refusal(const std::string& text) {
    const Deck deck = load(text);
    try {
      (void)deck_units(deck);
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "deck_units accepted:\n" << text;
    return {};
  }
  fs::path dir_;
};

} // namespace

TEST_F(DeckUnits, FriedmannRunsAreInReducedPlanckUnits) {
  const Deck deck = load(lattice + "[background]\nkind = \"friedmann\"\n" + one_field);
  const ProgramUnits u = deck_units(deck);
  EXPECT_EQ(u.energy, "M_p");
  EXPECT_EQ(u.field, "M_p");
  ASSERT_TRUE(u.scale.has_value());
  EXPECT_EQ(u.scale->energy_GeV, 2.435e18);
  EXPECT_EQ(u.scale->field_GeV, 2.435e18);
  // The resolved deck says so: no "[1/H]" is left, t_end is in 1/M_p, V's parameters in M_p units.
  const std::string text = deck.resolved_toml({}, u);
  EXPECT_THAT(text, HasSubstr("final cosmic time, the run starts at t = 0 [1/M_p]"));
  EXPECT_THAT(text, HasSubstr("comoving side of the periodic box [1/M_p]"));
  EXPECT_THAT(text, Not(HasSubstr("[1/H]")));
  EXPECT_THAT(text, Not(HasSubstr("[units]")));
}

TEST_F(DeckUnits, DeSitterRunsHaveAScaleOnlyWhenTheDeckGivesOne) {
  const Deck plain = load(lattice + one_field);
  const ProgramUnits u = deck_units(plain);
  EXPECT_EQ(u.energy, "H");
  EXPECT_EQ(u.field, "M_p");
  EXPECT_FALSE(u.scale.has_value());
  // The convention's names leave the resolved text as it was, and an absent [units] is not listed.
  EXPECT_EQ(plain.resolved_toml({}, u), plain.resolved_toml());
  EXPECT_THAT(plain.resolved_toml(), Not(HasSubstr("[units]")));

  const Deck scaled = load(lattice + one_field + "[units]\nenergy_GeV = 1e13\n");
  const ProgramUnits s = deck_units(scaled);
  ASSERT_TRUE(s.scale.has_value());
  EXPECT_EQ(s.scale->energy_GeV, 1e13);
  EXPECT_EQ(s.scale->field_GeV, 1e13); // F = E: the vacuum is drawn with hbar = 1 in one unit
  EXPECT_EQ(s.field, "H");
  EXPECT_DOUBLE_EQ(s.planck_mass(), 2.435e5);
  EXPECT_THAT(scaled.resolved_toml({}, s), HasSubstr("[units]"));

  const Deck classical = load(lattice + one_field +
                              "fluctuations = \"none\"\n[units]\nenergy_GeV = 1e13\n"
                              "field_GeV = 1e16\n");
  const ProgramUnits c = deck_units(classical);
  EXPECT_EQ(c.scale->field_GeV, 1e16);
  EXPECT_EQ(c.field, "F");
  EXPECT_DOUBLE_EQ(c.planck_mass(), 243.5);
}

TEST_F(DeckUnits, UnitsTheEquationsDoNotUseAreRefusedNamingTheKey) {
  const std::string friedmann = lattice + "[background]\nkind = \"friedmann\"\n" + one_field;
  EXPECT_THAT(refusal(friedmann + "[units]\nfield_GeV = 1e16\n"),
              AllOf(HasSubstr("units.field_GeV"), HasSubstr("H^2 = rho / 3")));
  EXPECT_THAT(refusal(friedmann + "[units]\nenergy_GeV = 1e13\n"),
              AllOf(HasSubstr("units.energy_GeV"), HasSubstr("vacuum fluctuations")));
  EXPECT_THAT(refusal(lattice + one_field + "[units]\nenergy_GeV = 1e13\nfield_GeV = 1e16\n"),
              AllOf(HasSubstr("units.field_GeV"), HasSubstr("hbar = 1")));
  EXPECT_THAT(refusal(lattice + one_field + "[units]\nfield_GeV = 1e16\n"),
              AllOf(HasSubstr("units.field_GeV"), HasSubstr("units.energy_GeV beside it")));
  // A classical Friedmann run may name its own unit of time: H^2 = rho / 3 holds in any.
  const Deck own = load(lattice + "[background]\nkind = \"friedmann\"\n" + one_field +
                        "fluctuations = \"none\"\n[units]\nenergy_GeV = 1.4e13\n");
  const ProgramUnits u = deck_units(own);
  EXPECT_EQ(u.energy, "E");
  EXPECT_THAT(own.resolved_toml({}, u), HasSubstr("final cosmic time, the run starts at t = 0 [1/E]"));
}
