#include "inflanet/app/lattice_parameters.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "inflanet/app/run_output.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/background/scale_factor.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/config/deck_units.hpp"
#include "inflanet/decomposition/slab_layout.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/gravitational_waves/gravitational_waves.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/potential/potential_error.hpp"

namespace inflanet {
namespace {

/// Every parameter key of [potential] (the potential library says which a kind takes).
const std::vector<std::string> parameter_keys = {"m", "g2", "lambda", "v", "Lambda4", "f", "V0", "Mp"};

std::string join(const std::vector<std::string>& items, const char* quote = "") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += fmt::format("{}{}{}{}",
                       i == 0                  ? ""
                       : i + 1 == items.size() ? " and "
                                               : ", ",
                       quote, items[i], quote);
  }
  return out;
}

std::size_t field_index(const std::vector<std::string>& names, const std::string& name) {
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

/// Refuses a bad formula at its deck key: V at potential.V, dV/dphi_i at field i's dV, a Hessian entry at
/// the field.d2V of the first of its fields in deck order.
[[noreturn]] void refuse_formula(const config::Deck& deck, const std::vector<std::string>& names,
                                 const FormulaRole& role, const std::string& name,
                                 const std::string& detail) {
  if (role.is_V()) {
    deck.fail("potential.V",
              fmt::format("a formula of the fields ({}) and parameters: {}", join(names), detail));
  }
  const std::size_t i = role.is_dV() ? role.first : std::min(role.first, role.second);
  deck.fail(role.is_dV() ? "field.dV" : "field.d2V", i, fmt::format("a formula for {}: {}", name, detail));
}

/// The [[field]] tables and the [potential] (the multi-field deck).
void read_field_tables(const config::Deck& deck, LatticeParameters& p) {
  const std::size_t n = deck.count("field");
  for (std::size_t i = 0; i < n; ++i) {
    p.names.push_back(deck.string("field.name", i));
    FieldInitialConditions ic;
    ic.mean = deck.real("field.mean", i);
    ic.velocity = deck.real("field.velocity", i);
    ic.fluctuations = fluctuations_from_name(deck.string("field.fluctuations", i));
    ic.seed = deck.has("field.seed", i) ? static_cast<std::uint64_t>(deck.integer("field.seed", i)) : 1u + i;
    ic.kcut = deck.real("field.kcut", i);
    for (const auto& [key, formula] : {std::pair{"field.profile", &ic.profile},
                                       std::pair{"field.velocity_profile", &ic.velocity_profile}}) {
      if (!deck.has(key, i)) {
        continue;
      }
      *formula = deck.string(key, i);
      try {
        (void)SiteProfile(*formula, p.box.length); // parsed here so a bad one is refused at its key
      } catch (const ProfileError& e) {
        deck.fail(key, i, fmt::format("a formula of x, y, z (comoving, in [0, L)) and L: {}", e.detail()));
      }
    }
    p.initial.push_back(ic);
  }
  if (n > FieldLattice::max_fields) {
    deck.fail_section("field", n - 1, fmt::format("at most {} [[field]] tables", FieldLattice::max_fields));
  }
  deck.require_section("potential", "a multi-field run evolves its [[field]]s under V(fields)");
  p.potential.kind = deck.string("potential.kind");
  p.potential.fields = p.names;
  const bool expression = p.potential.kind == "expression";
  if (!expression) {
    const auto& wanted = potential_parameters(p.potential.kind);
    const bool two_field =
        p.potential.kind == "chaotic_g2" || p.potential.kind == "quartic_g2" || p.potential.kind == "hybrid";
    for (const char* role : {"phi", "chi"}) {
      if ((two_field || std::string_view(role) == "phi") && field_index(p.names, role) == p.names.size()) {
        deck.fail("potential.kind",
                  fmt::format("a potential whose fields exist: \"{}\" couples fields named {}, and the "
                              "deck's [[field]]s are {} (name one of them {}, or use kind = \"expression\")",
                              p.potential.kind, two_field ? "phi and chi" : "phi", join(p.names, "\""),
                              role));
      }
    }
    // A built-in couples only the fields it names: any other [[field]] would evolve as a free field,
    // silently. A spectator field is written with an expression, which names its own fields.
    const std::vector<std::string> coupled =
        two_field ? std::vector<std::string>{"phi", "chi"} : std::vector<std::string>{"phi"};
    for (std::size_t i = 0; i < n; ++i) {
      if (std::find(coupled.begin(), coupled.end(), p.names[i]) == coupled.end()) {
        deck.fail("field.name", i,
                  fmt::format("a field that potential.kind = \"{}\" couples ({}): \"{}\" would evolve as a "
                              "free field; to add a spectator field, write the potential as kind = "
                              "\"expression\", whose V names its own fields (e.g. \"... + 0.5*m^2*{}^2\")",
                              p.potential.kind, join(coupled), p.names[i], p.names[i]));
      }
    }
    for (const auto& key : parameter_keys) {
      const bool needed = std::find(wanted.begin(), wanted.end(), key) != wanted.end();
      const std::string path = "potential." + key;
      if (needed && !deck.has(path)) {
        deck.fail_section("potential", fmt::format("'{}' for kind = \"{}\" (it takes {})", path,
                                                   p.potential.kind, join(wanted)));
      }
      if (!needed && deck.has(path)) {
        deck.fail(path,
                  fmt::format("no value for kind = \"{}\" (it takes {})", p.potential.kind, join(wanted)));
      }
    }
    if (deck.has("potential.V")) {
      deck.fail("potential.V", fmt::format("no formula for the built-in kind = \"{}\"", p.potential.kind));
    }
    for (std::size_t i = 0; i < n; ++i) {
      for (const char* key : {"field.dV", "field.d2V"}) {
        if (deck.has(key, i)) {
          deck.fail(key, i, fmt::format("no formula for the built-in kind = \"{}\"", p.potential.kind));
        }
      }
    }
  } else {
    if (!deck.has("potential.V")) {
      deck.fail_section("potential",
                        fmt::format("'potential.V': kind = \"expression\" needs V as a formula of "
                                    "the fields ({})",
                                    join(p.names)));
    }
    p.potential.V = deck.string("potential.V");
    for (std::size_t i = 0; i < n; ++i) {
      if (!deck.has("field.dV", i)) {
        deck.fail_section(
            "field", i,
            fmt::format("'field.dV' (dV/d{}): kind = \"expression\" needs every field's derivative",
                        p.names[i]));
      }
      p.potential.dV.emplace_back(p.names[i], deck.string("field.dV", i));
      if (deck.has("field.d2V", i)) {
        p.potential.d2V.push_back({{p.names[i], p.names[i]}, deck.string("field.d2V", i)});
      }
    }
  }
  for (const auto& key : parameter_keys) {
    if (deck.has("potential." + key)) {
      p.potential.parameters.emplace_back(key, deck.real("potential." + key));
    }
  }
}

/// The [inflaton] section: one field named phi under a one-field built-in or an expression in phi.
void read_inflaton_section(const config::Deck& deck, LatticeParameters& p) {
  if (!deck.has_section("inflaton")) {
    deck.fail_section("inflaton", "to be present (or [network] alone, for a network-only run): it takes "
                                  "'inflaton.potential' and its parameters, e.g. potential = \"quadratic\", "
                                  "m = 0.5, phi0 = 1.0");
  }
  p.one_field_deck = true;
  p.names = {"phi"};
  p.potential.kind = deck.string("inflaton.potential");
  p.potential.fields = p.names;
  if (p.potential.kind == "expression") {
    p.potential.V = deck.string("inflaton.expression");
    if (p.potential.V.empty()) {
      deck.fail("inflaton.expression",
                "a formula in phi, e.g. \"0.5*m^2*phi^2\", for potential = \"expression\"");
    }
  } else {
    for (const auto& key : potential_parameters(p.potential.kind)) {
      p.potential.parameters.emplace_back(key, deck.real("inflaton." + key));
    }
  }
  FieldInitialConditions ic;
  ic.mean = deck.real("inflaton.phi0");
  ic.velocity = deck.real("inflaton.phidot0");
  ic.fluctuations = deck.string("inflaton.fluctuations") == "bunch-davies" ? Fluctuations::bunch_davies
                                                                           : Fluctuations::none;
  ic.seed = static_cast<std::uint64_t>(deck.integer("inflaton.seed"));
  ic.kcut = deck.real("inflaton.kcut");
  p.initial = {ic};
}

/// Friedmann: the step against the expansion's own limits (scale_factor.hpp), at the start's homogeneous
/// a0 and H0: a backward drift of the composition, -w_d h, keeps a^(3 - alpha) > 0 while w_d a0^alpha H0 h <
/// backward_drift_limit(g0), and a backward kick, -w_k h, keeps H > 0 while w_k a0^alpha H0 h <
/// backward_kick_limit. (The fluctuations' energy, which the run adds to rho, is refused above rho_hom.)
void require_expansion_step(const config::Deck& deck, LatticeParameters& p) {
  const auto integrator = Integrator::from_name(p.integrator);
  const double w_drift = integrator.largest_backward(Flow::drift);
  const double w_kick = integrator.largest_backward(Flow::kick);
  if (!(p.hubble > 0.0) || (w_drift == 0.0 && w_kick == 0.0)) {
    return;
  }
  double kinetic = 0.0;
  for (const auto& ic : p.initial) {
    kinetic += 0.5 * ic.velocity * ic.velocity;
  }
  const double rate = std::pow(p.a0, p.alpha) * p.hubble;
  const double drift_limit =
      ScaleFactor::backward_drift_limit(kinetic / (3.0 * p.hubble * p.hubble), p.alpha);
  const double kick_limit = ScaleFactor::backward_kick_limit(p.alpha);
  const double by_drift = w_drift > 0.0 ? drift_limit / (w_drift * rate) : HUGE_VAL;
  const double by_kick = w_kick > 0.0 ? kick_limit / (w_kick * rate) : HUGE_VAL;
  p.dt_expansion_max = std::min(by_drift, by_kick);
  p.expansion_limit =
      by_drift <= by_kick
          ? fmt::format("its backward drift of {:.4f} dt keeps a^{} > 0 only while {:.4f} "
                        "a0^alpha H0 dt < {:.4f} = 2 / ((3 - alpha)(1 + sqrt(max(1, K0 / 3 "
                        "H0^2))))",
                        w_drift, p.alpha == 0.0 ? "3" : "(3 - alpha)", w_drift, drift_limit)
          : fmt::format("its backward kick of {:.4f} dt keeps H > 0 only while {:.4f} a0^alpha "
                        "H0 dt < {:.4f} = 2 / (3 + alpha)",
                        w_kick, w_kick, kick_limit);
  if (!(p.dt < p.dt_expansion_max)) {
    deck.fail("time.dt",
              fmt::format("dt < {:.6g} for the expansion (H0 = {:.6g}) under {}: {}; use a shorter "
                          "step, or leapfrog, whose sub-steps all run forward",
                          p.dt_expansion_max, p.hubble, p.integrator, p.expansion_limit));
  }
}

} // namespace

