#include "inflanet/app/inflaton_run.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>

#include <fmt/format.h>

#include "inflanet/app/progress.hpp"
#include "inflanet/app/run_output.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/fft/fft_wisdom.hpp"
#include "inflanet/field/continuity_tracker.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/io/atomic_file.hpp"
#include "inflanet/io/checkpoint.hpp"
#include "inflanet/io/file_metadata.hpp"
#include "inflanet/io/snapshot_writer.hpp"
#include "inflanet/io/spectra_file.hpp"
#include "inflanet/io/timeseries_file.hpp"
#include "inflanet/spectra/power_spectrum.hpp"
#include "inflanet/version.hpp"

namespace inflanet {
namespace {

const std::vector<std::string> timeseries_columns = {
    "step",    "time",     "a",       "phi_mean", "phi_var", "phidot_mean",         "phidot_var",
    "rho_kin", "rho_grad", "rho_pot", "rho",      "p",       "continuity_residual", "energy_error",
    "eta"};
const std::vector<std::string> spectrum_names = {"P_phi", "P_phidot"};

} // namespace

std::string check_report(const RunParameters& p, int ranks) {
  const auto d = DerivedQuantities::of(p, ranks);
  const auto integrator = Integrator::from_name(p.integrator);
  std::string out = "# inflanet check: the resolved deck (every default filled in)\n" + p.deck_text;
  out += "\n# derived quantities (program units)\n";
  out += fmt::format("#   dx                  = {:.6g}\n", d.dx);
  out += fmt::format("#   k range (comoving)  = [{:.6g}, {:.6g}]  (2 pi / L, sqrt(3) pi / dx)\n", d.k_min,
                     d.k_max);
  out += fmt::format("#   V''(phi0)           = {:.6g}\n", d.mass2);
  const char* term =
      d.mass_sets_step ? "the mass term a^(2 alpha) V''" : "the gradient term a^(2 alpha - 2) k^2";
  if (p.alpha == 0.0) {
    out += fmt::format("#   omega_max at a0     = {:.6g}  (set by {})\n", d.omega_max, term);
  } else {
    out += fmt::format(
        "#   time variable       = eta, dt = a^{:g} d eta; eta: 0 -> {:.6g} in {} equal steps of {:.6g} "
        "(time.dt is the largest)\n",
        p.alpha, d.eta_end, p.steps, p.dt);
    out += fmt::format("#   omega_max over run  = {:.6g} in eta, at a = {:.4g} (set by {})\n", d.omega_max,
                       d.a_at_omega_max, term);
  }
  out +=
      fmt::format("#   stability: dt < {:.6g} for {} (dt omega_max < {:.4f}); dt = {:g} is {:.1f}% of it\n",
                  d.dt_max, integrator.name(), integrator.stability_limit(), p.dt, 100.0 * p.dt / d.dt_max);
  out += fmt::format("#   steps               = {}  (order {}, {} force evaluations per step)\n", p.steps,
                     integrator.order(), integrator.drifts_per_step());
  out += fmt::format("#   largest h omega     = {:.4g} over the run (alpha = {:g})\n", p.dt * d.omega_max,
                     p.alpha);
  if (p.hubble > 0.0) {
    out += fmt::format("#   e-folds             = {:.4g}  (a: {:.4g} -> {:.4g})\n", d.efolds, p.a0,
                       p.a0 * std::exp(d.efolds));
    out += fmt::format("#   k/(aH) at t0        = [{:.4g}, {:.4g}], at t_end = [{:.4g}, {:.4g}]\n",
                       d.k_min / (p.a0 * p.hubble), d.k_max / (p.a0 * p.hubble),
                       d.k_min / (p.a0 * std::exp(d.efolds) * p.hubble),
                       d.k_max / (p.a0 * std::exp(d.efolds) * p.hubble));
  }
  out +=
      fmt::format("#   memory per rank     = {:.4g} MiB on {} rank(s) ({:.1f} bytes per site)\n",
                  d.memory_per_rank / (1024.0 * 1024.0), ranks, d.memory_per_rank * ranks / (p.box.sites()));
  if (p.write_checkpoints && !p.final_checkpoint && p.checkpoint_every == 0) {
    out +=
        "#   restart             : impossible: output.final_checkpoint = false and output.checkpoint_every "
        "= 0 write no checkpoint (set checkpoint_every to keep the run restartable)\n";
  }
  return out;
}

/// Everything a run holds, in construction order (members are destroyed in reverse).
struct InflatonRun::State {
  const RunParameters& p;
  const Session& session;
  Decomposition decomposition;
  std::filesystem::path wisdom;
  FftPlan plan;
  std::string wisdom_problem; ///< why the wisdom could not be saved; empty when it was (or needed no saving)
  SpectralOperators operators;
  PowerSpectrum spectrum;
  std::unique_ptr<Background> background;
  Inflaton inflaton;
  Integrator integrator;
  Field scratch;
  io::FileMetadata metadata;
  std::optional<io::TimeseriesFile> timeseries; // rank 0
  std::optional<io::SpectraFile> spectra;       // rank 0
  std::optional<ContinuityTracker> continuity;
  InflatonEnergies energies;
  double rho0 = 0.0;
  std::int64_t step = 0, first_step = 0;
  std::vector<double> last_row;
  double wall = 0.0;
  std::function<void(std::int64_t)> on_step;
  std::function<void(std::int64_t, bool)> on_output;
  std::function<std::string()> progress_extra;
  std::function<void(io::CheckpointState&)> checkpoint_extra;
  std::optional<io::CheckpointState> restored;

