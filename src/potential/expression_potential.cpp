#include "inflanet/potential/expression_potential.hpp"

#include "inflanet/base/error.hpp"
#include "inflanet/potential/potential_error.hpp"
#include "parser_cache.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <muParser.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numbers>
#include <unordered_map>
#include <unordered_set>

namespace inflanet {

std::string derivative_name(const std::vector<std::string>& fields, std::size_t first, std::size_t second) {
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  if (first == none)
    return "V";
  if (second == none)
    return "dV/d" + fields.at(first);
  if (first == second)
    return fmt::format("d2V/d{}2", fields.at(first));
  // Partial derivatives commute: a mixed one is named in deck order, whichever order it was given in.
  return fmt::format("d2V/d{} d{}", fields.at(std::min(first, second)), fields.at(std::max(first, second)));
}

namespace {

std::size_t role_dV(std::size_t i) {
  return 1 + i;
}
std::size_t role_d2V(std::size_t n, std::size_t i, std::size_t j) {
  return 1 + n + n * i + j;
}

FormulaRole formula_role(const ExpressionPotential::Spec& spec, std::size_t role) {
  const std::size_t n = spec.fields.size();
  if (role == 0)
    return {};
  if (role <= n)
    return {role - 1, FormulaRole::none};
  return {(role - 1 - n) / n, (role - 1 - n) % n};
}

std::string role_name(const ExpressionPotential::Spec& spec, std::size_t role) {
  const FormulaRole r = formula_role(spec, role);
  return derivative_name(spec.fields, r.first, r.second);
}

/// Defines the fields (as variables at `x`) and the parameters and pi (as constants) on a parser.
void define_names(mu::Parser& parser, const ExpressionPotential::Spec& spec, double* x) {
  for (std::size_t i = 0; i < spec.fields.size(); ++i)
    parser.DefineVar(spec.fields[i], x + i);
  for (const auto& [name, value] : spec.parameters)
    parser.DefineConst(name, value);
  parser.DefineConst("pi", std::numbers::pi);
}

/// One thread's parsers for one ExpressionPotential. The parsers hold the addresses of x's elements, so x
/// is sized once and never reallocated, and the object never moves (it lives behind a unique_ptr).
struct Evaluator {
  std::vector<double> x;
  std::vector<std::unique_ptr<mu::Parser>> parser; // per role; null where no formula was given

  explicit Evaluator(const ExpressionPotential::Spec& spec)
      : x(spec.fields.size(), 0.0), parser(spec.formulas.size()) {
    for (std::size_t r = 0; r < spec.formulas.size(); ++r) {
      if (spec.formulas[r].empty())
        continue;
      parser[r] = std::make_unique<mu::Parser>();
      define_names(*parser[r], spec, x.data());
      parser[r]->SetExpr(spec.formulas[r]);
    }
  }
  void set(std::span<const double> f) {
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = f[i];
  }
  double eval(std::size_t role) { return parser[role]->Eval(); }

  /// V on the stencil x_i +- j h, j = 1..3, h = dV_fd_step max(1, |x_i|) (x restored after): out[j] =
  /// V(x_i + j h) - V(x_i - j h) for a difference, else their sum. Returns h.
  double stencil(std::size_t i, bool difference, double (&out)[4]) {
    const double x0 = x[i], h = ExpressionPotential::dV_fd_step * std::max(1.0, std::abs(x0));
    for (int j = 1; j <= 3; ++j) {
      x[i] = x0 + j * h;
      const double plus = eval(0);
      x[i] = x0 - j * h;
      out[j] = difference ? plus - eval(0) : plus + eval(0);
    }
    x[i] = x0;
    return h;
  }

  /// dV/dphi_i at the current x: the formula, or without one the centred 6th-order difference of V on the
  /// stencil: [45 (V1 - V-1) - 9 (V2 - V-2) + (V3 - V-3)] / (60 h).
  double gradient(std::size_t i) {
    if (parser[1 + i])
      return eval(1 + i);
    double d[4];
    const double h = stencil(i, true, d);
    return (45.0 * d[1] - 9.0 * d[2] + d[3]) / (60.0 * h);
  }

