#include "inflanet/app/lattice_run.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "inflanet/app/progress.hpp"
#include "inflanet/app/run_output.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/background/scale_factor.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/fft/fft_wisdom.hpp"
#include "inflanet/field/continuity_tracker.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/gravitational_waves/gravitational_waves.hpp"
#include "inflanet/gravitational_waves/lattice_with_gravitational_waves.hpp"
#include "inflanet/gravitational_waves/present_day_spectrum.hpp"
#include "inflanet/io/atomic_file.hpp"
#include "inflanet/io/file_metadata.hpp"
#include "inflanet/io/snapshot_writer.hpp"
#include "inflanet/io/spectra_file.hpp"
#include "inflanet/io/timeseries_file.hpp"
#include "inflanet/version.hpp"

namespace inflanet {
namespace {

/// What a time-series row is made of: the energies, and per field the means and variances of the field and
/// of its velocity dX/dt.
struct Sample {
  std::int64_t step = 0;
  const LatticeEnergies* e = nullptr;       ///< the energies of the row (read while the row is built)
  std::vector<std::array<double, 4>> field; ///< per field: mean, var, velocity mean, velocity var
  double continuity = 0.0, energy_error = 0.0;
  double rho_gw = 0.0; ///< gravitational waves: (M_p^2 / 4) <dh_ij/dt dh_ij/dt>
};

/// A declared column: its name, unit and value.
struct Declared {
  Column column;
  std::function<double(const Sample&)> value;
};

std::vector<Declared> declare_columns(const LatticeParameters& p) {
  using S = const Sample&;
  std::vector<Declared> c = {
      {{"step", quantity::dimensionless}, [](S s) { return static_cast<double>(s.step); }},
      {{"time", quantity::time}, [](S s) { return s.e->time; }},
      {{"a", quantity::dimensionless}, [](S s) { return s.e->a; }},
  };
  const std::vector<Declared> energies = {
      {{"rho_kin", quantity::energy_density}, [](S s) { return s.e->kinetic_total(); }},
      {{"rho_grad", quantity::energy_density}, [](S s) { return s.e->gradient_total(); }},
      {{"rho_pot", quantity::energy_density}, [](S s) { return s.e->potential; }},
      {{"rho", quantity::energy_density}, [](S s) { return s.e->rho(); }},
      {{"p", quantity::energy_density}, [](S s) { return s.e->pressure(); }}};
  const std::vector<Declared> errors = {
      {{"continuity_residual", quantity::dimensionless}, [](S s) { return s.continuity; }},
      {{"energy_error", quantity::dimensionless}, [](S s) { return s.energy_error; }}};
  const Declared eta = {{"eta", quantity::time}, [](S s) { return s.e->eta; }};
  const auto statistics = [&](std::size_t i) { // of field i and of its velocity
    const char* what[] = {"_mean", "_var", "dot_mean", "dot_var"};
    const QuantityUnit unit[] = {quantity::field, quantity::field_squared, quantity::field_rate,
                                 quantity::field_rate_squared};
    for (std::size_t k = 0; k < 4; ++k) {
      c.push_back({{p.names[i] + what[k], unit[k]}, [i, k](S s) { return s.field[i][k]; }});
    }
  };
  const std::vector<Declared> waves = {
      {{"rho_gw", quantity::energy_density}, [](S s) { return s.rho_gw; }},
      {{"rho_gw_fraction", quantity::dimensionless}, [](S s) { return s.rho_gw / s.e->rho(); }}};
  if (p.one_field_deck) {
    // The one-field deck's historical layout: the field's statistics first, eta last.
    statistics(0);
    c.insert(c.end(), energies.begin(), energies.end());
    c.insert(c.end(), errors.begin(), errors.end());
    if (p.gravitational_waves.enabled) {
      c.insert(c.end(), waves.begin(), waves.end());
    }
    c.push_back(eta);
    return c;
  }
  c.push_back({{"H", quantity::rate}, [](S s) { return s.e->hubble; }});
  c.insert(c.end(), energies.begin(), energies.end());
  c.push_back(
      {{"constraint_violation", quantity::dimensionless}, [](S s) { return s.e->constraint_violation(); }});
  c.insert(c.end(), errors.begin(), errors.end());
  for (std::size_t i = 0; i < p.names.size(); ++i) {
    statistics(i);
    c.push_back({{"rho_kin_" + p.names[i], quantity::energy_density}, [i](S s) { return s.e->kinetic[i]; }});
    c.push_back(
        {{"rho_grad_" + p.names[i], quantity::energy_density}, [i](S s) { return s.e->gradient[i]; }});
  }
  if (p.gravitational_waves.enabled) {
    c.insert(c.end(), waves.begin(), waves.end());
  }
  if (p.alpha != 0.0) {
    c.push_back(eta);
  }
  return c;
}

/// gw_spectra.h5's per-time series and spectra, and the units of every dataset (gravitational_waves.hpp).
const std::vector<std::string> gw_series = {"rho", "rho_gw"};
const std::vector<std::string> gw_spectra_names = {"drho_gw_dlnk", "omega_gw"};
io::SpectraFileExtras gw_file_extras() {
  io::SpectraFileExtras x;
  x.series = gw_series;
  x.series_units = {quantity::energy_density, quantity::energy_density};
  x.spectrum_units = {quantity::energy_density, quantity::dimensionless};
  x.normalisation =
      "rho_GW = (M_p^2/4) <dh_ij/dt dh_ij/dt> (box average); per shell b of |n| (width dk = "
      "2 pi/L, k = mean comoving |k| of its modes) drho_gw_dlnk = (k_b/dk) rho_b with rho_b the "
      "shell's part of rho_GW, so sum_b (dk/k_b) drho_gw_dlnk = rho_gw; omega_gw = drho_gw_dlnk / "
      "rho with rho the fields' total energy density";
  return x;
}

std::vector<std::string> spectrum_names(const LatticeParameters& p) {
  std::vector<std::string> s;
  for (const auto& x : p.names) {
    s.push_back("P_" + x);
    s.push_back("P_" + x + "dot");
  }
  if (p.cross_spectra) {
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      for (std::size_t j = i + 1; j < p.names.size(); ++j) {
        s.push_back("P_" + p.names[i] + "_" + p.names[j]);
      }
    }
  }
  return s;
}

/// The quantity of each of spectrum_names(p), in order: P_x, P_xdot per field, then the cross-spectra.
std::vector<QuantityUnit> spectrum_units(const LatticeParameters& p) {
  std::vector<QuantityUnit> u;
  for (std::size_t i = 0; i < p.names.size(); ++i) {
    u.push_back(quantity::field_spectrum);
    u.push_back(quantity::field_rate_spectrum);
  }
  if (p.cross_spectra) {
    const std::size_t n = p.names.size();
    u.insert(u.end(), n * (n - 1) / 2, quantity::field_spectrum);
  }
  return u;
}

/// The checkpoint's name of field i's momentum: the [inflaton] deck's "phidot", else "X_momentum".
std::string momentum_name(const LatticeParameters& p, std::size_t i) {
  return p.one_field_deck ? p.names[i] + "dot" : p.names[i] + "_momentum";
}

std::unique_ptr<Background> fixed_background(const LatticeParameters& p) {
  return p.friedmann() ? nullptr : make_background(p.background_kind, p.hubble, p.a0);
}

Expansion expansion_of(const LatticeParameters& p, const Background* background) {
  return background != nullptr ? Expansion::fixed_background(*background)
                               : Expansion::friedmann(p.a0, p.rho_lambda);
}

} // namespace