namespace {

/// [gravitational_waves]: the source fields by name (all when sources = ""), every name a field.
void read_gravitational_waves(const config::Deck& deck, LatticeParameters& p) {
  auto& gw = p.gravitational_waves;
  if (!deck.has_section("gravitational_waves") || !deck.boolean("gravitational_waves.enabled")) {
    return;
  }
  gw.enabled = true;
  gw.every = deck.integer("gravitational_waves.every");
  gw.w = deck.real("gravitational_waves.w");
  gw.efolds = deck.real("gravitational_waves.efolds");
  gw.g_star = deck.real("gravitational_waves.g_star");
  gw.snapshots = deck.boolean("gravitational_waves.snapshots");
  const std::string& text = deck.string("gravitational_waves.sources");
  if (text.empty()) {
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      gw.sources.push_back(i);
    }
    return;
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string name = text.substr(start, comma - start);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    start = comma + 1;
    if (name.empty()) {
      continue;
    }
    const auto it = std::find(p.names.begin(), p.names.end(), name);
    if (it == p.names.end()) {
      deck.fail("gravitational_waves.sources",
                fmt::format("names of the run's fields ({}); '{}' is none of them", join(p.names), name));
    }
    const auto index = static_cast<std::size_t>(it - p.names.begin());
    if (std::find(gw.sources.begin(), gw.sources.end(), index) == gw.sources.end()) {
      gw.sources.push_back(index);
    }
  }
  if (gw.sources.empty()) {
    deck.fail("gravitational_waves.sources",
              fmt::format("at least one source field ({}), or \"\" for all of them", join(p.names)));
  }
}

} // namespace

