// PotentialError, the potential library's structured refusal: the deck layer maps its role (V, dV/dphi_i,
// d2V/dphi_i dphi_j by field index) to a key, so the role must say which formula failed without anyone
// reading the message. A bad V, a bad dV of the second field, a bad diagonal d2V (the kind a deck gives)
// and a bad off-diagonal entry (z, x) of an expression potential each raise it with that role and name (the
// off-diagonal pair in either order: the entry also serves (x, z)); what() is "<name>: <detail>"; it exits 2
// like any InputError. (The message texts are tested in test_expression_potential.cpp, the keys through
// the executable in tests/app/test_fields_run.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "inflanet/potential/expression_potential.hpp"
#include "inflanet/potential/potential_error.hpp"

using namespace inflanet;

namespace {

ExpressionPotential::Definition three_fields() {
  ExpressionPotential::Definition d;
  d.fields = {"x", "y", "z"};
  d.parameters = {{"a", 0.7}};
  d.V = "a*x^2 + y^2*z^2";
  d.dV = {"2*a*x", "2*y*z^2", "2*y^2*z"};
  return d;
}

/// The PotentialError the definition raises (fails the test when it raises none or another error).
PotentialError error_of(ExpressionPotential::Definition d) {
  try {
    (void)ExpressionPotential(std::move(d));
  } catch (const PotentialError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a PotentialError";
  return PotentialError({}, "none", "none");
}

} // namespace

TEST(PotentialError, RolesSayWhichFormulaByFieldIndex) {
  const FormulaRole v;
  EXPECT_TRUE(v.is_V());
  EXPECT_FALSE(v.is_dV());
  const FormulaRole dv{1, FormulaRole::none};
  EXPECT_FALSE(dv.is_V());
  EXPECT_TRUE(dv.is_dV());
  const FormulaRole d2v{2, 0};
  EXPECT_FALSE(d2v.is_V());
  EXPECT_FALSE(d2v.is_dV());
}

TEST(PotentialError, MessageIsTheNameThenTheDetailAndItExitsTwo) {
  const PotentialError e(FormulaRole{0, 1}, "d2V/dphi dchi", "cannot parse \"(\"");
  EXPECT_STREQ(e.what(), "d2V/dphi dchi: cannot parse \"(\"");
  EXPECT_EQ(e.name(), "d2V/dphi dchi");
  EXPECT_EQ(e.detail(), "cannot parse \"(\"");
  EXPECT_EQ(e.role().first, 0u);
  EXPECT_EQ(e.role().second, 1u);
  const InputError& as_input = e;
  EXPECT_EQ(as_input.status(), ExitStatus::invalid_input);
}

TEST(PotentialError, AnExpressionPotentialRefusesEachFormulaWithItsRole) {
  auto bad_v = three_fields();
  bad_v.V = "a*x^2 + (y";
  const PotentialError v = error_of(bad_v);
  EXPECT_TRUE(v.role().is_V());
  EXPECT_EQ(v.name(), "V");

  auto bad_dv = three_fields();
  bad_dv.dV[1] = "2*y*w^2"; // w is neither a field nor a parameter
  const PotentialError dv = error_of(bad_dv);
  EXPECT_TRUE(dv.role().is_dV());
  EXPECT_EQ(dv.role().first, 1u) << "the second field, y";
  EXPECT_EQ(dv.name(), "dV/dy");
  EXPECT_EQ(std::string(dv.what()), dv.name() + ": " + dv.detail());

  // A diagonal entry, the only kind a deck gives (field.d2V of field y): role (1, 1).
  auto bad_diagonal = three_fields();
  bad_diagonal.d2V.assign(9, std::string());
  bad_diagonal.d2V[3 * 1 + 1] = "2*z^2 +"; // row-major (y, y)
  const PotentialError diagonal = error_of(bad_diagonal);
  EXPECT_EQ(diagonal.role().first, 1u);
  EXPECT_EQ(diagonal.role().second, 1u);

  // An off-diagonal entry given for (z, x) alone serves (x, z) too (the Hessian is symmetric), so the role
  // names the pair {x, z}, in either order.
  auto bad_d2v = three_fields();
  bad_d2v.d2V.assign(9, std::string());
  bad_d2v.d2V[3 * 2 + 0] = "4*y*z*"; // entry (z, x)
  const PotentialError d2v = error_of(bad_d2v);
  EXPECT_EQ(std::min(d2v.role().first, d2v.role().second), 0u);
  EXPECT_EQ(std::max(d2v.role().first, d2v.role().second), 2u);
  EXPECT_TRUE(d2v.name() == "d2V/dx dz" || d2v.name() == "d2V/dz dx") << d2v.name();
}