  /// d^2V/dphi_i^2 of V alone (no dV formula): [270 (V1 + V-1) - 27 (V2 + V-2) + 2 (V3 + V-3) - 490 V0] /
  /// (180 h^2) on the stencil.
  double second(std::size_t i) {
    double t[4];
    const double h = stencil(i, false, t);
    return (270.0 * t[1] - 27.0 * t[2] + 2.0 * t[3] - 490.0 * eval(0)) / (180.0 * h * h);
  }

  // Fourth-order central difference of dV/dphi_i along field j at the current x (x restored after):
  // [8 (f(+h) - f(-h)) - (f(+2h) - f(-2h))] / (12 h).
  double central(std::size_t i, std::size_t j, double step) {
    const double x0 = x[j], h = step * std::max(1.0, std::abs(x0));
    double f[4];
    const double offsets[4] = {h, -h, 2 * h, -2 * h};
    for (int k = 0; k < 4; ++k) {
      x[j] = x0 + offsets[k];
      f[k] = gradient(i);
    }
    x[j] = x0;
    return (8.0 * (f[0] - f[1]) - (f[2] - f[3])) / (12.0 * h);
  }
};

Evaluator& evaluator_for(const ExpressionPotential::Spec& spec) {
  return detail::thread_evaluator<Evaluator>(spec);
}

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return true;
}

std::string joined(const std::vector<std::string>& names) {
  return names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "));
}

/// Names muparser met in a formula that are neither fields nor parameters; the factory hands each a dummy.
struct UnknownNames {
  std::vector<std::string> names;
  double dummy[64] = {};
};
double* record_unknown(const char* name, void* user) {
  auto* u = static_cast<UnknownNames*>(user);
  u->names.emplace_back(name);
  return &u->dummy[(u->names.size() - 1) % 64];
}

/// Parses one formula now, so syntax errors and unknown names surface at start-up as input errors naming
/// the role, rather than inside a threaded loop (muparser parses lazily, on the first Eval).
void validate(const ExpressionPotential::Spec& spec, std::size_t role) {
  const std::string& formula = spec.formulas[role];
  std::vector<double> x(spec.fields.size(), 1.0);
  UnknownNames unknown;
  try {
    mu::Parser parser;
    define_names(parser, spec, x.data());
    parser.SetVarFactory(record_unknown, &unknown);
    parser.SetExpr(formula);
    (void)parser.Eval();
  } catch (const mu::Parser::exception_type& e) {
    throw PotentialError(
        formula_role(spec, role), role_name(spec, role),
        fmt::format("cannot parse \"{}\": {} (at position {})", formula, e.GetMsg(), e.GetPos()));
  }
  if (!unknown.names.empty()) {
    std::vector<std::string> params;
    for (const auto& p : spec.parameters)
      params.push_back(p.first);
    throw PotentialError(formula_role(spec, role), role_name(spec, role),
                         fmt::format("\"{}\" in \"{}\" is neither a field ({}) nor a parameter ({})",
                                     unknown.names.front(), formula, joined(spec.fields), joined(params)));
  }
}

} // namespace