std::vector<Column> LatticeRun::columns(const LatticeParameters& parameters) {
  std::vector<Column> out;
  for (const auto& d : declare_columns(parameters)) {
    out.push_back(d.column);
  }
  return out;
}

/// Everything a run holds, in construction order (members are destroyed in reverse).
struct LatticeRun::State {
  const LatticeParameters& p;
  Decomposition decomposition;
  std::filesystem::path wisdom;
  FftPlan plan;
  std::string wisdom_problem; ///< why the wisdom could not be saved; empty when it was (or needed no saving)
  SpectralOperators operators;
  PowerSpectrum spectrum;
  std::unique_ptr<Background> background;
  FieldLattice fields;
  Integrator integrator;
  Field scratch;
  std::optional<Field> scratch2; ///< cross spectra only
  io::FileMetadata metadata;
  std::vector<Declared> declared;
  std::vector<std::string> column_names, spectra_names;
  std::vector<QuantityUnit> column_units, spectra_units;
  std::optional<io::TimeseriesFile> timeseries; // rank 0
  std::optional<io::SpectraFile> spectra;       // rank 0
  std::optional<GravitationalWaves> waves;      ///< gravitational_waves.enabled
  std::optional<LatticeWithGravitationalWaves> with_waves;
  std::optional<io::SpectraFile> gw_spectra; // rank 0
  std::optional<ContinuityTracker> continuity;
  LatticeEnergies energies;
  double rho0 = 0.0;
  std::int64_t step = 0, first_step = 0;
  Sample last; ///< the last row's statistics (progress and summary)
  double wall = 0.0;
  std::function<void(std::int64_t)> on_step;
  std::function<void(std::int64_t, bool)> on_output;
  std::function<std::string()> progress_extra;
  std::function<void(io::CheckpointState&)> checkpoint_extra;
  std::function<void(const io::CheckpointState&)> restart_check;
  std::optional<io::CheckpointState> restored;

