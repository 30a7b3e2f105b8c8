// changed_keys compares two resolved decks by value through the schema: formatting and order do not count,
// a key an older deck lacks is its default, repeated sections go element by element, and the keys the
// caller leaves out are not compared.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "inflanet/base/error.hpp"
#include "inflanet/config/deck_changes.hpp"
#include "inflanet/config/schema.hpp"

using namespace inflanet;
using namespace inflanet::config;
using ::testing::ElementsAre;
using ::testing::Field;

namespace {

Schema small_schema() {
  Schema s;
  s.section("time", Presence::required, "time stepping");
  s.key(KeySpec::real("time.dt", "step").required());
  s.key(KeySpec::real("time.t_end", "end").required());
  s.key(KeySpec::string("time.integrator", "integrator").defaults_to("leapfrog"));
  s.section("field", Presence::repeated, "fields");
  s.key(KeySpec::string("field.name", "name").required());
  s.key(KeySpec::real("field.mean", "mean").defaults_to(0.0));
  return s;
}

bool all_but_t_end(std::string_view key) {
  return key != "time.t_end";
}

TEST(DeckChanges, FormattingOrderAndOmittedDefaultsAreNoChange) {
  const std::string a =
      "[time]\ndt = 0.1\nt_end = 1.0\nintegrator = \"leapfrog\"\n[[field]]\nname = \"phi\"\n";
  const std::string b = "[time]  # comment\nintegrator = 'leapfrog'\nt_end = 7.0\ndt = 1e-1\n"
                        "[[field]]\nname = \"phi\"\nmean = 0\n";
  EXPECT_TRUE(changed_keys(a, b, small_schema(), all_but_t_end).empty());
  EXPECT_EQ(changed_keys(a, b, small_schema(), [](std::string_view) { return true; }).size(), 1u); // t_end
}

TEST(DeckChanges, EveryChangedKeyIsNamedWithBothValues) {
  const std::string a = "[time]\ndt = 0.1\nt_end = 1\n[[field]]\nname = \"phi\"\n[[field]]\nname = \"chi\"\n";
  const std::string b = "[time]\ndt = 0.05\nt_end = 1\nintegrator = \"yoshida4\"\n[[field]]\nname = \"phi\"\n"
                        "[[field]]\nname = \"chi\"\nmean = 0.25\n";
  const auto changes = changed_keys(a, b, small_schema(), all_but_t_end);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].key, "time.dt");
  EXPECT_EQ(changes[0].before, "0.1");
  EXPECT_EQ(changes[0].after, "0.05");
  EXPECT_EQ(changes[1].key, "time.integrator");
  EXPECT_EQ(changes[1].before, "\"leapfrog\"");
  EXPECT_EQ(changes[1].after, "\"yoshida4\"");
  EXPECT_EQ(changes[2].key, "field.chi.mean");
  EXPECT_EQ(changes[2].before, "0");
  EXPECT_EQ(changes[2].after, "0.25");
}

TEST(DeckChanges, ADifferentNumberOfElementsIsOneChangeAndBadTomlIsAnInputError) {
  const std::string a = "[time]\ndt = 0.1\nt_end = 1\n[[field]]\nname = \"phi\"\n";
  const std::string b = a + "[[field]]\nname = \"chi\"\n";
  EXPECT_THAT(changed_keys(a, b, small_schema(), all_but_t_end),
              ElementsAre(Field(&KeyChange::key, "field")));
  EXPECT_THROW((void)changed_keys(a, "[time\n", small_schema(), all_but_t_end), InputError);
}

} // namespace
