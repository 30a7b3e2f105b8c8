#pragma once
/// \file
/// \brief A fully connected network in the NTK parameterisation, evaluated over all points at once with
/// BLAS (physics.md §4).
///
/// Layers k = 0 .. depth map A_k [N x n_k] to H_k [N x n_{k+1}] (row-major, points x features):
///   H_k = sigma_w A_k W_k^T / sqrt(n_k) + sigma_b 1 b_k^T,   A_{k+1} = phi(H_k) for k < depth,
/// with A_0 = x (n_0 = d), n_1 = ... = n_depth = width, n_{depth+1} = O (output width, 1 for now) and
/// f = H_depth (no activation on the output). W_k [n_{k+1} x n_k] row-major and b_k [n_{k+1}] are standard
/// normal at initialisation: the 1/sqrt(n_k) lives in the forward pass, not in the weights.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace inflanet {

/// \brief Pointwise activation functions of the hidden layers.
enum class Activation { tanh, relu, erf, softplus, linear };

/// \brief "tanh", "relu", "erf", "softplus" or "linear"; throws InputError otherwise.
[[nodiscard]] Activation activation_from_name(std::string_view name);
/// \brief The name activation_from_name accepts for `a`.
[[nodiscard]] std::string_view activation_name(Activation a) noexcept;
/// \brief phi(x). softplus is ln(1 + e^x) (evaluated without overflow); erf is the plain error function.
[[nodiscard]] double activate(Activation a, double x) noexcept;
/// \brief phi'(x). relu'(0) is taken as 0.
[[nodiscard]] double activate_derivative(Activation a, double x) noexcept;

/// \brief Architecture and initialisation of an Mlp (the `[network]` deck keys of the same names).
struct MlpParams {
  int input_dim = 1;  ///< d = n_0
  int depth = 1;      ///< hidden layers
  int width = 16;     ///< units per hidden layer
  int output_dim = 1; ///< O; only O = 1 is used by the NTK and the trainer so far
  Activation activation = Activation::tanh;
  double sigma_w = 1.0;
  double sigma_b = 0.1;
  std::uint64_t seed = 0;
};

/// \brief The counter-RNG stream of layer k's weights (2k) and biases (2k + 1) start here ("NN").
inline constexpr std::uint32_t mlp_init_stream_base = 0x4E4E0000u;

/// \brief Fully connected network f: R^d -> R^O with all parameters in one contiguous vector theta.
///
/// theta layout: for k = 0 .. depth, W_k (n_{k+1} x n_k, row-major) then b_k (n_{k+1}).
/// Initialisation is a pure function of the seed (CounterRng(seed), Box-Muller through
/// complex_gaussian, whose real and imaginary parts each have variance 1/2, hence the factor sqrt 2):
///   W_k[i, j] = sqrt2 * (j even ? Re : Im) complex_gaussian(index = i * 2^32 + j / 2, stream = base + 2k)
///   b_k[i]    = sqrt2 * (i even ? Re : Im) complex_gaussian(index = i / 2,           stream = base + 2k + 1)
/// so a narrower network with the same seed is exactly the top-left corner of a wider one (width scans
/// grow one network rather than redraw it).
///
/// Use: forward(x) stores every A_k and H_k; backward(seed) then stores the sensitivities
/// G_k[i, :] = sum_o seed[i, o] d f_o(x_i) / d H_k[i, :]; parameter_gradient() contracts them to
/// sum_i seed_i . d f(x_i) / d theta. With seed = c (f - y) that is grad L for L = (c/2) sum |f - y|^2;
/// with seed = 1 (O = 1) the G_k are the layer factors of the empirical NTK.
class Mlp {
public:
  /// \brief Validates the parameters (InputError), allocates theta and draws it from params.seed.
  explicit Mlp(const MlpParams& params);

