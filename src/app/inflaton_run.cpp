#include "inflanet/app/inflaton_run.hpp"

#include <cmath>
#include <fstream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "inflanet/app/error.hpp"
#include "inflanet/app/progress.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/fft/fft_wisdom.hpp"
#include "inflanet/field/continuity_tracker.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/io/file_metadata.hpp"
#include "inflanet/io/spectra_file.hpp"
#include "inflanet/io/timeseries_file.hpp"
#include "inflanet/spectra/power_spectrum.hpp"
#include "inflanet/version.hpp"

namespace inflanet {
namespace {

const std::vector<std::string> timeseries_columns = {
    "step",    "time",     "a",       "phi_mean", "phi_var", "phidot_mean",         "phidot_var",
    "rho_kin", "rho_grad", "rho_pot", "rho",      "p",       "continuity_residual", "energy_error"};

/// Writes text to path atomically (temporary file, rename): a reader never sees half a file.
void write_text_atomically(const std::filesystem::path& path, const std::string& text) {
  const auto tmp = std::filesystem::path(path).concat(".tmp");
  {
    std::ofstream out(tmp);
    out << text;
    if (!out) {
      throw RuntimeError("cannot write " + tmp.string());
    }
  }
  std::filesystem::rename(tmp, path);
}

/// The output files rank 0 keeps open during a run.
struct RunFiles {
  std::optional<io::TimeseriesFile> timeseries;
  std::optional<io::SpectraFile> spectra;
};

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
  out += fmt::format("#   omega_max at a0     = {:.6g}\n", d.omega_max);
  out +=
      fmt::format("#   stability: dt < {:.6g} for {} (dt omega_max < {:.4f}); dt = {:g} is {:.1f}% of it\n",
                  d.dt_max, integrator.name(), integrator.stability_limit(), p.dt, 100.0 * p.dt / d.dt_max);
  out += fmt::format("#   steps               = {}  (order {}, {} force evaluations per step)\n", p.steps,
                     integrator.order(), integrator.drifts_per_step());
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
  return out;
}

void run_inflaton(const RunParameters& p, const Session& session) {
  // 1. Lattice, transforms (wisdom kept next to the outputs), spectral calculus.
  const Decomposition decomposition(p.box);
  if (decomposition.is_root()) {
    std::filesystem::create_directories(p.output_dir);
    write_text_atomically(p.output_dir / "resolved.toml", p.deck_text);
    fmt::print("{}\n# inflanet {} (commit {}) on {} rank(s) x {} thread(s)\n", p.deck_text, version,
               git_commit, session.size(), session.threads());
  }
  decomposition.barrier();
  const auto wisdom = p.output_dir / "fftw_wisdom.dat";
  import_fft_wisdom(wisdom, decomposition);
  FftPlan plan(decomposition, PlanRigor::measure);
  export_fft_wisdom(wisdom, decomposition);
  SpectralOperators operators(decomposition, plan);
  const PowerSpectrum spectrum(operators);

  // 2. Model: background, potential, the inflaton system and its initial conditions.
  const auto background = make_background(p.background_kind, p.hubble, p.a0);
  Inflaton inflaton(operators, *background, make_potential(p.potential), 0.0);
  set_initial_conditions(inflaton, operators, p.initial);
  const auto integrator = Integrator::from_name(p.integrator);

  // 3. Output files (rank 0) and diagnostics state.
  RunFiles files;
  const auto metadata = io::FileMetadata::for_this_build(p.deck_text);
  if (decomposition.is_root()) {
    files.timeseries.emplace(p.output_dir / "timeseries.h5", timeseries_columns, metadata);
    files.spectra.emplace(p.output_dir / "spectra.h5", spectrum.k(), spectrum.counts(),
                          std::vector<std::string>{"P_phi", "P_phidot"}, p.box.length, p.box.n, metadata);
  }
  Field scratch(decomposition);
  auto energies = inflaton.energies();
  const double rho0 = energies.rho();
  ContinuityTracker continuity(p.dt, rho0, energies.dissipation());

  auto record = [&](std::int64_t step, const InflatonEnergies& e) {
    const double energy_error = p.hubble == 0.0 && rho0 != 0.0 ? (e.rho() - rho0) / rho0 : 0.0;
    const std::vector<double> row = {static_cast<double>(step),
                                     e.time,
                                     e.a,
                                     operators.mean(inflaton.phi()),
                                     operators.variance(inflaton.phi()),
                                     operators.mean(inflaton.phidot()),
                                     operators.variance(inflaton.phidot()),
                                     e.kinetic,
                                     e.gradient,
                                     e.potential,
                                     e.rho(),
                                     e.pressure(),
                                     continuity.residual(),
                                     energy_error};
    if (files.timeseries) {
      files.timeseries->append(row);
    }
    return row;
  };
  auto record_spectra = [&](std::int64_t step, const InflatonEnergies& e) {
    const auto p_phi = spectrum.compute(inflaton.phi(), scratch, plan);
    const auto p_phidot = spectrum.compute(inflaton.phidot(), scratch, plan);
    if (files.spectra) {
      files.spectra->append(step, e.time, e.a, {p_phi, p_phidot});
    }
  };
  record(0, energies);
  record_spectra(0, energies);

  // 4. The time loop: step, measure, report.
  ProgressReporter progress(p.steps, p.progress_every, decomposition.is_root());
  std::vector<double> last_row;
  for (std::int64_t step = 1; step <= p.steps; ++step) {
    integrator.step(inflaton, p.dt);
    energies = inflaton.energies(); // free after a step that ends with a kick: the force is cached
    continuity.push(energies.rho(), energies.dissipation());
    if (!energies.finite()) {
      record(step, energies);
      throw RuntimeError(fmt::format("the fields became non-finite at step {} (t = {:.6g}); the time series "
                                     "holds the diagnostics up to that step. Reduce time.dt or check the "
                                     "potential.",
                                     step, energies.time),
                         /*collective=*/true);
    }
    const bool last = step == p.steps;
    if (step % p.timeseries_every == 0 || last) {
      last_row = record(step, energies);
    }
    if (step % p.spectra_every == 0 || last) {
      record_spectra(step, energies);
    }
    if (step % p.progress_every == 0 || last) {
      const double phi_mean = last_row.empty() ? operators.mean(inflaton.phi()) : last_row[3];
      progress.maybe_report(step, energies.time, energies.a, p.hubble * energies.time,
                            fmt::format("<phi>={:.4e} rho={:.4e} cont={:.2e}", phi_mean, energies.rho(),
                                        continuity.residual()));
    }
  }

  // 5. Summary.
  if (decomposition.is_root()) {
    const double wall = progress.elapsed();
    fmt::print(
        "# summary: {} steps of {} on {}^3 in {:.2f} s ({:.1f} steps/s, {:.1f} ns per site per step)\n",
        p.steps, integrator.name(), p.box.n, wall, p.steps / wall, 1e9 * wall / (p.steps * p.box.sites()));
    fmt::print("#   t = {:.6g}, a = {:.6g}, N_efolds = {:.4g}\n", energies.time, energies.a,
               p.hubble * energies.time);
    fmt::print("#   <phi> = {:.6e}, var(phi) = {:.6e}, var(phidot) = {:.6e}\n", last_row[3], last_row[4],
               last_row[6]);
    fmt::print("#   rho = {:.6e} (kin {:.3e}, grad {:.3e}, pot {:.3e}), p/rho = {:.4f}\n", energies.rho(),
               energies.kinetic, energies.gradient, energies.potential, energies.pressure() / energies.rho());
    fmt::print("#   continuity residual = {:.3e}{}\n", continuity.residual(),
               p.hubble == 0.0 ? fmt::format(", relative energy error = {:.3e}", last_row[13]) : "");
    fmt::print("#   output: {}/{{timeseries.h5, spectra.h5, resolved.toml}}\n", p.output_dir.string());
  }
}

} // namespace inflanet
