#include "inflanet/potential/potential.hpp"

#include "inflanet/base/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

namespace inflanet {

std::string ChaoticG2::describe() const {
  return fmt::format("chaotic_g2(m={:.17g}, g2={:.17g}, phi=#{}, chi=#{})", m, g2, fields.phi, fields.chi);
}
std::string QuarticG2::describe() const {
  return fmt::format("quartic_g2(lambda={:.17g}, g2={:.17g}, phi=#{}, chi=#{})", lambda, g2, fields.phi,
                     fields.chi);
}
std::string Hybrid::describe() const {
  return fmt::format("hybrid(lambda={:.17g}, v={:.17g}, g2={:.17g}, m={:.17g}, phi=#{}, chi=#{})", lambda, v,
                     g2, m, fields.phi, fields.chi);
}

namespace {

constexpr const char* kinds[] = {Quadratic::name, Quartic::name,     QuadraticQuartic::name,
                                 Axion::name,     Starobinsky::name, ChaoticG2::name,
                                 QuarticG2::name, Hybrid::name,      ExpressionPotential::name};

std::string joined(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

/// The values of exactly the parameters `keys` of built-in `kind`, in that order.
template <std::size_t K>
std::array<double, K> builtin_parameters(const PotentialSpec& spec, const char* kind,
                                         const std::array<const char*, K>& keys) {
  const std::vector<std::string> expected(keys.begin(), keys.end());
  std::array<double, K> values{};
  std::array<bool, K> given{};
  for (const auto& [name, value] : spec.parameters) {
    const auto it = std::find(expected.begin(), expected.end(), name);
    if (it == expected.end())
      throw InputError(
          fmt::format("{}: unknown parameter \"{}\" ({} takes {})", kind, name, kind, joined(expected)));
    const auto k = static_cast<std::size_t>(it - expected.begin());
    if (given[k])
      throw InputError(fmt::format("{}: parameter \"{}\" is given twice", kind, name));
    if (!std::isfinite(value))
      throw InputError(fmt::format("{}: parameter {} is not finite ({})", kind, name, value));
    given[k] = true;
    values[k] = value;
  }
  for (std::size_t k = 0; k < K; ++k)
    if (!given[k])
      throw InputError(
          fmt::format("{}: missing parameter \"{}\" ({} takes {})", kind, keys[k], kind, joined(expected)));
  return values;
}

void refuse_formulas(const PotentialSpec& spec, const char* kind) {
  if (!spec.V.empty() || !spec.dV.empty() || !spec.d2V.empty())
    throw InputError(fmt::format(
        "{}: a built-in takes no formulas (V, dV and d2V belong to kind = \"expression\")", kind));
}

bool requires_chi(const char* kind) {
  return std::string_view(kind) == ChaoticG2::name || std::string_view(kind) == QuarticG2::name ||
         std::string_view(kind) == Hybrid::name;
}

/// Where the field named `role` sits in the deck's order (the binding rule of potential.hpp).
std::size_t role_index(const PotentialSpec& spec, const char* kind, const char* role) {
  const auto it = std::find(spec.fields.begin(), spec.fields.end(), role);
  if (it == spec.fields.end())
    throw InputError(fmt::format(
        "{}: needs a field named \"{}\" (its fields are {}, bound by name); "
        "the deck's fields are {}",
        kind, role, std::string_view(role) == "phi" && !requires_chi(kind) ? "phi" : "phi and chi",
        spec.fields.empty() ? std::string("none") : joined(spec.fields)));
  return static_cast<std::size_t>(it - spec.fields.begin());
}

/// Binds a two-field built-in's roles phi and chi to deck fields by name.
FieldPair bind_roles(const PotentialSpec& spec, const char* kind) {
  return FieldPair{role_index(spec, kind, "phi"), role_index(spec, kind, "chi")};
}

/// A one-field built-in from its parameters (in potential_parameters order), bound to the field phi.
template <class Model, std::size_t K>
OneField<Model> one_field(const PotentialSpec& spec, const std::array<const char*, K>& keys,
                          const std::array<bool, K>& positive) {
  refuse_formulas(spec, Model::name);
  const auto p = builtin_parameters<K>(spec, Model::name, keys);
  for (std::size_t k = 0; k < K; ++k)
    if (positive[k] && !(p[k] > 0.0))
      throw InputError(fmt::format("{}: parameter {} must be > 0, got {}", Model::name, keys[k], p[k]));
  Model model;
  if constexpr (K == 1) {
    model = Model{p[0]};
  } else {
    model = Model{p[0], p[1]};
  }
  return OneField<Model>(model, role_index(spec, Model::name, "phi"));
}

std::size_t field_index(const PotentialSpec& spec, const std::string& name, const char* key) {
  const auto it = std::find(spec.fields.begin(), spec.fields.end(), name);
  if (it == spec.fields.end())
    throw InputError(fmt::format("{}: no field named \"{}\" (the deck's fields are {})", key, name,
                                 spec.fields.empty() ? std::string("none") : joined(spec.fields)));
  return static_cast<std::size_t>(it - spec.fields.begin());
}

ExpressionPotential make_expression(const PotentialSpec& spec) {
  const std::size_t n = spec.fields.size();
  ExpressionPotential::Definition def;
  def.fields = spec.fields;
  def.parameters = spec.parameters;
  def.V = spec.V;
  def.dV.assign(n, std::string());
  for (const auto& [field, formula] : spec.dV) {
    const std::size_t i = field_index(spec, field, "dV");
    if (!def.dV[i].empty())
      throw InputError(fmt::format("dV/d{}: given twice", field));
    def.dV[i] = formula;
  }
  if (!spec.d2V.empty()) {
    def.d2V.assign(n * n, std::string());
    for (const auto& [pair, formula] : spec.d2V) {
      const std::size_t i = field_index(spec, pair.first, "d2V");
      const std::size_t j = field_index(spec, pair.second, "d2V");
      if (!def.d2V[n * i + j].empty() || !def.d2V[n * j + i].empty())
        throw InputError(fmt::format("{}: given twice", derivative_name(spec.fields, i, j)));
      def.d2V[n * i + j] = formula;
    }
  }
  return ExpressionPotential(std::move(def));
}

std::size_t required_fields(const Potential& pot) {
  return std::visit(
      [](const auto& p) -> std::size_t {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, ExpressionPotential>)
          return p.field_count();
        else if constexpr (requires { p.field; })
          return p.field + 1;
        else
          return std::max(p.fields.phi, p.fields.chi) + 1;
      },
      pot);
}

} // namespace

std::string potential_kinds() {
  return fmt::format("{}", fmt::join(kinds, ", "));
}

const std::vector<std::string>& potential_parameters(const std::string& kind) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> table = {
      {Quadratic::name, {"m"}},
      {Quartic::name, {"lambda"}},
      {QuadraticQuartic::name, {"m", "lambda"}},
      {Axion::name, {"Lambda4", "f"}},
      {Starobinsky::name, {"V0", "Mp"}},
      {ChaoticG2::name, {"m", "g2"}},
      {QuarticG2::name, {"lambda", "g2"}},
      {Hybrid::name, {"lambda", "v", "g2", "m"}},
      {ExpressionPotential::name, {}}};
  for (const auto& [name, parameters] : table)
    if (name == kind)
      return parameters;
  throw InputError(fmt::format("unknown potential kind \"{}\" (known: {})", kind, potential_kinds()));
}

