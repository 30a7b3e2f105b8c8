#include "inflanet/app/coupled_run.hpp"

#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "inflanet/app/error.hpp"
#include "inflanet/app/inflaton_run.hpp"
#include "inflanet/decomposition/point_distribution.hpp"
#include "inflanet/io/duality_file.hpp"
#include "inflanet/io/file_metadata.hpp"
#include "inflanet/nn/dataset.hpp"
#include "inflanet/nn/network_system.hpp"
#include "inflanet/ntk/damping_fit.hpp"
#include "inflanet/ntk/distributed_ntk.hpp"
#include "inflanet/ntk/eft_fit.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"
#include "inflanet/ntk/linearised_network.hpp"
#include "inflanet/ntk/ntk_dispersion.hpp"

namespace inflanet {

CoupledParameters CoupledParameters::from_deck(const config::Deck& deck) {
  CoupledParameters p;
  p.match = deck.has("duality.match") ? deck.string("duality.match") : "cosmology";
  if (p.match == "cosmology") {
    for (const char* key : {"network.eta", "network.beta"}) {
      if (deck.user_given(key)) {
        deck.fail(key, "no value with duality.match = \"cosmology\": eta = dt^2 and beta = exp(-3 H dt) come "
                       "from [time] dt and [background] H (or set duality.match = \"network\")");
      }
    }
    const CoupledStep from_deck{};
    p.inflaton = RunParameters::from_deck(deck, &from_deck);
    p.dictionary = Dictionary::from_cosmology(p.inflaton.hubble, p.inflaton.dt);
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
    const CoupledStep derived{p.dictionary.step, p.dictionary.hubble};
    p.inflaton = RunParameters::from_deck(deck, &derived);
  }
  for (const char* key : {"network.integrator", "network.steps"}) {
    if (deck.user_given(key)) {
      deck.fail(key, "no value in a coupled run: the network uses [time] integrator and the run's steps");
    }
  }
  p.network = NetworkParameters::from_deck(deck, /*coupled=*/true);
  p.network.eta = p.dictionary.eta;
  p.network.beta = p.dictionary.beta;
  p.network.integrator = p.inflaton.integrator;
  p.network.steps = p.inflaton.steps / p.inflaton.lattice_substeps;
  // The resolved deck records what the dictionary derived (as comments: giving them is refused).
  std::map<std::string, std::string> derived = {
      {"network.integrator", fmt::format("\"{}\"", p.inflaton.integrator)},
      {"network.steps", fmt::format("{}", p.network.steps)}};
  if (p.match == "cosmology") {
    derived["network.eta"] = fmt::format("{:.17g}", p.dictionary.eta);
    derived["network.beta"] = fmt::format("{:.17g}", p.dictionary.beta);
  } else {
    derived["time.dt"] = fmt::format("{:.17g}", p.dictionary.step);
    derived["background.H"] = fmt::format("{:.17g}", p.dictionary.hubble);
  }
  p.inflaton.deck_text = p.network.deck_text = deck.resolved_toml(derived);
  if (p.network.lattice_n != p.inflaton.box.n) {
    throw InputError("internal: the network's lattice differs from the inflaton's");
  }
  return p;
}

std::string coupled_check_report(const CoupledParameters& p, int ranks) {
  std::string out = check_report(p.inflaton, ranks);
  const auto m = p.network.sublattice;
  const double points = static_cast<double>(m * m * m);
  const double c = p.network.loss_scale > 0.0 ? p.network.loss_scale : 1.0 / points;
  const double bound = network_stability_bound(p.network.integrator, p.dictionary.beta);
  out += fmt::format("# coupled run: the dictionary (duality.match = \"{}\")\n{}\n", p.match,
                     p.dictionary.describe());
  out += fmt::format("#   lattice sub-steps   = {} per step (a step derived from the network exceeding the "
                     "lattice's limit is sub-cycled)\n",
                     p.inflaton.lattice_substeps);
  out += fmt::format(
      "#   network             = {}^3 = {:.0f} training sites (every {}-th lattice site), depth {}, "
      "width {}, {}; c = {:.6g}\n",
      m, points, p.inflaton.box.n / m, p.network.mlp.depth, p.network.mlp.width,
      activation_name(p.network.mlp.activation), c);
  out += fmt::format(
      "#   network stability   : eta c lambda_max < {:.4g}, i.e. lambda_max < {:.6g} (checked once "
      "the NTK is built; a stiffer network is sub-cycled by an integer factor)\n",
      bound, bound / (p.dictionary.eta * c));
  return out;
}

namespace {

/// The values of a lattice field at the sub-lattice sites (every stride-th site), in C order, minus `shift`,
/// on every rank (each rank fills the sites of its planes, a sum assembles them).
std::vector<double> sample_sites(const Field& field, std::int64_t m, double shift) {
  const auto& d = field.decomposition();
  const std::ptrdiff_t stride = d.n() / m;
  std::vector<double> samples(static_cast<std::size_t>(m * m * m), 0.0);
  auto view = field.real_view();
  for (std::ptrdiff_t x = 0; x < d.local_nx(); ++x) {
    const std::ptrdiff_t gx = d.x_start() + x;
    if (gx % stride != 0) {
      continue;
    }
    for (std::ptrdiff_t iy = 0; iy < m; ++iy) {
      for (std::ptrdiff_t iz = 0; iz < m; ++iz) {
        samples[static_cast<std::size_t>(((gx / stride) * m + iy) * m + iz)] =
            view(x, iy * stride, iz * stride) - shift;
      }
    }
  }
  d.sum_in_place(samples);
  return samples;
}

} // namespace

struct CoupledRun::State {
  const CoupledParameters& p;
  InflatonRun run;
  Dataset data;
  PointDistribution distribution;
  std::vector<double> x_local, y_local;
  std::optional<NetworkSystem> system;
  Integrator integrator;
  double c = 0.0, gamma = 0.0, h = 0.0;
  std::int64_t subcycles = 1;
  // The sub-lattice's own spectral machinery (serial, identical on every rank): the network's residual is
  // binned by the same PowerSpectrum code as the lattice.
  Decomposition sub;
  FftPlan sub_plan;
  SpectralOperators sub_ops;
  PowerSpectrum sub_spectrum;
  Field sub_field, sub_scratch;
  NtkSpectrum ntk_spectrum; // rank 0
  std::vector<double> omega2_network, omega2_network_err, leakage, modes0;
  std::vector<double> p_lattice0, p_network0;
  std::size_t mean_mode = 0; ///< the eigenmode of Theta(0) closest to uniform: the network's mean mode
  std::vector<double> mean_mode_t, mean_mode_r; // its amplitude at uniform output times (rank 0)
  std::optional<io::DualityFile> file;
  double lambda_max = 0.0, loss0 = 0.0;