  State(const RunParameters& parameters, const Session& s)
      : p(parameters), session(s), decomposition(parameters.box),
        wisdom(prepare_run_output(parameters.output_dir, parameters.deck_text, parameters.wisdom,
                                  decomposition, s)),
        plan(decomposition, PlanRigor::measure), operators(decomposition, plan), spectrum(operators),
        background(make_background(parameters.background_kind, parameters.hubble, parameters.a0)),
        inflaton(operators, *background, make_potential(parameters.potential), 0.0, parameters.alpha),
        integrator(Integrator::from_name(parameters.integrator)), scratch(decomposition),
        metadata(io::FileMetadata::for_this_build(parameters.deck_text)) {
    // Keep what was measured; the plans themselves were already made from wisdom (FftPlan), so a restart
    // that reads this file executes the same ones.
    if (!plan.from_wisdom()) {
      wisdom_problem = save_fft_wisdom(wisdom, decomposition);
    }
  }

  /// One row of timeseries.h5 (collective: means and variances are global).
  std::vector<double> record(std::int64_t at_step, const InflatonEnergies& e, bool write = true) {
    const double energy_error = p.hubble == 0.0 && rho0 != 0.0 ? (e.rho() - rho0) / rho0 : 0.0;
    const double to_cosmic = 1.0 / e.dt_deta; // phidot columns are d phi / dt = a^-alpha p
    std::vector<double> row = {static_cast<double>(at_step),
                               e.time,
                               e.a,
                               operators.mean(inflaton.phi()),
                               operators.variance(inflaton.phi()),
                               to_cosmic * operators.mean(inflaton.phidot()),
                               to_cosmic * to_cosmic * operators.variance(inflaton.phidot()),
                               e.kinetic,
                               e.gradient,
                               e.potential,
                               e.rho(),
                               e.pressure(),
                               continuity->residual(),
                               energy_error,
                               e.eta};
    if (timeseries && write) {
      timeseries->append(row);
    }
    return row;
  }

  void record_spectra(std::int64_t at_step, const InflatonEnergies& e) {
    const auto p_phi = spectrum.compute(inflaton.phi(), scratch, plan);
    auto p_phidot = spectrum.compute(inflaton.phidot(), scratch, plan);
    if (p.alpha != 0.0) {
      for (double& value : p_phidot) { // P of d phi / dt = a^-alpha p
        value /= e.dt_deta * e.dt_deta;
      }
    }
    if (spectra) {
      spectra->append(at_step, e.time, e.a, {p_phi, p_phidot});
    }
  }

  void snapshot(std::int64_t at_step) {
    if (p.alpha == 0.0) {
      io::write_snapshot(p.output_dir, at_step, inflaton.time(), p.dt, inflaton.a(), p.hubble,
                         {{"phi", inflaton.phi()}, {"phidot", inflaton.phidot()}}, metadata, p.box);
      return;
    }
    inflaton.cosmic_velocity(scratch); // snapshots hold d phi / dt whatever the time variable
    io::write_snapshot(p.output_dir, at_step, inflaton.time(), p.dt, inflaton.a(), p.hubble,
                       {{"phi", inflaton.phi()}, {"phidot", scratch}}, metadata, p.box);
  }

  void checkpoint(std::int64_t at_step) {
    io::CheckpointState c;
    c.step = at_step;
    c.time = inflaton.time();
    c.a = inflaton.a();
    c.dt = p.dt;
    c.integrator = p.integrator;
    c.continuity_values = continuity->values();
    c.rho0 = rho0;
    // The integration variable and the momentum p = d phi / d eta (the fields' "phidot") continue exactly.
    c.scalars["eta"] = inflaton.eta();
    c.scalars["alpha"] = p.alpha;
    c.deck_text = p.deck_text;
    c.code_version = version;
    c.git_commit = git_commit;
    if (checkpoint_extra) {
      checkpoint_extra(c);
    }
    io::write_checkpoint(p.output_dir, c, inflaton.phi(), inflaton.phidot(), decomposition);
  }

