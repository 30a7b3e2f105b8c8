#pragma once
/// \file
/// \brief A trainable network whose NTK is the lattice's operator (physics.md §5, "Exact duals"): a linear
/// readout (depth 0) of Fourier features of the M^3 training sites, trained by the shared integrator family
/// (euler = heavy-ball momentum), with optional learning-rate schedules that carry the expansion.
///
/// Model. Parameters theta(x) are one real value per site of the M^3 sub-lattice (distributed in slabs like
/// the lattice, on a Decomposition of Box{M, L}). The output on the sites is the circulant map
///   f = C theta,   f~_k = s_k theta~_k   (unnormalised DFT, k = 2 pi n / L, n the sub-lattice's modes),
/// i.e. f(x) = sum over half-space modes k of A_k (a_k cos k.x + b_k sin k.x) + A_0 a_0 in the orthonormal
/// real Fourier basis of the parameters, with A_k = s_k sqrt(2 / M^3) (s_k sqrt(1 / M^3) for k = 0 and the
/// self-conjugate modes). The forward pass is one c2r of s * theta~, the backward pass J^T r = C r one r2c:
/// a step costs one FFT pair, and no M^3 x M^3 matrix is ever formed. The parameters and the momentum are
/// kept in Fourier space (the real DFT is orthogonal up to a scale, so heavy ball there equals heavy ball on
/// theta(x) in exact arithmetic).
///
/// NTK. Theta = C C^T is circulant with eigenvalues lambda(k) = s_k^2 (plane waves are its eigenvectors), so
/// `dispersion = lattice`, s_k^2 = (k^2 + m^2) / c, gives c lambda(k) = k^2 + m^2: the residual r = f - y
/// then obeys r'' + gamma r' + g_k(t) (k^2 + m^2) r = 0 mode by mode, the band-limited free inflaton.
///
/// Schedules (per-feature kick factors g_k(t), evaluated at the integrator's own stage times, i.e. at the
/// system's current time when a kick evaluates the force): `none` g = 1; `desitter` massless (m^2 = 0)
/// g = a(t)^-2; massive g_k = (k^2 / a^2 + m^2) / (k^2 + m^2), so c lambda_k(t) = k^2 / a^2 + m^2. With
/// integrator "euler" this is heavy ball with a step- (and, massive, parameter-) dependent learning rate:
///   v_{n+1} = beta v_n - eta g_k(t_n) grad_k L(theta_n),  theta_{n+1} = theta_n + v_{n+1}  (per mode k).

#include <cstdint>
#include <vector>

#include "inflanet/decomposition/field.hpp"
#include "inflanet/fft/spectral_operators.hpp"