  State(const CoupledParameters& parameters, const Session& session)
      : p(parameters), run(parameters.inflaton, session),
        data(lattice_dataset(parameters.network.lattice_n, parameters.network.lattice_length,
                             parameters.network.sublattice, "plane_wave", parameters.network.mlp.seed)),
        distribution(data.points), integrator(Integrator::from_name(parameters.inflaton.integrator)),
        sub(Box{static_cast<std::ptrdiff_t>(parameters.network.sublattice), parameters.inflaton.box.length},
            MPI_COMM_SELF),
        sub_plan(sub, PlanRigor::estimate), sub_ops(sub, sub_plan), sub_spectrum(sub_ops), sub_field(sub),
        sub_scratch(sub) {}

  /// The residual r = f - y on every rank, in site order.
  std::vector<double> residual() {
    std::vector<double> f = distribution.all_gather(system->outputs(), 1);
    for (std::size_t i = 0; i < f.size(); ++i) {
      f[i] -= data.y[i];
    }
    return f;
  }

  std::vector<double> network_spectrum(std::span<const double> r) {
    auto view = sub_field.real_view();
    const auto m = static_cast<std::size_t>(p.network.sublattice);
    for (std::size_t i = 0; i < r.size(); ++i) {
      view(i / (m * m), (i / m) % m, i % m) = r[i];
    }
    sub_field.set_space(Space::real);
    return sub_spectrum.compute(sub_field, sub_scratch, sub_plan);
  }

