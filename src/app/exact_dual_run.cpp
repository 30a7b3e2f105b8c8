#include "inflanet/app/exact_dual_run.hpp"

#include <cmath>
#include <filesystem>
#include <numbers>
#include <optional>

#include <fmt/format.h>

#include "inflanet/app/lattice_run.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/decomposition/site_order.hpp"
#include "inflanet/decomposition/slab_layout.hpp"
#include "inflanet/duality/band_limit.hpp"
#include "inflanet/io/file_metadata.hpp"
#include "inflanet/spectra/power_spectrum.hpp"

namespace inflanet {

std::string exact_dual_check_report(const CoupledParameters& p, int ranks) {
  std::string out = coupled_check_report(p, ranks);
  const auto m = p.network.sublattice;
  out += fmt::format(
      "# exact dual: a linear readout of {} Fourier features of the {}^3 sites ({} dispersion{}), "
      "schedule \"{}\"; parameters and momentum {:.4g} MiB per rank on {} rank(s); one FFT pair "
      "per force evaluation; no dense NTK\n",
      m * m * m, m, p.network.dispersion,
      p.network.dispersion == "lattice" ? ": c lambda(k) = k^2 + V''(phi0)" : ": A_k = 1", p.network.schedule,
      4.0 * padded_slab_bytes(m, 1) / ranks / 1048576.0, ranks);
  return out;
}

namespace {

struct State {
  const CoupledParameters& p;
  LatticeRun run;
  Integrator integrator;
  SubLattice sub;
  ShellComparison shells;
  Field lattice_sites, network_residual;
  std::optional<FourierFeatureNetwork> net;
  NetworkSubcycling subcycling;
  LearningRateSchedule schedule; ///< network.schedule (none unless "desitter")
  double c = 0.0, m2 = 0.0;
  std::vector<double> k2_per_mode, last_omega2_net;
  double last_difference = 0.0, worst_difference = 0.0;
  std::optional<io::DualityFile> file;
  std::optional<io::NetworkFile> nn_file;
  std::vector<double> targets; ///< y on the sites, in site order (every rank)

  State(const CoupledParameters& parameters, const Session& session)
      : p(parameters), run(parameters.inflaton, session),
        integrator(Integrator::from_name(parameters.inflaton.integrator)),
        sub(parameters.network.sublattice, parameters.inflaton.box.length), shells(sub.mean_k2),
        lattice_sites(sub.decomposition), network_residual(sub.decomposition) {}

  /// The band-limited perturbation of a lattice field, as a field of the sub-lattice.
  void band_limited(const Field& field, Field& out) {
    sub.place(band_limited_sites(field, run.scratch(), run.operators().plan(), p.network.sublattice), out);
  }

  /// max over sites |r - phi_band| / max |phi_band| (collective).
  double site_difference() {
    const double* a = network_residual.real_data();
    const double* b = lattice_sites.real_data();
    double worst = 0.0, scale = 0.0;
    for_each_site(sub.decomposition, [&](const Site& site) {
      worst = std::max(worst, std::abs(a[site.offset] - b[site.offset]));
      scale = std::max(scale, std::abs(b[site.offset]));
    });
    worst = sub.decomposition.max(worst);
    scale = sub.decomposition.max(scale);
    return scale > 0.0 ? worst / scale : worst;
  }

  /// A row of nn.h5 (every network.output_every network steps and the last; collective): the outputs
  /// f = C theta on the sites in site order, and the loss. The model is linear, so its linearisation f_lin is
  /// f itself, and its NTK does not drift (ntk_drift = lin_gap = 0).
  void record_network(std::int64_t step) {
    net->outputs(network_residual); // scratch here: record() computes the residual it needs itself
    const std::vector<double> f = sample_sites(network_residual, p.network.sublattice);
    const double loss = net->loss();
    if (nn_file) {
      nn_file->append(io::NetworkRow{step, run.lattice().time(), loss, 0.0, 0.0, f, f, {}});
    }
  }

