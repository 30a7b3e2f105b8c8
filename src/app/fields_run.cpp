#include "inflanet/app/fields_run.hpp"

#include <cmath>
#include <cstdio>
#include <optional>

#include <fmt/format.h>

#include "inflanet/app/progress.hpp"
#include "inflanet/app/run_output.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/fft/fft_wisdom.hpp"
#include "inflanet/field/continuity_tracker.hpp"
#include "inflanet/field/multi_field_initial_conditions.hpp"
#include "inflanet/field/multi_field_lattice.hpp"
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

/// Columns shared by every multi-field run, then six per field (see fields_run.hpp).
constexpr std::size_t common_columns = 12;

std::vector<std::string> timeseries_columns(const std::vector<std::string>& names) {
  std::vector<std::string> c = {"step",
                                "time",
                                "a",
                                "H",
                                "rho_kin",
                                "rho_grad",
                                "rho_pot",
                                "rho",
                                "p",
                                "constraint_violation",
                                "continuity_residual",
                                "energy_error"};
  for (const auto& x : names) {
    for (const auto& column :
         {x + "_mean", x + "_var", x + "dot_mean", x + "dot_var", "rho_kin_" + x, "rho_grad_" + x}) {
      c.push_back(column);
    }
  }
  return c;
}

std::vector<std::string> spectrum_names(const std::vector<std::string>& names, bool cross) {
  std::vector<std::string> s;
  for (const auto& x : names) {
    s.push_back("P_" + x);
    s.push_back("P_" + x + "dot");
  }
  if (cross) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      for (std::size_t j = i + 1; j < names.size(); ++j) {
        s.push_back("P_" + names[i] + "_" + names[j]);
      }
    }
  }
  return s;
}

std::unique_ptr<Background> fixed_background(const FieldsParameters& p) {
  return p.friedmann() ? nullptr : make_background(p.background_kind, p.hubble, p.a0);
}

Expansion expansion_of(const FieldsParameters& p, const Background* background) {
  return background != nullptr ? Expansion::fixed_background(*background)
                               : Expansion::friedmann(p.a0, p.rho_lambda);
}

} // namespace

struct FieldsRun::State {
  const FieldsParameters& p;
  Decomposition decomposition;
  std::filesystem::path wisdom;
  FftPlan plan;
  std::string wisdom_problem;
  SpectralOperators operators;
  PowerSpectrum spectrum;
  std::unique_ptr<Background> background;
  MultiFieldLattice fields;
  Integrator integrator;
  Field scratch, scratch2;
  io::FileMetadata metadata;
  std::vector<std::string> columns, spectra_names;
  std::optional<io::TimeseriesFile> timeseries; // rank 0
  std::optional<io::SpectraFile> spectra;       // rank 0
  std::optional<ContinuityTracker> continuity;
  MultiFieldEnergies energies;
  double rho0 = 0.0;
  std::int64_t step = 0, first_step = 0;
  std::vector<double> last_row;
  double wall = 0.0;

  State(const FieldsParameters& parameters, const Session& s)
      : p(parameters), decomposition(parameters.box),
        wisdom(prepare_run_output(parameters.output_dir, parameters.deck_text, parameters.wisdom,
                                  decomposition, s)),
        plan(decomposition, PlanRigor::measure), operators(decomposition, plan), spectrum(operators),
        background(fixed_background(parameters)),
        fields(operators, parameters.names, parameters.make_potential(),
               expansion_of(parameters, background.get()), 0.0),
        integrator(Integrator::from_name(parameters.integrator)), scratch(decomposition),
        scratch2(decomposition), metadata(io::FileMetadata::for_this_build(parameters.deck_text)),
        columns(timeseries_columns(parameters.names)),
        spectra_names(spectrum_names(parameters.names, parameters.cross_spectra)) {
    if (!plan.from_wisdom()) {
      wisdom_problem = save_fft_wisdom(wisdom, decomposition);
    }
  }

  /// d phi / dt of field i: the momentum, divided by a^3 for Friedmann.
  [[nodiscard]] double velocity_factor() const {
    const double a = fields.a();
    return p.friedmann() ? 1.0 / (a * a * a) : 1.0;
  }