Potential make_potential(const PotentialSpec& spec) {
  const std::string& k = spec.kind;
  for (std::size_t i = 0; i < spec.fields.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (spec.fields[i] == spec.fields[j])
        throw InputError(fmt::format("fields: \"{}\" is named twice", spec.fields[i]));
  if (k == Quadratic::name)
    return one_field<Quadratic, 1>(spec, {"m"}, {false});
  if (k == Quartic::name)
    return one_field<Quartic, 1>(spec, {"lambda"}, {false});
  if (k == QuadraticQuartic::name)
    return one_field<QuadraticQuartic, 2>(spec, {"m", "lambda"}, {false, false});
  if (k == Axion::name)
    return one_field<Axion, 2>(spec, {"Lambda4", "f"}, {false, true});
  if (k == Starobinsky::name)
    return one_field<Starobinsky, 2>(spec, {"V0", "Mp"}, {false, true});
  if (k == ChaoticG2::name) {
    refuse_formulas(spec, ChaoticG2::name);
    const auto p = builtin_parameters<2>(spec, ChaoticG2::name, {"m", "g2"});
    return ChaoticG2{p[0], p[1], bind_roles(spec, ChaoticG2::name)};
  }
  if (k == QuarticG2::name) {
    refuse_formulas(spec, QuarticG2::name);
    const auto p = builtin_parameters<2>(spec, QuarticG2::name, {"lambda", "g2"});
    return QuarticG2{p[0], p[1], bind_roles(spec, QuarticG2::name)};
  }
  if (k == Hybrid::name) {
    refuse_formulas(spec, Hybrid::name);
    const auto p = builtin_parameters<4>(spec, Hybrid::name, {"lambda", "v", "g2", "m"});
    if (!(p[0] > 0.0))
      throw InputError(fmt::format("hybrid: parameter lambda must be > 0, got {}", p[0]));
    if (!(p[2] > 0.0))
      throw InputError(fmt::format("hybrid: parameter g2 must be > 0, got {}", p[2]));
    return Hybrid{p[0], p[1], p[2], p[3], bind_roles(spec, Hybrid::name)};
  }
  if (k == ExpressionPotential::name)
    return make_expression(spec);
  throw InputError(fmt::format("unknown potential kind \"{}\" (known: {})", k, potential_kinds()));
}

double potential_V(const Potential& pot, std::span<const double> f) {
  return std::visit([f](const auto& p) { return p.V(f); }, pot);
}
double potential_dV(const Potential& pot, std::span<const double> f, std::size_t i) {
  return std::visit([f, i](const auto& p) { return p.dV(f, i); }, pot);
}
double potential_d2V(const Potential& pot, std::span<const double> f, std::size_t i, std::size_t j) {
  return std::visit([f, i, j](const auto& p) { return p.d2V(f, i, j); }, pot);
}
std::string potential_name(const Potential& pot) {
  return std::visit([](const auto& p) { return std::string(std::decay_t<decltype(p)>::name); }, pot);
}
std::string potential_describe(const Potential& pot) {
  return std::visit([](const auto& p) { return p.describe(); }, pot);
}

std::vector<double> hessian(const Potential& pot, std::span<const double> values) {
  const std::size_t n = values.size();
  if (n < required_fields(pot))
    throw RuntimeError(fmt::format("hessian: {} needs {} field values, got {}", potential_describe(pot),
                                   required_fields(pot), n));
  std::vector<double> h(n * n);
  std::visit(
      [&](const auto& p) {
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j <= i; ++j)
            h[n * i + j] = h[n * j + i] = p.d2V(values, i, j);
      },
      pot);
  return h;
}

