#include "inflanet/duality/dictionary.hpp"

#include <cmath>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"

namespace inflanet {

Dictionary Dictionary::from_cosmology(double hubble, double h) {
  if (!std::isfinite(hubble) || hubble < 0.0) {
    throw InputError(fmt::format("duality dictionary: expected a finite Hubble rate H >= 0, got {}", hubble));
  }
  if (!std::isfinite(h) || h <= 0.0) {
    throw InputError(fmt::format("duality dictionary: expected a finite time step h > 0, got {}", h));
  }
  Dictionary d;
  d.hubble = hubble;
  d.h = h;
  d.eta = h * h;
  d.beta = std::exp(-3.0 * hubble * h);
  d.gamma = 3.0 * hubble;
  d.rho_lambda = 3.0 * hubble * hubble;
  return d;
}

Dictionary Dictionary::from_network(double eta, double beta) {
  if (!std::isfinite(eta) || eta <= 0.0) {
    throw InputError(fmt::format("duality dictionary: expected a finite learning rate eta > 0, got {}", eta));
  }
  if (!std::isfinite(beta) || beta <= 0.0 || beta > 1.0) {
    throw InputError(fmt::format("duality dictionary: expected momentum beta in (0, 1] (beta > 1 would mean "
                                 "H < 0), got {}",
                                 beta));
  }
  Dictionary d;
  d.eta = eta;
  d.beta = beta;
  d.h = std::sqrt(eta);
  d.gamma = -std::log(beta) / d.h; // beta = 1 gives exactly 0 (log(1) = 0)
  d.hubble = d.gamma / 3.0;
  d.rho_lambda = 3.0 * d.hubble * d.hubble;
  return d;
}

std::string Dictionary::describe() const {
  return fmt::format("#   hubble = {:.12g}   # H (1/time), gamma / 3\n"
                     "#   step = {:.12g}   # h = sqrt(eta) (time)\n"
                     "#   eta = {:.12g}   # learning rate, h^2\n"
                     "#   beta = {:.12g}   # momentum, exp(-3 H h)\n"
                     "#   gamma = {:.12g}   # friction 3 H = -ln(beta) / sqrt(eta) (1/time)\n"
                     "#   rho_lambda = {:.12g}   # vacuum energy 3 H^2 M_p^2 (M_p = 1)",
                     hubble, h, eta, beta, gamma, rho_lambda);
}

} // namespace inflanet