  State(const LatticeParameters& parameters, const Session& s)
      : p(parameters), decomposition(parameters.box),
        wisdom(prepare_run_output(parameters.output_dir, parameters.restart, parameters.overwrite,
                                  parameters.wisdom, decomposition, s)),
        plan(decomposition, PlanRigor::measure), operators(decomposition, plan), spectrum(operators),
        background(fixed_background(parameters)),
        fields(operators, parameters.names, parameters.make_potential(),
               expansion_of(parameters, background.get()), 0.0, parameters.alpha),
        integrator(Integrator::from_name(parameters.integrator)), scratch(decomposition),
        metadata(io::FileMetadata::for_this_build(parameters.deck_text, parameters.units)),
        declared(declare_columns(parameters)), spectra_names(spectrum_names(parameters)),
        spectra_units(spectrum_units(parameters)) {
    for (const auto& d : declared) {
      column_names.push_back(d.column.name);
      column_units.push_back(d.column.unit);
    }
    if (p.cross_spectra) {
      scratch2.emplace(decomposition);
    }
    if (p.gravitational_waves.enabled) {
      waves.emplace(operators, p.gravitational_waves.sources, p.units.planck_mass());
      with_waves.emplace(fields, *waves);
    }
    // Keep what was measured; the plans themselves were already made from wisdom (FftPlan), so a restart
    // that reads this file executes the same ones.
    if (!plan.from_wisdom()) {
      wisdom_problem = save_fft_wisdom(wisdom, decomposition);
    }
  }

  /// dX/dt of a momentum: divided by a^alpha (fixed background) or a^3 (Friedmann).
  [[nodiscard]] double velocity_factor(const LatticeEnergies& e) const {
    return p.friedmann() ? 1.0 / (e.a * e.a * e.a) : 1.0 / e.dt_deta;
  }

