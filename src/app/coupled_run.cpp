#include "inflanet/app/coupled_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <numeric>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "inflanet/app/lattice_run.hpp"
#include "inflanet/app/memory_budget.hpp"
#include "inflanet/app/network_run.hpp"
#include "inflanet/app/progress.hpp"
#include "inflanet/app/run_time_estimate.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/point_distribution.hpp"
#include "inflanet/decomposition/site_order.hpp"
#include "inflanet/duality/band_limit.hpp"
#include "inflanet/duality/eigenspace_clusters.hpp"
#include "inflanet/duality/kernel_fits.hpp"
#include "inflanet/duality/plane_wave_preconditioner.hpp"
#include "inflanet/duality/velocity_matching.hpp"
#include "inflanet/io/atomic_file.hpp"
#include "inflanet/io/file_metadata.hpp"
#include "inflanet/io/network_file.hpp"
#include "inflanet/nn/network_system.hpp"
#include "inflanet/ntk/damping_fit.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"
#include "inflanet/ntk/linearised_network.hpp"
#include "inflanet/ntk/ntk_dispersion.hpp"

namespace inflanet {

CoupledParameters CoupledParameters::from_deck(const config::Deck& deck) {
  CoupledParameters p;
  // The resolved deck records what the dictionary derived (as comments: giving them is refused).
  std::map<std::string, std::string> derived;
  p.match = deck.has("duality.match") ? deck.string("duality.match") : "cosmology";
  if (p.match == "cosmology") {
    for (const char* key : {"network.eta", "network.beta"}) {
      if (deck.user_given(key)) {
        deck.fail(key, "no value with duality.match = \"cosmology\": eta = dt^2 and beta = exp(-3 H dt) come "
                       "from [time] dt and [background] H (or set duality.match = \"network\")");
      }
    }
    const CoupledStep from_deck{};
    p.inflaton = LatticeParameters::from_deck(deck, &from_deck);
    p.dictionary = Dictionary::from_cosmology(p.inflaton.hubble, p.inflaton.dt);
    derived["network.eta"] = fmt::format("{:.17g}", p.dictionary.eta);
    derived["network.beta"] = fmt::format("{:.17g}", p.dictionary.beta);
  } else {
    for (const char* key : {"time.dt", "background.H"}) {
      if (deck.user_given(key)) {
        deck.fail(key, "no value with duality.match = \"network\": dt = sqrt(eta) and H = -ln(beta) / (3 "
                       "sqrt(eta)) come from network.eta and network.beta (or set duality.match = "
                       "\"cosmology\")");
      }
    }
    if (deck.string("background.kind") == "minkowski" && deck.real("network.beta") != 1.0) {
      deck.fail("background.kind", "\"desitter\": network.beta < 1 is friction, i.e. H > 0");
    }
    p.dictionary = Dictionary::from_network(deck.real("network.eta"), deck.real("network.beta"));
    const CoupledStep derived_step{p.dictionary.h, p.dictionary.hubble};
    p.inflaton = LatticeParameters::from_deck(deck, &derived_step);
    derived["time.dt"] = fmt::format("{:.17g}", p.dictionary.h);
    derived["background.H"] = fmt::format("{:.17g}", p.dictionary.hubble);
  }
  for (const char* key : {"network.integrator", "network.steps"}) {
    if (deck.user_given(key)) {
      deck.fail(key, "no value in a coupled run: the network uses [time] integrator and the run's steps");
    }
  }
  if (deck.has("duality.field")) {
    const std::string name = deck.string("duality.field");
    const auto& names = p.inflaton.names;
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      deck.fail("duality.field", fmt::format("the name of a lattice field ({})", fmt::join(names, ", ")));
    }
    p.dual_field = static_cast<std::size_t>(it - names.begin());
  }
  p.network = NetworkParameters::from_deck(deck, /*coupled=*/true);
  p.network.dictionary = p.dictionary;
  p.network.integrator = p.inflaton.integrator;
  p.network.steps = p.inflaton.steps / p.inflaton.lattice_substeps;
  derived["network.integrator"] = fmt::format("\"{}\"", p.inflaton.integrator);
  derived["network.steps"] = fmt::format("{}", p.network.steps);
  // The calibration and the initial velocity (issue 9).
  // [duality] is optional: without it its keys have their schema defaults.
  p.calibrate = deck.has("duality.calibrate") ? calibration_from_name(deck.string("duality.calibrate"))
                                              : Calibration::none;
  if (p.calibrate != Calibration::none) {
    if (deck.has("network.loss_scale")) {
      deck.fail("network.loss_scale",
                fmt::format("no value with duality.calibrate = \"{}\": the calibration sets the loss scale c",
                            calibration_name(p.calibrate)));
    }
    if (p.network.exact_dual()) {
      deck.fail("duality.calibrate",
                "\"none\" for the exact dual (network.embedding = \"fourier\", depth 0): "
                "its dispersion (network.dispersion) already sets c lambda(k)");
    }
    derived["network.loss_scale"] =
        fmt::format("\"set at start by duality.calibrate = {}\"", calibration_name(p.calibrate));
  }
  p.match_velocity =
      !deck.has("network.initial_velocity") || deck.string("network.initial_velocity") == "inflaton";
  if (!deck.has("network.initial_velocity")) {
    derived["network.initial_velocity"] = "\"inflaton\"";
  }
  if (deck.has("duality.cluster_tolerance")) {
    p.cluster_tolerance = deck.real("duality.cluster_tolerance");
  }
  if (deck.has("duality.velocity_iterations")) {
    p.velocity_iterations = deck.integer("duality.velocity_iterations");
  }
  if (deck.has("duality.velocity_cut")) {
    if (!p.match_velocity) {
      deck.fail("duality.velocity_cut",
                "no value with network.initial_velocity = \"zero\": there is no velocity to match");
    }
    if (!p.network.full_spectrum) {
      deck.fail("duality.velocity_cut", "no value with network.ntk_spectrum = \"extremes\": the cut is "
                                        "taken in Theta(0)'s eigenbasis (network.ntk_spectrum = \"full\")");
    }
    p.velocity_cut = deck.real("duality.velocity_cut");
  }
  if (deck.has("duality.max_subcycles")) {
    p.max_subcycles = deck.integer("duality.max_subcycles");
  }
  deck.refuse_unread(p.network.exact_dual() ? "the exact-dual" : "a coupled");
  p.inflaton.deck_text = p.network.deck_text = deck.resolved_toml(derived, p.inflaton.units);
  p.deck_ = std::make_shared<const config::Deck>(deck);
  p.derived_ = derived;
  if (p.network.lattice_n != p.inflaton.box.n) {
    throw InputError("internal: the network's lattice differs from the inflaton's");
  }
  return p;
}

double dual_mass2(FieldLattice& lattice, const SpectralOperators& operators, std::size_t k) {
  std::vector<double> means;
  for (std::size_t i = 0; i < lattice.field_count(); ++i) {
    means.push_back(operators.mean(lattice.phi(i)));
  }
  return potential_d2V(lattice.potential(), means, k, k);
}

NetworkSubcycling CoupledParameters::subcycling(double c_lambda_max) const {
  try {
    return subcycle_network(inflaton.integrator, dictionary.h, dictionary.beta, c_lambda_max, max_subcycles);
  } catch (const NetworkTooStiff& e) {
    throw InputError(fmt::format("{} (duality.max_subcycles = {}); reduce time.dt, the loss scale c "
                                 "(duality.calibrate, network.loss_scale) or raise duality.max_subcycles",
                                 e.what(), e.max_substeps()));
  }
}

std::string CoupledParameters::resolved_with_loss_scale(double c) const {
  if (!deck_ || calibrate == Calibration::none) {
    return inflaton.deck_text;
  }
  auto derived = derived_;
  derived["network.loss_scale"] = fmt::format("{:.17g}", c);
  return deck_->resolved_toml(derived, inflaton.units);
}

