#pragma once
/// \file
/// \brief The dictionary between the inflaton in de Sitter and heavy-ball training (physics.md §5).
///
/// Its one owner, above nn/ and ntk/: the networks and kernels take h and gamma, and the callers (app/)
/// convert the optimiser's eta and beta here, so no lower layer needs it.

#include <string>

namespace inflanet {

/// \brief One consistent set of both sides' parameters (program units, M_p = 1):
///   eta = h^2,  beta = exp(-3 H h),  gamma = 3 H = -ln(beta) / sqrt(eta),  rho_Lambda = 3 H^2
///   (= (ln beta)^2 / (3 eta)), with h the time step of the lattice and sqrt(eta) the network's time per
/// training step. The two factories are exact inverses up to rounding (exp/log): from_network(
/// from_cosmology(H, h).eta, .beta) returns H and h to a few ulp.
struct Dictionary {
  double hubble = 0.0;     ///< H (1 / time)
  double h = 0.0;          ///< the time step, sqrt(eta) (time): the one name for it in a coupled run
  double eta = 0.0;        ///< learning rate, h^2
  double beta = 1.0;       ///< momentum, exp(-3 H h)
  double gamma = 0.0;      ///< friction 3 H = -ln(beta) / sqrt(eta) (1 / time)
  double rho_lambda = 0.0; ///< vacuum energy 3 H^2 M_p^2 (M_p = 1)

  /// \brief From the cosmology: H >= 0 and h > 0, both finite; InputError otherwise.
  [[nodiscard]] static Dictionary from_cosmology(double hubble, double h);
  /// \brief From the optimiser: eta > 0 and beta in (0, 1], both finite; InputError otherwise
  /// (beta > 1 would be anti-friction, H < 0).
  [[nodiscard]] static Dictionary from_network(double eta, double beta);
  /// \brief A multi-line block of '#   key = value' lines (no trailing newline) for `inflanet check`:
  /// H, h, eta, beta, gamma, rho_Lambda, each with its meaning (h is printed as `step`, the name duality.h5
  /// gives it too, so that check's output and the files stay as they were).
  [[nodiscard]] std::string describe() const;
};

} // namespace inflanet
