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
#include <cstdint>
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
  /// \brief The largest |weight| of a stage of `flow` with negative weight (a sub-step that runs backwards),
  /// in units of h; the kicks (frictions) between two drifts count as one, their weights summed, since they
  /// compose into one momentum map; 0 when every such stage is forward (euler, leapfrog).
  /// yoshida4: drift 1.7024 (w0 = 1 - 2 w1), kick 0.1756 ((w1 + w0) / 2).
  [[nodiscard]] double largest_backward(Flow flow) const;

  /// \brief Advances the system by one step h.
  template <SplitSystem S>
  void step(S& system, double h) const {
    double a = 1.0, b = 0.0; // pending momentum map p <- a p - b F
    for (const Stage& stage : stages_) {
      apply(system, stage, h, a, b);
    }
    flush(system, a, b);
  }

  /// \brief Advances `steps` steps and calls on_step(k) after step k (0-based). Where the system can
  /// (momentum_update_across), the momentum stages after the last drift of one step and before the first
  /// drift of the next are applied in one pass at the boundary (same arithmetic as step() after step(),
  /// so results are bitwise the same); the system then reports the boundary's energies but its momentum is
  /// a partial step ahead until the next drift. On return the state is synchronised.
  template <SplitSystem S, class OnStep>
  void advance(S& system, double h, std::int64_t steps, OnStep&& on_step) const {
    constexpr bool merges = requires(S & s, double x) {
      s.momentum_update_across(x, x, x, x);
    };
    bool lead_applied = false;
    for (std::int64_t k = 0; k < steps; ++k) {
      double a = 1.0, b = 0.0;
      for (std::size_t i = lead_applied ? first_drift_ : 0; i < stages_.size(); ++i) {
        apply(system, stages_[i], h, a, b);
      }
      if constexpr (merges) {
        if (k + 1 < steps) {
          double a_next = 1.0, b_next = 0.0; // the next step's stages before its first drift
          for (std::size_t i = 0; i < first_drift_; ++i) {
            apply(system, stages_[i], h, a_next, b_next);
          }
          system.momentum_update_across(a, b, a_next, b_next);
          lead_applied = true;
          on_step(k);
          continue;
        }
      }
      flush(system, a, b);
      lead_applied = false;
      on_step(k);
    }
  }

private:
  Integrator(std::string name, int order, std::vector<Stage> stages);

  /// One stage: friction and kick compose into the pending map (a, b); a drift flushes it first.
  template <SplitSystem S>
  static void apply(S& system, const Stage& stage, double h, double& a, double& b) {
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
  std::size_t first_drift_ = 0; ///< index of the first drift in stages_
  double stability_limit_ = 0.0;
};

} // namespace inflanet