namespace inflanet {

enum class FourierDispersion { lattice, flat };

/// \brief s_k for every local element of the sub-lattice's Fourier slab (transposed layout):
/// lattice: sqrt((k^2 + m2) / c); flat: A_k = 1, i.e. s_k = sqrt(M^3 / 2), sqrt(M^3) at k = 0 and the
/// self-conjugate modes. InputError for c <= 0 or m2 < 0.
[[nodiscard]] std::vector<double> fourier_amplitudes(const SpectralOperators& sub,
                                                     FourierDispersion dispersion, double c, double m2);

/// \brief The Fourier features themselves, dense, as inputs for an MLP on Fourier features (depth >= 1, the
/// road away from the exact dual; small M only): row i = site i (C order) holds M^3 values, A_k cos k.x_i and
/// A_k sin k.x_i for every mode k of the half space, A_k cos k.x_i alone for the self-conjugate modes and A_0
/// for k = 0, with A_k^2 = 2 (k^2 + m2) / (c M^3) (half that for the self-conjugate modes and k = 0) for
/// `lattice`, A_k = 1 for `flat`. The depth-0 readout of these features with unit weights has the NTK of
/// FourierFeatureNetwork.
[[nodiscard]] std::vector<double> fourier_feature_inputs(std::ptrdiff_t m, double length,
                                                         FourierDispersion dispersion, double c, double m2);

/// \brief Per-mode kick factors of a learning-rate schedule (see the file comment).
struct LearningRateSchedule {
  enum class Kind { none, desitter } kind = Kind::none;
  double hubble = 0.0, a0 = 1.0, m2 = 0.0;
  /// \brief g_k(t) for a mode with comoving k^2.
  [[nodiscard]] double factor(double t, double k2) const noexcept;
};

/// \brief The model as a SplitSystem: q = theta~, p = its momentum (Fourier space), force
/// F_k = g_k(t) c s_k r~_k (grad L in Fourier space, scaled by the schedule), damping exp(-gamma s).
/// Collective over the sub-lattice's communicator.
///
/// The time step h is the integrator's argument, not a member: p is d theta / dt itself (no 1/h scale), so
/// the system needs only the friction. An optimiser (eta, beta) gives gamma = -ln(beta) / sqrt(eta) and
/// h = sqrt(eta) (Dictionary::from_network, duality/, a layer above).
class FourierFeatureNetwork {
public:
  /// \brief `amplitude`: fourier_amplitudes(ops, ...); friction gamma >= 0 and loss scale c > 0, both finite
  /// (InputError otherwise). theta = 0, p = 0, y = 0, t = t0.
  FourierFeatureNetwork(SpectralOperators& ops, std::vector<double> amplitude, double gamma, double c,
                        double t0 = 0.0);

  /// \brief The schedule; `per_stage` = false evaluates it once per step, at the time given to
  /// freeze_schedule() (the O(h) variant the exactness test measures).
  void set_schedule(const LearningRateSchedule& schedule, bool per_stage = true);
  void freeze_schedule(double t) noexcept { frozen_time_ = t; }

  /// \brief Targets y (a real-space field on the sub-lattice).
  void set_targets(const Field& y);
  /// \brief theta such that f = `outputs` in every mode with s_k > 0 (others: 0).
  void set_outputs(const Field& outputs);
  /// \brief p such that df/dt = C p = `velocity` in every mode with s_k > 0 (others: 0).
  void set_output_velocity(const Field& velocity);
  /// \brief Overwrites theta~ and p (Fourier slabs, restart and tests).
  void set_state(const Field& theta, const Field& momentum);

  /// \brief f = C theta and r = f - y, in real space (into `out`).
  void outputs(Field& out);
  void residual(Field& out);
  /// \brief L = (c/2) sum_i (f_i - y_i)^2.
  [[nodiscard]] double loss();

  [[nodiscard]] double time() const noexcept { return time_; }
  /// \brief The friction gamma.
  [[nodiscard]] double gamma() const noexcept { return gamma_; }
  [[nodiscard]] const Field& theta() const noexcept { return theta_; }
  [[nodiscard]] const Field& momentum() const noexcept { return p_; }
  [[nodiscard]] const std::vector<double>& amplitude() const noexcept { return amplitude_; }
  [[nodiscard]] long force_evaluations() const noexcept { return force_evaluations_; }

  // --- SplitSystem ---------------------------------------------------------------------------------
  [[nodiscard]] double damping(double s) const noexcept;
  void momentum_update(double a, double b);
  void drift(double s);

private:
  void ensure_force();

  SpectralOperators* ops_;
  // Per-mode vectors of the local Fourier slab, indexed by Mode::offset (SlabLayout::fourier_size entries):
  // entry idx belongs to complex element idx of every Fourier buffer, so the passes loop over idx flat, the
  // layout's own contract and no slab arithmetic (a pencil layout keeps offsets in [0, fourier_size)).
  std::vector<double> amplitude_, k2_;
  double gamma_, c_;
  Field theta_, p_, work_, y_;
  LearningRateSchedule schedule_;
  bool per_stage_ = true;
  double frozen_time_ = 0.0;
  double time_ = 0.0;
  bool force_valid_ = false; ///< work_ holds F~ for the current theta and t
  long force_evaluations_ = 0;
};

} // namespace inflanet