  void record(std::int64_t step) {
    Inflaton& inflaton = run.inflaton();
    const std::size_t nk = sub_spectrum.bins();
    auto lattice = run.spectrum().compute(inflaton.phi(), run.scratch(), run.operators().plan());
    lattice.resize(nk); // the network's shells: the lattice's first nk (identical up to |n| = M/2)
    const auto r = residual();
    const auto network = network_spectrum(r);
    if (p_lattice0.empty()) {
      p_lattice0 = lattice;
      p_network0 = network;
    }
    std::vector<double> t_lattice(nk), t_network(nk), omega2_lattice(nk);
    const double a = inflaton.a(), t = inflaton.time();
    const double m2 = potential_d2V(inflaton.potential(), run.operators().mean(inflaton.phi()));
    for (std::size_t b = 0; b < nk; ++b) {
      t_lattice[b] = p_lattice0[b] > 0.0 ? lattice[b] / p_lattice0[b] : std::nan("");
      t_network[b] = p_network0[b] > 0.0 ? network[b] / p_network0[b] : std::nan("");
      const double k = sub_spectrum.k()[b];
      omega2_lattice[b] = k * k / (a * a) + m2;
    }
    if (!file) {
      return;
    }
    // Mode amplitudes in the eigenbasis of Theta(0), and the damped oscillator's prediction for each.
    const std::size_t n = data.points;
    std::vector<double> power(n, 0.0), predicted(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double* row = ntk_spectrum.vectors.data() + i * n;
      for (std::size_t k = 0; k < n; ++k) {
        power[k] += row[k] * r[i];
      }
    }
    if (modes0.empty()) {
      modes0 = power;
    }
    if (step % std::max<std::int64_t>(p.inflaton.spectra_every, 1) == 0) { // uniform times for the fit
      mean_mode_t.push_back(t);
      mean_mode_r.push_back(power[mean_mode]);
    }
    for (std::size_t k = 0; k < n; ++k) {
      power[k] *= power[k];
      const double amplitude = damped_mode(gamma, c * ntk_spectrum.values[k], modes0[k], 0.0, t).a;
      predicted[k] = amplitude * amplitude;
    }
    file->append(
        io::DualityRow{step, t, a, lattice, network, t_lattice, t_network, omega2_lattice, power, predicted});
  }
};

CoupledRun::CoupledRun(const CoupledParameters& parameters, const Session& session)
    : state_(std::make_unique<State>(parameters, session)) {}

CoupledRun::~CoupledRun() = default;

void CoupledRun::start() {
  State& s = *state_;
  const CoupledParameters& p = s.p;
  s.run.start();
  Inflaton& inflaton = s.run.inflaton();
  const bool root = s.distribution.is_root();

  // 1. Targets: the network's initial residual f0 - y is the inflaton's initial perturbation on the sites.
  const std::size_t n = s.data.points, mine = s.distribution.local_count(), b0 = s.distribution.local_begin();
  const auto dim = static_cast<std::size_t>(s.data.dim);
  s.x_local.assign(s.data.x.begin() + static_cast<std::ptrdiff_t>(b0 * dim),
                   s.data.x.begin() + static_cast<std::ptrdiff_t>((b0 + mine) * dim));
  MlpParams mp = p.network.mlp;
  mp.input_dim = s.data.dim;
  Mlp network(mp);
  network.forward(s.x_local, mine);
  const std::vector<double> f0 = s.distribution.all_gather(network.outputs(), 1);
  const auto perturbation =
      sample_sites(inflaton.phi(), p.network.sublattice, s.run.operators().mean(inflaton.phi()));
  for (std::size_t i = 0; i < n; ++i) {
    s.data.y[i] = f0[i] - perturbation[i];
  }
  s.y_local.assign(s.data.y.begin() + static_cast<std::ptrdiff_t>(b0),
                   s.data.y.begin() + static_cast<std::ptrdiff_t>(b0 + mine));
  s.c = p.network.c(n);
  s.system.emplace(std::move(network), s.x_local, s.y_local, mine, p.dictionary.eta, p.dictionary.beta, s.c);
  s.system->set_reduction([&s](std::span<double> v) { s.distribution.sum_in_place(v); });
  s.gamma = s.system->gamma();
  s.loss0 = s.system->loss();

  // 2. Theta(0) by rows; its spectrum on rank 0; the sub-cycling the network's stiffness needs.
  Mlp probe = s.system->network();
  DistributedNtk ntk0(s.distribution);
  ntk0.build(probe, s.x_local);
  const std::vector<double> theta0 = ntk0.gather_to_root();
  std::vector<double> eigenvalues(n, 0.0);
  if (root) {
    s.ntk_spectrum = ntk_eigen(theta0, n);
    eigenvalues = s.ntk_spectrum.values;
    // The mean mode: the eigenvector with the largest overlap with the uniform vector (at finite width the
    // uniform vector is not exactly an eigenvector; this one is, so its amplitude is one damped oscillator).
    double best = -1.0;
    for (std::size_t k = 0; k < n; ++k) {
      double overlap = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        overlap += s.ntk_spectrum.vectors[i * n + k];
      }
      if (std::abs(overlap) > best) {
        best = std::abs(overlap);
        s.mean_mode = k;
      }
    }
  }
  s.distribution.broadcast(eigenvalues);
  s.lambda_max = eigenvalues.back();
  const double limit = s.integrator.stability_limit();
  const double h_outer = p.dictionary.step;
  const double h_max = limit / std::sqrt(s.c * s.lambda_max); // h omega_max < limit for the top mode
  s.subcycles = h_outer < 0.9 * h_max ? 1 : static_cast<std::int64_t>(std::ceil(h_outer / (0.9 * h_max)));
  s.h = h_outer / static_cast<double>(s.subcycles);