void write_dictionary_attributes(io::DualityFile& f, const CoupledParameters& p, const NetworkSubcycling& s,
                                 double c, double v2, const SubLattice& sub) {
  f.write_attribute("match", std::string_view(p.match));
  f.write_attribute("H", p.dictionary.hubble);
  f.write_attribute("step", p.dictionary.h);
  f.write_attribute("eta", p.dictionary.eta);
  f.write_attribute("beta", p.dictionary.beta);
  f.write_attribute("gamma", p.dictionary.gamma);
  f.write_attribute("rho_lambda", p.dictionary.rho_lambda);
  f.write_attribute("L", p.inflaton.box.length);
  f.write_attribute("N", static_cast<std::int64_t>(p.inflaton.box.n));
  f.write_attribute("M", static_cast<std::int64_t>(p.network.sublattice));
  f.write_attribute("subcycles", s.substeps);
  f.write_attribute("lattice_substeps", p.inflaton.lattice_substeps);
  f.write_attribute("eta_run", s.eta_run);
  f.write_attribute("beta_run", s.beta_run);
  f.write_attribute("h_run", s.h_run);
  f.write_attribute("stability_bound_run", s.bound);
  f.write_attribute("eta_c_lambda_max_run", s.eta_c_lambda_max);
  f.write_attribute("c", c);
  f.write_attribute("V2", v2);
  f.write_attribute("initial_velocity", std::string_view(p.match_velocity ? "inflaton" : "zero"));
  f.write_dataset("k", sub.spectrum.k(), quantity::wavenumber);
  f.write_dataset("counts", sub.spectrum.counts(), quantity::dimensionless);
  f.write_dataset("k2_mean", sub.mean_k2, power(quantity::wavenumber, 2));
}

std::string coupled_check_report(const CoupledParameters& p, int ranks) {
  std::string out = lattice_check_report(p.inflaton, ranks);
  const auto m = p.network.sublattice;
  const double points = static_cast<double>(m * m * m);
  const double bound = network_stability_bound(p.network.integrator, p.dictionary.beta);
  out += fmt::format("# coupled run: the dictionary (duality.match = \"{}\")\n{}\n", p.match,
                     p.dictionary.describe());
  out += fmt::format("#   lattice sub-steps   = {} per step (a step derived from the network exceeding the "
                     "lattice's limit is sub-cycled)\n",
                     p.inflaton.lattice_substeps);
  out += fmt::format(
      "#   network             = {}^3 = {:.0f} training sites (every {}-th lattice site), depth {}, "
      "width {}, {}\n",
      m, points, p.inflaton.box.n / m, p.network.mlp.depth, p.network.mlp.width,
      activation_name(p.network.mlp.activation));
  if (p.calibrate == Calibration::none) {
    const double c = p.network.c(static_cast<std::size_t>(points));
    out += fmt::format("#   loss scale c        = {:.6g}{}\n", c, p.network.loss_scale > 0.0 ? "" : " (1/N)");
    out +=
        fmt::format("#   network stability   : eta c lambda_max < {:.4g}, i.e. lambda_max < {:.6g} (checked "
                    "once the NTK is built; a stiffer network is sub-cycled, at most {} network steps per "
                    "lattice step)\n",
                    bound, bound / (p.dictionary.eta * c), p.max_subcycles);
  } else {
    out += fmt::format("#   loss scale c        = set at start by duality.calibrate = \"{}\" ({})\n",
                       calibration_name(p.calibrate),
                       p.calibrate == Calibration::background
                           ? "c lambda(k = 0) = V''"
                           : "power-weighted log least squares of c lambda(k) against omega^2(k)");
    out += fmt::format(
        "#   network stability   : eta c lambda_max < {:.4g} (checked once c and the NTK are known; "
        "a stiffer network is sub-cycled, at most {} network steps per lattice step)\n",
        bound, p.max_subcycles);
  }
  out += fmt::format("#   initial velocity    = {}\n",
                     p.match_velocity ? "the inflaton's band-limited dphi/dt (network.initial_velocity = "
                                        "\"inflaton\")"
                                      : "zero (network.initial_velocity = \"zero\")");
  out += fmt::format(
      "#   mode set            = the lattice band-limited to the sub-lattice's modes |n_d| <= {}\n", m / 2);
  out += theta_memory_line(p.network, static_cast<std::size_t>(points), ranks);
  return out;
}