  /// The rows of duality.h5, in order.
  [[nodiscard]] std::vector<std::pair<std::string, std::size_t>> duality_columns() const {
    const std::size_t nk = sub.spectrum.bins();
    return {{"P_lattice", nk}, {"P_network", nk},         {"P_ratio", nk},        {"T_lattice", nk},
            {"T_network", nk}, {"omega2_lattice", nk},    {"omega2_network", nk}, {"omega2_ratio", nk},
            {"matched", nk},   {"max_site_difference", 0}};
  }
  /// The quantity of each of duality_columns() (the site difference is relative: a number).
  [[nodiscard]] static std::vector<QuantityUnit> duality_units() {
    namespace q = quantity;
    return {q::field_spectrum, q::field_spectrum, q::dimensionless, q::dimensionless, q::dimensionless,
            q::rate_squared,   q::rate_squared,   q::dimensionless, q::dimensionless, q::dimensionless};
  }

  /// Everything a bit-identical continuation needs beyond the lattice (identical on every rank): the
  /// readout's parameters and momentum (Fourier slabs, gathered), its targets and clock, V''(t0) (which sets
  /// the features' amplitudes and the schedule) and the comparison's initial spectra.
  void add_to_checkpoint(io::CheckpointState& state) {
    auto& e = state.extra_series;
    e["exact_theta"] = net->theta().gather_fourier();
    e["exact_p"] = net->momentum().gather_fourier();
    e["exact_targets"] = targets;
    e["exact_p_lattice0"] = shells.p_lattice0();
    e["exact_p_network0"] = shells.p_network0();
    state.scalars["exact_m2"] = m2;
    state.scalars["exact_network_time"] = net->time();
    state.scalars["exact_worst_difference"] = worst_difference;
  }