  [[nodiscard]] const MlpParams& params() const noexcept { return params_; }
  /// \brief depth + 1 weight layers.
  [[nodiscard]] int layers() const noexcept { return params_.depth + 1; }
  /// \brief n_k, k = 0 .. depth + 1.
  [[nodiscard]] int units(int k) const noexcept { return units_[static_cast<std::size_t>(k)]; }
  /// \brief P = sum_k n_{k+1} (n_k + 1).
  [[nodiscard]] std::size_t parameter_count() const noexcept { return theta_.size(); }
  /// \brief Offset of W_k in theta; b_k follows at weight_offset(k) + n_{k+1} n_k.
  [[nodiscard]] std::size_t weight_offset(int k) const noexcept {
    return offsets_[static_cast<std::size_t>(k)];
  }
  [[nodiscard]] std::size_t bias_offset(int k) const noexcept {
    return weight_offset(k) + static_cast<std::size_t>(units(k + 1)) * static_cast<std::size_t>(units(k));
  }

  /// \brief All parameters; writable (an integrator drifts it). Outputs stored by forward() go stale.
  [[nodiscard]] std::vector<double>& theta() noexcept { return theta_; }
  [[nodiscard]] const std::vector<double>& theta() const noexcept { return theta_; }
  /// \brief View of W_k, n_{k+1} x n_k row-major, inside theta.
  [[nodiscard]] std::span<double> weights(int k) noexcept;
  [[nodiscard]] std::span<const double> weights(int k) const noexcept;
  /// \brief View of b_k, n_{k+1}, inside theta.
  [[nodiscard]] std::span<double> biases(int k) noexcept;
  [[nodiscard]] std::span<const double> biases(int k) const noexcept;
  /// \brief Redraws theta from `seed` (layout above).
  void initialise(std::uint64_t seed);

  /// \brief Evaluates the network on N points x [N x d] (row-major), keeping every layer for backward().
  void forward(std::span<const double> x, std::size_t points);
  /// \brief N of the last forward().
  [[nodiscard]] std::size_t points() const noexcept { return points_; }
  /// \brief f [N x O] of the last forward().
  [[nodiscard]] std::span<const double> outputs() const noexcept;
  /// \brief A_k [N x n_k], k = 0 .. depth (A_0 = x).
  [[nodiscard]] std::span<const double> activations(int k) const noexcept;
  /// \brief H_k [N x n_{k+1}], k = 0 .. depth (H_depth = f).
  [[nodiscard]] std::span<const double> preactivations(int k) const noexcept;

  /// \brief Back-propagates seed [N x O] through the last forward(); fills the sensitivities.
  void backward(std::span<const double> seed);
  /// \brief G_k [N x n_{k+1}] of the last backward(), k = 0 .. depth (G_depth = seed).
  [[nodiscard]] std::span<const double> sensitivities(int k) const noexcept;
  /// \brief grad[p] = sum_i seed_i . d f(x_i) / d theta_p from the last backward() (size P):
  /// dW_k = sigma_w G_k^T A_k / sqrt(n_k), db_k = sigma_b G_k^T 1.
  void parameter_gradient(std::span<double> grad) const;

  /// \brief L = (c/2) sum_i |f(x_i) - y_i|^2 and grad L (size P) in one forward and one backward pass.
  double loss_and_gradient(std::span<const double> x, std::span<const double> y, std::size_t points, double c,
                           std::span<double> grad);

  /// \brief The N O x P Jacobian d f_o(x_i) / d theta (row i O + o), one backward pass per row: for
  /// tests and small N only.
  [[nodiscard]] std::vector<double> jacobian(std::span<const double> x, std::size_t points);

private:
  MlpParams params_;
  std::vector<int> units_;           // n_0 .. n_{depth+1}
  std::vector<std::size_t> offsets_; // weight_offset(k)
  std::vector<double> theta_;
  std::size_t points_ = 0;
  std::vector<std::vector<double>> a_; // A_0 .. A_depth
  std::vector<std::vector<double>> h_; // H_0 .. H_depth
  std::vector<std::vector<double>> g_; // G_0 .. G_depth
  std::vector<double> work_;           // dF/dA during backward
};

} // namespace inflanet