ExpressionPotential::ExpressionPotential(Definition def) {
  const std::size_t n = def.fields.size();
  if (n == 0)
    throw InputError("fields: an expression potential needs at least one field");
  std::unordered_set<std::string> seen;
  for (const auto& f : def.fields) {
    if (!is_identifier(f))
      throw InputError(fmt::format("fields: \"{}\" is not a name a formula can use (letters, digits and _, "
                                   "not starting with a digit)",
                                   f));
    if (!seen.insert(f).second)
      throw InputError(fmt::format("fields: \"{}\" is named twice", f));
  }
  for (const auto& [name, value] : def.parameters) {
    if (!is_identifier(name) || name == "pi")
      throw InputError(
          fmt::format("parameters: \"{}\" is not a name a formula can use (letters, digits and _, "
                      "not starting with a digit; not pi)",
                      name));
    if (!seen.insert(name).second)
      throw InputError(fmt::format("parameters: \"{}\" is already the name of a field or parameter", name));
    if (!std::isfinite(value))
      throw InputError(fmt::format("parameters: {} is not finite ({})", name, value));
  }
  if (!(def.fd_step > 0.0) || !std::isfinite(def.fd_step))
    throw InputError(fmt::format("fd_step: must be > 0, got {}", def.fd_step));
  if (def.V.empty())
    throw PotentialError({}, "V", "the formula is empty");
  if (def.dV.size() != n)
    throw InputError(fmt::format("dV: expected a formula for each of the {} fields ({}), got {}", n,
                                 joined(def.fields), def.dV.size()));
  if (!def.d2V.empty() && def.d2V.size() != n * n)
    throw InputError(fmt::format("d2V: expected {} x {} entries (or none), got {}", n, n, def.d2V.size()));

  auto spec = std::make_shared<Spec>();
  spec->fields = std::move(def.fields);
  spec->parameters = std::move(def.parameters);
  spec->fd_step = def.fd_step;
  spec->formulas.assign(1 + n + n * n, std::string());
  spec->formulas[0] = std::move(def.V);
  for (std::size_t i = 0; i < n; ++i) {
    spec->formulas[role_dV(i)] = std::move(def.dV[i]); // empty: differences of V (see the header)
  }
  if (!def.d2V.empty())
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        // An entry given for (i, j) alone serves (j, i) too: the Hessian is symmetric.
        const std::string& own = def.d2V[n * i + j];
        spec->formulas[role_d2V(n, i, j)] = own.empty() ? def.d2V[n * j + i] : own;
      }
  for (std::size_t r = 0; r < spec->formulas.size(); ++r)
    if (!spec->formulas[r].empty())
      validate(*spec, r);
  spec->id = detail::next_expression_id();
  spec_ = std::move(spec);
}

double ExpressionPotential::V(std::span<const double> f) const {
  Evaluator& ev = evaluator_for(*spec_);
  ev.set(f);
  return ev.eval(0);
}

double ExpressionPotential::dV(std::span<const double> f, std::size_t i) const {
  Evaluator& ev = evaluator_for(*spec_);
  ev.set(f);
  return ev.gradient(i);
}

void ExpressionPotential::gradient(std::span<const double> f, std::span<double> out) const {
  Evaluator& ev = evaluator_for(*spec_);
  ev.set(f);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = ev.gradient(i);
}

bool ExpressionPotential::has_d2V_formula(std::size_t i, std::size_t j) const {
  return !spec_->formulas.at(role_d2V(field_count(), i, j)).empty();
}

double ExpressionPotential::d2V(std::span<const double> f, std::size_t i, std::size_t j) const {
  Evaluator& ev = evaluator_for(*spec_);
  ev.set(f);
  const std::size_t role = role_d2V(field_count(), i, j);
  if (ev.parser[role])
    return ev.eval(role);
  // Symmetrised, so the matrix is symmetric to rounding whatever the truncation error of each difference.
  if (i == j)
    return ev.parser[role_dV(i)] ? ev.central(i, i, spec_->fd_step) : ev.second(i);
  return 0.5 * (ev.central(i, j, spec_->fd_step) + ev.central(j, i, spec_->fd_step));
}

std::string ExpressionPotential::describe() const {
  const Spec& s = *spec_;
  const std::size_t n = s.fields.size();
  std::string out = fmt::format("expression(fields=({})", fmt::join(s.fields, ", "));
  if (!s.parameters.empty()) {
    std::vector<std::string> p;
    for (const auto& [name, value] : s.parameters)
      p.push_back(fmt::format("{}={:.17g}", name, value));
    out += fmt::format(", parameters=({})", fmt::join(p, ", "));
  }
  for (std::size_t r = 0; r < 1 + n; ++r)
    out += s.formulas[r].empty()
               ? fmt::format(", {}=finite differences h={:.3g}*max(1,|x|)", role_name(s, r), dV_fd_step)
               : fmt::format(", {}=\"{}\"", role_name(s, r), s.formulas[r]);
  bool all_given = true;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      const std::string& g = s.formulas[role_d2V(n, i, j)];
      if (g.empty())
        all_given = false;
      else
        out += fmt::format(", {}=\"{}\"", role_name(s, role_d2V(n, i, j)), g);
    }
  if (!all_given)
    out += fmt::format(", other d2V: differences of dV, h={:.3g}*max(1,|x|)", s.fd_step);
  return out + ")";
}

} // namespace inflanet