  // 3. The NTK's dispersion relation c lambda(k) from plane-wave Rayleigh quotients, in the shells of the
  // sub-lattice's PowerSpectrum.
  auto partial =
      ntk_dispersion_partial(ntk0.rows(), b0, b0 + mine, p.network.sublattice, p.inflaton.box.length);
  s.distribution.sum_in_place(partial.rayleigh);
  s.distribution.sum_in_place(partial.norm2);
  // Second pass: the leakage from ||Theta u - lambda u||^2 directly (the difference norm2 - lambda^2 loses
  // half the digits to cancellation).
  partial.residual2 = ntk_dispersion_residual2(ntk0.rows(), b0, b0 + mine, p.network.sublattice,
                                               p.inflaton.box.length, partial.rayleigh);
  s.distribution.sum_in_place(partial.residual2);
  const auto dispersion =
      ntk_dispersion_shells(partial, p.network.sublattice, p.inflaton.box.length, s.lambda_max);
  for (std::size_t b = 0; b < dispersion.lambda.size(); ++b) {
    s.omega2_network.push_back(s.c * dispersion.lambda[b]);
    s.omega2_network_err.push_back(s.c * dispersion.lambda_err[b]);
  }
  s.leakage = dispersion.leakage;

  // 4. duality.h5 and the first row; the loop hooks.
  if (root) {
    const io::DualityAttributes attributes{p.match,
                                           p.dictionary.hubble,
                                           p.dictionary.step,
                                           p.dictionary.eta,
                                           p.dictionary.beta,
                                           p.dictionary.gamma,
                                           p.dictionary.rho_lambda,
                                           s.c,
                                           p.inflaton.box.length,
                                           p.inflaton.box.n,
                                           p.network.sublattice,
                                           s.subcycles,
                                           p.inflaton.lattice_substeps};
    s.file.emplace(p.inflaton.output_dir / "duality.h5", s.sub_spectrum.k(), s.sub_spectrum.counts(),
                   s.omega2_network, s.omega2_network_err, s.leakage, eigenvalues, attributes,
                   io::FileMetadata::for_this_build(p.inflaton.deck_text));
    fmt::print("# coupled run: {}^3 network sites, Theta(0) lambda_max = {:.6g}, eta c lambda_max = {:.4g}; "
               "network sub-steps per step: {}, lattice sub-steps: {}\n",
               p.network.sublattice, s.lambda_max, p.dictionary.eta * s.c * s.lambda_max, s.subcycles,
               p.inflaton.lattice_substeps);
  }
  s.record(0);
  s.run.on_step([&s](std::int64_t step) {
    if (step % s.p.inflaton.lattice_substeps != 0) {
      return;
    }
    for (std::int64_t i = 0; i < s.subcycles; ++i) {
      s.integrator.step(*s.system, s.h);
    }
  });
  s.run.on_output([&s](std::int64_t step, bool last) {
    if (step % s.p.inflaton.spectra_every == 0 || last) {
      s.record(step);
    }
  });
  s.run.progress_extra([&s] { return fmt::format(" loss={:.4e}", s.system->loss()); });
}