LatticeParameters LatticeParameters::from_deck(const config::Deck& deck, const CoupledStep* coupled) {
  LatticeParameters p;
  deck.require_section("lattice", "the fields live on the lattice");
  p.box = Box{static_cast<std::ptrdiff_t>(deck.integer("lattice.N")), deck.real("lattice.L")};

  // ---- fields and the potential
  if (deck.has_section("field")) {
    read_field_tables(deck, p);
  } else {
    read_inflaton_section(deck, p);
  }
  const std::size_t n = p.names.size();
  Potential potential;
  try {
    potential = inflanet::make_potential(p.potential);
  } catch (const PotentialError& e) {
    if (p.one_field_deck) {
      deck.fail("inflaton.expression", e.what());
    }
    refuse_formula(deck, p.names, e.role(), e.name(), e.detail());
  } catch (const InputError& e) {
    deck.fail(p.one_field_deck ? "inflaton.potential" : "potential.kind", e.what());
  }
  std::vector<double> means;
  for (const auto& ic : p.initial) {
    means.push_back(ic.mean);
  }
  if (!p.one_field_deck) {
    // The start-up derivative check: the given derivatives against finite differences of V at the initial
    // means and around them.
    const auto report = derivative_report(potential, p.names, derivative_check_points(means));
    if (const DerivativeCheckEntry* failed = report.first_failure()) {
      // Refused at the first failing derivative's key; the message lists every failing one.
      const std::string message = report.failure_message();
      refuse_formula(deck, p.names, failed->role, failed->derivative,
                     message.substr(failed->derivative.size() + 2));
    }
    p.derivative_summary = fmt::format(
        "{} comparisons of the derivatives with finite differences of V at the initial means and 6 "
        "points around them passed (relative tolerance {:g})",
        report.entries.size(), report.tolerance);
  }
  const auto H = hessian(potential, means);
  for (std::size_t i = 0; i < n; ++i) {
    p.mass2.push_back(H[i * n + i]);
  }
  p.mass_eigen = mass_eigenvalues(H);

  // ---- the background
  p.background_kind = deck.string("background.kind");
  p.units = config::deck_units(deck);
  p.a0 = deck.real("background.a0");
  if (p.background_kind == "friedmann" && (p.one_field_deck || coupled != nullptr)) {
    deck.fail("background.kind",
              "\"desitter\" or \"minkowski\" for the one-field [inflaton] run and the coupled "
              "run (a self-consistent expansion is a multi-field run: write the inflaton as a "
              "[[field]] with a [potential])");
  }
  if (p.friedmann()) {
    if (deck.given_non_default("background.H")) {
      deck.fail("background.H",
                "no value for kind = \"friedmann\": H follows from the fields, H^2 = rho / 3");
    }
    p.rho_lambda = deck.has("background.rho_lambda") ? deck.real("background.rho_lambda") : 0.0;
    double rho = potential_V(potential, means) + p.rho_lambda;
    for (const auto& ic : p.initial) {
      rho += 0.5 * ic.velocity * ic.velocity;
    }
    if (!(rho > 0.0)) {
      deck.fail(
          "background.kind",
          fmt::format("a positive initial energy density for a self-consistent expansion (H^2 = rho / 3), "
                      "but the fields' means and velocities and background.rho_lambda give rho = "
                      "sum velocity^2 / 2 + V(means) + rho_lambda = {:.6g}: use kind = \"minkowski\" or "
                      "\"desitter\", or change the fields",
                      rho));
    }
    p.hubble = std::sqrt(rho / 3.0);
  } else {
    if (deck.has("background.rho_lambda") && deck.real("background.rho_lambda") != 0.0) {
      deck.fail("background.rho_lambda", "no value unless background.kind = \"friedmann\"");
    }
    p.hubble = p.background_kind == "minkowski" ? 0.0 : deck.real("background.H");
    if (coupled != nullptr && coupled->hubble) {
      p.hubble = *coupled->hubble; // duality.match = "network": H from the optimizer's friction
    }
    // Minkowski ignores H: an H other than 0 (or the default, which resolved decks spell out) is a mistake.
    if (p.background_kind == "minkowski" && deck.given_non_default("background.H") &&
        deck.real("background.H") != 0.0) {
      deck.fail("background.H", "H = 0 for kind = \"minkowski\" (or kind = \"desitter\" for H > 0)");
    }
    if (p.background_kind == "desitter" && !(p.hubble > 0.0)) {
      deck.fail("background.H", "H > 0 for kind = \"desitter\" (use kind = \"minkowski\" for H = 0)");
    }
  }

  // ---- time
  if (!deck.has_section("time")) {
    deck.fail_section("time",
                      "to be present: it needs 'time.dt' (time step in cosmic time t [1/H]) and 'time.t_end' "
                      "(final cosmic time [1/H])");
  }
  if (!(coupled != nullptr && coupled->h) && !deck.has("time.dt")) {
    deck.fail_section("time", "to give 'time.dt' (time step in cosmic time t [1/H])");
  }
  p.dt = coupled != nullptr && coupled->h ? *coupled->h : deck.real("time.dt");
  p.t_end = deck.real("time.t_end");
  p.integrator = deck.string("time.integrator");
  p.alpha = deck.real("time.alpha");
  if (!(p.alpha >= 0.0 && p.alpha <= 1.0)) {
    deck.fail(
        "time.alpha",
        "0 <= alpha <= 1 (0 = cosmic time, 1 = conformal time): below 0 the number of steps grows as "
        "e^{|alpha| N} over N e-folds, above 1 the gradient frequency a^(alpha - 1) k grows with a so the "
        "step must shrink as the run goes on");
  }
  if (coupled != nullptr && p.alpha != 0.0) {
    deck.fail("time.alpha", "0 in a coupled run: the duality dictionary (h = sqrt(eta), beta = e^{-3 H h}) "
                            "is written in cosmic time");
  }
  // In eta the run's length is eta(t_end), in general not a whole number of deck steps: time.dt is then
  // the largest step, and the run takes the fewest equal steps that land on t_end. A Friedmann run in
  // alpha-time does not know eta(t_end) before it runs: its time.t_end is the end of eta (as a program
  // time variable), a whole number of steps.
  const bool eta_is_t = p.alpha == 0.0 || p.hubble == 0.0 || p.friedmann();
  const double steps = std::round(p.t_end / p.dt);
  if (!eta_is_t) {
    const auto background = make_background(p.background_kind, p.hubble, p.a0);
    const AlphaTime clock(*background, p.alpha);
    const double eta_end = clock.eta(p.t_end);
    p.steps = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(eta_end / p.dt - 1e-9)));
    p.dt = eta_end / static_cast<double>(p.steps);
    p.t_final = clock.cosmic_time(static_cast<double>(p.steps) * p.dt);
  } else if (coupled != nullptr && coupled->h) {
    // The step is derived (sqrt(eta)): run the whole steps that fit, and say so in check.
    p.t_end = std::max(1.0, std::floor(p.t_end / p.dt + 1e-9)) * p.dt;
  } else if (std::abs(steps * p.dt - p.t_end) > 1e-9 * p.t_end) {
    deck.fail("time.t_end",
              fmt::format("a whole number of steps dt = {:g} (t_end / dt = {:.6g})", p.dt, p.t_end / p.dt));
  }
  if (eta_is_t) {
    p.steps = static_cast<std::int64_t>(std::round(p.t_end / p.dt));
    p.t_final = p.t_end;
  }

  // The largest frequency, and the stability limit on the step.
  const double kn = p.box.k_nyquist();
  const double mass2 = std::max(0.0, p.mass_eigen.back());
  p.omega_max = std::sqrt(3.0 * kn * kn / (p.a0 * p.a0) + mass2);
  p.a_at_omega_max = p.a0;
  p.mass_sets_step = mass2 > 3.0 * kn * kn / (p.a0 * p.a0);
  if (p.alpha != 0.0 && !p.friedmann()) {
    // omega(a)^2 = a^(2 alpha - 2) 3 kn^2 + a^(2 alpha) m^2 is convex in ln a: its largest value is at an
    // end.
    const double a_end = p.a0 * std::exp(p.hubble * p.t_final);
    for (const double a : {p.a0, a_end}) {
      const double gradient = std::pow(a, 2.0 * p.alpha - 2.0) * 3.0 * kn * kn;
      const double mass = std::pow(a, 2.0 * p.alpha) * mass2;
      const double omega = std::sqrt(gradient + mass);
      if (a == p.a0 || omega > p.omega_max) {
        p.omega_max = omega;
        p.a_at_omega_max = a;
        p.mass_sets_step = mass > gradient;
      }
    }
  }
  p.dt_max = Integrator::from_name(p.integrator).stability_limit() / p.omega_max;
  if (coupled != nullptr && coupled->h) {
    // A step derived from the network is sub-cycled by the coupled run rather than refused.
    p.lattice_substeps = static_cast<std::int64_t>(std::ceil(p.dt / (0.9 * p.dt_max)));
    p.dt /= static_cast<double>(p.lattice_substeps);
    p.steps *= p.lattice_substeps;
  }
  if (!(p.dt < p.dt_max)) {
    // Deck::fail appends "got <dt>" itself.
    deck.fail(
        "time.dt",
        fmt::format("dt < {:.6g} for stability of {} (omega_max = {:.6g}: dt omega_max < {:.4f}){}", p.dt_max,
                    p.integrator, p.omega_max, Integrator::from_name(p.integrator).stability_limit(),
                    p.alpha == 0.0
                        ? std::string()
                        : fmt::format("; with time.alpha = {:g} the {} term sets it at a = {:.4g}", p.alpha,
                                      p.mass_sets_step ? "mass" : "gradient", p.a_at_omega_max)));
  }

  if (p.friedmann()) {
    require_expansion_step(deck, p);
  }

  // ---- output
  read_output_keys(deck, p);
  p.cross_spectra = deck.has("output.cross_spectra") && deck.boolean("output.cross_spectra");
  read_gravitational_waves(deck, p);
  std::map<std::string, std::string> derived;
  if (!p.one_field_deck) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!deck.has("field.seed", i)) {
        derived[fmt::format("field.{}.seed", p.names[i])] = std::to_string(p.initial[i].seed);
      }
    }
  }
  if (coupled == nullptr) {
    deck.refuse_unread("a lattice"); // a coupled run refuses once it has read its network's keys too
  }
  p.deck_text = deck.resolved_toml(derived, p.units);
  p.deck_file = deck.file();
  return p;
}

