#pragma once
/// \file
/// \brief `nn.h5`: the network run's output file (issue 5's contract), written by rank 0 with serial HDF5.
///
/// Layout: x[N,d], y[N]; weights/W<l>[n_out,n_in], weights/b<l>[n_out] (initial network) and weights_final/
/// (final), each group with attributes activation, sigma_w, sigma_b, parameterization = "ntk", depth, width;
/// ntk[N,N] at t0 and ntk_eigenvalues[N] (ascending, round-off negatives clamped); extendible step[nt],
/// time[nt], loss[nt], f[nt,N], f_lin[nt,N], ntk_drift[nt], lin_gap[nt], mode_amplitudes[nt,N] (a_k = u_k .
/// (f - y) in the eigenbasis of Theta(0), same order as ntk_eigenvalues; only when the run has the
/// eigenbasis, i.e. NetworkRunAttributes::mode_amplitudes); root attributes eta, beta, c,
/// gamma, integrator, dataset, plus the FileMetadata (deck, code_version, git_commit, created, software).
/// The file is flushed after every append, so a reader sees whole rows of a run still in progress.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "inflanet/io/file_metadata.hpp"
#include "inflanet/nn/mlp.hpp"

namespace inflanet::io {

/// \brief Root attributes of nn.h5 that describe the training.
struct NetworkRunAttributes {
  double eta = 0.0, beta = 0.0, c = 0.0, gamma = 0.0;
  std::string integrator;
  std::string dataset;         ///< one-line description of the training data
  bool mode_amplitudes = true; ///< the run has Theta(0)'s eigenbasis: rows carry mode_amplitudes
  /// \brief The quantity of `time` (the program's time in a coupled run; the optimizer's own, a number, in a
  /// network-only run) and of the targets y (and so of f, f_lin, mode_amplitudes: a field in a coupled
  /// run). Written as each dataset's unit attributes (write_unit_attributes, in metadata.units), with those
  /// of step, x (the inputs: numbers), loss (1/time^2: L = (c/2) sum |f - y|^2 is the potential of the
  /// parameters' equation of motion, q'' + gamma q' + grad L = 0, in that time, with dimensionless
  /// parameters), ntk and ntk_eigenvalues (the targets' unit squared), ntk_drift and lin_gap (relative:
  /// numbers). The weights are unlabelled.
  QuantityUnit time_unit{};
  QuantityUnit target_unit{};
};

/// \brief One row of the extendible datasets.
struct NetworkRow {
  std::int64_t step = 0;
  double time = 0.0, loss = 0.0, ntk_drift = 0.0, lin_gap = 0.0;
  std::span<const double> f, f_lin, mode_amplitudes; ///< N values each (mode_amplitudes: empty without one)
};

/// \brief Creates (truncates) nn.h5 with the data set, the attributes and empty extendible datasets.
class NetworkFile {
public:
  NetworkFile(std::filesystem::path path, std::span<const double> x, std::span<const double> y,
              std::size_t points, int dim, const NetworkRunAttributes& attributes,
              const FileMetadata& metadata);
  /// \brief Reopens the nn.h5 of a run being restarted from `last_step` (rows past it dropped).
  [[nodiscard]] static NetworkFile open_existing(std::filesystem::path path, std::size_t points,
                                                 std::int64_t last_step);
  ~NetworkFile();
  NetworkFile(NetworkFile&&) noexcept;
  NetworkFile& operator=(NetworkFile&&) noexcept;

  /// \brief Writes group `name` ("weights" or "weights_final") with every W<l>, b<l> of the network.
  void write_weights(const std::string& name, const Mlp& network);
  /// \brief Writes ntk[N,N] and ntk_eigenvalues[N].
  void write_ntk(std::span<const double> theta, std::span<const double> eigenvalues);
  /// \brief Writes sites[N,3] (int64): the lattice index (i, j, k) of every training point, in the order of
  /// x, y and f (the coupled run's training points are lattice sites).
  void write_sites(std::span<const std::int64_t> sites);
  /// \brief Writes (or overwrites) one double root attribute.
  void write_attribute(const std::string& name, double value);
  /// \brief Appends one row to every extendible dataset and flushes.
  void append(const NetworkRow& row);

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  NetworkFile(std::filesystem::path path, std::size_t points);
  struct State;
  std::filesystem::path path_;
  std::size_t points_;
  std::unique_ptr<State> state_;
};

} // namespace inflanet::io