  void record(std::int64_t step, bool write = true) {
    FieldLattice& inflaton = run.lattice();
    const std::size_t dual = p.dual_field;
    band_limited(inflaton.phi(dual), lattice_sites);
    net->residual(network_residual);
    last_difference = site_difference();
    worst_difference = std::max(worst_difference, last_difference);
    Field scratch(sub.decomposition);
    const auto lattice = sub.spectrum.compute(lattice_sites, scratch, sub.plan);
    const auto network = sub.spectrum.compute(network_residual, scratch, sub.plan);
    const double a = inflaton.a(), t = inflaton.time();
    // The network's frequencies now: c lambda_k g_k(t) per mode, binned like the spectra.
    std::vector<double> per_mode(k2_per_mode.size());
    for (std::size_t idx = 0; idx < per_mode.size(); ++idx) {
      const double s = net->amplitude()[idx];
      per_mode[idx] = c * s * s * schedule.factor(t, k2_per_mode[idx]);
    }
    last_omega2_net = sub.spectrum.shell_mean(per_mode);
    const auto row = shells.compare(lattice, network, a, dual_mass2(inflaton, run.operators(), dual));
    const FrequencyMatch match = compare_frequencies(last_omega2_net, row.omega2_lattice);
    if (file && write) {
      const std::span<const double> columns[] = {
          lattice,         network,
          row.p_ratio,     row.t_lattice,
          row.t_network,   row.omega2_lattice,
          last_omega2_net, match.ratio,
          match.matched,   std::span<const double>(&last_difference, 1)};
      file->append(step, t, a, columns);
    }
  }
};

/// Refuses a checkpoint whose exact-dual state this deck cannot continue (require_companion_state): every
/// entry the restart reads, of this deck's sub-lattice's sizes.
void check_restart(const State& s, const io::CheckpointState& c) {
  const auto m = s.p.network.sublattice;
  const auto sites = static_cast<std::size_t>(m * m * m);
  const auto modes = static_cast<std::size_t>(2 * m * m * (m / 2 + 1));
  const auto bins = s.sub.spectrum.bins();
  const CompanionSeries series[] = {{"exact_theta", modes},
                                    {"exact_p", modes},
                                    {"exact_targets", sites},
                                    {"exact_p_lattice0", bins},
                                    {"exact_p_network0", bins}};
  const char* const scalars[] = {"exact_m2", "exact_network_time", "exact_worst_difference"};
  require_companion_state(c, s.p, series, scalars, "exact-dual state",
                          fmt::format("network.sublattice = {}", m));
}

void start(State& s) {
  const CoupledParameters& p = s.p;
  s.run.restart_check([&s](const io::CheckpointState& c) { check_restart(s, c); });
  s.run.start();
  const io::CheckpointState* restored = s.run.restored();
  FieldLattice& inflaton = s.run.lattice();
  const std::size_t dual = p.dual_field;
  const auto m = p.network.sublattice;
  s.c = p.network.c(static_cast<std::size_t>(m * m * m));
  // V''(phi0) at t0 sets the features' amplitudes and the schedule: a restart keeps the first start's.
  s.m2 = restored ? restored->scalar("exact_m2") : dual_mass2(inflaton, s.run.operators(), dual);
  if (s.m2 < 0.0) {
    throw InputError(fmt::format("network.dispersion = \"lattice\" needs V''(phi0) >= 0, got {:.6g}", s.m2));
  }
  const auto amplitude = fourier_amplitudes(s.sub.operators, p.network.fourier_dispersion(), s.c, s.m2);
  const double dk = 2.0 * std::numbers::pi / p.inflaton.box.length;
  s.k2_per_mode.resize(amplitude.size());
  double c_lambda_max = 0.0;
  for_each_mode(s.sub.decomposition, [&](const Mode& mode) {
    const auto idx = static_cast<std::size_t>(mode.offset);
    s.k2_per_mode[idx] = dk * dk * static_cast<double>(mode.n2());
    c_lambda_max = std::max(c_lambda_max, s.c * amplitude[idx] * amplitude[idx]);
  });
  c_lambda_max = s.sub.decomposition.max(c_lambda_max);
  s.subcycling = p.subcycling(c_lambda_max);
  s.net.emplace(s.sub.operators, amplitude, s.subcycling.gamma_run, s.c,
                restored ? restored->scalar("exact_network_time") : inflaton.time());
  if (p.network.schedule == "desitter") {
    s.schedule = {LearningRateSchedule::Kind::desitter, p.inflaton.hubble, p.inflaton.a0, s.m2};
    s.net->set_schedule(s.schedule);
  }
  Field targets(s.sub.decomposition);
  if (restored) {
    s.targets = restored->series("exact_targets");
    s.sub.place(s.targets, targets);
    s.net->set_targets(targets);
    Field theta(s.sub.decomposition), momentum(s.sub.decomposition);
    theta.scatter_fourier(restored->series("exact_theta"));
    momentum.scatter_fourier(restored->series("exact_p"));
    s.net->set_state(theta, momentum);
    s.shells.restore(restored->series("exact_p_lattice0"), restored->series("exact_p_network0"));
    s.worst_difference = restored->scalar("exact_worst_difference");
  } else {
    // Parameters 0, so f = 0; targets y = -(band-limited perturbation): the residual f - y starts as the
    // perturbation; the momentum gives df/dt = the band-limited dphi/dt (or 0).
    s.band_limited(inflaton.phi(dual), s.lattice_sites);
    targets.copy_from(s.lattice_sites);
    targets.scale(-1.0);
    s.net->set_targets(targets);
    s.targets = sample_sites(targets, m);
    if (p.match_velocity) {
      Field velocity(s.sub.decomposition);
      s.band_limited(inflaton.momentum(dual), velocity);
      s.net->set_output_velocity(velocity);
    }
  }
  if (s.sub.decomposition.is_root() && restored) {
    s.file.emplace(io::DualityFile::open_existing(p.inflaton.output_dir / "duality.h5", s.duality_columns(),
                                                  restored->step));
    s.nn_file.emplace(io::NetworkFile::open_existing(p.inflaton.output_dir / "nn.h5",
                                                     static_cast<std::size_t>(m * m * m), restored->step));
    fmt::print(
        "# exact dual: restarted from step {}: duality.h5 and nn.h5 continued (rows past it dropped)\n",
        restored->step);
  } else if (s.sub.decomposition.is_root()) {
    const auto metadata = io::FileMetadata::for_this_build(p.inflaton.deck_text, p.inflaton.units);
    io::DualityFile& f = s.file.emplace(p.inflaton.output_dir / "duality.h5", metadata);
    f.write_attribute("run", std::string_view("exact_dual"));
    f.write_attribute("embedding", std::string_view("fourier"));
    f.write_attribute("dispersion", std::string_view(p.network.dispersion));
    f.write_attribute("schedule", std::string_view(p.network.schedule));
    write_dictionary_attributes(f, p, s.subcycling, s.c, s.m2, s.sub);
    f.write_attribute("ntk_drift_t_end", 0.0); // a linear model: its NTK does not move
    f.define_rows(s.duality_columns(), s.duality_units());
    // nn.h5 as the coupled run writes it: x the sites' comoving positions (the readout's inputs, their
    // Fourier features, are not stored: M^3 x M^3 values), y the targets, rows of f and the loss.
    const auto n = static_cast<std::size_t>(m * m * m);
    std::vector<double> x(3 * n);
    const SiteOrder order{m};
    for (std::size_t i = 0; i < n; ++i) {
      const auto site = order.site(i);
      for (std::size_t d = 0; d < 3; ++d) {
        x[3 * i + d] = static_cast<double>(site[d]) * p.inflaton.box.length / static_cast<double>(m);
      }
    }
    io::NetworkFile& nn = s.nn_file.emplace(
        p.inflaton.output_dir / "nn.h5", x, s.targets, n, 3,
        io::NetworkRunAttributes{
            s.subcycling.eta_run, s.subcycling.beta_run, s.c, s.subcycling.gamma_run, s.integrator.name(),
            fmt::format(
                "the exact dual: a linear readout of the {}^3 sites' Fourier features ({} dispersion); "
                "x: the sites' comoving positions; targets: the inflaton's band-limited perturbation",
                m, p.network.dispersion),
            /*mode_amplitudes=*/false},
        metadata);
    write_network_sites(nn, p, s.subcycling);
    fmt::print(
        "# exact dual: {}^3 Fourier features ({} dispersion, schedule \"{}\"), c = {:.6g}, max c lambda = "
        "{:.6g}; {} network sub-step(s) of h = {:.6g} per lattice step\n",
        m, p.network.dispersion, p.network.schedule, s.c, c_lambda_max, s.subcycling.substeps,
        s.subcycling.h_run);
  }
  if (restored) {
    s.record(restored->step, /*write=*/false); // the summary's last row; that row is already in the file
  } else {
    s.record(0);
    s.record_network(0);
  }
  s.run.checkpoint_extra([&s](io::CheckpointState& c) { s.add_to_checkpoint(c); });
  s.run.on_step([&s](std::int64_t step) {
    advance_network(s.integrator, s.subcycling, step, s.p.inflaton.lattice_substeps, *s.net);
    // nn.h5 counts the network's steps (one per lattice_substeps lattice steps), as the coupled run's does.
    const std::int64_t substeps = s.p.inflaton.lattice_substeps;
    if (step % substeps == 0 &&
        ((step / substeps) % s.p.network.output_every == 0 || step == s.p.inflaton.steps)) {
      s.record_network(step);
    }
  });
  s.run.on_output([&s](std::int64_t step, bool last) {
    if (step % s.p.inflaton.spectra_every == 0 || last) {
      s.record(step);
    }
  });
  s.run.progress_extra([&s] { return fmt::format(" site_diff={:.2e}", s.last_difference); });
}

void summarise(State& s) {
  const CoupledParameters& p = s.p;
  s.run.summarise();
  if (!s.file) {
    return;
  }
  const FrequencyMatch match = compare_frequencies(s.last_omega2_net, s.shells.last().omega2_lattice);
  const double max_log_p = s.shells.max_abs_log_power_ratio();
  io::DualityFile& f = *s.file;
  f.write_attribute("max_site_difference_t_end", s.last_difference);
  f.write_attribute("max_site_difference", s.worst_difference);
  f.write_attribute("max_abs_log_P_ratio_t_end", max_log_p);
  f.write_attribute("rms_log_mismatch_t_end", match.rms_log);
  f.write_attribute("matched_shells_t_end", static_cast<std::int64_t>(match.matched_count));
  fmt::print(
      "# exact dual: network residual against the band-limited inflaton on the {}^3 sites: max |r - phi| / "
      "max |phi| = {:.3e} at t_end (largest over the rows {:.3e}); max |ln(P_net / P_lat)| = {:.3e}; "
      "frequencies agree in {}; rms |ln(c lambda g / omega^2)| = {:.3e}\n",
      p.network.sublattice, s.last_difference, s.worst_difference, max_log_p, describe_matched(match),
      match.rms_log);
  fmt::print("#   output: {}/{{duality.h5, nn.h5}}\n", p.inflaton.output_dir.string());
}

} // namespace

void run_exact_dual(const CoupledParameters& parameters, const Session& session) {
  State s(parameters, session);
  start(s);
  s.run.evolve();
  summarise(s);
}

} // namespace inflanet