void CoupledRun::evolve() {
  State& s = *state_;
  s.run.evolve();
  if (!std::isfinite(s.system->loss())) {
    throw RuntimeError("the network's loss became non-finite; reduce the step", /*collective=*/true);
  }
}

void CoupledRun::summarise() {
  State& s = *state_;
  const CoupledParameters& p = s.p;
  s.run.summarise();
  // The effective field theory of the network's dispersion relation, and the friction of its mean mode.
  io::DualityFits fits;
  // An effective field theory is a long-wavelength expansion: fit the shells |n| <= M/4 only (bin 0, the
  // single k = 0 mode, has no error and drops out), with the k^4 term once enough shells remain.
  const auto window = static_cast<std::size_t>(std::max<std::int64_t>(p.network.sublattice / 4, 2)) + 1;
  const auto shells = std::min(window, s.sub_spectrum.bins());
  const std::span<const double> k(s.sub_spectrum.k().data(), shells);
  const std::span<const double> omega2(s.omega2_network.data(), shells),
      err(s.omega2_network_err.data(), shells);
  const EftFit eft = fit_eft(k, omega2, err, /*with_k4=*/shells >= 6);
  fits.eft_k_max = k.back();
  fits.m_eff2 = eft.m_eff2;
  fits.m_eff2_err = eft.m_eff2_err;
  fits.c_eff2 = eft.c_eff2;
  fits.c_eff2_err = eft.c_eff2_err;
  fits.k4 = eft.k4;
  fits.k4_err = eft.k4_err;
  fits.eft_chi2_per_dof = eft.chi2_per_dof;
  fits.eft_terms = eft.terms;
  fits.H_dictionary = p.dictionary.gamma / 3.0;
  if (s.mean_mode_t.size() >= 4) {
    const DampingFit damping = fit_damped_oscillator(s.mean_mode_t, s.mean_mode_r);
    fits.mean_mode_gamma = damping.gamma;
    fits.mean_mode_gamma_err = damping.gamma_err;
    fits.H_eff = damping.gamma / 3.0;
    fits.H_eff_err = damping.gamma_err / 3.0;
  }
  if (s.file) {
    s.file->write_fits(fits);
    fmt::print(
        "# coupled: network loss {:.6e} -> {:.6e}; {} network step(s) of h = {:.6g} per lattice step\n",
        s.loss0, s.system->loss(), s.subcycles, s.h);
    fmt::print("#   dictionary: H = {:.6g}, h = {:.6g}, eta = {:.6g}, beta = {:.6g}, gamma = {:.6g}\n",
               p.dictionary.hubble, p.dictionary.step, p.dictionary.eta, p.dictionary.beta,
               p.dictionary.gamma);
    fmt::print(
        "#   EFT of the network (shells k <= {:.4g}): c lambda(k) = m_eff^2 + c_eff^2 k^2{} with m_eff^2 = "
        "{:.4g} +- {:.2g}, c_eff^2 = {:.4g} +- {:.2g}{} (chi2/dof {:.3g})\n",
        fits.eft_k_max, eft.terms == 3 ? " + d k^4" : "", eft.m_eff2, eft.m_eff2_err, eft.c_eff2,
        eft.c_eff2_err, eft.terms == 3 ? fmt::format(", d = {:.3g} +- {:.2g}", eft.k4, eft.k4_err) : "",
        eft.chi2_per_dof);
    fmt::print("#   mean mode (the Theta(0) eigenmode closest to uniform): fitted H_eff = {:.6g} +- {:.2g} "
               "against the dictionary's -ln(beta)/(3 sqrt(eta)) = "
               "{:.6g}\n",
               fits.H_eff, fits.H_eff_err, fits.H_dictionary);
    fmt::print("#   output: {}/duality.h5\n", p.inflaton.output_dir.string());
  }
}

} // namespace inflanet
