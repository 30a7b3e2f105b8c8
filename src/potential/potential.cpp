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

std::string joined(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

/// The values of exactly the parameters `keys` of built-in `kind`, in that order; those named in `positive`
/// must be > 0.
std::vector<double> builtin_parameters(const PotentialSpec& spec, const char* kind,
                                       const std::vector<std::string>& keys,
                                       const std::vector<std::string>& positive) {
  std::vector<double> values(keys.size());
  std::vector<bool> given(keys.size());
  for (const auto& [name, value] : spec.parameters) {
    const auto it = std::find(keys.begin(), keys.end(), name);
    if (it == keys.end())
      throw InputError(
          fmt::format("{}: unknown parameter \"{}\" ({} takes {})", kind, name, kind, joined(keys)));
    const auto k = static_cast<std::size_t>(it - keys.begin());
    if (given[k])
      throw InputError(fmt::format("{}: parameter \"{}\" is given twice", kind, name));
    if (!std::isfinite(value))
      throw InputError(fmt::format("{}: parameter {} is not finite ({})", kind, name, value));
    given[k] = true;
    values[k] = value;
  }
  for (std::size_t k = 0; k < keys.size(); ++k)
    if (!given[k])
      throw InputError(
          fmt::format("{}: missing parameter \"{}\" ({} takes {})", kind, keys[k], kind, joined(keys)));
  for (std::size_t k = 0; k < keys.size(); ++k)
    if (!(values[k] > 0.0) && std::find(positive.begin(), positive.end(), keys[k]) != positive.end())
      throw InputError(fmt::format("{}: parameter {} must be > 0, got {}", kind, keys[k], values[k]));
  return values;
}

void refuse_formulas(const PotentialSpec& spec, const char* kind) {
  if (!spec.V.empty() || !spec.dV.empty() || !spec.d2V.empty())
    throw InputError(fmt::format(
        "{}: a built-in takes no formulas (V, dV and d2V belong to kind = \"expression\")", kind));
}

/// Where the field named `role` sits in the deck's order (the binding rule of potential.hpp).
std::size_t role_index(const PotentialSpec& spec, const char* kind, const char* role, bool two_field) {
  const auto it = std::find(spec.fields.begin(), spec.fields.end(), role);
  if (it == spec.fields.end())
    throw InputError(fmt::format("{}: needs a field named \"{}\" (its fields are {}, bound by name); "
                                 "the deck's fields are {}",
                                 kind, role, two_field ? "phi and chi" : "phi",
                                 spec.fields.empty() ? std::string("none") : joined(spec.fields)));
  return static_cast<std::size_t>(it - spec.fields.begin());
}

/// One built-in kind: its parameters in the order of the deck's documentation, which is the order its model
/// takes them in, and those that must be > 0. The table of these is the one list of every kind's parameters.
struct BuiltIn {
  const char* kind;
  std::vector<std::string> parameters, positive;
  Potential (*make)(const PotentialSpec& spec, const std::vector<double>& values);
};

/// `Model` from its parameter values: a two-field model bound to phi and chi, a one-field one to phi.
template <class Model, std::size_t... I>
Potential construct(const PotentialSpec& spec, const std::vector<double>& p, std::index_sequence<I...>) {
  if constexpr (std::is_base_of_v<TwoFieldModel<Model>, Model>)
    return Model{p[I]..., FieldPair{role_index(spec, Model::name, "phi", true),
                                    role_index(spec, Model::name, "chi", true)}};
  else
    return OneField<Model>(Model{p[I]...}, role_index(spec, Model::name, "phi", false));
}

/// The entry of `Model`, whose parameters are `keys` (those in `positive` must be > 0).
template <class Model, std::size_t K>
BuiltIn built_in(const char* const (&keys)[K], std::vector<std::string> positive = {}) {
  return {Model::name, std::vector<std::string>(keys, keys + K), std::move(positive),
          [](const PotentialSpec& spec, const std::vector<double>& p) {
            return construct<Model>(spec, p, std::make_index_sequence<K>{});
          }};
}

const std::vector<BuiltIn>& built_ins() {
  static const std::vector<BuiltIn> table = {built_in<Quadratic>({"m"}),
                                             built_in<Quartic>({"lambda"}),
                                             built_in<QuadraticQuartic>({"m", "lambda"}),
                                             built_in<Axion>({"Lambda4", "f"}, {"f"}),
                                             built_in<Starobinsky>({"V0", "Mp"}, {"Mp"}),
                                             built_in<ChaoticG2>({"m", "g2"}),
                                             built_in<QuarticG2>({"lambda", "g2"}),
                                             built_in<Hybrid>({"lambda", "v", "g2", "m"}, {"lambda", "g2"})};
  return table;
}

/// Refuses an unknown kind, naming the known ones.
[[noreturn]] void refuse_unknown_kind(const std::string& kind) {
  std::vector<std::string> known;
  for (const auto& b : built_ins())
    known.emplace_back(b.kind);
  known.emplace_back(ExpressionPotential::name);
  throw InputError(fmt::format("unknown potential kind \"{}\" (known: {})", kind, joined(known)));
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

const std::vector<std::string>& potential_parameters(const std::string& kind) {
  static const std::vector<std::string> any;
  for (const auto& b : built_ins())
    if (b.kind == kind)
      return b.parameters;
  if (kind == ExpressionPotential::name)
    return any;
  refuse_unknown_kind(kind);
}

Potential make_potential(const PotentialSpec& spec) {
  for (std::size_t i = 0; i < spec.fields.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (spec.fields[i] == spec.fields[j])
        throw InputError(fmt::format("fields: \"{}\" is named twice", spec.fields[i]));
  if (spec.kind == ExpressionPotential::name)
    return make_expression(spec);
  for (const auto& b : built_ins())
    if (b.kind == spec.kind) {
      refuse_formulas(spec, b.kind);
      return b.make(spec, builtin_parameters(spec, b.kind, b.parameters, b.positive));
    }
  refuse_unknown_kind(spec.kind);
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
