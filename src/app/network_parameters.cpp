#include "inflanet/app/network_parameters.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "inflanet/app/memory_budget.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/config/deck_units.hpp"
#include "inflanet/duality/dictionary.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/ntk/distributed_ntk.hpp"

namespace inflanet {

NetworkParameters NetworkParameters::from_deck(const config::Deck& deck, bool coupled) {
  NetworkParameters p;
  if (!deck.has_section("network")) {
    deck.fail_section("network", "to be present for a network run");
  }
  p.dataset = deck.string("network.dataset");
  // Sections only where used: the lattice data set (and the coupled run) samples a box; a file or a
  // synthetic teacher has no box, so a [lattice] there would be silently ignored: it is refused (below,
  // after the network's own keys).
  if (p.dataset == "lattice" || coupled) {
    deck.require_section("lattice", "the network's training points are its sites (dataset = \"lattice\")");
    p.lattice_n = deck.integer("lattice.N");
    p.lattice_length = deck.real("lattice.L");
  }
  p.sublattice = deck.integer("network.sublattice");
  p.targets = deck.string("network.targets");
  p.file = deck.string("network.file");
  p.mlp.depth = static_cast<int>(deck.integer("network.depth"));
  p.mlp.width = static_cast<int>(deck.integer("network.width"));
  p.mlp.activation = activation_from_name(deck.string("network.activation"));
  p.mlp.sigma_w = deck.real("network.sigma_w");
  p.mlp.sigma_b = deck.real("network.sigma_b");
  p.mlp.seed = static_cast<std::uint64_t>(deck.integer("network.seed"));
  // The schema keeps eta > 0 and beta in (0, 1], so the dictionary's own refusals cannot fire here.
  p.dictionary = Dictionary::from_network(deck.real("network.eta"), deck.real("network.beta"));
  p.loss_scale = deck.has("network.loss_scale") ? deck.real("network.loss_scale") : 0.0;
  p.integrator = deck.string("network.integrator");
  p.embedding = deck.string("network.embedding");
  p.dispersion = deck.string("network.dispersion");
  p.schedule = deck.string("network.schedule");
  p.full_spectrum = deck.string("network.ntk_spectrum") == "full";
  if (!coupled) {
    for (const char* key : {"network.embedding", "network.dispersion", "network.schedule"}) {
      if (deck.given_non_default(key)) {
        deck.fail(key,
                  "no value in a network-only deck: Fourier features of lattice sites and their schedule "
                  "belong to the coupled run (a deck with [inflaton])");
      }
    }
  }
  if (p.mlp.depth == 0 && p.embedding != "fourier") {
    deck.fail("network.depth",
              "at least 1 with network.embedding = \"periodic\" (depth 0, a linear readout, is "
              "the Fourier-feature dual: network.embedding = \"fourier\")");
  }
  if (p.schedule != "none" && !p.exact_dual()) {
    deck.fail("network.schedule",
              "\"none\" unless network.embedding = \"fourier\" and network.depth = 0 (the "
              "schedule makes the linear Fourier-feature readout the de Sitter lattice)");
  }
  // Keys of the other network: the Fourier features' dispersion means nothing to an MLP on the site
  // coordinates, and the exact dual (a linear readout, no hidden layer, no random initial weights) has no
  // hidden layers to size, activate or draw.
  if (p.embedding != "fourier" && deck.given_non_default("network.dispersion")) {
    deck.fail("network.dispersion",
              "no value unless network.embedding = \"fourier\" (the dispersion sets the Fourier features' "
              "amplitudes A_k; an MLP on the periodic embedding has none)");
  }
  if (p.exact_dual()) {
    for (const char* key :
         {"network.width", "network.activation", "network.sigma_w", "network.sigma_b", "network.seed"}) {
      if (deck.given_non_default(key)) {
        deck.fail(key, "no value for the exact dual (network.embedding = \"fourier\", depth = 0): a linear "
                       "readout of the Fourier features, started at zero, has no hidden layer and no random "
                       "weights (set network.depth >= 1 for an MLP on the features)");
      }
    }
  }
  p.steps = deck.integer("network.steps");
  p.ntk_every = deck.integer("network.ntk_every");
  p.output_every = deck.integer("network.output_every");
  p.progress_every = deck.integer("output.progress_every");
  p.output_dir = deck.string("output.dir");
  p.overwrite = deck.boolean("output.overwrite");
  p.checkpoint_every = deck.integer("output.checkpoint_every");
  p.final_checkpoint = deck.boolean("output.final_checkpoint");
  if (deck.has("restart")) {
    p.restart = deck.string("restart");
  }
  p.units = config::deck_units(deck);
  p.deck_text = deck.resolved_toml({}, p.units);
  if (!coupled && deck.has("network.initial_velocity")) {
    deck.fail("network.initial_velocity",
              "no value in a network-only deck: the initial velocity is matched to "
              "the inflaton's in a coupled run (a deck with [inflaton]) only");
  }
  // A network-only run steps with h = sqrt(eta) and takes H from beta: keys of the cosmology would be
  // silently ignored, so they are refused.
  if (!coupled && deck.has_section("time")) {
    deck.fail_section("time", "to be absent in a network-only deck: the network's time step is "
                              "h = sqrt(network.eta) (the coupled run takes it from [time])");
  }
  for (const char* key : {"background.kind", "background.H", "background.a0"}) {
    if (!coupled && deck.given_non_default(key)) {
      deck.fail(key, "no [background] keys in a network-only deck: its friction -ln(beta)/sqrt(eta) plays "
                     "3H (printed by check)");
    }
  }

  if (p.dataset == "lattice") {
    if (p.sublattice > p.lattice_n || p.lattice_n % p.sublattice != 0) {
      deck.fail("network.sublattice",
                fmt::format("a divisor of lattice.N = {} (the training points are every "
                            "(N/M)-th site)",
                            p.lattice_n));
    }
    if (p.targets == "inflaton" && !coupled) {
      deck.fail(
          "network.targets",
          "\"plane_wave\" or \"gaussian_random_field\" for a network-only deck: targets = \"inflaton\" "
          "(the default) needs an [inflaton] section, which makes it the coupled run (not available yet)");
    }
    const auto names = lattice_target_names();
    if (coupled && p.targets != "inflaton") {
      deck.fail("network.targets", "\"inflaton\" in a coupled run: the network's initial residual is the "
                                   "inflaton's initial perturbation on the training sites");
    }
    if (!coupled && std::find(names.begin(), names.end(), p.targets) == names.end()) {
      deck.fail("network.targets", "\"plane_wave\" or \"gaussian_random_field\" for dataset = \"lattice\"");
    }
  } else {
    // The schema defaults are accepted as given: every resolved deck (resolved.toml, the output of check)
    // writes them back as plain assignments, and it must reload.
    if (deck.given_non_default("network.targets")) {
      deck.fail(
          "network.targets",
          fmt::format("no value: targets apply to dataset = \"lattice\" only (dataset = \"{}\")", p.dataset));
    }
  }
  if (coupled && p.dataset != "lattice") {
    deck.fail("network.dataset", "\"lattice\" in a coupled run: the training points are lattice sites");
  }
  if (p.dataset == "file") {
    if (p.file.empty()) {
      deck.fail("network.file", "the path of an HDF5 (x[N,d], y[N]) or CSV file for dataset = \"file\"");
    }
    if (deck.given_non_default("network.sublattice")) {
      deck.fail("network.sublattice", "no value: the file sets the points for dataset = \"file\"");
    }
  } else if (!p.file.empty()) {
    deck.fail("network.file", fmt::format("no value: a file is read for dataset = \"file\" only (dataset = "
                                          "\"{}\")",
                                          p.dataset));
  }
  if (p.ntk_every > std::max<std::int64_t>(p.steps, 1) && deck.given_non_default("network.ntk_every")) {
    deck.fail("network.ntk_every", fmt::format("at most network.steps = {}", p.steps));
  }
  if (p.dataset != "lattice" && !coupled && deck.has_section("lattice")) {
    deck.fail_section("lattice",
                      fmt::format("to be absent for dataset = \"{}\": the training points come "
                                  "from {}, not from a lattice",
                                  p.dataset, p.dataset == "file" ? "network.file" : "network.sublattice"));
  }
  if (!coupled) {
    deck.refuse_unread("a network-only"); // a coupled run refuses once it has read every key it uses
  }
  return p;
}

Dataset NetworkParameters::load_dataset() const {
  Dataset data;
  if (dataset == "lattice") {
    data = lattice_dataset(lattice_n, lattice_length, sublattice, targets, mlp.seed);
  } else if (dataset == "file") {
    try {
      data = file_dataset(file);
    } catch (const DataFileError& e) { // the data set's terms mapped to the deck key that named the file
      throw InputError(fmt::format("network.file '{}': {}", e.path().string(), e.problem()));
    }
  } else {
    // A teacher of the student's architecture, drawn from another seed, on N = M^3 Gaussian points in 3-d.
    MlpParams teacher = mlp;
    teacher.seed = mlp.seed + 0x7EAC4E5ull;
    const auto m = static_cast<std::size_t>(sublattice);
    data = synthetic_dataset(m * m * m, 3, teacher, mlp.seed);
  }
  return data;
}

double NetworkParameters::c(std::size_t points) const {
  return loss_scale > 0.0 ? loss_scale : 1.0 / static_cast<double>(points);
}

double mlp_parameter_count(int input_dim, int width, int depth) {
  // Layers d -> w -> ... -> w -> 1, each with its biases.
  const double d = input_dim, w = width;
  return w * (d + 1.0) + (depth - 1.0) * w * (w + 1.0) + (w + 1.0);
}

std::string network_check_report(const NetworkParameters& p, int ranks) {
  const Dataset data = p.load_dataset();
  // P by counting, not by building the network: check allocates nothing that the memory check may refuse.
  const double parameters = mlp_parameter_count(data.dim, p.mlp.width, p.mlp.depth);
  const std::size_t n = data.points;
  const Dictionary& d = p.dictionary;
  const auto integrator = Integrator::from_name(p.integrator);
  std::string out = "# inflanet check: the resolved deck (every default filled in)\n" + p.deck_text;
  out += "\n# derived quantities (network-only run)\n";
  out += fmt::format("#   data                = {}\n", data.description);
  out += fmt::format("#   N training points   = {} (d_in = {}), {:.4g} per rank on {} rank(s)\n", n, data.dim,
                     static_cast<double>(n) / ranks, ranks);
  out += fmt::format("#   P parameters        = {:.0f} ({} hidden layer(s) of {} {}, NTK parameterisation)\n",
                     parameters, p.mlp.depth, p.mlp.width, activation_name(p.mlp.activation));
  out += fmt::format("#   loss scale c        = {:.6g}{}\n", p.c(n), p.loss_scale > 0.0 ? "" : " (1/N)");
  out += fmt::format("#   time step h         = sqrt(eta) = {:.6g}; {} steps to t = {:.6g}\n", d.h, p.steps,
                     d.h * static_cast<double>(p.steps));
  out += fmt::format("#   friction gamma      = -ln(beta)/sqrt(eta) = {:.6g}\n", d.gamma);
  out += fmt::format("#   dictionary          : H = gamma/3 = {:.6g}, rho_Lambda = 3 H^2 = {:.6g} (M_p = 1), "
                     "beta = e^(-3 H h)\n",
                     d.hubble, d.rho_lambda);
  out += fmt::format("#   integrator          = {} (order {}, {} gradient(s) per step); stability needs "
                     "eta c lambda_max < {:.4g} (checked after the NTK is built)\n",
                     integrator.name(), integrator.order(), integrator.drifts_per_step(),
                     network_stability_bound(p.integrator, d.beta));
  out += theta_memory_line(p, n, ranks);
  return out;
}

} // namespace inflanet