  /// One row of timeseries.h5 (collective: means and variances are global).
  Sample record(std::int64_t at_step, const LatticeEnergies& e, bool write = true) {
    Sample s;
    s.step = at_step;
    s.e = &e;
    s.continuity = continuity->residual();
    s.energy_error = p.background_kind == "minkowski" && rho0 != 0.0 ? (e.rho() - rho0) / rho0 : 0.0;
    if (waves) {
      s.rho_gw = waves->energy_density(fields.velocity_factor());
    }
    const double v = velocity_factor(e);
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      s.field.push_back({operators.mean(fields.phi(i)), operators.variance(fields.phi(i)),
                         v * operators.mean(fields.momentum(i)),
                         v * v * operators.variance(fields.momentum(i))});
    }
    if (timeseries && write) {
      std::vector<double> row;
      for (const auto& d : declared) {
        row.push_back(d.value(s));
      }
      timeseries->append(row);
    }
    s.e = nullptr; // only the row reads it; later readers use the run's own energies
    return s;
  }

  void record_spectra(std::int64_t at_step, const LatticeEnergies& e) {
    std::vector<std::vector<double>> values;
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      values.push_back(spectrum.compute(fields.phi(i), scratch, plan));
      if (p.friedmann()) {
        fields.velocity(i, scratch);
        plan.to_fourier(scratch);
        values.push_back(spectrum.compute(scratch));
      } else {
        // A fixed background's velocity is a^-alpha p: the spectrum of p, scaled (exactly p's for alpha = 0).
        values.push_back(spectrum.compute(fields.momentum(i), scratch, plan));
        if (p.alpha != 0.0) {
          for (double& value : values.back()) {
            value /= e.dt_deta * e.dt_deta;
          }
        }
      }
    }
    if (p.cross_spectra) {
      for (std::size_t i = 0; i < p.names.size(); ++i) {
        scratch.copy_from(fields.phi(i));
        plan.to_fourier(scratch);
        for (std::size_t j = i + 1; j < p.names.size(); ++j) {
          scratch2->copy_from(fields.phi(j));
          plan.to_fourier(*scratch2);
          values.push_back(spectrum.cross(scratch, *scratch2));
        }
      }
    }
    if (spectra) {
      std::vector<std::span<const double>> views(values.begin(), values.end());
      spectra->append(at_step, e.time, e.a, views);
    }
  }

  /// One row of gw_spectra.h5 (collective; the fields synchronised).
  void record_gw_spectra(std::int64_t at_step, const LatticeEnergies& e) {
    const double v = fields.velocity_factor();
    std::vector<double> drho = waves->energy_spectrum(spectrum, v);
    std::vector<double> omega(drho.size());
    const double rho = e.rho();
    for (std::size_t b = 0; b < drho.size(); ++b) {
      omega[b] = drho[b] / rho;
    }
    const std::vector<double> series = {rho, waves->energy_density(v)};
    if (gw_spectra) {
      gw_spectra->append(at_step, e.time, e.a, {drho, omega}, series);
    }
  }

  /// gw_spectra.h5's group `today` at the last step: f and h^2 Omega_GW,0 per shell (present_day_spectrum),
  /// when the run has a physical scale (p.units: a Friedmann run's M_p = 2.435e18 GeV, or the deck's
  /// `[units]`); without one, no `today`. It assumes rho is the universe's total energy density, which only a
  /// Friedmann run's rho is (docs/gravitational_waves.md).
  void record_today(const LatticeEnergies& e) {
    if (!p.units.scale) {
      return;
    }
    const PhysicalScale& scale = *p.units.scale;
    const auto& gw = p.gravitational_waves;
    const LateUniverse late{gw.w, gw.efolds, gw.g_star};
    const std::vector<double> drho = waves->energy_spectrum(spectrum, fields.velocity_factor());
    std::vector<double> omega(drho.size());
    for (std::size_t b = 0; b < drho.size(); ++b) {
      omega[b] = drho[b] / e.rho();
    }
    const PresentDaySpectrum today =
        present_day_spectrum(spectrum.k(), omega, e.a, e.rho(), scale.energy_GeV, scale.field_GeV, late);
    if (gw_spectra) {
      gw_spectra->write_group(
          "today", {{"frequency_Hz", today.frequency_Hz, "Hz"}, {"h2_omega_gw", today.h2_omega_gw, "1"}},
          {{"w", gw.w},
           {"efolds", gw.efolds},
           {"g_star", gw.g_star},
           {"energy_GeV", scale.energy_GeV},
           {"field_GeV", scale.field_GeV}});
    }
  }

  void snapshot(std::int64_t at_step) {
    // Velocities dX/dt, in freshly allocated fields (snapshots are rare), so that one file holds them all.
    std::vector<Field> velocities;
    velocities.reserve(p.names.size());
    io::SnapshotFields meshes;
    std::map<std::string, QuantityUnit> units;
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      velocities.emplace_back(decomposition);
      fields.velocity(i, velocities.back());
    }
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      meshes.emplace(p.names[i], std::cref(fields.phi(i)));
      meshes.emplace(p.names[i] + "dot", std::cref(velocities[i]));
      units.emplace(p.names[i], quantity::field);
      units.emplace(p.names[i] + "dot", quantity::field_rate);
    }
    std::vector<Field> tensor; // h_ij, with gravitational_waves.snapshots
    if (waves && p.gravitational_waves.snapshots) {
      const char* names[6] = {"hxx", "hxy", "hxz", "hyy", "hyz", "hzz"};
      tensor.reserve(6);
      for (int c = 0; c < 6; ++c) {
        tensor.emplace_back(decomposition);
        waves->tensor_component(c, tensor.back());
        meshes.emplace(names[c], std::cref(tensor.back()));
        units.emplace(names[c], quantity::dimensionless);
      }
    }
    io::write_snapshot(p.output_dir, at_step, fields.time(), p.dt, fields.a(), fields.hubble(), meshes, units,
                       metadata, p.box);
  }

  [[nodiscard]] io::CheckpointFields checkpoint_fields() {
    io::CheckpointFields out;
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      out.emplace_back(p.names[i], &fields.phi(i));
      out.emplace_back(momentum_name(p, i), &fields.momentum(i));
    }
    if (waves) { // h~_A and p~_A, in Fourier space ([N][N][N/2+1][2])
      out.emplace_back("gw_h_plus", &waves->amplitude(GravitationalWaves::plus));
      out.emplace_back("gw_h_cross", &waves->amplitude(GravitationalWaves::cross));
      out.emplace_back("gw_p_plus", &waves->momentum(GravitationalWaves::plus));
      out.emplace_back("gw_p_cross", &waves->momentum(GravitationalWaves::cross));
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
    // The integration variable and the momenta continue exactly. (Each deck form keeps the scalars it has
    // always written: a checkpoint of an older build restarts.)
    if (p.one_field_deck || p.alpha != 0.0) {
      c.scalars["eta"] = fields.eta();
      c.scalars["alpha"] = p.alpha;
    }
    if (!p.one_field_deck) {
      c.scalars["friedmann"] = p.friedmann() ? 1.0 : 0.0;
    }
    if (p.friedmann()) {
      c.scalars["p_b"] = fields.scale_factor().momentum();
    }
    c.deck_text = p.deck_text;
    c.units = p.units;
    c.code_version = version;
    c.git_commit = git_commit;
    if (checkpoint_extra) {
      checkpoint_extra(c);
    }
    const io::CheckpointFields written = checkpoint_fields();
    io::write_checkpoint(p.output_dir, c, io::ConstCheckpointFields(written.begin(), written.end()),
                         decomposition);
  }

  /// The run's files, once a restart's checkpoint has been accepted (a refused restart changes no file):
  /// resolved.toml, then the time series and spectra, created or reopened.
  void open_files(bool continuing) {
    if (decomposition.is_root()) {
      io::write_text_atomically(p.output_dir / "resolved.toml", p.deck_text);
    }
    auto files =
        open_lattice_run_files(p.output_dir, continuing, step, column_names, column_units, spectra_names,
                               spectra_units, spectrum, p.box, metadata, decomposition.is_root());
    timeseries = std::move(files.timeseries);
    spectra = std::move(files.spectra);
    if (waves && decomposition.is_root()) {
      const auto path = p.output_dir / "gw_spectra.h5";
      if (continuing && std::filesystem::exists(path)) {
        gw_spectra.emplace(io::SpectraFile::open_existing(path, gw_spectra_names, step, gw_series));
      } else {
        gw_spectra.emplace(path, spectrum.k(), spectrum.counts(), gw_spectra_names, p.box.length, p.box.n,
                           metadata, gw_file_extras());
      }
    }
  }

  [[nodiscard]] std::string diagnostics() const {
    std::string out;
    for (std::size_t i = 0; i < p.names.size() && i < last.field.size(); ++i) {
      out += fmt::format("<{}>={:.3e} var={:.3e} ", p.names[i], last.field[i][0], last.field[i][1]);
    }
    out += fmt::format("rho={:.4e} {}", energies.rho(),
                       p.friedmann() ? fmt::format("H={:.4e} constraint={:.2e}", energies.hubble,
                                                   energies.constraint_violation())
                                     : fmt::format("cont={:.2e}", continuity->residual()));
    return out + (progress_extra ? progress_extra() : std::string());
  }
};