  /// One row of timeseries.h5 (collective).
  std::vector<double> record(std::int64_t at_step, const MultiFieldEnergies& e, bool write = true) {
    const double energy_error =
        p.background_kind == "minkowski" && rho0 != 0.0 ? (e.rho() - rho0) / rho0 : 0.0;
    std::vector<double> row = {
        static_cast<double>(at_step), e.time,      e.a,     e.hubble,     e.kinetic_total(),
        e.gradient_total(),           e.potential, e.rho(), e.pressure(), e.constraint_violation(),
        continuity->residual(),       energy_error};
    const double v = velocity_factor();
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      row.push_back(operators.mean(fields.phi(i)));
      row.push_back(operators.variance(fields.phi(i)));
      row.push_back(v * operators.mean(fields.momentum(i)));
      row.push_back(v * v * operators.variance(fields.momentum(i)));
      row.push_back(e.kinetic[i]);
      row.push_back(e.gradient[i]);
    }
    if (timeseries && write) {
      timeseries->append(row);
    }
    return row;
  }

  void record_spectra(std::int64_t at_step) {
    std::vector<std::vector<double>> values;
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      values.push_back(spectrum.compute(fields.phi(i), scratch, plan));
      fields.velocity(i, scratch);
      plan.to_fourier(scratch);
      values.push_back(spectrum.compute(scratch));
    }
    if (p.cross_spectra) {
      for (std::size_t i = 0; i < p.names.size(); ++i) {
        scratch.copy_from(fields.phi(i));
        plan.to_fourier(scratch);
        for (std::size_t j = i + 1; j < p.names.size(); ++j) {
          scratch2.copy_from(fields.phi(j));
          plan.to_fourier(scratch2);
          values.push_back(spectrum.cross(scratch, scratch2));
        }
      }
    }
    if (spectra) {
      std::vector<std::span<const double>> views(values.begin(), values.end());
      spectra->append(at_step, fields.time(), fields.a(), views);
    }
  }

  void snapshot(std::int64_t at_step) {
    // Velocities dX/dt: one at a time through scratch would need one snapshot file per field, so write the
    // fields and velocities together, the velocities in freshly allocated fields (snapshots are rare).
    std::vector<Field> velocities;
    velocities.reserve(p.names.size());
    io::SnapshotFields meshes;
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      velocities.emplace_back(decomposition);
      fields.velocity(i, velocities.back());
    }
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      meshes.emplace(p.names[i], std::cref(fields.phi(i)));
      meshes.emplace(p.names[i] + "dot", std::cref(velocities[i]));
    }
    io::write_snapshot(p.output_dir, at_step, fields.time(), p.dt, fields.a(), fields.hubble(), meshes,
                       metadata, p.box);
  }

  [[nodiscard]] io::CheckpointFields checkpoint_fields() {
    io::CheckpointFields out;
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      out.emplace_back(p.names[i], &fields.phi(i));
      out.emplace_back(p.names[i] + "_momentum", &fields.momentum(i));
    }
    return out;
  }

  void checkpoint(std::int64_t at_step) {
    io::CheckpointState c;
    c.step = at_step;
    c.time = fields.time();
    c.a = fields.a();
    c.dt = p.dt;
    c.integrator = p.integrator;
    c.continuity_values = continuity->values();
    c.rho0 = rho0;
    c.scalars["friedmann"] = p.friedmann() ? 1.0 : 0.0;
    if (p.friedmann()) {
      c.scalars["p_b"] = fields.scale_factor().momentum();
    }
    c.deck_text = p.deck_text;
    c.code_version = version;
    c.git_commit = git_commit;
    io::ConstCheckpointFields view;
    for (const auto& [name, field] : checkpoint_fields()) {
      view.emplace_back(name, field);
    }
    io::write_checkpoint(p.output_dir, c, view, decomposition);
  }

  void open_files(bool continuing) {
    auto files = open_lattice_run_files(p.output_dir, continuing, step, columns, spectra_names, spectrum,
                                        p.box, metadata, decomposition.is_root());
    timeseries = std::move(files.timeseries);
    spectra = std::move(files.spectra);
  }
};