  void open_files(bool continuing) {
    auto files = open_lattice_run_files(p.output_dir, continuing, step, timeseries_columns, spectrum_names,
                                        spectrum, p.box, metadata, decomposition.is_root());
    timeseries = std::move(files.timeseries);
    spectra = std::move(files.spectra);
  }
};

InflatonRun::InflatonRun(const RunParameters& parameters, const Session& session)
    : state_(std::make_unique<State>(parameters, session)) {
  if (state_->decomposition.is_root()) {
    fmt::print("{}\n# inflanet {} (commit {}) on {} rank(s) x {} thread(s)\n", parameters.deck_text, version,
               git_commit, session.size(), session.threads());
  }
  report_fft_plans(state_->plan, state_->wisdom, state_->wisdom_problem, state_->decomposition.is_root());
}

InflatonRun::~InflatonRun() = default;

void InflatonRun::on_step(std::function<void(std::int64_t)> hook) {
  state_->on_step = std::move(hook);
}
void InflatonRun::on_output(std::function<void(std::int64_t, bool)> hook) {
  state_->on_output = std::move(hook);
}
void InflatonRun::progress_extra(std::function<std::string()> hook) {
  state_->progress_extra = std::move(hook);
}
void InflatonRun::checkpoint_extra(std::function<void(io::CheckpointState&)> hook) {
  state_->checkpoint_extra = std::move(hook);
}
const io::CheckpointState* InflatonRun::restored() const noexcept {
  return state_->restored ? &*state_->restored : nullptr;
}
Inflaton& InflatonRun::inflaton() noexcept {
  return state_->inflaton;
}
SpectralOperators& InflatonRun::operators() noexcept {
  return state_->operators;
}
const PowerSpectrum& InflatonRun::spectrum() const noexcept {
  return state_->spectrum;
}
Field& InflatonRun::scratch() noexcept {
  return state_->scratch;
}
const Decomposition& InflatonRun::decomposition() const noexcept {
  return state_->decomposition;
}
const Integrator& InflatonRun::integrator() const noexcept {
  return state_->integrator;
}
const InflatonEnergies& InflatonRun::energies() const noexcept {
  return state_->energies;
}

void InflatonRun::start() {
  State& s = *state_;
  const RunParameters& p = s.p;
  if (!p.restart) {
    set_initial_conditions(s.inflaton, s.operators, p.initial);
    s.energies = s.inflaton.energies();
    s.rho0 = s.energies.rho();
    s.continuity.emplace(p.dt, s.rho0, s.energies.dissipation());
    s.open_files(false);
    s.last_row = s.record(0, s.energies);
    s.record_spectra(0, s.energies);
    if (p.snapshot_every > 0) {
      s.snapshot(0);
    }
    return;
  }
  // Continue from a checkpoint: fields, time and step exactly as they were, diagnostics' history too.
  const auto checkpoint =
      io::read_checkpoint(*p.restart, p.output_dir, s.inflaton.phi(), s.inflaton.phidot(), s.decomposition);
  const auto stored_alpha = checkpoint.scalars.find("alpha");
  const double checkpoint_alpha = stored_alpha == checkpoint.scalars.end() ? 0.0 : stored_alpha->second;
  if (checkpoint_alpha != p.alpha) {
    throw InputError(
        fmt::format("restart = \"{}\": the checkpoint was written with time.alpha = {:g}, the deck "
                    "has {:g}; a run continues in its own time variable",
                    *p.restart, checkpoint_alpha, p.alpha));
  }
  require_continuable(checkpoint, *p.restart, p.dt, p.steps);
  const auto stored_eta = checkpoint.scalars.find("eta");
  s.step = s.first_step = checkpoint.step;
  s.inflaton.fields_changed_at_eta(stored_eta == checkpoint.scalars.end() ? checkpoint.time
                                                                          : stored_eta->second);
  s.energies = s.inflaton.energies();
  s.rho0 = checkpoint.rho0;
  s.continuity.emplace(
      ContinuityTracker::restore(p.dt, checkpoint.rho0, checkpoint.continuity_values, s.energies.rho()));
  s.open_files(true);
  s.last_row = s.record(s.step, s.energies, /*write=*/false); // that row is already in the file
  if (s.decomposition.is_root()) {
    fmt::print("# restarted from step {} (t = {:.6g}) of {}\n", checkpoint.step, checkpoint.time, *p.restart);
  }
  s.restored = checkpoint;
}

void InflatonRun::evolve() {
  State& s = *state_;
  const RunParameters& p = s.p;
  ProgressReporter progress(p.steps, p.progress_every, s.decomposition.is_root());
  auto due = [](std::int64_t step, std::int64_t every) { return every > 0 && step % every == 0; };
  // Steps where the state must be synchronised because something reads the fields themselves.
  auto output_step = [&](std::int64_t step) {
    return step == p.steps || due(step, p.timeseries_every) || due(step, p.spectra_every) ||
           due(step, p.snapshot_every) || due(step, p.checkpoint_every);
  };
  while (s.step < p.steps) {
    std::int64_t chunk_end = s.step + 1;
    while (!output_step(chunk_end)) {
      ++chunk_end;
    }
    // Between outputs the integrator merges the momentum stages across step boundaries (one pass per
    // boundary); every step still reports its energies for the continuity residual and the guard.
    const std::int64_t chunk_start = s.step;
    s.integrator.advance(s.inflaton, p.dt, chunk_end - chunk_start, [&](std::int64_t k) {
      const std::int64_t step = chunk_start + k + 1;
      s.energies = s.inflaton.energies();
      s.continuity->push(s.energies.rho(), s.energies.dissipation());
      if (!s.energies.finite()) {
        s.record(step, s.energies);
        throw RuntimeError(
            fmt::format("the fields became non-finite at step {} (t = {:.6g}); the time series "
                        "holds the diagnostics up to that step. Reduce time.dt or check the "
                        "potential.",
                        step, s.energies.time),
            /*collective=*/true);
      }
      if (s.on_step) {
        s.on_step(step);
      }
      progress.maybe_report(step, s.energies.time, s.energies.a, p.hubble * s.energies.time,
                            fmt::format("<phi>={:.4e} rho={:.4e} cont={:.2e}{}", s.last_row[3],
                                        s.energies.rho(), s.continuity->residual(),
                                        s.progress_extra ? s.progress_extra() : std::string()));
    });
    s.step = chunk_end;
    const std::int64_t step = s.step;
    const bool last = step == p.steps;
    if (due(step, p.timeseries_every) || last) {
      s.last_row = s.record(step, s.energies);
    }
    if (due(step, p.spectra_every) || last) {
      s.record_spectra(step, s.energies);
    }
    if (due(step, p.snapshot_every) || (p.snapshot_every > 0 && last)) {
      s.snapshot(step);
    }
    // The companion's outputs come before the checkpoint, so that the state it adds to the checkpoint
    // includes what it recorded at this step (a restart from here does not record it again).
    if (s.on_output) {
      s.on_output(step, last);
    }
    if (p.write_checkpoints && (due(step, p.checkpoint_every) || (last && p.final_checkpoint))) {
      s.checkpoint(step);
    }
  }
  s.wall = progress.elapsed();
}

void InflatonRun::summarise() const {
  const State& s = *state_;
  const RunParameters& p = s.p;
  if (!s.decomposition.is_root()) {
    return;
  }
  const auto steps = std::max<std::int64_t>(p.steps - s.first_step, 1);
  const auto& e = s.energies;
  fmt::print("# summary: {} steps of {} on {}^3 in {:.2f} s ({:.1f} steps/s, {:.1f} ns per site per step)\n",
             steps, s.integrator.name(), p.box.n, s.wall, steps / s.wall,
             1e9 * s.wall / (steps * p.box.sites()));
  fmt::print("#   t = {:.6g}, a = {:.6g}, N_efolds = {:.4g}{}\n", e.time, e.a, p.hubble * e.time,
             p.alpha != 0.0 ? fmt::format(", eta = {:.6g} (alpha = {:g})", e.eta, p.alpha) : std::string());
  fmt::print("#   <phi> = {:.6e}, var(phi) = {:.6e}, var(phidot) = {:.6e}\n", s.last_row[3], s.last_row[4],
             s.last_row[6]);
  fmt::print("#   rho = {:.6e} (kin {:.3e}, grad {:.3e}, pot {:.3e}), p/rho = {:.4f}\n", e.rho(), e.kinetic,
             e.gradient, e.potential, e.pressure() / e.rho());
  fmt::print("#   continuity residual = {:.3e}{}\n", s.continuity->residual(),
             p.hubble == 0.0 ? fmt::format(", relative energy error = {:.3e}", s.last_row[13]) : "");
  fmt::print("#   output: {}/{{timeseries.h5, spectra.h5, resolved.toml{}{}}}\n", p.output_dir.string(),
             p.write_checkpoints && p.final_checkpoint ? fmt::format(", checkpoint_{}.h5", p.steps)
                                                       : std::string(),
             p.snapshot_every > 0 ? ", data_<step>.h5 + .xmf" : "");
}

} // namespace inflanet