LatticeRun::LatticeRun(const LatticeParameters& parameters, const Session& session)
    : state_(std::make_unique<State>(parameters, session)) {
  const State& s = *state_;
  if (s.decomposition.is_root()) {
    fmt::print("{}\n# inflanet {} (commit {}) on {} rank(s) x {} thread(s) ({}): {} field{}, {}\n",
               parameters.deck_text, version, git_commit, session.size(), session.threads(),
               session.threads_reason(), parameters.names.size(), parameters.names.size() == 1 ? "" : "s",
               potential_describe(s.fields.potential()));
  }
  report_fft_plans(s.plan, s.wisdom, s.wisdom_problem, s.decomposition.is_root());
}

LatticeRun::~LatticeRun() = default;

void LatticeRun::on_step(std::function<void(std::int64_t)> hook) {
  state_->on_step = std::move(hook);
}
void LatticeRun::on_output(std::function<void(std::int64_t, bool)> hook) {
  state_->on_output = std::move(hook);
}
void LatticeRun::progress_extra(std::function<std::string()> hook) {
  state_->progress_extra = std::move(hook);
}
void LatticeRun::checkpoint_extra(std::function<void(io::CheckpointState&)> hook) {
  state_->checkpoint_extra = std::move(hook);
}
void LatticeRun::restart_check(std::function<void(const io::CheckpointState&)> hook) {
  state_->restart_check = std::move(hook);
}
const io::CheckpointState* LatticeRun::restored() const noexcept {
  return state_->restored ? &*state_->restored : nullptr;
}
FieldLattice& LatticeRun::lattice() noexcept {
  return state_->fields;
}
SpectralOperators& LatticeRun::operators() noexcept {
  return state_->operators;
}
Field& LatticeRun::scratch() noexcept {
  return state_->scratch;
}

