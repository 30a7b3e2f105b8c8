#include "inflanet/potential/potential.hpp"

#include "inflanet/base/error.hpp"
#include "parser_cache.hpp"

#include <fmt/format.h>
#include <muParser.h>

#include <atomic>
#include <numbers>
#include <unordered_map>

namespace inflanet {

std::string Quadratic::describe() const {
  return fmt::format("quadratic(m={:.17g})", m);
}
std::string Quartic::describe() const {
  return fmt::format("quartic(lambda={:.17g})", lambda);
}
std::string QuadraticQuartic::describe() const {
  return fmt::format("quadratic_quartic(m={:.17g}, lambda={:.17g})", m, lambda);
}
std::string Axion::describe() const {
  return fmt::format("axion(Lambda4={:.17g}, f={:.17g})", Lambda4, f);
}
std::string Starobinsky::describe() const {
  return fmt::format("starobinsky(V0={:.17g}, Mp={:.17g})", V0, Mp);
}

namespace {

/// One thread's parsers for one ExpressionPotential. The parser stores the address of `phi`, so the
/// object must not move once built (it lives behind a unique_ptr).
struct Evaluator {
  double phi = 0.0;
  mu::Parser parser[3];
  bool has[3] = {false, false, false};

  explicit Evaluator(const ExpressionPotential::Spec& spec) {
    for (int i = 0; i < 3; ++i) {
      if (spec.expression[i].empty())
        continue;
      parser[i].DefineVar("phi", &phi);
      parser[i].DefineConst("pi", std::numbers::pi);
      parser[i].SetExpr(spec.expression[i]);
      has[i] = true;
    }
  }
  double eval(int which, double x) {
    phi = x;
    return parser[which].Eval();
  }
};

Evaluator& evaluator_for(const ExpressionPotential::Spec& spec) {
  return detail::thread_evaluator<Evaluator>(spec);
}

} // namespace

ExpressionPotential::ExpressionPotential(std::string expression, std::string dV_expression,
                                         std::string d2V_expression, double fd_step) {
  if (expression.empty())
    throw InputError("expression potential: the formula for V(phi) is empty");
  if (!(fd_step > 0.0) || !std::isfinite(fd_step))
    throw InputError(
        fmt::format("expression potential: finite-difference step must be > 0, got {}", fd_step));
  auto spec = std::make_shared<Spec>();
  spec->expression[0] = std::move(expression);
  spec->expression[1] = std::move(dV_expression);
  spec->expression[2] = std::move(d2V_expression);
  spec->fd_step = fd_step;
  spec->id = detail::next_expression_id();
  // muparser parses lazily on the first Eval: evaluate each formula once here so that syntax errors and
  // unknown names surface now, as input errors, rather than inside a threaded loop.
  static const char* const role[3] = {"V(phi)", "V'(phi)", "V''(phi)"};
  for (int i = 0; i < 3; ++i) {
    if (spec->expression[i].empty())
      continue;
    try {
      double phi = 0.0;
      mu::Parser parser;
      parser.DefineVar("phi", &phi);
      parser.DefineConst("pi", std::numbers::pi);
      parser.SetExpr(spec->expression[i]);
      (void)parser.Eval();
    } catch (const mu::Parser::exception_type& e) {
      throw InputError(fmt::format("expression potential: cannot parse {} = \"{}\": {} (at position {})",
                                   role[i], spec->expression[i], e.GetMsg(), e.GetPos()));
    }
  }
  spec_ = std::move(spec);
}

double ExpressionPotential::V(double phi) const {
  return evaluator_for(*spec_).eval(0, phi);
}

// Centred 6th-order stencils on x +- j h, j = 1..3:
//   f'  = [45 (f1 - f-1) - 9 (f2 - f-2) + (f3 - f-3)] / (60 h)
//   f'' = [270 (f1 + f-1) - 27 (f2 + f-2) + 2 (f3 + f-3) - 490 f0] / (180 h^2)
double ExpressionPotential::dV(double phi) const {
  Evaluator& ev = evaluator_for(*spec_);
  if (ev.has[1])
    return ev.eval(1, phi);
  const double h = spec_->fd_step * std::max(1.0, std::abs(phi));
  double d[4];
  for (int j = 1; j <= 3; ++j)
    d[j] = ev.eval(0, phi + j * h) - ev.eval(0, phi - j * h);
  return (45.0 * d[1] - 9.0 * d[2] + d[3]) / (60.0 * h);
}

double ExpressionPotential::d2V(double phi) const {
  Evaluator& ev = evaluator_for(*spec_);
  if (ev.has[2])
    return ev.eval(2, phi);
  const double h = spec_->fd_step * std::max(1.0, std::abs(phi));
  double s[4];
  for (int j = 1; j <= 3; ++j)
    s[j] = ev.eval(0, phi + j * h) + ev.eval(0, phi - j * h);
  return (270.0 * s[1] - 27.0 * s[2] + 2.0 * s[3] - 490.0 * ev.eval(0, phi)) / (180.0 * h * h);
}

std::string ExpressionPotential::describe() const {
  std::string out = fmt::format("expression(V=\"{}\"", spec_->expression[0]);
  if (!spec_->expression[1].empty())
    out += fmt::format(", dV=\"{}\"", spec_->expression[1]);
  else
    out += fmt::format(", dV=finite differences h={:.3g}*max(1,|phi|)", spec_->fd_step);
  if (!spec_->expression[2].empty())
    out += fmt::format(", d2V=\"{}\"", spec_->expression[2]);
  return out + ")";
}

namespace {

double checked(const char* kind, const char* key, double value) {
  if (!std::isfinite(value))
    throw InputError(fmt::format("potential {}: parameter {} is not finite ({})", kind, key, value));
  return value;
}

double checked_positive(const char* kind, const char* key, double value) {
  if (!(checked(kind, key, value) > 0.0))
    throw InputError(fmt::format("potential {}: parameter {} must be > 0, got {}", kind, key, value));
  return value;
}

} // namespace

Potential make_potential(const PotentialParams& p) {
  const std::string& k = p.kind;
  if (k == Quadratic::name)
    return Quadratic{checked(Quadratic::name, "m", p.m)};
  if (k == Quartic::name)
    return Quartic{checked(Quartic::name, "lambda", p.lambda)};
  if (k == QuadraticQuartic::name)
    return QuadraticQuartic{checked(QuadraticQuartic::name, "m", p.m),
                            checked(QuadraticQuartic::name, "lambda", p.lambda)};
  if (k == Axion::name)
    return Axion{checked(Axion::name, "Lambda4", p.Lambda4), checked_positive(Axion::name, "f", p.f)};
  if (k == Starobinsky::name)
    return Starobinsky{checked(Starobinsky::name, "V0", p.V0),
                       checked_positive(Starobinsky::name, "Mp", p.Mp)};
  if (k == ExpressionPotential::name)
    return ExpressionPotential(p.expression, p.dV_expression, p.d2V_expression);
  throw InputError(fmt::format("unknown potential kind \"{}\" (known: quadratic, quartic, quadratic_quartic, "
                               "axion, starobinsky, expression)",
                               k));
}

double potential_V(const Potential& pot, double phi) {
  return std::visit([phi](const auto& p) { return p.V(phi); }, pot);
}
double potential_dV(const Potential& pot, double phi) {
  return std::visit([phi](const auto& p) { return p.dV(phi); }, pot);
}
double potential_d2V(const Potential& pot, double phi) {
  return std::visit([phi](const auto& p) { return p.d2V(phi); }, pot);
}
std::string potential_name(const Potential& pot) {
  return std::visit([](const auto& p) { return std::string(std::decay_t<decltype(p)>::name); }, pot);
}
std::string potential_describe(const Potential& pot) {
  return std::visit([](const auto& p) { return p.describe(); }, pot);
}

} // namespace inflanet
