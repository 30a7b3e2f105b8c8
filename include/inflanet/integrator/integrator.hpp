#pragma once
/// \file
/// \brief One integrator family for every damped second-order system: compositions of exact flows.
///
/// For q'' + gamma(t) q' + F(q, t) = 0 the three exactly solvable flows of length s are
///   friction Phi_F(s): p <- exp(-int gamma) p,   kick Phi_K(s): p <- p - s F(q, t),
///   drift    Phi_D(s): q <- q + s p, t <- t + s.
/// `euler` is Phi_D(h) Phi_K(h) Phi_F(h) (applied right to left): order 1, and exactly heavy-ball momentum
/// v <- beta v - eta grad L, theta <- theta + v with h = sqrt(eta), p = v / h, beta = e^{-gamma h}.
/// `leapfrog` is the Strang splitting F(h/2) K(h/2) D(h) K(h/2) F(h/2) (order 2); `yoshida4` and
/// `yoshida6` are Yoshida's symmetric compositions of leapfrog (orders 4 and 6). The same object advances
/// the inflaton lattice and the network: only the force evaluation is system specific.

#include <concepts>
#include <string>
#include <string_view>
#include <vector>

namespace inflanet {

/// \brief A system the integrators can advance. Between two drifts q and t are fixed, so every friction
/// and kick there composes into one affine momentum map p <- A p - B F(q, t), applied in one pass.
template <class S>
concept SplitSystem = requires(S& system, double x) {
  /// exp(-int_t^{t+s} gamma dt') for a friction flow of length s starting at the system's time
  { system.damping(x) } -> std::convertible_to<double>;
  /// p <- A p - B F(q, t); B == 0 must not evaluate the force
  system.momentum_update(x, x);
  /// q <- q + s p, t <- t + s
  system.drift(x);
};

/// \brief One of the three exact flows.
enum class Flow { friction, kick, drift };

/// \brief A flow and its length as a fraction of the step h.
struct Stage {
  Flow flow;
  double weight;
};

/// \brief A named composition of exact flows with its order; advances any SplitSystem.
class Integrator {
public:
  /// \brief "euler", "leapfrog", "yoshida4" or "yoshida6"; throws InputError otherwise.
  static Integrator from_name(std::string_view name);
  /// \brief Every name from_name accepts, lowest order first.
  static std::vector<std::string> names();

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] int order() const noexcept { return order_; }
  /// \brief The composition for one step, adjacent flows of one kind merged.
  [[nodiscard]] const std::vector<Stage>& stages() const noexcept { return stages_; }
  /// \brief Drifts per step: each is followed by one force evaluation.
  [[nodiscard]] int drifts_per_step() const noexcept;
  /// \brief Largest h * omega for which an undamped oscillator of frequency omega stays bounded
  /// (|trace| < 2 of the one-step map): 2 for euler and leapfrog, less for the Yoshida compositions.
  [[nodiscard]] double stability_limit() const noexcept { return stability_limit_; }

  /// \brief Advances the system by one step h.
  template <SplitSystem S>
  void step(S& system, double h) const {
    double a = 1.0, b = 0.0; // pending momentum map p <- a p - b F
    for (const Stage& stage : stages_) {
      switch (stage.flow) {
      case Flow::friction: {
        const double d = system.damping(stage.weight * h);
        a *= d;
        b *= d;
        break;
      }
      case Flow::kick:
        b += stage.weight * h;
        break;
      case Flow::drift:
        flush(system, a, b);
        system.drift(stage.weight * h);
        break;
      }
    }
    flush(system, a, b);
  }

private:
  Integrator(std::string name, int order, std::vector<Stage> stages);

  template <SplitSystem S>
  static void flush(S& system, double& a, double& b) {
    if (a != 1.0 || b != 0.0) {
      system.momentum_update(a, b);
    }
    a = 1.0;
    b = 0.0;
  }

  std::string name_;
  int order_;
  std::vector<Stage> stages_;
  double stability_limit_ = 0.0;
};

} // namespace inflanet