MemoryBudget lattice_memory(const LatticeParameters& p, int ranks) {
  const double n = static_cast<double>(p.box.n);
  const double planes = std::ceil(n / ranks);
  const double field = padded_slab_bytes(p.box.n, ranks);
  MemoryBudget b;
  b.items.push_back(
      {fmt::format("lattice fields ({} field{} x (field, momentum, work): {:g} planes of {:g}^2 sites)",
                   p.names.size(), p.names.size() == 1 ? "" : "s", planes, n),
       3.0 * static_cast<double>(p.names.size()) * field,
       fmt::format("lattice.N = {}, {} field{}", p.box.n, p.names.size(), p.names.size() == 1 ? "" : "s")});
  b.items.push_back({p.cross_spectra ? "spectra scratch fields (two)" : "spectra scratch field",
                     (p.cross_spectra ? 2.0 : 1.0) * field, fmt::format("lattice.N = {}", p.box.n)});
  if (p.gravitational_waves.enabled) {
    b.items.push_back(
        {fmt::format("gravitational waves ({} slabs: h and its momentum per polarisation, 3 "
                     "gradients, 6 stress components; and {} slabs' worth of per-mode polarisation vectors)",
                     GravitationalWaves::arrays, GravitationalWaves::basis_arrays),
         GravitationalWaves::bytes_per_rank(p.box.n, ranks), "gravitational_waves.enabled"});
  }
  if (ranks > 1) {
    b.items.push_back({"FFT transpose buffer (one slab)", field, fmt::format("lattice.N = {}", p.box.n)});
  }
  return b;
}