namespace {

std::size_t matrix_order(std::span<const double> matrix) {
  const auto n = static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(matrix.size()))));
  if (n * n != matrix.size())
    throw RuntimeError(fmt::format("mass eigensystem: {} entries is not a square matrix", matrix.size()));
  for (double x : matrix)
    if (!std::isfinite(x))
      throw InputError(
          "mass eigensystem: the mass matrix has a non-finite entry (the potential is not finite "
          "at the initial means?)");
  return n;
}

} // namespace

MassEigensystem mass_eigensystem(std::span<const double> matrix) {
  const std::size_t n = matrix_order(matrix);
  MassEigensystem out;
  out.vectors.assign(matrix.begin(), matrix.end());
  out.values.resize(n);
  if (n == 0)
    return out;
  const auto ni = static_cast<lapack_int>(n);
  // Row-major, lower triangle: LAPACKE hands LAPACK the transpose, whose upper triangle is the same matrix;
  // on exit row i holds the i-th components, i.e. column k is eigenvector k.
  const lapack_int info =
      LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'L', ni, out.vectors.data(), ni, out.values.data());
  if (info != 0)
    throw RuntimeError(fmt::format("mass eigensystem: LAPACKE_dsyev failed (info = {})", info));
  return out;
}

std::vector<double> mass_eigenvalues(std::span<const double> matrix) {
  const std::size_t n = matrix_order(matrix);
  if (n == 1)
    return {matrix[0]};
  if (n == 2) {
    // [[a, b], [b, d]]: (a + d)/2 -+ sqrt(((a - d)/2)^2 + b^2); hypot avoids overflow and keeps the
    // smaller root accurate when the splitting dominates.
    const double a = matrix[0], b = matrix[2], d = matrix[3];
    const double mean = 0.5 * (a + d), r = std::hypot(0.5 * (a - d), b);
    return {mean - r, mean + r};
  }
  return mass_eigensystem(matrix).values;
}

