#pragma once
/// \file
/// \brief Training of an Mlp as a damped second-order system for the shared Integrator (physics.md §4).
///
/// q = theta, p = v / h, F = grad L, friction gamma, step h. The system is given (h, gamma), not the
/// optimiser's (eta, beta): converting between them is the duality dictionary's work (duality/dictionary.hpp,
/// a layer above this one), eta = h^2 and beta = exp(-gamma h). Integrator "euler" with step h is then
/// exactly heavy-ball momentum v <- beta v - eta grad L, theta <- theta + v; "leapfrog", "yoshida4", ... give
/// the corresponding higher-order optimizers.

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "inflanet/nn/mlp.hpp"

namespace inflanet {

/// \brief An Mlp, its training data and heavy-ball hyper-parameters, as a SplitSystem.
/// The loss is L = (c/2) sum_i |f(x_i) - y_i|^2. grad L is evaluated by one forward and one backward pass
/// and cached until the next drift (so every force evaluation follows a drift, as for the inflaton).
class NetworkSystem {
public:
  /// \brief x [N x d] and y [N x O] row-major; the time step h > 0, the friction gamma >= 0 and c > 0, all
  /// finite (InputError otherwise). The caller's optimiser (eta, beta) gives h = sqrt(eta) and
  /// gamma = -ln(beta) / sqrt(eta) (Dictionary::from_network). p starts at 0.
  NetworkSystem(Mlp network, std::vector<double> x, std::vector<double> y, std::size_t points, double h,
                double gamma, double loss_scale);

  [[nodiscard]] const Mlp& network() const noexcept { return network_; }
  [[nodiscard]] std::size_t points() const noexcept { return points_; }
  [[nodiscard]] std::span<const double> inputs() const noexcept { return x_; }
  [[nodiscard]] std::span<const double> targets() const noexcept { return y_; }
  /// \brief The loss scale c.
  [[nodiscard]] double loss_scale() const noexcept { return c_; }
  /// \brief The friction gamma (= -ln(beta) / sqrt(eta) of the optimiser).
  [[nodiscard]] double gamma() const noexcept { return gamma_; }
  /// \brief The time step h (= sqrt(eta) of the optimiser): the step the integrator is meant to take, and
  /// the scale between p and the optimiser's velocity.
  [[nodiscard]] double h() const noexcept { return h_; }
  /// \brief t = (steps taken) h for a unit-weight integrator.
  [[nodiscard]] double time() const noexcept { return time_; }

  /// \brief theta (q).
  [[nodiscard]] std::span<const double> theta() const noexcept { return network_.theta(); }
  /// \brief p = v / h.
  [[nodiscard]] std::span<const double> momentum() const noexcept { return p_; }
  /// \brief The optimiser's velocity v = h p.
  [[nodiscard]] std::vector<double> velocity() const;
  /// \brief Overwrites theta and p (restart, tests); sizes must be P.
  void set_state(std::span<const double> theta, std::span<const double> momentum);

  /// \brief L at the current theta (a forward pass unless one is stored).
  [[nodiscard]] double loss();
  /// \brief f [N x O] on the training points at the current theta.
  [[nodiscard]] std::span<const double> outputs();
  /// \brief grad L at the current theta (cached).
  [[nodiscard]] std::span<const double> gradient();
  /// \brief Makes the system one block of a distributed data set: `sum_in_place` (a collective, e.g.
  /// PointDistribution::sum_in_place) is applied to the local loss and the local gradient, so both become
  /// sums over every rank's points. Every rank must then call loss(), gradient() and the SplitSystem
  /// verbs in the same order. The system may hold zero points (its contributions are then 0).
  void set_reduction(std::function<void(std::span<double>)> sum_in_place);

  /// \brief Backward passes (gradient evaluations) done so far.
  [[nodiscard]] long force_evaluations() const noexcept { return force_evaluations_; }

  // --- SplitSystem -------------------------------------------------------------------------------
  /// \brief exp(-gamma s) (beta^(s / h) up to rounding).
  [[nodiscard]] double damping(double s) const noexcept;
  /// \brief p <- A p - B grad L(theta); B == 0 evaluates nothing.
  void momentum_update(double a, double b);
  /// \brief theta <- theta + s p, t <- t + s.
  void drift(double s);

private:
  void ensure_forward();

  Mlp network_;
  std::function<void(std::span<double>)> reduce_;
  std::vector<double> x_, y_;
  std::size_t points_;
  double h_, gamma_, c_;
  std::vector<double> p_, grad_, seed_;
  double time_ = 0.0;
  double loss_ = 0.0;
  bool forward_valid_ = false, gradient_valid_ = false;
  long force_evaluations_ = 0;
};

} // namespace inflanet