std::string lattice_check_report(const LatticeParameters& p, int ranks) {
  const auto integrator = Integrator::from_name(p.integrator);
  std::string out = "# inflanet check: the resolved deck (every default filled in)\n" + p.deck_text;
  out += fmt::format("\n# derived quantities (program units: times and lengths in {}, fields in {})\n",
                     p.units.name(quantity::time), p.units.name(quantity::field));
  if (const auto& s = p.units.scale) {
    out += fmt::format(
        "#   units               = energy {} = {:.6g} GeV (time 1/{} = {:.6g} s, length {:.6g} m), field "
        "{} = {:.6g} GeV; the reduced Planck mass is {:.6g} {}\n",
        p.units.energy, s->energy_GeV, p.units.energy, s->seconds(), s->metres(), p.units.field, s->field_GeV,
        s->planck_mass(), p.units.field);
  } else {
    out += "#   units               = no physical scale (units.energy_GeV unset)\n";
  }
  out += fmt::format("#   fields              = {} ({})\n", p.names.size(), join(p.names));
  out += fmt::format("#   potential           = {}\n", potential_describe(p.make_potential()));
  if (!p.derivative_summary.empty()) {
    out += fmt::format("#   derivative check    : {}\n", p.derivative_summary);
  }
  out += fmt::format("#   dx                  = {:.6g}\n", p.box.dx());
  out += fmt::format("#   k range (comoving)  = [{:.6g}, {:.6g}]  (2 pi / L, sqrt(3) pi / dx)\n", p.box.dk(),
                     p.box.k_max());
  for (std::size_t i = 0; i < p.names.size(); ++i) {
    out +=
        fmt::format("#   m_eff^2({})  = {:.6g}  (d2V/d{}^2 at the means; the vacuum of its fluctuations)\n",
                    p.names[i], p.mass2[i], p.names[i]);
    if (p.mass2[i] < 0.0 && p.initial[i].fluctuations != Fluctuations::none) {
      const auto rule =
          p.background_kind == "desitter" && p.initial[i].fluctuations == Fluctuations::bunch_davies
              ? TachyonicModes::integrated
              : TachyonicModes::massless;
      const auto count = tachyonic_mode_count(p.box, p.a0, p.mass2[i], p.initial[i].kcut);
      out += fmt::format("#   tachyonic modes({}) = {} (k^2/a0^2 + m_eff^2 <= 0) {}\n", p.names[i], count,
                         describe(rule));
    }
  }
  if (p.names.size() > 1) {
    std::vector<std::string> eigen;
    for (double e : p.mass_eigen) {
      eigen.push_back(fmt::format("{:.6g}", e));
    }
    out += fmt::format("#   Hessian eigenvalues = {}{}\n", join(eigen),
                       p.mass_eigen.front() < 0.0 ? "  (tachyonic direction at the means)" : "");
  }
  if (p.friedmann()) {
    out += fmt::format(
        "#   background          = friedmann: H0 = {:.6g} from rho0 = {:.6g} (homogeneous part; the run "
        "adds the fluctuations' energy), rho_lambda = {:g}\n",
        p.hubble, 3.0 * p.hubble * p.hubble, p.rho_lambda);
  } else {
    out += fmt::format("#   background          = {} (H = {:g})\n", p.background_kind, p.hubble);
  }
  const char* term =
      p.mass_sets_step ? "the mass term a^(2 alpha) V''" : "the gradient term a^(2 alpha - 2) k^2";
  if (p.alpha == 0.0) {
    out += fmt::format("#   omega_max at a0     = {:.6g}  (set by {})\n", p.omega_max, term);
  } else {
    out += fmt::format(
        "#   time variable       = eta, dt = a^{:g} d eta; eta: 0 -> {:.6g} in {} equal steps of {:.6g}{}\n",
        p.alpha, static_cast<double>(p.steps) * p.dt, p.steps, p.dt,
        p.friedmann() ? " (Friedmann: time.t_end is the end of eta)" : " (time.dt is the largest)");
    out +=
        fmt::format("#   omega_max {}  = {:.6g} in eta, at a = {:.4g} (set by {}){}\n",
                    p.friedmann() ? "at a0     " : "over run  ", p.omega_max, p.a_at_omega_max, term,
                    p.friedmann() ? "; a(eta) is the run's own: the mass term a^alpha m grows with it" : "");
  }
  out +=
      fmt::format("#   stability: dt < {:.6g} for {} (dt omega_max < {:.4f}); dt = {:g} is {:.1f}% of it\n",
                  p.dt_max, integrator.name(), integrator.stability_limit(), p.dt, 100.0 * p.dt / p.dt_max);
  if (p.friedmann()) {
    out += p.dt_expansion_max > 0.0
               ? fmt::format("#   expansion: dt < {:.6g} for {} ({}); dt = {:g} is {:.1f}% of it\n",
                             p.dt_expansion_max, integrator.name(), p.expansion_limit, p.dt,
                             100.0 * p.dt / p.dt_expansion_max)
               : fmt::format("#   expansion: no limit for {} (every sub-step runs forward in time)\n",
                             integrator.name());
  }
  out +=
      fmt::format("#   steps               = {}  (order {}, {} force evaluations per step, {} FFT pair{} per "
                  "evaluation)\n",
                  p.steps, integrator.order(), integrator.drifts_per_step(), p.names.size(),
                  p.names.size() == 1 ? "" : "s");
  out += fmt::format("#   largest h omega     = {:.4g} over the run (alpha = {:g})\n", p.dt * p.omega_max,
                     p.alpha);
  if (p.hubble > 0.0 && !p.friedmann()) {
    const double efolds = p.hubble * p.t_final, kmin = p.box.dk(), kmax = p.box.k_max();
    out += fmt::format("#   e-folds             = {:.4g}  (a: {:.4g} -> {:.4g})\n", efolds, p.a0,
                       p.a0 * std::exp(efolds));
    out +=
        fmt::format("#   k/(aH) at t0        = [{:.4g}, {:.4g}], at t_end = [{:.4g}, {:.4g}]\n",
                    kmin / (p.a0 * p.hubble), kmax / (p.a0 * p.hubble),
                    kmin / (p.a0 * std::exp(efolds) * p.hubble), kmax / (p.a0 * std::exp(efolds) * p.hubble));
  }
  const auto memory = lattice_memory(p, ranks);
  if (p.gravitational_waves.enabled) {
    const auto& gw = p.gravitational_waves;
    std::vector<std::string> sources;
    for (const std::size_t i : gw.sources) {
      sources.push_back(p.names[i]);
    }
    const int per_force = GravitationalWaves::transforms_per_force(gw.sources.size());
    out += fmt::format(
        "#   gravitational waves : sourced by {}; {:.4g} MiB per rank ({:.1f} bytes per site); {} "
        "transforms per force evaluation, {} per step (the fields: {})\n",
        join(sources), GravitationalWaves::bytes_per_rank(p.box.n, ranks) / (1024.0 * 1024.0),
        GravitationalWaves::bytes_per_rank(p.box.n, ranks) * ranks / p.box.sites(), per_force,
        per_force * integrator.drifts_per_step(),
        2 * p.names.size() * static_cast<std::size_t>(integrator.drifts_per_step()));
  }
  out += fmt::format("#   memory per rank     = {:.4g} MiB on {} rank(s) ({:.1f} bytes per site)\n",
                     memory.total() / (1024.0 * 1024.0), ranks, memory.total() * ranks / p.box.sites());
  if (p.write_checkpoints && !p.final_checkpoint && p.checkpoint_every == 0) {
    out +=
        "#   restart             : impossible: output.final_checkpoint = false and output.checkpoint_every "
        "= 0 write no checkpoint (set checkpoint_every to keep the run restartable)\n";
  }
  return out;
}

} // namespace inflanet
