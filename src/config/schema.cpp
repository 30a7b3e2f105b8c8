/// \file
/// \brief The input-deck schema: key specifications, their validation, spelling suggestions, and the
/// inflanet key list itself.
#include "inflanet/config/schema.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace inflanet::config {

namespace {

/// Bounds are printed without a trailing ".0" ("an integer >= 2", "a real number > 0").
std::string bound_text(double v) {
  return fmt::format("{}", v);
}

bool below(double x, const Bound& b) {
  return b.inclusive ? x < b.value : x <= b.value;
}
bool above(double x, const Bound& b) {
  return b.inclusive ? x > b.value : x >= b.value;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : ", ") + toml_literal(Value{items[i]});
  }
  return out;
}

bool is_identifier_text(std::string_view s) {
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  return !s.empty() && letter(s.front()) &&
         std::all_of(s.begin(), s.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

KeySpec typed(Type type, std::string path, std::string doc) {
  KeySpec k;
  k.path = std::move(path);
  k.type = type;
  k.doc = std::move(doc);
  return k;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------- KeySpec

KeySpec KeySpec::integer(std::string path, std::string doc) {
  return typed(Type::integer, std::move(path), std::move(doc));
}
KeySpec KeySpec::real(std::string path, std::string doc) {
  return typed(Type::real, std::move(path), std::move(doc));
}
KeySpec KeySpec::boolean(std::string path, std::string doc) {
  return typed(Type::boolean, std::move(path), std::move(doc));
}
KeySpec KeySpec::string(std::string path, std::string doc) {
  return typed(Type::string, std::move(path), std::move(doc));
}

KeySpec& KeySpec::required() {
  is_required = true;
  return *this;
}
KeySpec& KeySpec::set_default(Value value) {
  // A real key may be given an integer default (`defaults_to(1)`): store it as the double it means.
  if (type == Type::real && std::holds_alternative<std::int64_t>(value)) {
    value = static_cast<double>(std::get<std::int64_t>(value));
  }
  default_value = std::move(value);
  return *this;
}
KeySpec& KeySpec::at_least(double v) {
  min = Bound{v, true};
  return *this;
}
KeySpec& KeySpec::greater_than(double v) {
  min = Bound{v, false};
  return *this;
}
KeySpec& KeySpec::at_most(double v) {
  max = Bound{v, true};
  return *this;
}
KeySpec& KeySpec::one_of(std::vector<std::string> allowed) {
  choices = std::move(allowed);
  return *this;
}
KeySpec& KeySpec::identifier() {
  is_identifier = true;
  return *this;
}
KeySpec& KeySpec::omitted_when_unset() {
  when_unset = WhenUnset::omitted;
  return *this;
}

std::string KeySpec::section() const {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string{} : path.substr(0, dot);
}
std::string KeySpec::name() const {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string KeySpec::expectation() const {
  if (!choices.empty()) {
    return "one of " + quoted_list(choices);
  }
  if (is_identifier) {
    return "an identifier (letters, digits and _, not starting with a digit)";
  }
  std::string out = type_name(type);
  if (min && max) {
    out += fmt::format(" in {}{}, {}{}", min->inclusive ? "[" : "(", bound_text(min->value),
                       bound_text(max->value), max->inclusive ? "]" : ")");
  } else if (min) {
    out += fmt::format(" {} {}", min->inclusive ? ">=" : ">", bound_text(min->value));
  } else if (max) {
    out += fmt::format(" {} {}", max->inclusive ? "<=" : "<", bound_text(max->value));
  }
  return out;
}

std::optional<std::string> KeySpec::violation(const Value& value) const {
  // Numbers are shown as the user would write them ("got -1", not "got -1.0": an integer literal is
  // accepted for a real key, so the ".0" would misquote the deck).
  const std::string got = std::holds_alternative<double>(value) ? fmt::format("{}", std::get<double>(value))
                                                                : toml_literal(value);
  if (const auto* s = std::get_if<std::string>(&value)) {
    if (is_identifier && !is_identifier_text(*s)) {
      return fmt::format("expected {}, got {}", expectation(), got);
    }
    if (choices.empty() || std::find(choices.begin(), choices.end(), *s) != choices.end()) {
      return std::nullopt;
    }
    std::string msg = fmt::format("expected {}, got {}", expectation(), got);
    if (auto near = closest(*s, choices)) {
      msg += fmt::format(" (did you mean {}?)", toml_literal(Value{*near}));
    }
    return msg;
  }
  double x = 0.0;
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    x = static_cast<double>(*i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    // nan and inf are legal TOML floats; no physical input is, so they are refused for every real key.
    if (!std::isfinite(*d)) {
      std::string exp = expectation();
      return fmt::format("expected a finite {}, got {}", exp.substr(exp.find(' ') + 1), got);
    }
    x = *d;
  } else {
    return std::nullopt; // booleans carry no constraint
  }
  if ((min && below(x, *min)) || (max && above(x, *max))) {
    return fmt::format("expected {}, got {}", expectation(), got);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------- Schema

Schema::Schema() {
  sections_.push_back({"", Presence::defaulted, "top-level keys"});
}

Schema& Schema::section(std::string name, Presence presence, std::string doc, WhenUnset when_absent) {
  if (find_section(name) != nullptr) {
    throw std::logic_error("Schema: duplicate section [" + name + "]");
  }
  // A dotted name would make "section.key" paths ambiguous, and element overrides (field.<name>.key)
  // split the path at its dots.
  if (name.empty() || name.find('.') != std::string::npos) {
    throw std::logic_error("Schema: section name '" + name + "' must be non-empty and without dots");
  }
  if (when_absent == WhenUnset::omitted && presence != Presence::optional && presence != Presence::repeated) {
    throw std::logic_error("Schema: section [" + name +
                           "] is never absent; it cannot be omitted when absent");
  }
  sections_.push_back({std::move(name), presence, std::move(doc), when_absent});
  return *this;
}

Schema& Schema::key(KeySpec spec) {
  // Schema mistakes are programming errors: catch them the first time the schema is built (every test
  // run builds it), not when a user happens to rely on the faulty default.
  const auto fail = [&](const std::string& why) {
    throw std::logic_error("Schema key '" + spec.path + "': " + why);
  };
  if (find_section(spec.section()) == nullptr) {
    fail("section [" + spec.section() + "] is not declared");
  }
  if (find(spec.path) != nullptr) {
    fail("duplicate key");
  }
  if (spec.is_required && spec.default_value) {
    fail("a required key cannot have a default");
  }
  if (!spec.choices.empty() && spec.type != Type::string) {
    fail("choices need a string key");
  }
  if ((spec.min || spec.max) && spec.type != Type::integer && spec.type != Type::real) {
    fail("bounds need a numeric key");
  }
  if (spec.is_identifier && spec.type != Type::string) {
    fail("an identifier needs a string key");
  }
  if (spec.when_unset == WhenUnset::omitted && (spec.is_required || spec.default_value)) {
    fail("only an optional-without-default key can be unset, hence omitted");
  }
  if (spec.default_value) {
    if (spec.default_value->index() != static_cast<std::size_t>(spec.type)) {
      fail("default has the wrong type");
    }
    if (auto why = spec.violation(*spec.default_value)) {
      fail("default violates the key's constraints: " + *why);
    }
  }
  keys_.push_back(std::move(spec));
  return *this;
}

const KeySpec* Schema::find(std::string_view path) const noexcept {
  const auto i = index_of(path);
  return i < keys_.size() ? &keys_[i] : nullptr;
}

std::size_t Schema::index_of(std::string_view path) const noexcept {
  const auto it = std::find_if(keys_.begin(), keys_.end(), [&](const KeySpec& k) { return k.path == path; });
  return static_cast<std::size_t>(it - keys_.begin());
}

const SectionSpec* Schema::find_section(std::string_view name) const noexcept {
  const auto it =
      std::find_if(sections_.begin(), sections_.end(), [&](const SectionSpec& s) { return s.name == name; });
  return it == sections_.end() ? nullptr : &*it;
}

// ------------------------------------------------------------------------------------------- spelling

std::size_t edit_distance(std::string_view a_in, std::string_view b_in) {
  const std::string a = lower(a_in);
  const std::string b = lower(b_in);
  // Optimal string alignment: Levenshtein plus adjacent transposition ("tiem" -> "time" costs 1).
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

// ------------------------------------------------------------------------------------------ formatting

std::string type_name(Type type) {
  // In the order of Type.
  constexpr std::array<const char*, 4> names{"an integer", "a real number", "a boolean", "a string"};
  return names[static_cast<std::size_t>(type)];
}

std::string toml_literal(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return fmt::format("{}", *i);
  }
  if (const auto* b = std::get_if<bool>(&value)) {
    return *b ? "true" : "false";
  }
  if (const auto* d = std::get_if<double>(&value)) {
    if (std::isnan(*d))
      return "nan";
    if (std::isinf(*d))
      return *d > 0 ? "inf" : "-inf";
    // fmt's "{}" is the shortest string that reads back to the same double; make sure it still reads
    // back as a TOML *float* ("1" would be an integer).
    std::string s = fmt::format("{}", *d);
    if (s.find_first_of(".e") == std::string::npos)
      s += ".0";
    return s;
  }
  // A TOML basic string: escape backslash, quote and control characters.
  const auto& s = std::get<std::string>(value);
  std::string out = "\"";
  // Each of `special` is written as a backslash and its letter in `written`.
  constexpr std::string_view special = "\"\\\n\t\r", written = "\"\\ntr";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (const auto i = special.find(ch); i != std::string_view::npos) {
      out += {'\\', written[i]};
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// ----------------------------------------------------------------------------------- the inflanet deck

Schema inflanet_schema() {
  // Program units: the user fixes H (typically 1) and M_p = 1, so times are in 1/H, energies
  // densities in H^2 M_p^2, field values in M_p. Units appear in square brackets in every doc line.
  const std::vector<std::string> integrators{"euler", "leapfrog", "yoshida4", "yoshida6"};
  Schema s;

  // Optional in the schema: the inflaton, the coupled run and a network on dataset = "lattice" require it
  // (Deck::require_section, in their parameters), a network on a file or a synthetic teacher refuses it.
  s.section("lattice", Presence::optional, "the comoving box and its grid");
  s.key(KeySpec::integer("lattice.N", "grid points per side; the lattice has N^3 sites")
            .required()
            .at_least(2));
  s.key(KeySpec::real("lattice.L", "comoving side of the periodic box [1/H]").required().greater_than(0));

  s.section("background", Presence::defaulted, "the fixed spacetime the inflaton lives in");
  // The doc of background.kind keeps its pre-"friedmann" wording, and the multi-field keys below are
  // omitted from resolved decks when unset: every resolved deck is stored in the run's output files, and
  // the decks that predate them must keep resolving to the same bytes. friedmann is documented on
  // rho_lambda and in docs/input_deck.md.
  s.key(KeySpec::string("background.kind", "de Sitter a = a0 exp(H t), or Minkowski a = a0")
            .one_of({"desitter", "minkowski", "friedmann"})
            .defaults_to("desitter"));
  s.key(KeySpec::real("background.H", "Hubble rate; sets the program unit of time [H]")
            .at_least(0)
            .defaults_to(1.0));
  s.key(KeySpec::real("background.a0", "scale factor at t = 0 [dimensionless]")
            .greater_than(0)
            .defaults_to(1.0));
  s.key(KeySpec::real("background.rho_lambda",
                      "kind = \"friedmann\" (a(t) sourced by the fields, H^2 = rho/3) only: cosmological-"
                      "constant energy density added to rho; unset = 0 [M_p^2 H^2]")
            .omitted_when_unset());

  // Omitted from resolved decks when absent, so the decks that predate it resolve to the same bytes.
  s.section("units", Presence::optional,
            "the physical scale of the program units; outputs then carry SI factors (openPMD unitSI)",
            WhenUnset::omitted);
  s.key(
      KeySpec::real("units.energy_GeV",
                    "the program unit of energy = inverse program time = comoving momentum at a = 1; unset: "
                    "a Friedmann run's M_p = 2.435e18 GeV, otherwise no physical scale [GeV]")
          .greater_than(0));
  s.key(
      KeySpec::real("units.field_GeV",
                    "the program unit of field amplitude; unset: units.energy_GeV (the vacuum is drawn with "
                    "hbar = 1 in one unit), in a Friedmann run M_p [GeV]")
          .greater_than(0));

  s.section("inflaton", Presence::optional, "the scalar field, its potential and initial conditions");
  s.key(KeySpec::string("inflaton.potential", "family of V(phi)")
            .one_of({"quadratic", "quartic", "quadratic_quartic", "axion", "starobinsky", "expression"})
            .defaults_to("quadratic"));
  s.key(KeySpec::real("inflaton.m", "mass in V = m^2 phi^2 / 2 [H]").at_least(0).defaults_to(0.0));
  s.key(KeySpec::real("inflaton.lambda", "quartic coupling in V = lambda phi^4 / 4 [dimensionless]")
            .at_least(0)
            .defaults_to(0.0));
  s.key(KeySpec::real("inflaton.Lambda4", "axion scale in V = Lambda4 (1 - cos(phi / f)) [H^2 M_p^2]")
            .at_least(0)
            .defaults_to(1.0));
  s.key(KeySpec::real("inflaton.f", "axion decay constant [M_p]").greater_than(0).defaults_to(1.0));
  s.key(KeySpec::real("inflaton.V0",
                      "Starobinsky plateau in V = V0 (1 - exp(-sqrt(2/3) phi / Mp))^2 [H^2 M_p^2]")
            .at_least(0)
            .defaults_to(1.0));
  s.key(KeySpec::real("inflaton.Mp", "reduced Planck mass [M_p]; 1 in program units")
            .greater_than(0)
            .defaults_to(1.0));
  s.key(KeySpec::string("inflaton.expression",
                        "V(phi) in muparser syntax for potential = \"expression\" [H^2 M_p^2]")
            .defaults_to(""));
  s.key(KeySpec::real("inflaton.phi0", "homogeneous initial field value [M_p]").defaults_to(0.0));
  s.key(KeySpec::real("inflaton.phidot0", "homogeneous initial velocity dphi/dt [H M_p]").defaults_to(0.0));
  s.key(KeySpec::string("inflaton.fluctuations", "initial fluctuations: Bunch-Davies vacuum modes, or none")
            .one_of({"bunch-davies", "none"})
            .defaults_to("bunch-davies"));
  s.key(KeySpec::integer("inflaton.seed", "random seed of the initial fluctuations")
            .at_least(0)
            .defaults_to(1));
  s.key(KeySpec::real("inflaton.kcut", "comoving cutoff of the initial fluctuations, 0 = none [H]")
            .at_least(0)
            .defaults_to(0.0));

  // Multi-field runs: one [[field]] table per field, all evolving under one [potential]. Both sections are
  // omitted from resolved decks when absent (see background.kind above).
  s.section("field", Presence::repeated,
            "one real scalar field of a multi-field run; the fields evolve together under [potential]",
            WhenUnset::omitted);
  s.key(KeySpec::string("field.name",
                        "the field's name in expressions, overrides (field.<name>.key=value) and outputs")
            .required()
            .identifier());
  s.key(KeySpec::real("field.mean", "homogeneous initial value [M_p]").defaults_to(0.0));
  s.key(KeySpec::real("field.velocity", "homogeneous initial velocity dphi/dt [H M_p]").defaults_to(0.0));
  s.key(
      KeySpec::string("field.fluctuations",
                      "initial vacuum fluctuations: Bunch-Davies in the initial Hubble rate, flat-space WKB "
                      "1/sqrt(2 omega) with omega^2 = k^2/a0^2 + m_eff^2, or none")
          .one_of({"bunch-davies", "wkb", "none"})
          .defaults_to("bunch-davies"));
  s.key(KeySpec::integer("field.seed",
                         "random seed of this field's fluctuations; unset = 1 + the field's 0-based position")
            .at_least(0));
  s.key(KeySpec::real("field.kcut", "comoving cutoff of the initial fluctuations, 0 = none [H]")
            .at_least(0)
            .defaults_to(0.0));
  s.key(
      KeySpec::string("field.profile",
                      "prescribed initial configuration added to mean at every site: a formula of the "
                      "comoving site coordinates x, y, z (x = i*L/N for site index i, in [0, L)) and the box "
                      "length L; with fluctuations = \"none\" mean + profile is the whole initial field; "
                      "unset = none [M_p]")
          .omitted_when_unset());
  s.key(
      KeySpec::string("field.velocity_profile",
                      "prescribed initial dphi/dt added to velocity at every site, a formula of x, y, z and "
                      "L like profile; unset = none [H M_p]")
          .omitted_when_unset());
  s.key(KeySpec::string("field.dV", "expression potentials: dV/d<this field> as a formula of the fields and "
                                    "[potential] parameters [H^2 M_p]"));
  s.key(KeySpec::string("field.d2V", "expression potentials, optional: d2V/d<this field>^2; unset = a finite "
                                     "difference of dV [H^2]"));

  s.section("potential", Presence::optional, "V of all [[field]]s: a built-in kind or an expression",
            WhenUnset::omitted);
  s.key(KeySpec::string(
            "potential.kind",
            "V of the fields: the one-field built-ins of the field phi, quadratic (m), quartic "
            "(lambda), quadratic_quartic (m, lambda), axion (Lambda4, f), starobinsky (V0, Mp); the "
            "two-field built-ins of phi and chi, chaotic_g2 (m, g2), quartic_g2 (lambda, g2), "
            "hybrid (lambda, v, g2, m); or expression (V, with every parameter as a named constant)")
            .required()
            .one_of({"quadratic", "quartic", "quadratic_quartic", "axion", "starobinsky", "chaotic_g2",
                     "quartic_g2", "hybrid", "expression"}));
  s.key(KeySpec::real("potential.m", "mass parameter: quadratic, quadratic_quartic, chaotic_g2, hybrid [H]"));
  s.key(KeySpec::real("potential.Lambda4", "axion scale in Lambda4 (1 - cos(phi / f)): axion [H^2 M_p^2]"));
  s.key(KeySpec::real("potential.f", "axion decay constant: axion [M_p]"));
  s.key(KeySpec::real("potential.V0", "plateau in V0 (1 - exp(-sqrt(2/3) phi / Mp))^2: starobinsky "
                                      "[H^2 M_p^2]"));
  s.key(KeySpec::real("potential.Mp", "reduced Planck mass: starobinsky [M_p]"));
  s.key(KeySpec::real("potential.g2", "coupling g^2 between the fields: chaotic_g2, quartic_g2, hybrid "
                                      "[dimensionless]"));
  s.key(
      KeySpec::real("potential.lambda",
                    "quartic self-coupling: quartic, quadratic_quartic, quartic_g2, hybrid [dimensionless]"));
  s.key(KeySpec::real("potential.v", "symmetry-breaking vacuum expectation value: hybrid [M_p]"));
  s.key(KeySpec::string("potential.V", "expression: V as a formula of the field names and parameters "
                                       "[H^2 M_p^2]"));

  s.section("time", Presence::optional, "time stepping of the inflaton (and of the coupled run)");
  // Not required by the schema: a coupled run with duality.match = "network" derives it (sqrt(eta)); the
  // inflaton run requires it itself.
  s.key(KeySpec::real("time.dt",
                      "time step in cosmic time t; with time.alpha > 0 the largest step in eta [1/H]")
            .greater_than(0));
  s.key(KeySpec::real("time.t_end", "final cosmic time, the run starts at t = 0 [1/H]")
            .required()
            .greater_than(0));
  s.key(KeySpec::string("time.integrator", "time integrator of the field equations")
            .one_of(integrators)
            .defaults_to("leapfrog"));
  // Not ranged here: LatticeParameters refuses alpha outside [0, 1] and says why.
  s.key(KeySpec::real("time.alpha",
                      "time variable eta with dt = a^alpha d eta: 0 = cosmic time, 1 = conformal "
                      "time; time.dt is then the step in eta [1/H for alpha = 0]")
            .defaults_to(0.0));

  s.section("output", Presence::defaulted, "where and how often to write");
  s.key(KeySpec::string("output.dir", "output directory, created if absent; one run owns it: another run's "
                                      "files there are refused unless this run restarts from a checkpoint in "
                                      "it or output.overwrite = true")
            .defaults_to("output"));
  s.key(KeySpec::boolean("output.overwrite",
                         "remove another run's files (inflanet's own only) from output.dir "
                         "before writing; never the checkpoint a restart continues")
            .defaults_to(false));
  s.key(KeySpec::integer("output.timeseries_every", "steps between time-series rows [steps]")
            .at_least(1)
            .defaults_to(10));
  s.key(KeySpec::integer("output.spectra_every", "steps between power spectra [steps]")
            .at_least(1)
            .defaults_to(100));
  s.key(KeySpec::integer("output.snapshot_every", "steps between field snapshots, 0 = never [steps]")
            .at_least(0)
            .defaults_to(0));
  s.key(KeySpec::integer("output.checkpoint_every",
                         "steps between restart checkpoints, 0 = only the final one [steps]")
            .at_least(0)
            .defaults_to(0));
  s.key(KeySpec::integer("output.progress_every", "steps between progress lines on the log [steps]")
            .at_least(1)
            .defaults_to(100));
  s.key(KeySpec::boolean("output.final_checkpoint",
                         "write a restart checkpoint at the last step (false: only every checkpoint_every)")
            .defaults_to(true));
  s.key(KeySpec::string("output.wisdom", "FFTW wisdom file shared by runs; \"\" = the per-user cache "
                                         "($XDG_CACHE_HOME/inflanet or ~/.cache/inflanet)")
            .defaults_to(""));
  s.key(
      KeySpec::boolean("output.cross_spectra",
                       "multi-field runs: also store the cross-spectra Re<f_i f_j*> of every pair of fields; "
                       "unset = false")
          .omitted_when_unset());

  // Gravitational waves sourced by the fields (gravitational_waves/gravitational_waves.hpp). Omitted from
  // resolved decks when absent, so the decks that predate it resolve to the same bytes.
  s.section(
      "gravitational_waves", Presence::optional,
      "tensor perturbations h_ij sourced by the fields' anisotropic stress (passive: they act on neither "
      "the fields nor a)",
      WhenUnset::omitted);
  s.key(KeySpec::boolean("gravitational_waves.enabled",
                         "evolve h_ij with the fields, and write gw_spectra.h5 and the rho_gw columns")
            .defaults_to(false));
  s.key(
      KeySpec::string("gravitational_waves.sources",
                      "comma-separated names of the fields whose stress d_i phi d_j phi sources h_ij; \"\" = "
                      "every field")
          .defaults_to(""));
  s.key(KeySpec::integer("gravitational_waves.every", "steps between GW spectra in gw_spectra.h5 [steps]")
            .at_least(1)
            .defaults_to(100));
  s.key(
      KeySpec::real("gravitational_waves.w",
                    "today's spectrum: equation of state from the end of the run until radiation domination "
                    "[dimensionless]")
          .greater_than(-1.0 / 3.0)
          .at_most(1.0)
          .defaults_to(1.0 / 3.0));
  s.key(KeySpec::real("gravitational_waves.efolds",
                      "today's spectrum: e-folds of expansion with that w before radiation domination "
                      "[dimensionless]")
            .at_least(0)
            .defaults_to(0.0));
  s.key(KeySpec::real("gravitational_waves.g_star",
                      "today's spectrum: relativistic degrees of freedom when radiation domination begins "
                      "[dimensionless]")
            .greater_than(0)
            .defaults_to(106.75));
  s.key(KeySpec::boolean(
            "gravitational_waves.snapshots",
            "write the six components h_ij into the data_<step>.h5 snapshots (output.snapshot_every)")
            .defaults_to(false));

  s.section("network", Presence::optional, "the neural network trained on the lattice (its dual)");
  s.key(KeySpec::string("network.dataset", "training data: lattice sublattices, a file, or synthetic")
            .one_of({"lattice", "file", "synthetic"})
            .defaults_to("lattice"));
  s.key(KeySpec::integer("network.sublattice", "side of one training sample cut from the lattice [sites]")
            .at_least(1)
            .defaults_to(16));
  s.key(KeySpec::string("network.targets", "quantity the network learns to predict").defaults_to("inflaton"));
  s.key(KeySpec::string("network.file", "dataset file for dataset = \"file\"").defaults_to(""));
  s.key(KeySpec::integer("network.depth",
                         "number of hidden layers (0: a linear readout, embedding = \"fourier\" "
                         "only)")
            .at_least(0)
            .defaults_to(2));
  s.key(KeySpec::string("network.embedding",
                        "inputs of lattice sites: (cos, sin)(2 pi x_d / L) (periodic) or one feature pair "
                        "A_k (cos k.x, sin k.x) per sub-lattice mode (fourier)")
            .one_of({"periodic", "fourier"})
            .defaults_to("periodic"));
  s.key(
      KeySpec::string("network.dispersion",
                      "Fourier-feature amplitudes: c lambda(k) = k^2 + m^2 with m^2 = V''(phi0) (lattice) or "
                      "A_k = 1 (flat)")
          .one_of({"lattice", "flat"})
          .defaults_to("lattice"));
  s.key(
      KeySpec::string("network.schedule",
                      "learning-rate schedule carrying the expansion: none, or desitter (g = a^-2 massless, "
                      "g_k = (k^2/a^2 + m^2) / (k^2 + m^2) massive), at the integrator's stage times")
          .one_of({"none", "desitter"})
          .defaults_to("none"));
  s.key(KeySpec::integer("network.width", "neurons per hidden layer").at_least(1).defaults_to(512));
  s.key(KeySpec::string("network.activation", "activation function of the hidden layers")
            .one_of({"tanh", "relu", "erf", "softplus", "linear"})
            .defaults_to("erf"));
  s.key(KeySpec::real("network.sigma_w", "weight std at initialisation, times 1/sqrt(fan_in) [dimensionless]")
            .greater_than(0)
            .defaults_to(1.0));
  s.key(KeySpec::real("network.sigma_b", "bias std at initialisation [dimensionless]")
            .at_least(0)
            .defaults_to(0.1));
  s.key(KeySpec::integer("network.seed", "random seed of the initial weights").at_least(0).defaults_to(1));
  s.key(KeySpec::real("network.eta", "learning rate [dimensionless]").greater_than(0).defaults_to(0.01));
  s.key(KeySpec::real("network.beta", "momentum coefficient [dimensionless]")
            .greater_than(0)
            .at_most(1)
            .defaults_to(0.9));
  s.key(KeySpec::real("network.loss_scale", "loss normalisation; unset = 1/N_samples [dimensionless]")
            .greater_than(0));
  s.key(KeySpec::string("network.integrator", "integrator of the training dynamics")
            .one_of(integrators)
            .defaults_to("euler"));
  s.key(KeySpec::integer("network.steps", "training steps").at_least(0).defaults_to(1000));
  s.key(KeySpec::integer("network.ntk_every", "steps between neural-tangent-kernel measurements [steps]")
            .at_least(1)
            .defaults_to(100));
  s.key(KeySpec::string("network.initial_velocity",
                        "coupled run only: the network's initial output velocity; unset = \"inflaton\" (the "
                        "band-limited dphi/dt on the sites)")
            .one_of({"inflaton", "zero"}));
  s.key(KeySpec::string("network.ntk_spectrum",
                        "what of Theta(0)'s spectrum is computed: its extremes by Lanczos on the row blocks "
                        "(lambda_max for the stability bound), or the full eigendecomposition (eigenspace "
                        "mode powers, the integrator check, nn.h5 mode amplitudes)")
            .one_of({"extremes", "full"})
            .defaults_to("extremes"));
  s.key(KeySpec::integer("network.output_every", "steps between training diagnostics [steps]")
            .at_least(1)
            .defaults_to(10));

  s.section("duality", Presence::optional, "the cosmology <-> network dictionary");
  s.key(KeySpec::string("duality.match", "which side fixes the matched parameters")
            .one_of({"cosmology", "network"})
            .defaults_to("cosmology"));
  s.key(KeySpec::string(
            "duality.calibrate",
            "how the network's loss scale c is set: as given (none), c lambda(0) = V'' (background), or "
            "the power-weighted log fit of c lambda(k) to omega^2(k) (spectrum)")
            .one_of({"none", "background", "spectrum"})
            .defaults_to("none"));
  s.key(KeySpec::real("duality.cluster_tolerance",
                      "NTK eigenvalues closer than this times lambda_max form one eigenspace [dimensionless]")
            .greater_than(0)
            .defaults_to(1e-9));
  s.key(KeySpec::integer("duality.velocity_iterations",
                         "most kernel products of the initial-velocity solve by preconditioned conjugate "
                         "gradients (network.ntk_spectrum = \"extremes\"); the mismatch reached is recorded "
                         "[products]")
            .at_least(1)
            .defaults_to(500));
  s.key(KeySpec::real("duality.velocity_cut",
                      "the initial velocity is matched only along Theta(0)'s eigenvectors whose eigenvalue "
                      "exceeds this fraction of lambda_max (the subspace the kernel carries at a bounded "
                      "parameter speed); the rest of dphi/dt is left unmatched and its norm fraction "
                      "recorded; needs network.ntk_spectrum = \"full\"; unset = 0 (every eigenvalue above "
                      "rounding) [dimensionless]")
            .at_least(0)
            .at_most(1)
            .omitted_when_unset());
  s.key(KeySpec::string("duality.field",
                        "the lattice field the network is the dual of: its sub-lattice values are the "
                        "network's targets and every comparison is with it; unset = the first field "
                        "(phi of an [inflaton] deck)")
            .identifier());
  s.key(KeySpec::integer("duality.max_subcycles",
                         "most network steps per lattice step before a too-stiff network is refused [steps]")
            .at_least(1)
            .defaults_to(100));

  s.key(KeySpec::string("restart", "checkpoint file to restart from; unset = fresh start"));
  return s;
}

} // namespace inflanet::config