void LatticeRun::start() {
  State& s = *state_;
  const LatticeParameters& p = s.p;
  if (!p.restart) {
    InitialConditionsReport started;
    try {
      started = set_initial_conditions(s.fields, s.operators, p.initial);
      require_fluctuations_below_background(started);
    } catch (const FluctuationEnergyError& e) {
      const std::string& name = p.names[e.field()];
      throw InputError(fmt::format(
          "{0}: field.{1}.fluctuations / field.{1}.kcut: the initial fluctuations of {1} have energy density "
          "{2:.6g} (kinetic + gradient), above the homogeneous background's {3:.6g}; lower field.{1}.kcut, "
          "enlarge lattice.L (fewer modes per volume) or set field.{1}.fluctuations = \"none\"",
          p.deck_file, name, e.fluctuation_energy(), e.background_energy()));
    }
    if (s.decomposition.is_root()) {
      for (std::size_t i = 0; i < started.fields.size(); ++i) {
        const FieldStart& f = started.fields[i];
        if (f.m2 < 0.0 && p.initial[i].fluctuations != Fluctuations::none) {
          fmt::print("# {}: m_eff^2 = {:.6g}: {} tachyonic mode{} (k^2/a0^2 + m_eff^2 <= 0) {}\n", p.names[i],
                     f.m2, f.tachyonic_modes, f.tachyonic_modes == 1 ? "" : "s", describe(f.rule));
        }
      }
    }
    s.energies = s.fields.energies();
    s.rho0 = s.energies.rho();
    s.continuity.emplace(p.dt, s.rho0, s.energies.dissipation());
    s.open_files(false);
    s.last = s.record(0, s.energies);
    s.record_spectra(0, s.energies);
    if (s.waves) {
      s.record_gw_spectra(0, s.energies);
    }
    if (p.snapshot_every > 0) {
      s.snapshot(0);
    }
    if (s.decomposition.is_root() && p.friedmann()) {
      fmt::print("# friedmann: a0 = {:g}, H0 = {:.6g} from rho0 = {:.6g} (fluctuations included)\n",
                 s.energies.a, s.energies.hubble, s.rho0);
    }
    return;
  }
  // Continue from a checkpoint: fields, time and step exactly as they were, diagnostics' history too.
  const auto checkpoint = read_restart_checkpoint(*p.restart, [&] {
    return io::read_checkpoint(*p.restart, p.output_dir, s.checkpoint_fields(), s.decomposition);
  });
  const double checkpoint_alpha = checkpoint.scalar_or("alpha", 0.0);
  if (checkpoint_alpha != p.alpha) {
    throw InputError(
        fmt::format("restart = \"{}\": the checkpoint was written with time.alpha = {:g}, the deck "
                    "has {:g}; a run continues in its own time variable",
                    *p.restart, checkpoint_alpha, p.alpha));
  }
  const bool was_friedmann = checkpoint.scalar_or("friedmann", 0.0) == 1.0;
  if (was_friedmann != p.friedmann()) {
    throw InputError(
        fmt::format("restart = \"{}\": the checkpoint was written with a {} background, the deck has "
                    "background.kind = \"{}\"",
                    *p.restart, was_friedmann ? "friedmann" : "fixed", p.background_kind));
  }
  require_continuable(checkpoint, *p.restart, p.dt, p.steps);
  require_same_physics(checkpoint, *p.restart, p.deck_text);
  if (s.restart_check) {
    s.restart_check(checkpoint); // the companion's refusals, too, come before any file is touched
  }
  if (p.overwrite) {
    // Accepted: now output.overwrite removes the old run's files (the claim checked it could).
    claim_run_output(p.output_dir, p.restart, true, s.decomposition.is_root(), s.decomposition.comm());
  }
  s.step = s.first_step = checkpoint.step;
  s.fields.restore(checkpoint.time, checkpoint.scalar_or("eta", checkpoint.time), checkpoint.a,
                   p.friedmann() ? checkpoint.scalar("p_b") : 0.0);
  s.energies = s.fields.energies();
  s.rho0 = checkpoint.rho0;
  s.continuity.emplace(
      ContinuityTracker::restore(p.dt, checkpoint.rho0, checkpoint.continuity_values, s.energies.rho()));
  s.open_files(true);
  s.last = s.record(s.step, s.energies, /*write=*/false); // that row is already in the file
  if (s.decomposition.is_root()) {
    fmt::print("# restarted from step {} (t = {:.6g}) of {}\n", checkpoint.step, checkpoint.time, *p.restart);
  }
  s.restored = checkpoint;
}