FieldsRun::FieldsRun(const FieldsParameters& parameters, const Session& session)
    : state_(std::make_unique<State>(parameters, session)) {
  const State& s = *state_;
  if (s.decomposition.is_root()) {
    fmt::print("{}\n# inflanet {} (commit {}) on {} rank(s) x {} thread(s): {} fields, {}\n",
               parameters.deck_text, version, git_commit, session.size(), session.threads(),
               parameters.names.size(), multi_field_describe(s.fields.potential()));
  }
  report_fft_plans(s.plan, s.wisdom, s.wisdom_problem, s.decomposition.is_root());
}

FieldsRun::~FieldsRun() = default;

void FieldsRun::start() {
  State& s = *state_;
  const FieldsParameters& p = s.p;
  if (!p.restart) {
    set_initial_conditions(s.fields, s.operators, p.initial);
    s.energies = s.fields.energies();
    s.rho0 = s.energies.rho();
    s.continuity.emplace(p.dt, s.rho0, s.energies.dissipation());
    s.open_files(false);
    s.last_row = s.record(0, s.energies);
    s.record_spectra(0);
    if (p.snapshot_every > 0) {
      s.snapshot(0);
    }
    if (s.decomposition.is_root() && p.friedmann()) {
      fmt::print("# friedmann: a0 = {:g}, H0 = {:.6g} from rho0 = {:.6g} (fluctuations included)\n",
                 s.energies.a, s.energies.hubble, s.rho0);
    }
    return;
  }
  const auto checkpoint =
      io::read_checkpoint(*p.restart, p.output_dir, s.checkpoint_fields(), s.decomposition);
  const auto stored = checkpoint.scalars.find("friedmann");
  const bool was_friedmann = stored != checkpoint.scalars.end() && stored->second == 1.0;
  if (was_friedmann != p.friedmann()) {
    throw InputError(
        fmt::format("restart = \"{}\": the checkpoint was written with a {} background, the deck has "
                    "background.kind = \"{}\"",
                    *p.restart, was_friedmann ? "friedmann" : "fixed", p.background_kind));
  }
  require_continuable(checkpoint, *p.restart, p.dt, p.steps);
  s.step = s.first_step = checkpoint.step;
  const auto p_b = checkpoint.scalars.find("p_b");
  s.fields.restore(checkpoint.time, checkpoint.a, p_b == checkpoint.scalars.end() ? 0.0 : p_b->second);
  s.energies = s.fields.energies();
  s.rho0 = checkpoint.rho0;
  s.continuity.emplace(
      ContinuityTracker::restore(p.dt, checkpoint.rho0, checkpoint.continuity_values, s.energies.rho()));
  s.open_files(true);
  s.last_row = s.record(s.step, s.energies, /*write=*/false);
  if (s.decomposition.is_root()) {
    fmt::print("# restarted from step {} (t = {:.6g}) of {}\n", checkpoint.step, checkpoint.time, *p.restart);
  }
}

