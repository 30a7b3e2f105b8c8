#pragma once
/// \file
/// \brief The NTK-linearised network on its training points (physics.md §4): the residual r = f - y obeys
/// r'' + gamma r' + c Theta r = 0 in time t = n sqrt(eta). Its exact per-mode solution, the exact discrete
/// recurrence of heavy-ball training, and the "NTK lattice": the same equation as a SplitSystem for the
/// shared Integrator (sites = training points, coupling operator = c Theta).

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "inflanet/ntk/empirical_ntk.hpp"

namespace inflanet {

/// \brief Amplitude and velocity of one mode.
struct ModeState {
  double a = 0.0;
  double adot = 0.0;
};

/// \brief Exact solution of a'' + gamma a' + omega2 a = 0 at time t from a(0) = a0, a'(0) = adot0, with
/// q = gamma^2/4 - omega2: overdamped (q > 0, cosh/sinh), underdamped (q < 0, cos/sin) or critical
/// (q = 0, linear times the exponential). For a mode of the NTK, omega2 = c lambda.
[[nodiscard]] ModeState damped_mode(double gamma, double omega2, double a0, double adot0, double t) noexcept;

/// \brief Heavy-ball training of the linear model, mode by mode, is exactly
/// a_{n+1} = (1 + beta - eta c lambda) a_n - beta a_{n-1} (stable iff eta c lambda < 2 (1 + beta)).
/// Returns a_0 .. a_steps from a_0 and a_1.
[[nodiscard]] std::vector<double> heavy_ball_recurrence(double eta, double beta, double c_lambda, double a0,
                                                        double a1, int steps);

/// \brief The residual of the linearised network as a damped lattice: q = r (N sites), p = r',
/// force F = c Theta r (one dsymv, cached until the next drift), damping exp(-gamma s).
/// Advanced by any Integrator; with "euler" and h = sqrt(eta) it reproduces heavy-ball training of the
/// linearised network exactly (r_{n+1} = r_n + h p_{n+1}, h p = the output-space velocity J v).
class LinearisedNetwork {
public:
  /// \brief theta: the N x N kernel (row-major, symmetric), c: loss scale, gamma: friction.
  LinearisedNetwork(std::vector<double> theta, std::size_t points, double c, double gamma,
                    std::vector<double> r0, std::vector<double> rdot0);

  /// \brief out = c Theta r for full N-vectors (e.g. DistributedNtk::apply on row blocks: then every rank
  /// holds the full r and p, and the kernel itself is never gathered).
  using KernelProduct = std::function<void(std::span<const double> r, double c, std::span<double> out)>;
  /// \brief The same system with the kernel given as a product.
  LinearisedNetwork(KernelProduct product, std::size_t points, double c, double gamma, std::vector<double> r0,
                    std::vector<double> rdot0);

  [[nodiscard]] std::size_t points() const noexcept { return points_; }
  [[nodiscard]] std::span<const double> residual() const noexcept { return r_; }
  [[nodiscard]] std::span<const double> velocity() const noexcept { return p_; }
  [[nodiscard]] double time() const noexcept { return time_; }
  [[nodiscard]] long force_evaluations() const noexcept { return force_evaluations_; }
  /// \brief Overwrites r, p and the time (restart); sizes must be N.
  void set_state(std::span<const double> r, std::span<const double> p, double time);

  // --- SplitSystem ---------------------------------------------------------------------------------
  [[nodiscard]] double damping(double s) const noexcept;
  /// \brief p <- A p - B c Theta r.
  void momentum_update(double a, double b);
  /// \brief r <- r + s p, t <- t + s.
  void drift(double s);

  /// \brief The closed form r(t) = sum_k u_k a_k(t), a_k from damped_mode with omega2 = c lambda_k and
  /// a_k(0) = u_k . r0, a_k'(0) = u_k . rdot0 (spectrum: ntk_eigen of the same kernel).
  [[nodiscard]] static std::vector<double> closed_form(const NtkSpectrum& spectrum,
                                                       std::span<const double> r0,
                                                       std::span<const double> rdot0, double c, double gamma,
                                                       double t);

private:
  std::vector<double> theta_;
  KernelProduct product_;
  std::size_t points_;
  double c_, gamma_;
  std::vector<double> r_, p_, force_;
  double time_ = 0.0;
  bool force_valid_ = false;
  long force_evaluations_ = 0;
};

} // namespace inflanet