void LatticeRun::evolve() {
  State& s = *state_;
  const LatticeParameters& p = s.p;
  ProgressReporter progress(p.steps, p.progress_every, s.decomposition.is_root());
  auto due = [](std::int64_t step, std::int64_t every) { return every > 0 && step % every == 0; };
  // Steps where the state must be synchronised because something reads the fields themselves.
  auto output_step = [&](std::int64_t step) {
    return step == p.steps || due(step, p.timeseries_every) || due(step, p.spectra_every) ||
           due(step, p.snapshot_every) || due(step, p.checkpoint_every) || due(step, p.progress_every) ||
           (s.waves && due(step, p.gravitational_waves.every));
  };
  const double a0 = s.energies.a;
  while (s.step < p.steps) {
    std::int64_t chunk_end = s.step + 1;
    while (!output_step(chunk_end)) {
      ++chunk_end;
    }
    // Between outputs the integrator merges the momentum stages across step boundaries (one pass per
    // boundary); every step still reports its energies for the continuity residual and the guard.
    const std::int64_t chunk_start = s.step;
    std::int64_t completed = chunk_start; // the last step whose energies were reported
    double completed_time = s.energies.time, completed_hubble = s.energies.hubble;
    double completed_rate = s.energies.dt_deta; // a^alpha
    const auto advance = [&](auto& system, auto&& on_step) {
      s.integrator.advance(system, p.dt, chunk_end - chunk_start, on_step);
    };
    const auto each_step = [&](std::int64_t k) {
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
      if (s.on_step) {
        s.on_step(step);
      }
      completed = step;
      completed_time = s.energies.time;
      completed_hubble = s.energies.hubble;
      completed_rate = s.energies.dt_deta;
    };
    try {
      // With gravitational waves the fields and h_ij advance as one split system (the fields' arithmetic is
      // the same either way: the waves are passive).
      if (s.with_waves) {
        advance(*s.with_waves, each_step);
      } else {
        advance(s.fields, each_step);
      }
    } catch (const ScaleFactorError& e) {
      // A failure inside a step (the scale factor's sub-step): say which step, from when, and how fast the
      // universe expanded at its start (the time inside the failed step is an intermediate of the split).
      throw RuntimeError(
          fmt::format("step {} (from t = {:.6g}, where H = {:.6g} and a^alpha H dt = {:.4g}): {}",
                      completed + 1, completed_time, completed_hubble,
                      completed_rate * completed_hubble * p.dt, e.what()),
          /*collective=*/true);
    }
    s.step = chunk_end;
    const std::int64_t step = s.step;
    const bool last = step == p.steps;
    const bool row_due = due(step, p.timeseries_every) || last;
    if (row_due || due(step, p.progress_every)) {
      s.last = s.record(step, s.energies, row_due);
    }
    if (due(step, p.spectra_every) || last) {
      s.record_spectra(step, s.energies);
    }
    if (s.waves && (due(step, p.gravitational_waves.every) || last)) {
      s.record_gw_spectra(step, s.energies);
    }
    if (s.waves && last) {
      s.record_today(s.energies);
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
    progress.maybe_report(step, s.energies.time, s.energies.a, std::log(s.energies.a / a0), s.diagnostics());
  }
  s.wall = progress.elapsed();
}

void LatticeRun::summarise() const {
  const State& s = *state_;
  const LatticeParameters& p = s.p;
  if (!s.decomposition.is_root()) {
    return;
  }
  const auto steps = std::max<std::int64_t>(p.steps - s.first_step, 1);
  const auto& e = s.energies;
  const double n_fields = static_cast<double>(p.names.size());
  fmt::print(
      "# summary: {} steps of {} on {}^3 with {} field{} in {:.2f} s ({:.2f} steps/s, {:.1f} ns per site per "
      "step per field)\n",
      steps, s.integrator.name(), p.box.n, p.names.size(), p.names.size() == 1 ? "" : "s", s.wall,
      steps / s.wall, 1e9 * s.wall / (static_cast<double>(steps) * p.box.sites() * n_fields));
  fmt::print("#   t = {:.6g}, a = {:.6g}, H = {:.6g}, ln a = {:.4g}{}\n", e.time, e.a, e.hubble,
             std::log(e.a / p.a0),
             p.alpha != 0.0 ? fmt::format(", eta = {:.6g} (alpha = {:g})", e.eta, p.alpha) : std::string());
  for (std::size_t i = 0; i < p.names.size() && i < s.last.field.size(); ++i) {
    const auto& f = s.last.field[i];
    fmt::print("#   {}: mean {:.6e}, var {:.6e}, var({}dot) {:.6e}, rho_kin {:.3e}, rho_grad {:.3e}\n",
               p.names[i], f[0], f[1], p.names[i], f[3], e.kinetic[i], e.gradient[i]);
  }
  fmt::print("#   rho = {:.6e} (kin {:.3e}, grad {:.3e}, pot {:.3e}{}), p/rho = {:.4f}\n", e.rho(),
             e.kinetic_total(), e.gradient_total(), e.potential,
             p.friedmann() && p.rho_lambda != 0.0 ? fmt::format(", Lambda {:.3e}", e.rho_lambda) : "",
             e.pressure() / e.rho());
  if (p.friedmann()) {
    fmt::print("#   Friedmann constraint violation |H^2 - rho/3| / (rho/3) = {:.3e}\n",
               e.constraint_violation());
  }
  if (s.waves) {
    fmt::print("#   gravitational waves: rho_GW = {:.6e}, rho_GW / rho = {:.6e}\n", s.last.rho_gw,
               s.last.rho_gw / e.rho());
  }
  fmt::print("#   continuity residual = {:.3e}{}\n", s.continuity->residual(),
             p.background_kind == "minkowski"
                 ? fmt::format(", relative energy error = {:.3e}", s.last.energy_error)
                 : "");
  fmt::print("#   output: {}/{{timeseries.h5, spectra.h5, {}resolved.toml{}{}}}\n", p.output_dir.string(),
             s.waves ? "gw_spectra.h5, " : "",
             p.write_checkpoints && p.final_checkpoint ? fmt::format(", checkpoint_{}.h5", p.steps)
                                                       : std::string(),
             p.snapshot_every > 0 ? ", data_<step>.h5 + .xmf" : "");
}

} // namespace inflanet
