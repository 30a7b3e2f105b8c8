#include "inflanet/app/network_run.hpp"

#include <chrono>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "inflanet/app/progress.hpp"
#include "inflanet/app/run_output.hpp"
#include "inflanet/app/run_time_estimate.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/point_distribution.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/io/atomic_file.hpp"
#include "inflanet/io/checkpoint.hpp"
#include "inflanet/io/file_metadata.hpp"
#include "inflanet/io/network_file.hpp"
#include "inflanet/nn/network_system.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"
#include "inflanet/ntk/linearised_network.hpp"
#include "inflanet/version.hpp"

namespace inflanet {
namespace {

double norm(std::span<const double> v) {
  return std::sqrt(std::inner_product(v.begin(), v.end(), v.begin(), 0.0));
}

} // namespace

void build_ntk_rows(DistributedNtk& ntk0, Mlp& network, std::span<const double> x_local, bool report) {
  StageProgress progress("Theta(0)", "rows", ntk0.distribution().local_count(), report);
  ntk0.build(network, x_local, [&progress](std::size_t done, std::size_t) { progress.update(done); });
}

InitialNtkSpectrum initial_ntk_spectrum(DistributedNtk& ntk0, bool full, bool report) {
  InitialNtkSpectrum s;
  const std::size_t n = ntk0.distribution().points();
  const int ranks = ntk0.distribution().size();
  if (full) {
    if (n <= ntk_eigen_max_points) {
      s.theta0 = ntk0.gather_to_root();
    }
    const std::string stage =
        fmt::format("Theta(0) eigendecomposition (N = {}, {})", n,
                    ranks == 1 ? std::string("dsyevr on 1 rank") : fmt::format("pdsyevd on {} ranks", ranks));
    const auto started = std::chrono::steady_clock::now();
    if (report) {
      fmt::print("{}\n", stage_start_line(stage, eigendecomposition_seconds(static_cast<double>(n)),
                                          fmt::format("{:.3g} s x (N / 1000)^3 on the reference machine",
                                                      1e9 * RunTimeModel::eigen_seconds_per_n3)));
      std::fflush(stdout);
    }
    const NtkEigensystem& eig = s.eigensystem.emplace(NtkEigensystem::compute(ntk0));
    if (report) {
      fmt::print(
          "{}\n",
          stage_done_line(stage,
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
      std::fflush(stdout);
    }
    s.eigenvalues.assign(eig.values().begin(), eig.values().end());
    s.lambda_max = s.eigenvalues.empty() ? 0.0 : s.eigenvalues.back();
    s.lambda_min = s.eigenvalues.empty() ? 0.0 : s.eigenvalues.front();
  } else {
    // The iteration stops at convergence, usually well before its limit: the ETA is an upper bound.
    const std::size_t limit = std::min<std::size_t>(n, 300);
    StageProgress progress("Lanczos on Theta(0)", "products", limit, report);
    s.extremes = lanczos_extremes(
        [&ntk0](std::span<const double> v, std::span<double> out) { ntk0.apply(v, 1.0, out); }, n, 1e-10,
        limit, [&progress](std::size_t k, double) { progress.update(k); });
    progress.update(limit); // the last line, converged or not
    s.lambda_max = s.extremes.lambda_max;
    s.lambda_min = s.extremes.lambda_min;
  }
  ntk0.release_factors();
  return s;
}

void run_network(const NetworkParameters& p, const Session& session) {
  // 1. The data (every rank builds the same set) and its split over the ranks, like lattice planes.
  const Dataset data = p.load_dataset();
  const PointDistribution distribution(data.points);
  const bool root = distribution.is_root();
  const std::size_t n = data.points, m = distribution.local_count(), b0 = distribution.local_begin();
  const auto d = static_cast<std::size_t>(data.dim);
  claim_run_output(p.output_dir, p.restart, p.overwrite, root, distribution.comm());
  if (root) {
    fmt::print("{}\n# inflanet {} (commit {}) on {} rank(s) x {} thread(s) ({}): network-only run, {}\n",
               p.deck_text, version, git_commit, session.size(), session.threads(), session.threads_reason(),
               data.description);
  }
  std::vector<double> x_local(data.x.begin() + static_cast<std::ptrdiff_t>(b0 * d),
                              data.x.begin() + static_cast<std::ptrdiff_t>((b0 + m) * d));
  std::vector<double> y_local(data.y.begin() + static_cast<std::ptrdiff_t>(b0),
                              data.y.begin() + static_cast<std::ptrdiff_t>(b0 + m));

  // 2. The network and its training system: full batch, the gradient summed over the ranks' blocks.
  MlpParams mp = p.mlp;
  mp.input_dim = data.dim;
  const double c = p.c(n), h = p.dictionary.h, gamma = p.dictionary.gamma;
  NetworkSystem system(Mlp(mp), x_local, y_local, m, h, gamma, c);
  system.set_reduction([&distribution](std::span<double> v) { distribution.sum_in_place(v); });
  const auto integrator = Integrator::from_name(p.integrator);

  // 3. Theta(0) by rows, and its spectrum (initial_ntk_spectrum).
  Mlp probe = system.network(); // NTK passes run on a copy: the system's cached passes stay valid
  DistributedNtk ntk0(distribution);
  build_ntk_rows(ntk0, probe, x_local, root);
  const double ntk0_norm = std::sqrt(ntk0.norm_squared());
  const bool full = p.full_spectrum;
  const InitialNtkSpectrum spectrum0 = initial_ntk_spectrum(ntk0, full, root);
  const std::optional<NtkEigensystem>& spectrum = spectrum0.eigensystem;
  const double lambda_max = spectrum0.lambda_max, lambda_min = spectrum0.lambda_min;
  const double eta = p.dictionary.eta, beta = p.dictionary.beta;
  const double bound = network_stability_bound(p.integrator, beta);
  if (!(eta * c * lambda_max < bound)) {
    throw InputError(fmt::format("key 'network.eta': expected eta < {:.6g} for stability of {} (eta c "
                                 "lambda_max < {:.4g}, c = {:.6g}, "
                                 "lambda_max = {:.6g} of the NTK at initialisation), got {:g}",
                                 bound / (c * lambda_max), p.integrator, bound, c, lambda_max, eta));
  }

  // 4. The NTK-linearised model: residual r = f_lin - y on the lattice of training points, r'' + gamma r' +
  // c Theta0 r = 0, advanced by the same integrator and h (exact heavy ball on the linear model for euler).
  const std::vector<double> f0 = distribution.all_gather(system.outputs(), 1);
  std::vector<double> r0(n);
  for (std::size_t i = 0; i < n; ++i) {
    r0[i] = f0[i] - data.y[i];
  }
  LinearisedNetwork linear(
      [&ntk0](std::span<const double> r, double scale, std::span<double> out) { ntk0.apply(r, scale, out); },
      n, c, gamma, r0, std::vector<double>(n, 0.0));

  // 5. A restart continues the training state of a checkpoint (Theta(0) above is rebuilt from the seed's
  // initial weights, bitwise at the same rank count).
  std::int64_t first_step = 0;
  double ntk_drift = 0.0;
  if (p.restart) {
    const auto checkpoint = read_restart_checkpoint(
        *p.restart, [&] { return io::read_checkpoint(*p.restart, p.output_dir, distribution.comm()); });
    const auto series = [&](const char* name) {
      return checkpoint.series(name, "network-only training state");
    };
    const auto theta = series("network_theta"), momentum = series("network_p"), r = series("lin_r"),
               v = series("lin_p");
    if (theta.size() != system.network().parameter_count() || r.size() != n) {
      throw InputError(
          fmt::format("restart = \"{}\": the checkpoint's network has {} parameters and {} points, "
                      "this deck's {} and {}",
                      *p.restart, theta.size(), r.size(), system.network().parameter_count(), n));
    }
    if (checkpoint.dt != h || checkpoint.integrator != p.integrator) {
      throw InputError(
          fmt::format("restart = \"{}\": the checkpoint was trained with {} at h = sqrt(eta) = "
                      "{:.17g}; the deck has {} at {:.17g} (a run continues with its own optimizer)",
                      *p.restart, checkpoint.integrator, checkpoint.dt, p.integrator, h));
    }
    if (checkpoint.step > p.steps) {
      throw InputError(fmt::format("restart = \"{}\": the checkpoint is at step {}, past network.steps = {}",
                                   *p.restart, checkpoint.step, p.steps));
    }
    require_same_physics(checkpoint, *p.restart, p.deck_text);
    system.set_state(theta, momentum);
    linear.set_state(r, v, checkpoint.time);
    ntk_drift = checkpoint.scalar("ntk_drift", "network-only training state");
    first_step = checkpoint.step;
    if (root) {
      fmt::print("# restarted from step {} (t = {:.6g}) of {}\n", checkpoint.step, checkpoint.time,
                 *p.restart);
    }
  }
  auto checkpoint = [&](std::int64_t step) {
    io::CheckpointState c;
    c.step = step;
    c.time = linear.time();
    c.dt = h;
    c.integrator = p.integrator;
    c.extra_series["network_theta"] = system.network().theta();
    c.extra_series["network_p"].assign(system.momentum().begin(), system.momentum().end());
    c.extra_series["lin_r"].assign(linear.residual().begin(), linear.residual().end());
    c.extra_series["lin_p"].assign(linear.velocity().begin(), linear.velocity().end());
    c.scalars["ntk_drift"] = ntk_drift;
    c.deck_text = p.deck_text;
    c.units = p.units;
    c.code_version = version;
    c.git_commit = git_commit;
    io::write_checkpoint(p.output_dir, c, distribution.comm());
  };

  // 6. nn.h5 (rank 0): data, initial weights, Theta(0) and its spectrum, then one row per output step.
  std::optional<io::NetworkFile> file;
  if (root) { // only now: a refused restart changes no file
    io::write_text_atomically(p.output_dir / "resolved.toml", p.deck_text);
  }
  if (root && p.restart) {
    file.emplace(io::NetworkFile::open_existing(p.output_dir / "nn.h5", n, first_step));
  } else if (root) {
    file.emplace(p.output_dir / "nn.h5", data.x, data.y, n, data.dim,
                 io::NetworkRunAttributes{eta, beta, c, gamma, integrator.name(), data.description, full,
                                          quantity::dimensionless,
                                          p.dataset == "lattice" ? quantity::field : quantity::dimensionless},
                 io::FileMetadata::for_this_build(p.deck_text, p.units));
    file->write_weights("weights", system.network());
    if (full && !spectrum0.theta0.empty()) {
      file->write_ntk(spectrum0.theta0, spectrum0.eigenvalues);
    }
    if (spectrum && spectrum->clamped() > 0) {
      fmt::print("# note: {} round-off negative NTK eigenvalue(s) clamped to 0 (most negative {:.3e})\n",
                 spectrum->clamped(), spectrum->most_negative());
    }
  }
  double lin_gap = 0.0, loss = system.loss();
  const double loss0 = loss;
  std::vector<double> f_lin(n), modes(n), residual(n);
  auto record = [&](std::int64_t step) {
    loss = system.loss();
    const std::vector<double> f = distribution.all_gather(system.outputs(), 1);
    const auto r_lin = linear.residual();
    std::vector<double> gap(n);
    for (std::size_t i = 0; i < n; ++i) {
      f_lin[i] = data.y[i] + r_lin[i];
      residual[i] = f[i] - data.y[i];
      gap[i] = f[i] - f_lin[i];
    }
    const double rn = norm(residual);
    lin_gap = rn > 0.0 ? norm(gap) / rn : 0.0;
    if (!std::isfinite(loss)) {
      throw RuntimeError(fmt::format("the loss became non-finite at step {}; reduce network.eta", step),
                         /*collective=*/true);
    }
    // a_k = u_k . (f - y) in the eigenbasis of Theta(0) (full spectrum only; collective: the eigenvectors are
    // distributed).
    if (spectrum) {
      modes = spectrum->components(residual);
    }
    if (file) {
      file->append(io::NetworkRow{step, linear.time(), loss, ntk_drift, lin_gap, f, f_lin,
                                  full ? std::span<const double>(modes) : std::span<const double>()});
    }
  };
  if (!p.restart) {
    record(0);
  }

  // 7. Training: one integrator step of the network and of its linearisation per optimizer step.
  const double hubble = gamma / 3.0; // the dictionary: beta = e^{-3 H h}
  ProgressReporter progress(p.steps, p.progress_every, root);
  for (std::int64_t step = first_step + 1; step <= p.steps; ++step) {
    integrator.step(system, h);
    integrator.step(linear, h);
    const bool last = step == p.steps;
    if (step % p.ntk_every == 0 || last) {
      probe.theta() = system.network().theta();
      ntk_drift = ntk0_norm > 0.0 ? std::sqrt(ntk0.distance_squared_to(probe, x_local)) / ntk0_norm : 0.0;
    }
    if (step % p.output_every == 0 || last) {
      record(step);
    }
    if ((p.checkpoint_every > 0 && step % p.checkpoint_every == 0) || (last && p.final_checkpoint)) {
      checkpoint(step);
    }
    if (step % p.progress_every == 0 || last) {
      const double t = linear.time();
      progress.maybe_report(
          step, t, std::exp(hubble * t), hubble * t,
          fmt::format("loss={:.4e} lin_gap={:.3e} ntk_drift={:.3e}", system.loss(), lin_gap, ntk_drift));
    }
  }

  // 8. Final weights and summary.
  if (file) {
    const double wall = progress.elapsed();
    file->write_weights("weights_final", system.network());
    fmt::print("# summary: {} steps of {} (h = sqrt(eta) = {:.4g}, gamma = {:.4g}) on N = {} points, P = {} "
               "parameters, {} rank(s), in {:.2f} s ({:.1f} steps/s)\n",
               p.steps, integrator.name(), h, gamma, n, system.network().parameter_count(), session.size(),
               wall, p.steps / std::max(wall, 1e-9));
    fmt::print("#   loss {:.6e} -> {:.6e}; lin_gap = {:.4e}, ntk_drift = {:.4e}\n", loss0, system.loss(),
               lin_gap, ntk_drift);
    fmt::print(
        "#   NTK(0): lambda_max = {:.6g}, eta c lambda_max = {:.4g} (bound {:.4g}), lambda_min = {:.4g}{}\n",
        lambda_max, eta * c * lambda_max, bound, lambda_min,
        full ? "" : " (smallest Lanczos Ritz value: an upper bound; network.ntk_spectrum = \"extremes\")");
    fmt::print("#   output: {}/{{nn.h5, resolved.toml}}\n", p.output_dir.string());
  }
}

} // namespace inflanet