void FieldsRun::evolve() {
  State& s = *state_;
  const FieldsParameters& p = s.p;
  ProgressReporter progress(p.steps, p.progress_every, s.decomposition.is_root());
  auto due = [](std::int64_t step, std::int64_t every) { return every > 0 && step % every == 0; };
  auto output_step = [&](std::int64_t step) {
    return step == p.steps || due(step, p.timeseries_every) || due(step, p.spectra_every) ||
           due(step, p.snapshot_every) || due(step, p.checkpoint_every) || due(step, p.progress_every);
  };
  const double a0 = s.energies.a;
  while (s.step < p.steps) {
    std::int64_t chunk_end = s.step + 1;
    while (!output_step(chunk_end)) {
      ++chunk_end;
    }
    const std::int64_t chunk_start = s.step;
    s.integrator.advance(s.fields, p.dt, chunk_end - chunk_start, [&](std::int64_t k) {
      const std::int64_t step = chunk_start + k + 1;
      s.energies = s.fields.energies();
      s.continuity->push(s.energies.rho(), s.energies.dissipation());
      if (!s.energies.finite()) {
        s.record(step, s.energies);
        throw RuntimeError(
            fmt::format("the fields became non-finite at step {} (t = {:.6g}); the time series holds "
                        "the diagnostics up to that step. Reduce time.dt or check the potential.",
                        step, s.energies.time),
            /*collective=*/true);
      }
    });
    s.step = chunk_end;
    const std::int64_t step = s.step;
    const bool last = step == p.steps;
    const bool row_due = due(step, p.timeseries_every) || last;
    if (row_due || due(step, p.progress_every)) {
      s.last_row = s.record(step, s.energies, row_due);
    }
    if (due(step, p.spectra_every) || last) {
      s.record_spectra(step);
    }
    if (due(step, p.snapshot_every) || (p.snapshot_every > 0 && last)) {
      s.snapshot(step);
    }
    if (due(step, p.checkpoint_every) || (last && p.final_checkpoint)) {
      s.checkpoint(step);
    }
    std::string diagnostics;
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      diagnostics += fmt::format("<{}>={:.3e} var={:.3e} ", p.names[i], s.last_row[common_columns + 6 * i],
                                 s.last_row[common_columns + 6 * i + 1]);
    }
    diagnostics += fmt::format("rho={:.4e} {}", s.energies.rho(),
                               p.friedmann() ? fmt::format("H={:.4e} constraint={:.2e}", s.energies.hubble,
                                                           s.energies.constraint_violation())
                                             : fmt::format("cont={:.2e}", s.continuity->residual()));
    progress.maybe_report(step, s.energies.time, s.energies.a, std::log(s.energies.a / a0), diagnostics);
  }
  s.wall = progress.elapsed();
}

void FieldsRun::summarise() const {
  const State& s = *state_;
  const FieldsParameters& p = s.p;
  if (!s.decomposition.is_root()) {
    return;
  }
  const auto steps = std::max<std::int64_t>(p.steps - s.first_step, 1);
  const auto& e = s.energies;
  const double n_fields = static_cast<double>(p.names.size());
  fmt::print(
      "# summary: {} steps of {} on {}^3 with {} fields in {:.2f} s ({:.2f} steps/s, {:.1f} ns per site per "
      "step per field)\n",
      steps, s.integrator.name(), p.box.n, p.names.size(), s.wall, steps / s.wall,
      1e9 * s.wall / (static_cast<double>(steps) * p.box.sites() * n_fields));
  fmt::print("#   t = {:.6g}, a = {:.6g}, H = {:.6g}, ln a = {:.4g}\n", e.time, e.a, e.hubble,
             std::log(e.a / p.a0));
  for (std::size_t i = 0; i < p.names.size(); ++i) {
    const std::size_t c = common_columns + 6 * i;
    fmt::print("#   {}: mean {:.6e}, var {:.6e}, var({}dot) {:.6e}, rho_kin {:.3e}, rho_grad {:.3e}\n",
               p.names[i], s.last_row[c], s.last_row[c + 1], p.names[i], s.last_row[c + 3], e.kinetic[i],
               e.gradient[i]);
  }
  fmt::print("#   rho = {:.6e} (kin {:.3e}, grad {:.3e}, pot {:.3e}{}), p/rho = {:.4f}\n", e.rho(),
             e.kinetic_total(), e.gradient_total(), e.potential,
             p.friedmann() && p.rho_lambda != 0.0 ? fmt::format(", Lambda {:.3e}", e.rho_lambda) : "",
             e.pressure() / e.rho());
  if (p.friedmann()) {
    fmt::print("#   Friedmann constraint violation |H^2 - rho/3| / (rho/3) = {:.3e}\n",
               e.constraint_violation());
  }
  fmt::print("#   continuity residual = {:.3e}{}\n", s.continuity->residual(),
             p.background_kind == "minkowski"
                 ? fmt::format(", relative energy error = {:.3e}", s.last_row[11])
                 : "");
  fmt::print("#   output: {}/{{timeseries.h5, spectra.h5, resolved.toml{}{}}}\n", p.output_dir.string(),
             p.final_checkpoint ? fmt::format(", checkpoint_{}.h5", p.steps) : std::string(),
             p.snapshot_every > 0 ? ", data_<step>.h5 + .xmf" : "");
}

} // namespace inflanet
