#include "inflanet/app/run_parameters.hpp"

#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "inflanet/app/run_output.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/integrator/integrator.hpp"

namespace inflanet {

RunParameters RunParameters::from_deck(const config::Deck& deck, const CoupledStep* coupled) {
  RunParameters p;
  deck.require_section("lattice", "the inflaton lives on the lattice");
  p.box = Box{static_cast<std::ptrdiff_t>(deck.integer("lattice.N")), deck.real("lattice.L")};
  p.background_kind = deck.string("background.kind");
  if (p.background_kind == "friedmann") {
    deck.fail("background.kind",
              "\"desitter\" or \"minkowski\" for the one-field [inflaton] run and the coupled "
              "run (a self-consistent expansion is a multi-field run: write the inflaton as a "
              "[[field]] with a [potential])");
  }
  p.hubble = p.background_kind == "minkowski" ? 0.0 : deck.real("background.H");
  if (coupled != nullptr && coupled->hubble) {
    p.hubble = *coupled->hubble; // duality.match = "network": H from the optimizer's friction
  }
  p.a0 = deck.real("background.a0");
  // Minkowski ignores H: an H other than 0 (or the default, which resolved decks spell out) is a mistake.
  if (p.background_kind == "minkowski" && deck.given_non_default("background.H") &&
      deck.real("background.H") != 0.0) {
    deck.fail("background.H", "H = 0 for kind = \"minkowski\" (or kind = \"desitter\" for H > 0)");
  }
  if (p.background_kind == "desitter" && !(p.hubble > 0.0)) {
    deck.fail("background.H", "H > 0 for kind = \"desitter\" (use kind = \"minkowski\" for H = 0)");
  }

  if (!deck.has_section("inflaton")) {
    deck.fail_section("inflaton", "to be present (or [network] alone, for a network-only run): it takes "
                                  "'inflaton.potential' and its parameters, e.g. potential = \"quadratic\", "
                                  "m = 0.5, phi0 = 1.0");
  }
  p.potential.kind = deck.string("inflaton.potential");
  p.potential.m = deck.real("inflaton.m");
  p.potential.lambda = deck.real("inflaton.lambda");
  p.potential.Lambda4 = deck.real("inflaton.Lambda4");
  p.potential.f = deck.real("inflaton.f");
  p.potential.V0 = deck.real("inflaton.V0");
  p.potential.Mp = deck.real("inflaton.Mp");
  p.potential.expression = deck.string("inflaton.expression");
  if (p.potential.kind == "expression" && p.potential.expression.empty()) {
    deck.fail("inflaton.expression",
              "a formula in phi, e.g. \"0.5*m^2*phi^2\", for potential = \"expression\"");
  }
  p.initial.phi0 = deck.real("inflaton.phi0");
  p.initial.phidot0 = deck.real("inflaton.phidot0");
  p.initial.vacuum_fluctuations = deck.string("inflaton.fluctuations") == "bunch-davies";
  p.initial.seed = static_cast<std::uint64_t>(deck.integer("inflaton.seed"));
  p.initial.kcut = deck.real("inflaton.kcut");

  if (!deck.has_section("time")) {
    deck.fail_section("time",
                      "to be present for the inflaton: it needs 'time.dt' (time step in cosmic time t "
                      "[1/H]) and 'time.t_end' (final cosmic time [1/H])");
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
  const bool eta_is_t = p.alpha == 0.0 || p.hubble == 0.0;
  const double steps = std::round(p.t_end / p.dt);
  if (!eta_is_t) {
    // In eta the run's length is eta(t_end), in general not a whole number of deck steps: time.dt is then
    // the largest step, and the run takes the fewest equal steps that land on t_end.
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

  read_output_keys(deck, p);
  p.deck_text = deck.resolved_toml();

  // Refuse a time step the integrator cannot survive, with the number it needs. (A step derived from
  // the network is sub-cycled by the coupled run instead.)
  const auto derived = DerivedQuantities::of(p, 1);
  if (coupled != nullptr && coupled->h) {
    p.lattice_substeps = static_cast<std::int64_t>(std::ceil(p.dt / (0.9 * derived.dt_max)));
    p.dt /= static_cast<double>(p.lattice_substeps);
    p.steps *= p.lattice_substeps;
  }

  if (!(p.dt < derived.dt_max)) {
    // Deck::fail appends "got <dt>" itself.
    deck.fail(
        "time.dt",
        fmt::format("dt < {:.6g} for stability of {} (omega_max = {:.6g}: dt omega_max < {:.4f}){}",
                    derived.dt_max, p.integrator, derived.omega_max,
                    Integrator::from_name(p.integrator).stability_limit(),
                    p.alpha == 0.0
                        ? std::string()
                        : fmt::format("; with time.alpha = {:g} the {} term sets it at a = {:.4g}", p.alpha,
                                      derived.mass_sets_step ? "mass" : "gradient", derived.a_at_omega_max)));
  }
  return p;
}

DerivedQuantities DerivedQuantities::of(const RunParameters& p, int ranks) {
  DerivedQuantities d;
  d.dx = p.box.dx();
  d.k_min = p.box.dk();
  d.k_max = p.box.k_max();
  d.mass2 = potential_d2V(make_potential(p.potential), p.initial.phi0);
  const double kn = p.box.k_nyquist();
  const double mass2 = std::max(d.mass2, 0.0);
  d.omega_max = std::sqrt(3.0 * kn * kn / (p.a0 * p.a0) + mass2);
  d.a_at_omega_max = p.a0;
  d.mass_sets_step = mass2 > 3.0 * kn * kn / (p.a0 * p.a0);
  d.efolds = p.hubble * p.t_final;
  d.eta_end = static_cast<double>(p.steps) * p.dt;
  if (p.alpha != 0.0) {
    // omega(a)^2 = a^(2 alpha - 2) 3 kn^2 + a^(2 alpha) m^2 is convex in ln a: its largest value is at an
    // end.
    const double a_end = p.a0 * std::exp(d.efolds);
    for (const double a : {p.a0, a_end}) {
      const double gradient = std::pow(a, 2.0 * p.alpha - 2.0) * 3.0 * kn * kn;
      const double mass = std::pow(a, 2.0 * p.alpha) * mass2;
      const double omega = std::sqrt(gradient + mass);
      if (a == p.a0 || omega > d.omega_max) {
        d.omega_max = omega;
        d.a_at_omega_max = a;
        d.mass_sets_step = mass > gradient;
      }
    }
  }
  d.dt_max = Integrator::from_name(p.integrator).stability_limit() / d.omega_max;
  const double n = static_cast<double>(p.box.n);
  const double planes = std::ceil(n / ranks);
  const double field_bytes = 8.0 * planes * n * 2.0 * (std::floor(n / 2) + 1);
  // phi, phidot, work; FFTW-MPI's transposes need about one more slab when there are several ranks.
  d.memory_per_rank = field_bytes * (3.0 + (ranks > 1 ? 1.0 : 0.0));
  return d;
}

} // namespace inflanet
