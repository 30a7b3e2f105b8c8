#include "inflanet/app/fields_parameters.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "inflanet/app/run_output.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/integrator/integrator.hpp"

namespace inflanet {
namespace {

/// The parameters each built-in takes (the order of the deck's documentation).
const std::map<std::string, std::vector<std::string>> built_in_parameters = {
    {"chaotic_g2", {"m", "g2"}}, {"quartic_g2", {"lambda", "g2"}}, {"hybrid", {"lambda", "v", "g2", "m"}}};
const std::vector<std::string> parameter_keys = {"m", "g2", "lambda", "v"};

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

/// Refuses an InputError of the potential library at the deck key it is about: its message starts with the
/// formula's role ("V: ...", "dV/dchi: ...", "d2V/dchi2: ...").
[[noreturn]] void refuse_at_key(const config::Deck& deck, const std::vector<std::string>& names,
                                const std::string& message) {
  const auto colon = message.find(':');
  const std::string role = message.substr(0, colon);
  const std::string rest = colon == std::string::npos ? message : message.substr(colon + 2);
  if (role == "V") {
    deck.fail("potential.V",
              fmt::format("a formula of the fields ({}) and parameters: {}", join(names), rest));
  }
  if (role.rfind("dV/d", 0) == 0) {
    const std::size_t i = field_index(names, role.substr(4));
    if (i < names.size()) {
      deck.fail("field.dV", i, fmt::format("a formula for {}: {}", role, rest));
    }
  }
  if (role.rfind("d2V/d", 0) == 0) {
    std::string name = role.substr(5);
    name = name.substr(0, name.find(' '));
    if (!name.empty() && name.back() == '2') {
      name.pop_back();
    }
    const std::size_t i = field_index(names, name);
    if (i < names.size()) {
      deck.fail("field.d2V", i, fmt::format("a formula for {}: {}", role, rest));
    }
  }
  deck.fail("potential.kind", message);
}

} // namespace

FieldsParameters FieldsParameters::from_deck(const config::Deck& deck) {
  FieldsParameters p;
  deck.require_section("lattice", "the fields live on the lattice");
  p.box = Box{static_cast<std::ptrdiff_t>(deck.integer("lattice.N")), deck.real("lattice.L")};

  // ---- fields (the deck refuses duplicate and non-identifier names itself)
  const std::size_t n = deck.count("field");
  for (std::size_t i = 0; i < n; ++i) {
    p.names.push_back(deck.string("field.name", i));
    FieldInitialConditions ic;
    ic.mean = deck.real("field.mean", i);
    ic.velocity = deck.real("field.velocity", i);
    ic.fluctuations = fluctuations_from_name(deck.string("field.fluctuations", i));
    ic.seed = deck.has("field.seed", i) ? static_cast<std::uint64_t>(deck.integer("field.seed", i)) : 1u + i;
    ic.kcut = deck.real("field.kcut", i);
    p.initial.push_back(ic);
  }
  if (n > MultiFieldLattice::max_fields) {
    deck.fail_section("field", n - 1,
                      fmt::format("at most {} [[field]] tables", MultiFieldLattice::max_fields));
  }

  // ---- the potential
  deck.require_section("potential", "a multi-field run evolves its [[field]]s under V(fields)");
  p.potential.kind = deck.string("potential.kind");
  p.potential.fields = p.names;
  const bool expression = p.potential.kind == "expression";
  if (!expression) {
    const auto& wanted = built_in_parameters.at(p.potential.kind);
    for (const char* role : {"phi", "chi"}) {
      if (field_index(p.names, role) == p.names.size()) {
        deck.fail(
            "potential.kind",
            fmt::format("a potential whose fields exist: \"{}\" couples fields named phi and chi, and the "
                        "deck's [[field]]s are {} (name one of them {}, or use kind = \"expression\")",
                        p.potential.kind, join(p.names, "\""), role));
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
  MultiFieldPotential potential;
  try {
    potential = make_multi_field_potential(p.potential);
  } catch (const InputError& e) {
    refuse_at_key(deck, p.names, e.what());
  }
  // The start-up derivative check: the given derivatives against finite differences of V at the initial
  // means and around them.
  std::vector<double> means;
  for (const auto& ic : p.initial) {
    means.push_back(ic.mean);
  }
  const auto report = derivative_report(potential, p.names, derivative_check_points(means));
  if (!report.passed()) {
    // Each line of the message starts with the derivative's name: refuse at the first one's key.
    refuse_at_key(deck, p.names, report.failure_message());
  }
  p.derivative_summary =
      fmt::format("{} comparisons of the derivatives with finite differences of V at the initial means and 6 "
                  "points around them passed (relative tolerance {:g})",
                  report.entries.size(), report.tolerance);
  const auto H = hessian(potential, means);
  for (std::size_t i = 0; i < n; ++i) {
    p.mass2.push_back(H[i * n + i]);
  }
  p.mass_eigen = mass_eigenvalues(H);

  // ---- the background
  p.background_kind = deck.string("background.kind");
  p.a0 = deck.real("background.a0");
  if (p.background_kind == "friedmann") {
    if (deck.given_non_default("background.H")) {
      deck.fail("background.H",
                "no value for kind = \"friedmann\": H follows from the fields, H^2 = rho / 3");
    }
    p.rho_lambda = deck.has("background.rho_lambda") ? deck.real("background.rho_lambda") : 0.0;
    double rho = multi_field_V(potential, means) + p.rho_lambda;
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
    if (p.background_kind == "minkowski" && deck.given_non_default("background.H") &&
        deck.real("background.H") != 0.0) {
      deck.fail("background.H", "H = 0 for kind = \"minkowski\" (or kind = \"desitter\" for H > 0)");
    }
    if (p.background_kind == "desitter" && !(p.hubble > 0.0)) {
      deck.fail("background.H", "H > 0 for kind = \"desitter\" (use kind = \"minkowski\" for H = 0)");
    }
  }

  // ---- time
  if (!deck.has_section("time") || !deck.has("time.dt")) {
    deck.fail_section("time", "to give 'time.dt' (time step in cosmic time t) and 'time.t_end'");
  }
  if (deck.real("time.alpha") != 0.0) {
    deck.fail("time.alpha", "0 for a multi-field run ([[field]]): it runs in cosmic time");
  }
  p.dt = deck.real("time.dt");
  p.t_end = deck.real("time.t_end");
  p.integrator = deck.string("time.integrator");
  const double steps = std::round(p.t_end / p.dt);
  if (std::abs(steps * p.dt - p.t_end) > 1e-9 * p.t_end) {
    deck.fail("time.t_end",
              fmt::format("a whole number of steps dt = {:g} (t_end / dt = {:.6g})", p.dt, p.t_end / p.dt));
  }
  p.steps = static_cast<std::int64_t>(steps);
  const double kn = p.box.k_nyquist();
  p.omega_max = std::sqrt(3.0 * kn * kn / (p.a0 * p.a0) + std::max(0.0, p.mass_eigen.back()));
  p.dt_max = Integrator::from_name(p.integrator).stability_limit() / p.omega_max;
  if (!(p.dt < p.dt_max)) {
    deck.fail("time.dt", fmt::format("dt < {:.6g} for stability of {} (omega_max = {:.6g} from the gradient "
                                     "term at a0 and the largest mass^2 {:.6g} at the initial means)",
                                     p.dt_max, p.integrator, p.omega_max, p.mass_eigen.back()));
  }

  // ---- output
  read_output_keys(deck, p);
  p.cross_spectra = deck.has("output.cross_spectra") && deck.boolean("output.cross_spectra");
  std::map<std::string, std::string> derived;
  for (std::size_t i = 0; i < n; ++i) {
    if (!deck.has("field.seed", i)) {
      derived[fmt::format("field.{}.seed", p.names[i])] = std::to_string(p.initial[i].seed);
    }
  }
  p.deck_text = deck.resolved_toml(derived);
  return p;
}

MemoryBudget fields_memory(const FieldsParameters& p, int ranks) {
  const double n = static_cast<double>(p.box.n);
  const double planes = std::ceil(n / ranks);
  const double field = 8.0 * planes * n * 2.0 * (std::floor(n / 2) + 1);
  MemoryBudget b;
  b.items.push_back(
      {fmt::format("lattice fields ({} fields x (field, momentum, work): {:g} planes of {:g}^2 sites)",
                   p.names.size(), planes, n),
       3.0 * static_cast<double>(p.names.size()) * field,
       fmt::format("lattice.N = {}, {} [[field]]", p.box.n, p.names.size())});
  b.items.push_back({"spectra scratch fields (two)", 2.0 * field, fmt::format("lattice.N = {}", p.box.n)});
  if (ranks > 1) {
    b.items.push_back({"FFT transpose buffer (one slab)", field, fmt::format("lattice.N = {}", p.box.n)});
  }
  return b;
}

std::string fields_check_report(const FieldsParameters& p, int ranks) {
  const auto integrator = Integrator::from_name(p.integrator);
  std::string out = "# inflanet check: the resolved deck (every default filled in)\n" + p.deck_text;
  out += "\n# derived quantities (program units, M_p = 1)\n";
  out += fmt::format("#   fields              = {} ({})\n", p.names.size(), join(p.names));
  out += fmt::format("#   potential           = {}\n", multi_field_describe(p.make_potential()));
  out += fmt::format("#   derivative check    : {}\n", p.derivative_summary);
  out += fmt::format("#   dx                  = {:.6g}\n", p.box.dx());
  out += fmt::format("#   k range (comoving)  = [{:.6g}, {:.6g}]\n", p.box.dk(), p.box.k_max());
  for (std::size_t i = 0; i < p.names.size(); ++i) {
    out +=
        fmt::format("#   m_eff^2({})  = {:.6g}  (d2V/d{}^2 at the means; the vacuum of its fluctuations)\n",
                    p.names[i], p.mass2[i], p.names[i]);
  }
  std::vector<std::string> eigen;
  for (double e : p.mass_eigen) {
    eigen.push_back(fmt::format("{:.6g}", e));
  }
  out += fmt::format("#   Hessian eigenvalues = {}{}\n", join(eigen),
                     p.mass_eigen.front() < 0.0 ? "  (tachyonic direction at the means)" : "");
  if (p.friedmann()) {
    out += fmt::format(
        "#   background          = friedmann: H0 = {:.6g} from rho0 = {:.6g} (homogeneous part; the run "
        "adds the fluctuations' energy), rho_lambda = {:g}\n",
        p.hubble, 3.0 * p.hubble * p.hubble, p.rho_lambda);
  } else {
    out += fmt::format("#   background          = {} (H = {:g})\n", p.background_kind, p.hubble);
  }
  out += fmt::format("#   omega_max at a0     = {:.6g}\n", p.omega_max);
  out += fmt::format("#   stability: dt < {:.6g} for {}; dt = {:g} is {:.1f}% of it\n", p.dt_max,
                     integrator.name(), p.dt, 100.0 * p.dt / p.dt_max);
  out +=
      fmt::format("#   steps               = {}  (order {}, {} force evaluations per step, {} FFT pairs per "
                  "evaluation)\n",
                  p.steps, integrator.order(), integrator.drifts_per_step(), p.names.size());
  const auto memory = fields_memory(p, ranks);
  out += fmt::format("#   memory per rank     = {:.4g} MiB on {} rank(s)\n",
                     memory.total() / (1024.0 * 1024.0), ranks);
  if (!p.final_checkpoint && p.checkpoint_every == 0) {
    out += "#   restart             : impossible: output.final_checkpoint = false and "
           "output.checkpoint_every = 0\n";
  }
  return out;
}

} // namespace inflanet