namespace {

/// Richardson-extrapolated central difference of g along field j at x: (4 D(h/2) - D(h)) / 3, with the
/// round-off scale 64 eps max|g on the stencil| / h (a generous bound on the extrapolation's ~3 eps/h).
template <class G>
std::pair<double, double> richardson(G&& g, std::vector<double>& x, std::size_t j, double step) {
  const double x0 = x[j], h = step * std::max(1.0, std::abs(x0));
  double maxabs = 0.0;
  auto at = [&](double dx) {
    x[j] = x0 + dx;
    const double v = g(x);
    maxabs = std::max(maxabs, std::abs(v));
    return v;
  };
  const double d1 = (at(h) - at(-h)) / (2.0 * h);
  const double d2 = (at(0.5 * h) - at(-0.5 * h)) / h;
  x[j] = x0;
  const double noise = 64.0 * std::numeric_limits<double>::epsilon() * maxabs / h;
  return {(4.0 * d2 - d1) / 3.0, noise};
}

DerivativeCheckEntry compare(std::string derivative, std::string formula, const std::vector<double>& point,
                             double given, std::pair<double, double> fd_noise, double tolerance) {
  const auto [fd, noise] = fd_noise;
  DerivativeCheckEntry e;
  e.derivative = std::move(derivative);
  e.formula = std::move(formula);
  e.point = point;
  e.given = given;
  e.finite_difference = fd;
  const double diff = std::abs(given - fd);
  e.relative_difference = diff / std::max({std::abs(fd), noise, std::numeric_limits<double>::min()});
  e.passed = std::isfinite(given) && std::isfinite(fd) &&
             diff <= tolerance * std::max(std::abs(given), std::abs(fd)) + noise;
  return e;
}

} // namespace

DerivativeCheckReport derivative_report(const Potential& pot, const std::vector<std::string>& fields,
                                        const std::vector<std::vector<double>>& points, double tolerance) {
  constexpr double step = 1e-3; // h = step max(1, |x_j|): see derivative_check.hpp
  const std::size_t n = fields.size();
  if (n < required_fields(pot))
    throw RuntimeError(fmt::format("derivative check: {} needs {} fields, got names for {}",
                                   potential_describe(pot), required_fields(pot), n));
  DerivativeCheckReport report;
  report.fields = fields;
  report.tolerance = tolerance;
  const auto* expr = std::get_if<ExpressionPotential>(&pot);
  const std::size_t none = static_cast<std::size_t>(-1);
  for (const auto& point : points) {
    if (point.size() != n)
      throw RuntimeError(
          fmt::format("derivative check: a point has {} values for {} fields", point.size(), n));
    std::vector<double> x = point;
    std::visit(
        [&](const auto& p) {
          for (std::size_t i = 0; i < n; ++i) {
            const auto fd = richardson([&](const std::vector<double>& y) { return p.V(y); }, x, i, step);
            report.entries.push_back(compare(derivative_name(fields, i, none),
                                             expr ? expr->formula(1 + i) : std::string(), point,
                                             p.dV(point, i), fd, tolerance));
            report.entries.back().role = {i, FormulaRole::none};
          }
          // Hessian entries: every one of a built-in's (upper triangle: they are symmetric by construction);
          // an expression's given ones (an entry given for one order serves both: checked once, unless the
          // two orders were given different formulas), against differences of the (already checked) dV.
          for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) {
              const std::string formula = expr ? expr->formula(1 + n + n * i + j) : std::string();
              if (expr ? formula.empty() || (j < i && formula == expr->formula(1 + n + n * j + i)) : j < i)
                continue;
              const auto fd =
                  richardson([&](const std::vector<double>& y) { return p.dV(y, i); }, x, j, step);
              report.entries.push_back(
                  compare(derivative_name(fields, i, j), formula, point, p.d2V(point, i, j), fd, tolerance));
              report.entries.back().role = {i, j};
            }
        },
        pot);
  }
  return report;
}

DerivativeCheckReport check_derivatives(const Potential& pot, const std::vector<std::string>& fields,
                                        const std::vector<std::vector<double>>& points, double tolerance) {
  DerivativeCheckReport report = derivative_report(pot, fields, points, tolerance);
  if (!report.passed())
    throw InputError(report.failure_message());
  return report;
}

} // namespace inflanet