namespace {

double norm(std::span<const double> v) {
  return std::sqrt(std::inner_product(v.begin(), v.end(), v.begin(), 0.0));
}

double relative_difference(std::span<const double> a, std::span<const double> b) {
  const double d = std::inner_product(a.begin(), a.end(), b.begin(), 0.0, std::plus<>(),
                                      [](double x, double y) { return (x - y) * (x - y); });
  const double scale = norm(b);
  return scale > 0.0 ? std::sqrt(d) / scale : std::sqrt(d);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The velocity solve without an eigendecomposition: PCG to this relative residual (that of the eigensolve
/// with its refinement step), or duality.velocity_iterations products.
constexpr double velocity_solve_tolerance = 1e-11;

/// The loss scale c under calibration `cal` (none: `c_none`), from the shells' NTK eigenvalues lambda(k) and
/// mode counts, the lattice's power and frequencies omega^2(k) at t0 and V''(t0). InputError where `cal` is
/// not defined for this run (background with V'' <= 0).
double loss_scale(Calibration cal, double c_none, std::span<const double> lambda,
                  std::span<const double> counts, std::span<const double> p_lattice0,
                  std::span<const double> omega2_0, double v2) {
  try {
    switch (cal) {
    case Calibration::background:
      return background_loss_scale(lambda[0], v2);
    case Calibration::spectrum:
      return spectrum_loss_scale(omega2_0, lambda, counts, p_lattice0);
    case Calibration::none:
      break;
    }
  } catch (const InputError& e) { // the calibration's own terms, named by the deck key that chose it
    throw InputError(fmt::format("duality.calibrate = \"{}\": {}", calibration_name(cal), e.what()));
  }
  return c_none;
}

/// The frequency comparison under each calibration of c, from the one Theta(0) of this run: c lambda(k) is
/// linear in c, so the matched band and the mismatch of every calibration follow from the shell eigenvalues
/// (attributes c_<cal>, matched_shells_{t0,t_end}_<cal>, rms_log_mismatch_{t0,t_end}_<cal>). A calibration
/// that is not defined for this run (background with V'' <= 0) is recorded as NaN.
void write_calibration_comparison(io::DualityFile& f, std::span<const double> lambda,
                                  std::span<const double> counts, std::span<const double> p_lattice0,
                                  std::span<const double> omega2_0, std::span<const double> omega2_end,
                                  double c_none, double v2) {
  for (const Calibration cal : {Calibration::none, Calibration::background, Calibration::spectrum}) {
    double c = std::nan("");
    try {
      c = loss_scale(cal, c_none, lambda, counts, p_lattice0, omega2_0, v2);
    } catch (const InputError&) {
      c = std::nan("");
    }
    std::vector<double> c_lambda(lambda.size());
    std::transform(lambda.begin(), lambda.end(), c_lambda.begin(), [c](double l) { return c * l; });
    const std::string name(calibration_name(cal));
    const double nan = std::nan("");
    const bool defined = std::isfinite(c);
    const FrequencyMatch at0 = compare_frequencies(c_lambda, omega2_0);
    const FrequencyMatch at_end = compare_frequencies(c_lambda, omega2_end);
    f.write_attribute("c_" + name, c);
    f.write_attribute("matched_shells_t0_" + name,
                      static_cast<std::int64_t>(defined ? at0.matched_count : 0));
    f.write_attribute("matched_shells_t_end_" + name,
                      static_cast<std::int64_t>(defined ? at_end.matched_count : 0));
    f.write_attribute("rms_log_mismatch_t0_" + name, defined ? at0.rms_log : nan);
    f.write_attribute("rms_log_mismatch_t_end_" + name, defined ? at_end.rms_log : nan);
  }
}

struct State {
  const CoupledParameters& p;
  LatticeRun run;
  Dataset data;
  PointDistribution distribution;
  std::vector<double> x_local, y_local;
  std::optional<NetworkSystem> system;
  std::optional<LinearisedNetwork> linear;
  std::optional<DistributedNtk> ntk0;
  Mlp probe{MlpParams{}};
  Integrator integrator;
  double c = 0.0, gamma = 0.0, ntk0_norm = 0.0;
  NetworkSubcycling subcycling;
  // The sub-lattice's own spectral machinery (serial, identical on every rank): both systems' site values
  // are binned by its one PowerSpectrum, and compared shell by shell.
  SubLattice sub;
  ShellComparison shells;
  std::optional<NtkEigensystem> eigensystem; ///< ntk_spectrum = "full": every rank, eigenvectors distributed
  EigenClusters clusters;                    // every rank (from the identical eigenvalues)
  ClusterInitialData cluster0;
  std::vector<double> omega2_network, anisotropy, leakage, lambda_shell, shell_counts;
  std::vector<double> last_lin_ratio;
  double v2_0 = 0.0;          ///< V''(phi_bar) at t0
  std::size_t mean_mode = 0;  ///< eigen-index of the mode closest to uniform (rank 0)
  double mean_overlap = 0.0;  ///< |u_mean . 1/sqrt(N)|
  std::size_t check_mode = 0; ///< the size-1 cluster used for the integrator consistency check
  bool have_check_mode = false;
  std::vector<double> check_t, check_a; // its amplitude at uniform output times (every rank)
  double velocity_mismatch = 0.0, velocity_mismatch_trained = 0.0, velocity_dropped = 0.0;
  std::size_t velocity_dropped_modes = 0;
  double velocity_cut_lambda = 0.0, velocity_cut_fraction = 0.0, velocity_unmatched = 0.0;
  std::size_t velocity_cut_modes = 0;
  std::size_t velocity_iterations = 0;
  std::vector<double> velocity_history; ///< PCG's relative residual per product
  std::string velocity_solver = "none";
  KernelExtremes extremes; ///< Lanczos's lambda_max and smallest Ritz value (ntk_spectrum = "extremes")
  double ntk_drift = 0.0, lin_gap = 0.0, loss0 = 0.0;
  std::vector<double> r0, rdot0; ///< the initial residual and output velocity (checkpointed)
  std::string deck_text;
  std::optional<io::DualityFile> file;
  std::optional<io::NetworkFile> nn_file;

  State(const CoupledParameters& parameters, const Session& session)
      : p(parameters), run(parameters.inflaton, session),
        data(lattice_dataset(parameters.network.lattice_n, parameters.network.lattice_length,
                             parameters.network.sublattice, "plane_wave", parameters.network.mlp.seed)),
        distribution(data.points), integrator(Integrator::from_name(parameters.inflaton.integrator)),
        sub(parameters.network.sublattice, parameters.inflaton.box.length, MPI_COMM_SELF),
        shells(sub.mean_k2) {}

  /// The rows of duality.h5, in order.
  [[nodiscard]] std::vector<std::pair<std::string, std::size_t>> duality_columns() const {
    const std::size_t nk = sub.spectrum.bins(), nc = clusters.count();
    std::vector<std::pair<std::string, std::size_t>> columns = {
        {"P_lattice", nk}, {"P_network", nk},      {"P_network_lin", nk}, {"P_ratio", nk}, {"T_lattice", nk},
        {"T_network", nk}, {"omega2_lattice", nk}, {"omega2_ratio", nk},  {"matched", nk}};
    if (p.network.full_spectrum) { // the per-eigenspace powers need the eigenbasis
      columns.emplace_back("mode_power", nc);
      columns.emplace_back("mode_power_prediction", nc);
    }
    return columns;
  }
  /// The quantity of each of duality_columns(): spectra of the field (the residual f - y is one), ratios
  /// and the matched flags numbers, omega^2 a rate squared, the eigenspaces' powers a squared field.
  [[nodiscard]] std::vector<QuantityUnit> duality_units() const {
    namespace q = quantity;
    std::vector<QuantityUnit> units = {q::field_spectrum, q::field_spectrum, q::field_spectrum,
                                       q::dimensionless,  q::dimensionless,  q::dimensionless,
                                       q::rate_squared,   q::dimensionless,  q::dimensionless};
    if (p.network.full_spectrum) {
      units.insert(units.end(), 2, q::field_squared);
    }
    return units;
  }

  /// Everything a bit-identical continuation needs beyond the inflaton (identical on every rank).
  void add_to_checkpoint(io::CheckpointState& state) {
    auto& e = state.extra_series;
    e["coupled_net_theta"] = system->network().theta();
    e["coupled_net_p"].assign(system->momentum().begin(), system->momentum().end());
    e["coupled_lin_r"].assign(linear->residual().begin(), linear->residual().end());
    e["coupled_lin_p"].assign(linear->velocity().begin(), linear->velocity().end());
    e["coupled_targets"] = data.y;
    e["coupled_r0"] = r0;
    e["coupled_rdot0"] = rdot0;
    e["coupled_p_lattice0"] = shells.p_lattice0();
    e["coupled_p_network0"] = shells.p_network0();
    e["coupled_check_t"] = check_t;
    e["coupled_check_a"] = check_a;
    state.scalars["coupled_c"] = c;
    state.scalars["coupled_v2_0"] = v2_0;
    state.scalars["coupled_ntk_drift"] = ntk_drift;
    state.scalars["coupled_substeps"] = static_cast<double>(subcycling.substeps);
  }

  /// The lattice's omega^2(k) = <k^2> / a^2 + V''(t0) in each sub-lattice shell, at scale factor `a`.
  [[nodiscard]] std::vector<double> omega2_t0(double a) const {
    std::vector<double> omega2(sub.spectrum.bins());
    for (std::size_t b = 0; b < omega2.size(); ++b) {
      omega2[b] = sub.mean_k2[b] / (a * a) + v2_0;
    }
    return omega2;
  }

  /// The band-limited perturbation of a lattice field on the training sites.
  std::vector<double> on_sites(const Field& field) {
    return band_limited_sites(field, run.scratch(), run.operators().plan(), p.network.sublattice);
  }

  /// The residual r = f - y on every rank, in site order.
  std::vector<double> residual() {
    std::vector<double> f = distribution.all_gather(system->outputs(), 1);
    std::transform(f.begin(), f.end(), data.y.begin(), f.begin(), std::minus<>());
    return f;
  }

  /// A row of duality.h5 (every output.spectra_every steps and the last; collective): both site spectra, the
  /// shell comparison and, with the eigenbasis, the per-eigenspace powers.
  void record(std::int64_t step) {
    FieldLattice& inflaton = run.lattice();
    const std::size_t dual = p.dual_field;
    const std::size_t nk = sub.spectrum.bins();
    const auto lattice = sub.site_spectrum(on_sites(inflaton.phi(dual)));
    const auto r = residual();
    const auto network = sub.site_spectrum(r);
    const auto network_lin = sub.site_spectrum(linear->residual());
    const double a = inflaton.a(), t = inflaton.time();
    const auto row = shells.compare(lattice, network, a, dual_mass2(inflaton, run.operators(), dual));
    const FrequencyMatch match = compare_frequencies(omega2_network, row.omega2_lattice);
    last_lin_ratio.assign(nk, std::nan(""));
    for (std::size_t b = 1; b < nk; ++b) {
      last_lin_ratio[b] = lattice[b] > 0.0 ? network_lin[b] / lattice[b] : std::nan("");
    }
    // Per-eigenspace power (basis-free sums over clusters) and the linearised prediction: the eigenvectors
    // are distributed, so every rank takes part.
    std::vector<double> power, predicted;
    if (eigensystem) {
      const auto components = eigen_components(*eigensystem, r);
      power = cluster_products(clusters, components, components);
      predicted = cluster_power_prediction(clusters, cluster0, gamma, c, t);
      if (have_check_mode && step % std::max<std::int64_t>(p.inflaton.spectra_every, 1) == 0) {
        // The linearised model is exactly linear: its eigenmodes are exact damped oscillators.
        check_t.push_back(t); // uniform times for the consistency fit
        check_a.push_back(eigen_components(*eigensystem, linear->residual())[check_mode]);
      }
    }
    if (!file) {
      return;
    }
    std::vector<std::span<const double>> columns = {
        lattice,     network,      network_lin, row.p_ratio, row.t_lattice, row.t_network, row.omega2_lattice,
        match.ratio, match.matched};
    if (eigensystem) {
      columns.emplace_back(power);
      columns.emplace_back(predicted);
    }
    file->append(step, t, a, columns);
  }

  /// A row of nn.h5 (every network.output_every steps and the last; collective): the outputs, their
  /// linearisation, the loss, the NTK's drift and the mode amplitudes. The network is whole after each of
  /// its steps, so the row needs no lattice output step.
  void record_network(std::int64_t step, bool last) {
    const auto r = residual();
    std::vector<double> f_lin(r.size()), f(r.size());
    const auto r_lin = linear->residual();
    std::vector<double> gap(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) {
      f[i] = data.y[i] + r[i];
      f_lin[i] = data.y[i] + r_lin[i];
      gap[i] = r[i] - r_lin[i];
    }
    const double rn = norm(r);
    lin_gap = rn > 0.0 ? norm(gap) / rn : 0.0;
    if (step > 0 && (step % p.network.ntk_every == 0 || last)) {
      probe.theta() = system->network().theta();
      ntk_drift = ntk0_norm > 0.0 ? std::sqrt(ntk0->distance_squared_to(probe, x_local)) / ntk0_norm : 0.0;
    }
    const double loss = system->loss();
    std::vector<double> components;
    if (eigensystem) {
      components = eigen_components(*eigensystem, r);
    }
    if (nn_file) {
      nn_file->append(
          io::NetworkRow{step, run.lattice().time(), loss, ntk_drift, lin_gap, f, f_lin, components});
    }
  }
};

/// Refuses a checkpoint whose coupled-run state this deck cannot continue (require_companion_state): every
/// series and scalar the restart reads, of the sizes this deck's network has.
void check_restart(const State& s, const io::CheckpointState& c) {
  const CoupledParameters& p = s.p;
  const std::size_t n = s.data.points;
  const int dim = p.network.embedding == "fourier" ? static_cast<int>(n) : s.data.dim;
  const auto parameters =
      static_cast<std::size_t>(mlp_parameter_count(dim, p.network.mlp.width, p.network.mlp.depth));
  const CompanionSeries series[] = {{"coupled_r0", n},
                                    {"coupled_targets", n},
                                    {"coupled_rdot0", n},
                                    {"coupled_lin_r", n},
                                    {"coupled_lin_p", n},
                                    {"coupled_net_theta", parameters},
                                    {"coupled_net_p", parameters},
                                    {"coupled_p_lattice0"},
                                    {"coupled_p_network0"},
                                    {"coupled_check_t"},
                                    {"coupled_check_a"}};
  const char* const scalars[] = {"coupled_c", "coupled_v2_0", "coupled_ntk_drift"};
  require_companion_state(c, p, series, scalars, "coupled-run state",
                          fmt::format("network.sublattice^3 = {} sites, {} parameters", n, parameters));
}

} // namespace

void require_companion_state(const io::CheckpointState& c, const CoupledParameters& p,
                             std::span<const CompanionSeries> series, std::span<const char* const> scalars,
                             const std::string& what, const std::string& sizes) {
  const std::string& restart = *p.inflaton.restart;
  for (const auto& [name, size] : series) {
    const auto have = c.series(name, what).size();
    if (size != 0 && have != size) {
      throw InputError(
          fmt::format("restart = \"{}\": the checkpoint's {} has {} values in {}, this deck's {} ({})",
                      restart, what, have, name, size, sizes));
    }
  }
  for (const char* name : scalars) {
    (void)c.scalar(name, what);
  }
  for (const char* file : {"duality.h5", "nn.h5"}) {
    if (!std::filesystem::exists(p.inflaton.output_dir / file)) {
      throw InputError(fmt::format("restart = \"{}\": {}/{} is missing (a restart continues it, with the "
                                   "checkpoint's {})",
                                   restart, p.inflaton.output_dir.string(), file, what));
    }
  }
}

void write_network_sites(io::NetworkFile& file, const CoupledParameters& p,
                         const NetworkSubcycling& subcycling) {
  const auto m = p.network.sublattice;
  const auto n = static_cast<std::size_t>(m * m * m);
  std::vector<std::int64_t> sites(3 * n);
  const SiteOrder order{m};
  const auto stride = static_cast<std::int64_t>(p.inflaton.box.n / m);
  for (std::size_t i = 0; i < n; ++i) {
    const auto site = order.site(i);
    for (std::size_t d = 0; d < 3; ++d) {
      sites[3 * i + d] = static_cast<std::int64_t>(site[d]) * stride;
    }
  }
  file.write_sites(sites);
  file.write_attribute("eta_dictionary", p.dictionary.eta);
  file.write_attribute("beta_dictionary", p.dictionary.beta);
  file.write_attribute("substeps", static_cast<double>(subcycling.substeps));
}

namespace {

void start(State& s) {
  const CoupledParameters& p = s.p;
  s.run.restart_check([&s](const io::CheckpointState& c) { check_restart(s, c); });
  s.run.start();
  FieldLattice& inflaton = s.run.lattice();
  const std::size_t dual = p.dual_field;
  const bool root = s.distribution.is_root();
  const std::size_t n = s.data.points, mine = s.distribution.local_count(), b0 = s.distribution.local_begin();
  if (p.network.embedding == "fourier") {
    // The road away from the exact dual: an MLP on the Fourier features of the sites.
    const double m2 = std::max(0.0, dual_mass2(inflaton, s.run.operators(), dual));
    s.data.x = fourier_feature_inputs(p.network.sublattice, p.inflaton.box.length,
                                      p.network.fourier_dispersion(), p.network.c(n), m2);
    s.data.dim = static_cast<int>(n);
    s.data.description += "; inputs: Fourier features (" + p.network.dispersion + ")";
  }
  const auto dim = static_cast<std::size_t>(s.data.dim);
  s.x_local.assign(s.data.x.begin() + static_cast<std::ptrdiff_t>(b0 * dim),
                   s.data.x.begin() + static_cast<std::ptrdiff_t>((b0 + mine) * dim));

  // 1. Targets: the network's initial residual f0 - y is the inflaton's band-limited initial perturbation on
  // the sites (one mode set for both systems).
  MlpParams mp = p.network.mlp;
  mp.input_dim = s.data.dim;
  Mlp network(mp);
  network.forward(s.x_local, mine);
  const std::vector<double> f0 = s.distribution.all_gather(network.outputs(), 1);
  const io::CheckpointState* restored = s.run.restored();
  const auto series = [&](const char* name) { return restored->series(name, "coupled-run state"); };
  if (restored) {
    s.r0 = series("coupled_r0");
    s.data.y = series("coupled_targets");
    if (s.r0.size() != n || s.data.y.size() != n) {
      throw InputError(
          fmt::format("restart = \"{}\": the checkpoint's network has another number of training "
                      "sites than network.sublattice^3 = {}",
                      *p.inflaton.restart, n));
    }
  } else {
    s.r0 = s.on_sites(inflaton.phi(dual));
    std::transform(f0.begin(), f0.end(), s.r0.begin(), s.data.y.begin(), std::minus<>());
  }
  const std::vector<double>& r0 = s.r0;
  s.y_local.assign(s.data.y.begin() + static_cast<std::ptrdiff_t>(b0),
                   s.data.y.begin() + static_cast<std::ptrdiff_t>(b0 + mine));

  // 2. Theta(0) by rows; its spectrum (initial_ntk_spectrum), the eigenspace clusters and the mean mode.
  s.probe = network;
  s.ntk0.emplace(s.distribution);
  const auto started = std::chrono::steady_clock::now();
  build_ntk_rows(*s.ntk0, s.probe, s.x_local, root);
  s.ntk0_norm = std::sqrt(s.ntk0->norm_squared());
  const bool full = p.network.full_spectrum;
  if (root) {
    fmt::print("# coupled run: Theta(0) rows built ({} x {} on this rank) in {:.1f} s\n", mine, n,
               seconds_since(started));
    std::fflush(stdout);
  }
  InitialNtkSpectrum spectrum = initial_ntk_spectrum(*s.ntk0, full, root);
  s.eigensystem = std::move(spectrum.eigensystem);
  s.extremes = spectrum.extremes;
  const std::vector<double>& eigenvalues = spectrum.eigenvalues;
  const double lambda_max = spectrum.lambda_max;
  if (full) {
    const NtkEigensystem& eig = *s.eigensystem;
    s.clusters = cluster_eigenvalues(eigenvalues, p.cluster_tolerance);
    // The mean mode: the eigenvector with the largest overlap with the uniform vector.
    const std::vector<double> uniform(n, 1.0 / std::sqrt(static_cast<double>(n)));
    const auto overlaps = eigen_components(eig, uniform);
    for (std::size_t k = 0; k < n; ++k) {
      if (std::abs(overlaps[k]) > s.mean_overlap) {
        s.mean_overlap = std::abs(overlaps[k]);
        s.mean_mode = k;
      }
    }
    if (root) {
      fmt::print("# coupled run: Theta(0) diagonalised ({}, block {}), {:.1f} s\n",
                 eig.distributed()
                     ? fmt::format("pdsyevd on a {} x {} grid", eig.grid().nprow(), eig.grid().npcol())
                     : std::string("dsyevr on one rank"),
                 eig.block_size(), seconds_since(started));
      std::fflush(stdout);
    }
  } else if (root) {
    fmt::print("# coupled run: lambda_max = {:.10g} by Lanczos ({} products, residual {:.2e}), {:.1f} s\n",
               lambda_max, s.extremes.iterations, s.extremes.lambda_max_residual, seconds_since(started));
    std::fflush(stdout);
  }

  // 3. The NTK's dispersion relation lambda(k) from plane-wave Rayleigh quotients, in the sub-lattice's
  // shells.
  auto partial =
      ntk_dispersion_partial(s.ntk0->rows(), b0, b0 + mine, p.network.sublattice, p.inflaton.box.length);
  s.distribution.sum_in_place(partial.rayleigh);
  s.distribution.sum_in_place(partial.norm2);
  partial.residual2 = ntk_dispersion_residual2(s.ntk0->rows(), b0, b0 + mine, p.network.sublattice,
                                               p.inflaton.box.length, partial.rayleigh);
  s.distribution.sum_in_place(partial.residual2);
  const auto dispersion =
      ntk_dispersion_shells(partial, p.network.sublattice, p.inflaton.box.length, lambda_max);
  const std::vector<double> lambda_per_mode = ntk_dispersion_per_mode(partial, lambda_max).lambda;
  s.lambda_shell = dispersion.lambda;
  s.shell_counts = dispersion.counts;
  s.leakage = dispersion.leakage;

  // 4. The loss scale: as given, or calibrated to the cosmology at t0 (a restart keeps its c exactly).
  s.v2_0 = restored ? restored->scalar("coupled_v2_0", "coupled-run state")
                    : dual_mass2(inflaton, s.run.operators(), dual);
  const std::size_t nk = s.sub.spectrum.bins();
  s.c = restored ? restored->scalar("coupled_c", "coupled-run state")
                 : loss_scale(p.calibrate, p.network.c(n), dispersion.lambda, dispersion.counts,
                              s.sub.site_spectrum(r0), s.omega2_t0(inflaton.a()), s.v2_0);
  for (std::size_t b = 0; b < nk; ++b) {
    s.omega2_network.push_back(s.c * dispersion.lambda[b]);
    // lambda_err is sqrt(var / n_indep); the anisotropy is the spread itself, sqrt(var).
    s.anisotropy.push_back(s.c * dispersion.lambda_err[b] *
                           std::sqrt(std::max(1.0, 0.5 * dispersion.counts[b])));
  }
  s.deck_text = p.resolved_with_loss_scale(s.c);

  // 5. Sub-cycling with the damped bound of the integrator in use: the optimizer that runs is
  // (eta / s^2, beta^(1/s)).
  s.subcycling = p.subcycling(s.c * lambda_max);
  s.system.emplace(std::move(network), s.x_local, s.y_local, mine, s.subcycling.h_run, s.subcycling.gamma_run,
                   s.c);
  s.system->set_reduction([&s](std::span<double> v) { s.distribution.sum_in_place(v); });
  s.gamma = s.system->gamma();
  s.loss0 = s.system->loss();

  // 6. The initial velocity: p0 = J^T alpha with Theta alpha = the band-limited dphi/dt on the sites, so that
  // df/dt(t0) = Theta alpha matches the inflaton's velocity in every mode the network can move.
  std::vector<double>& rdot0 = s.rdot0;
  rdot0.assign(n, 0.0);
  if (restored) {
    rdot0 = series("coupled_rdot0");
    s.system->set_state(series("coupled_net_theta"), series("coupled_net_p"));
  } else if (p.match_velocity) {
    const std::vector<double> b = s.on_sites(inflaton.momentum(dual));
    std::vector<double> alpha(n, 0.0);
    const auto velocity_started = std::chrono::steady_clock::now();
    if (full) {
      // duality.velocity_cut: only the eigenvalues above cut lambda_max are matched (0: all above rounding).
      s.velocity_cut_lambda = p.velocity_cut * lambda_max;
      const KernelSolve solve = solve_kernel(*s.eigensystem, b, s.clusters.resolution, s.velocity_cut_lambda);
      alpha = solve.alpha;
      // One step of iterative refinement: the eigenvectors carry errors of eps ||Theta|| / gap, the product
      // with the rows does not.
      std::vector<double> residual(n);
      s.ntk0->apply(alpha, 1.0, residual);
      std::transform(b.begin(), b.end(), residual.begin(), residual.begin(), std::minus<>());
      const std::vector<double> correction =
          solve_kernel(*s.eigensystem, residual, s.clusters.resolution, s.velocity_cut_lambda).alpha;
      std::transform(alpha.begin(), alpha.end(), correction.begin(), alpha.begin(), std::plus<>());
      s.velocity_dropped_modes = solve.dropped;
      s.velocity_dropped = solve.dropped_fraction;
      s.velocity_cut_modes = solve.cut;
      s.velocity_cut_fraction = solve.cut_fraction;
      s.velocity_unmatched = solve.unmatched_fraction();
      s.velocity_solver = "eigendecomposition";
      if (root) {
        fmt::print("{}\n", stage_done_line("velocity solve (eigenbasis, one refinement step)",
                                           seconds_since(velocity_started)));
        std::fflush(stdout);
      }
    } else {
      // Conjugate gradients on the row blocks, preconditioned by the kernel's own plane-wave dispersion.
      PlaneWavePreconditioner preconditioner(p.network.sublattice, p.inflaton.box.length, lambda_per_mode,
                                             1e-12 * lambda_max);
      const ConjugateGradientSolve solve = conjugate_gradient(
          [&s](std::span<const double> v, std::span<double> out) { s.ntk0->apply(v, 1.0, out); },
          [&preconditioner](std::span<const double> r, std::span<double> z) { preconditioner.apply(r, z); },
          b, velocity_solve_tolerance, static_cast<std::size_t>(p.velocity_iterations),
          [&](std::size_t it, double residual) {
            if (root && it % 50 == 0) {
              fmt::print(
                  "# coupled run: velocity solve (PCG): {} products, relative residual {:.3e}, {:.1f} s\n",
                  it, residual, seconds_since(started));
              std::fflush(stdout);
            }
          });
      alpha = solve.x;
      s.velocity_iterations = solve.iterations;
      s.velocity_history = solve.history;
      s.velocity_solver = "preconditioned conjugate gradients";
    }
    Mlp vjp = s.system->network();
    std::vector<double> p0 =
        vector_jacobian_product(vjp, s.x_local, mine, std::span<const double>(alpha).subspan(b0, mine));
    s.distribution.sum_in_place(p0);
    const std::vector<double> theta = s.system->network().theta();
    s.system->set_state(theta, p0);
    // The linearised model's output velocity J p0 = Theta alpha, and its agreement with b.
    s.ntk0->apply(alpha, 1.0, rdot0);
    s.velocity_mismatch = relative_difference(rdot0, b);
    // The trained network's df/dt(t0) = J p0, measured by a central difference of its outputs.
    const double eps = 1e-8 * std::max(norm(theta), 1.0) / std::max(norm(p0), 1e-300);
    std::vector<double> plus(theta), minus(theta);
    for (std::size_t i = 0; i < theta.size(); ++i) {
      plus[i] += eps * p0[i];
      minus[i] -= eps * p0[i];
    }
    Mlp fd = s.system->network();
    fd.theta() = plus;
    fd.forward(s.x_local, mine);
    const auto f_plus = s.distribution.all_gather(fd.outputs(), 1);
    fd.theta() = minus;
    fd.forward(s.x_local, mine);
    const auto f_minus = s.distribution.all_gather(fd.outputs(), 1);
    std::vector<double> fdot(n);
    std::transform(f_plus.begin(), f_plus.end(), f_minus.begin(), fdot.begin(),
                   [eps](double up, double down) { return (up - down) / (2.0 * eps); });
    s.velocity_mismatch_trained = relative_difference(fdot, b);
  }
  s.linear.emplace(
      [&s](std::span<const double> r, double scale, std::span<double> out) { s.ntk0->apply(r, scale, out); },
      n, s.c, s.gamma, r0, rdot0);
  if (restored) {
    s.linear->set_state(series("coupled_lin_r"), series("coupled_lin_p"), restored->time);
    s.shells.restore(series("coupled_p_lattice0"), series("coupled_p_network0"));
    s.check_t = series("coupled_check_t");
    s.check_a = series("coupled_check_a");
    s.ntk_drift = restored->scalar("coupled_ntk_drift", "coupled-run state");
  }

  // 7. Per-eigenspace initial data (rank 0) and the mode for the integrator consistency check: the resolved
  // single-eigenvalue cluster with the most initial power (both need the eigenbasis).
  if (full) {
    const auto c_r = eigen_components(*s.eigensystem, r0);
    const auto c_v = eigen_components(*s.eigensystem, rdot0);
    s.cluster0 = cluster_initial_data(s.clusters, c_r, c_v);
    double best = 0.0;
    for (std::size_t i = 0; i < s.clusters.count(); ++i) {
      if (s.clusters.size[i] == 1.0 && s.clusters.resolved[i] != 0.0 && s.cluster0.rr[i] > best) {
        best = s.cluster0.rr[i];
        s.check_mode = s.clusters.first[i];
        s.have_check_mode = true;
      }
    }
  }

  // 8. duality.h5 and nn.h5 (rank 0); the first row; the loop hooks.
  if (root && restored) {
    s.file.emplace(io::DualityFile::open_existing(p.inflaton.output_dir / "duality.h5", s.duality_columns(),
                                                  restored->step));
    s.nn_file.emplace(io::NetworkFile::open_existing(p.inflaton.output_dir / "nn.h5", n, restored->step));
    fmt::print(
        "# coupled run: restarted from step {}: duality.h5 and nn.h5 continued (rows past it dropped)\n",
        restored->step);
  } else if (root) {
    io::write_text_atomically(p.inflaton.output_dir / "resolved.toml", s.deck_text);
    const auto metadata = io::FileMetadata::for_this_build(s.deck_text, p.inflaton.units);
    io::DualityFile& f = s.file.emplace(p.inflaton.output_dir / "duality.h5", metadata);
    write_dictionary_attributes(f, p, s.subcycling, s.c, s.v2_0, s.sub);
    f.write_attribute("calibrate", calibration_name(p.calibrate));
    f.write_attribute("band",
                      std::string_view("lattice modes with |n_d| <= M/2 (both Nyquist partners), k = 0 "
                                       "removed, sampled on the M^3 sites"));
    f.write_attribute("mean_mode_c_lambda", s.omega2_network[0]);
    f.write_attribute("ntk_spectrum", std::string_view(full ? "full" : "extremes"));
    f.write_attribute("lambda_max", lambda_max);
    if (full) {
      f.write_attribute("mean_mode_eigen_c_lambda", s.c * eigenvalues[s.mean_mode]);
      f.write_attribute("mean_mode_rank", static_cast<std::int64_t>(n - 1 - s.mean_mode));
      f.write_attribute("mean_mode_overlap", s.mean_overlap);
    } else {
      f.write_attribute("lambda_max_residual", s.extremes.lambda_max_residual);
      f.write_attribute("lambda_min_ritz", s.extremes.lambda_min);
      f.write_attribute("lambda_min_ritz_residual", s.extremes.lambda_min_residual);
      f.write_attribute("lanczos_iterations", static_cast<std::int64_t>(s.extremes.iterations));
    }
    f.write_attribute("velocity_mismatch_linearised", s.velocity_mismatch);
    f.write_attribute("velocity_mismatch_trained", s.velocity_mismatch_trained);
    f.write_attribute("velocity_solver", std::string_view(s.velocity_solver));
    if (full) {
      f.write_attribute("velocity_unreachable_fraction", s.velocity_dropped);
      f.write_attribute("velocity_unreachable_modes", static_cast<std::int64_t>(s.velocity_dropped_modes));
      if (p.velocity_cut > 0.0) { // written only where the deck sets the cut (older decks' files unchanged)
        f.write_attribute("velocity_cut", p.velocity_cut);
        f.write_attribute("velocity_cut_lambda", s.velocity_cut_lambda);
        f.write_attribute("velocity_cut_modes", static_cast<std::int64_t>(s.velocity_cut_modes));
        f.write_attribute("velocity_cut_fraction", s.velocity_cut_fraction);
        f.write_attribute("velocity_unmatched_fraction", s.velocity_unmatched);
      }
    } else {
      f.write_attribute("velocity_solve_iterations", static_cast<std::int64_t>(s.velocity_iterations));
      if (!s.velocity_history.empty()) {
        f.write_dataset("velocity_solve_history", s.velocity_history, quantity::dimensionless);
      }
    }
    f.write_attribute("cluster_tolerance", p.cluster_tolerance);
    f.write_attribute("embedding", std::string_view(p.network.embedding));
    {
      // The first layer's pre-activation variance q = sigma_w^2 <|x|^2> / d_in + sigma_b^2.
      double x2 = 0.0;
      for (const double v : s.data.x) {
        x2 += v * v;
      }
      const double d_in = static_cast<double>(s.data.dim);
      f.write_attribute("preactivation_variance_q",
                        p.network.mlp.sigma_w * p.network.mlp.sigma_w * x2 / (static_cast<double>(n) * d_in) +
                            p.network.mlp.sigma_b * p.network.mlp.sigma_b);
    }
    f.write_attribute("frequency_tolerance", 0.1);
    f.write_dataset("omega2_network", s.omega2_network, quantity::rate_squared);
    f.write_dataset("omega2_network_anisotropy", s.anisotropy, quantity::rate_squared);
    f.write_dataset("leakage", s.leakage, quantity::dimensionless);
    if (full) {
      f.write_attribute("cluster_resolution", s.clusters.resolution);
      f.write_dataset("ntk_eigenvalues", eigenvalues, quantity::field_squared);
      std::vector<double> first(s.clusters.first.begin(), s.clusters.first.end());
      f.write_dataset("cluster_first", first, quantity::dimensionless);
      f.write_dataset("cluster_lambda", s.clusters.lambda, quantity::field_squared);
      f.write_dataset("cluster_size", s.clusters.size, quantity::dimensionless);
      f.write_dataset("cluster_resolved", s.clusters.resolved, quantity::dimensionless);
    }
    f.define_rows(s.duality_columns(), s.duality_units());

    io::NetworkFile& nn =
        s.nn_file.emplace(p.inflaton.output_dir / "nn.h5", s.data.x, s.data.y, n, s.data.dim,
                          io::NetworkRunAttributes{
                              s.subcycling.eta_run, s.subcycling.beta_run, s.c, s.gamma, s.integrator.name(),
                              s.data.description + "; targets: the inflaton's band-limited perturbation",
                              full, quantity::time, quantity::field},
                          metadata);
    nn.write_weights("weights", s.system->network());
    if (full && !spectrum.theta0.empty()) {
      nn.write_ntk(spectrum.theta0, eigenvalues);
    }
    write_network_sites(nn, p, s.subcycling);
    fmt::print("# coupled run: {}^3 network sites, Theta(0) lambda_max = {:.6g}, c = {:.6g}{}, eta_run c "
               "lambda_max = {:.4g} (bound {:.4g}); network sub-steps per step: {}, lattice sub-steps: {}\n",
               p.network.sublattice, lambda_max, s.c,
               p.calibrate == Calibration::none
                   ? ""
                   : fmt::format(" (calibrated: {})", calibration_name(p.calibrate)),
               s.subcycling.eta_c_lambda_max, s.subcycling.bound, s.subcycling.substeps,
               p.inflaton.lattice_substeps);
    if (p.match_velocity) {
      fmt::print("# coupled run: initial velocity matched: |df_lin/dt - dphi/dt| / |dphi/dt| = {:.3e} "
                 "(linearised), {:.3e} (trained network, central difference); {}\n",
                 s.velocity_mismatch, s.velocity_mismatch_trained,
                 full ? fmt::format("{} eigenvalue(s) at rounding level carry {:.3e} of it",
                                    s.velocity_dropped_modes, s.velocity_dropped)
                      : fmt::format("PCG, best of {} products (duality.velocity_iterations)",
                                    s.velocity_iterations));
      if (p.velocity_cut > 0.0) {
        fmt::print("# coupled run: duality.velocity_cut = {:g}: the velocity is matched along the {} "
                   "eigenvalue(s) above {:.4g} (= cut x lambda_max); {} below it are left out, carrying "
                   "{:.3e} of |dphi/dt| (unmatched in all: {:.3e})\n",
                   p.velocity_cut, n - s.velocity_cut_modes - s.velocity_dropped_modes, s.velocity_cut_lambda,
                   s.velocity_cut_modes, s.velocity_cut_fraction, s.velocity_unmatched);
      }
    }
  }
  if (!restored) {
    s.record(0);
    s.record_network(0, false);
  }
  s.run.checkpoint_extra([&s](io::CheckpointState& c) { s.add_to_checkpoint(c); });
  s.run.on_step([&s](std::int64_t step) {
    advance_network(s.integrator, s.subcycling, step, s.p.inflaton.lattice_substeps, *s.system, *s.linear);
    // nn.h5 counts the network's steps (one per lattice_substeps lattice steps), as network.steps does.
    const std::int64_t substeps = s.p.inflaton.lattice_substeps;
    const bool last = step == s.p.inflaton.steps;
    if (step % substeps == 0 && ((step / substeps) % s.p.network.output_every == 0 || last)) {
      s.record_network(step, last);
    }
  });
  s.run.on_output([&s](std::int64_t step, bool last) {
    if (step % s.p.inflaton.spectra_every == 0 || last) {
      s.record(step);
    }
  });
  s.run.progress_extra([&s] { return fmt::format(" loss={:.4e}", s.system->loss()); });
}

void summarise(State& s) {
  const CoupledParameters& p = s.p;
  s.run.summarise();
  if (!s.file) {
    return;
  }
  io::DualityFile& f = *s.file;
  const std::size_t nk = s.sub.spectrum.bins();
  const auto& k = s.sub.spectrum.k();
  // The frequencies at t0 (the calibration's reference) and their mismatch.
  const std::vector<double> omega2_0 = s.omega2_t0(p.inflaton.a0);
  const FrequencyMatch match0 = compare_frequencies(s.omega2_network, omega2_0);
  const FrequencyMatch match_end = compare_frequencies(s.omega2_network, s.shells.last().omega2_lattice);
  f.write_attribute("rms_log_mismatch_t0", match0.rms_log);
  f.write_attribute("matched_shells_t0", static_cast<std::int64_t>(match0.matched_count));
  f.write_attribute("rms_log_mismatch_t_end", match_end.rms_log);
  f.write_attribute("ntk_drift_t_end", s.ntk_drift);
  f.write_attribute("max_abs_log_P_ratio_t_end", s.shells.max_abs_log_power_ratio());
  f.write_attribute("matched_shells_t_end", static_cast<std::int64_t>(match_end.matched_count));
  f.write_attribute("lin_gap_t_end", s.lin_gap);
  write_calibration_comparison(f, s.lambda_shell, s.shell_counts, s.shells.p_lattice0(), omega2_0,
                               s.shells.last().omega2_lattice, p.network.c(s.data.points), s.v2_0);

  // The descriptions of the network's dispersion relation. The EFT is a long-wavelength expansion: the
  // shells |n| <= M/4 with k = 0 (exact) included; the decaying form also over every shell. Which form
  // describes the network is decided on the long-wavelength shells, all three fitted there and compared by
  // their rms relative residual per degree of freedom.
  const auto window = static_cast<std::size_t>(std::max<std::int64_t>(p.network.sublattice / 4, 2)) + 1;
  const auto shells = std::min(window, nk);
  const RelativeEftFit eft = fit_eft_relative(std::span<const double>(k.data(), shells),
                                              std::span<const double>(s.omega2_network.data(), shells),
                                              /*with_k4=*/shells >= 6);
  const DecayingKernelFit decay = fit_decaying_kernel(k, s.omega2_network);
  const std::span<const double> k_window(k.data(), shells), omega2_window(s.omega2_network.data(), shells);
  const KernelFormComparison forms = compare_kernel_forms(k_window, omega2_window, /*with_k4=*/shells >= 6);
  PowerLawKernelFit power{std::nan(""), std::nan(""), std::nan(""), 0};
  try {
    power = fit_power_law_kernel(k_window, omega2_window);
  } catch (const InputError&) {
    // fewer than two long-wavelength shells with k > 0: no power law (NaN)
  }
  const std::string& form = forms.preferred;
  f.write_attribute("eft_weights",
                    std::string_view("relative residuals (1 / c lambda_b): no scatter between seeds "
                                     "was measured; the in-shell spread is anisotropy, not noise"));
  f.write_attribute("eft_shells", static_cast<std::int64_t>(eft.fit.bins_used));
  f.write_attribute("eft_k_max", k[shells - 1]);
  f.write_attribute("m_eff2", eft.fit.m_eff2);
  f.write_attribute("m_eff2_err", eft.fit.m_eff2_err);
  f.write_attribute("c_eff2", eft.fit.c_eff2);
  f.write_attribute("c_eff2_err", eft.fit.c_eff2_err);
  f.write_attribute("k4", eft.fit.k4);
  f.write_attribute("k4_err", eft.fit.k4_err);
  f.write_attribute("eft_terms", static_cast<std::int64_t>(eft.fit.terms));
  f.write_attribute("eft_chi2_per_dof", eft.fit.chi2_per_dof);
  f.write_attribute("eft_rms_relative", eft.rms_relative);
  f.write_attribute("decay_log_amplitude", decay.log_amplitude);
  f.write_attribute("decay_slope", decay.slope);
  f.write_attribute("decay_rms_relative", decay.rms_relative);
  f.write_attribute("decay_shells", static_cast<std::int64_t>(decay.shells));
  f.write_attribute("power_log_amplitude", power.log_amplitude);
  f.write_attribute("power_exponent", power.exponent);
  f.write_attribute("power_rms_relative", power.rms_relative);
  f.write_attribute("power_shells", static_cast<std::int64_t>(power.shells));
  f.write_attribute("kernel_form_shells", static_cast<std::int64_t>(shells));
  f.write_attribute("kernel_form_rms_eft", forms.eft);
  f.write_attribute("kernel_form_rms_decaying", forms.decaying);
  f.write_attribute("kernel_form_rms_power_law", forms.power_law);
  f.write_attribute("kernel_form", std::string_view(form));

  // The integrator consistency check (not evidence): for linear dynamics the fitted friction of any exact
  // eigenmode is -ln(beta)/sqrt(eta) whatever its frequency, for every composition of exact friction flows.
  double h_eff = std::nan(""), h_eff_err = std::nan("");
  if (s.check_t.size() >= 4) {
    const DampingFit damping = fit_damped_oscillator(s.check_t, s.check_a);
    h_eff = damping.gamma / 3.0;
    h_eff_err = damping.gamma_err / 3.0;
  }
  f.write_attribute("H_eff", h_eff);
  f.write_attribute("H_eff_err", h_eff_err);
  f.write_attribute("H_dictionary", p.dictionary.hubble);
  f.write_attribute("H_eff_mode", static_cast<std::int64_t>(s.check_mode));
  f.write_attribute("H_eff_note",
                    std::string_view("integrator consistency check, not evidence: the one-step map of "
                                     "any exact eigenmode has det = exp(-gamma h)"));
  s.nn_file->write_weights("weights_final", s.system->network());

  // The summary opens with the evidence: frequencies and power, shell by shell.
  fmt::print("# coupled: the two systems on one mode set (the lattice band-limited to |n_d| <= {}), shell by "
             "shell at t_end = {:.4g} (a = {:.4g})\n",
             p.network.sublattice / 2, s.run.lattice().time(), s.run.lattice().a());
  fmt::print("#   {:>5} {:>9} {:>13} {:>13} {:>9} {:>12} {:>12}\n", "shell", "k", "omega2_lat",
             "c_lambda_net", "ratio", "P_net/P_lat", "P_lin/P_lat");
  // A ratio that is not defined (the k = 0 shell is removed from the band: P = 0 in both) prints as "-".
  const auto ratio = [](double value) {
    return std::isfinite(value) ? fmt::format("{:.4g}", value) : std::string("-");
  };
  for (std::size_t b = 0; b < nk; ++b) {
    fmt::print("#   {:>5} {:>9.4g} {:>13.4g} {:>13.4g} {:>9.3g} {:>12} {:>12}\n", b, k[b],
               s.shells.last().omega2_lattice[b], s.omega2_network[b], match_end.ratio[b],
               ratio(s.shells.last().p_ratio[b]), ratio(s.last_lin_ratio[b]));
  }
  fmt::print("#   frequencies agree (|c lambda / omega^2 - 1| <= 10%) in {} at t_end; at t0: {}; rms "
             "|ln(c lambda / omega^2)| = {:.3g} at t0\n",
             describe_matched(match_end), describe_matched(match0), match0.rms_log);
  fmt::print("#   loss scale c = {:.6g} ({}); mean mode: c lambda(k = 0) = {:.4g} against V'' = {:.4g}\n",
             s.c,
             p.calibrate == Calibration::none ? "as given"
                                              : "calibrated: " + std::string(calibration_name(p.calibrate)),
             s.omega2_network[0], s.v2_0);
  if (p.network.full_spectrum) {
    fmt::print("#   the eigenmode closest to uniform (overlap {:.4f}) is number {} from the top, c lambda = "
               "{:.4g}\n",
               s.mean_overlap, s.eigensystem->size() - 1 - s.mean_mode,
               s.c * s.eigensystem->values()[s.mean_mode]);
    std::size_t unresolved = 0, unresolved_values = 0;
    for (std::size_t i = 0; i < s.clusters.count(); ++i) {
      if (s.clusters.resolved[i] == 0.0) {
        ++unresolved;
        unresolved_values += static_cast<std::size_t>(s.clusters.size[i]);
      }
    }
    fmt::print(
        "#   NTK eigenspaces: {} clusters (tolerance {:.1e} lambda_max); {} eigenvalue(s) in {} cluster(s) "
        "are at rounding level: their dynamics is not resolved (cluster_resolved = 0)\n",
        s.clusters.count(), p.cluster_tolerance, unresolved_values, unresolved);
  } else {
    fmt::print(
        "#   NTK spectrum: extremes only (network.ntk_spectrum = \"extremes\"): lambda_max = {:.10g} "
        "(Lanczos, {} products, residual {:.2e}); smallest Ritz value {:.4g}; no eigenspace mode powers "
        "and no integrator consistency check without the eigenbasis\n",
        s.extremes.lambda_max, s.extremes.iterations, s.extremes.lambda_max_residual, s.extremes.lambda_min);
  }
  fmt::print("#   network dispersion on the {} shells k <= {:.4g}: {} describes it (rms relative residual "
             "per degree of "
             "freedom: EFT {}, decaying {}, power law {}); EFT m_eff^2 = {:.4g} +- {:.2g}, "
             "c_eff^2 = {:.4g} "
             "+- {:.2g}; {}; decaying (all {} shells, rms {:.3g}): c lambda ~ "
             "exp({:.4g} k)\n",
             shells, k[shells - 1],
             form == "eft"         ? "the EFT"
             : form == "decaying"  ? "a decaying kernel"
             : form == "power_law" ? "a power law"
                                   : "no form with a degree of freedom left",
             ratio(forms.eft), ratio(forms.decaying), ratio(forms.power_law), eft.fit.m_eff2,
             eft.fit.m_eff2_err, eft.fit.c_eff2, eft.fit.c_eff2_err,
             std::isfinite(power.exponent)
                 ? fmt::format("power law c lambda ~ k^{:.4g}", power.exponent)
                 : std::string("no power law (fewer than two long-wavelength shells)"),
             decay.shells, decay.rms_relative, decay.slope);
  fmt::print(
      "#   network loss {:.6e} -> {:.6e}; lin_gap = {:.3e}, ntk_drift = {:.3e}; optimizer run: eta = {:.6g}, "
      "beta = {:.6g} ({} sub-step(s) of h = {:.6g})\n",
      s.loss0, s.system->loss(), s.lin_gap, s.ntk_drift, s.subcycling.eta_run, s.subcycling.beta_run,
      s.subcycling.substeps, s.subcycling.h_run);
  const std::string check =
      std::isfinite(h_eff)
          ? fmt::format(
                "consistency check (an identity of the integrator, not evidence): fitted H_eff = {:.6g} "
                "+- {:.2g}",
                h_eff, h_eff_err)
          : std::string(p.network.full_spectrum ? "no integrator consistency check (fewer than 4 samples of "
                                                  "the check mode)"
                                                : "no integrator consistency check (no eigenbasis)");
  fmt::print("#   dictionary: H = {:.6g}, h = {:.6g}, eta = {:.6g}, beta = {:.6g}, gamma = {:.6g}; {}\n",
             p.dictionary.hubble, p.dictionary.h, p.dictionary.eta, p.dictionary.beta, p.dictionary.gamma,
             check);
  fmt::print("#   output: {}/{{duality.h5, nn.h5}}\n", p.inflaton.output_dir.string());
}

} // namespace

void run_coupled(const CoupledParameters& parameters, const Session& session) {
  State s(parameters, session);
  start(s);
  s.run.evolve(); // the network advances in the lattice's step hook
  if (!std::isfinite(s.system->loss())) {
    throw RuntimeError("the network's loss became non-finite; reduce the step", /*collective=*/true);
  }
  summarise(s);
}

} // namespace inflanet
